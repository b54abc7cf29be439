"""The site's pages over HTTP (live servers; the browser tests are
linkeddata/test_comparison_browser.py).

- ``/`` is the comparison page (scripts and the chart library served from this server, never
  a CDN), ``/browse`` the entity index, ``/compare?chips=…`` the side-by-side view;
- entity pages show prices (amount, currency, units, kind, date, provider), sourced absences,
  a benchmark summary (round, benchmark, system, value, unit), a hook for the derived figures,
  and "Referenced by" names the system a component belongs to;
- ``/.well-known/void`` answers browsers with HTML and RDF clients with RDF;
- every page, GraphiQL included, carries the site header.
"""

from __future__ import annotations

import re

import httpx
import pyoxigraph as ox
import pytest

from hwkg.derived import coverage
from hwkg.linkeddata.comparison import MAX_CHIPS, MISSING_SHOWN, requested
from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import cached

pytestmark = pytest.mark.server

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NAV = ['href="/"', 'href="/browse"', 'href="/sparql"', 'href="/graphql"', 'href="/ontology"',
       'href="/dumps/"', 'href="/.well-known/void"']


@pytest.fixture(scope="module")
def tiny(fixture_server: str) -> httpx.Client:
    return httpx.Client(base_url=fixture_server, timeout=60, follow_redirects=True,
                        headers={"accept": BROWSER_ACCEPT})


@pytest.fixture(scope="module")
def bundled(live_server: str) -> httpx.Client:
    return httpx.Client(base_url=live_server, timeout=60, follow_redirects=True,
                        headers={"accept": BROWSER_ACCEPT})


def local_sources(html: str) -> list[str]:
    """Every script src and stylesheet href of a page."""
    return re.findall(r'<script[^>]* src="([^"]+)"', html) + re.findall(
        r'<link[^>]* rel="stylesheet"[^>]* href="([^"]+)"', html)


def test_home_is_the_comparison_page_with_local_assets(tiny: httpx.Client) -> None:
    page = tiny.get("/")
    assert page.status_code == 200 and '<table id="chips"' in page.text
    assert 'id="chart-price"' in page.text and 'id="chart-memory"' in page.text
    assert 'id="chart-cloud"' in page.text
    assert 'href="/browse"' in page.text
    assets = local_sources(page.text)
    assert "/assets/chartjs/chart.umd.min.js" in assets and "/static/table.js" in assets
    for path in assets:
        assert path.startswith("/"), f"{path} is not served by this server"
        answer = tiny.get(path)
        assert answer.status_code == 200 and answer.content, path


def test_browse_lists_the_entities(tiny: httpx.Client) -> None:
    page = tiny.get("/browse")
    assert page.status_code == 200
    for link in ("/id/chip/testco-alpha", "/id/offer/testco-alpha-msrp", "/id/system/testco-box-8"):
        assert f'href="{link}"' in page.text


def test_requested_slugs() -> None:
    assert requested(" NVIDIA-H100-SXM5-80GB, apple-m2-ultra,,apple-m2-ultra") == [
        "nvidia-h100-sxm5-80gb", "apple-m2-ultra"]
    assert requested(None) == [] and requested("") == []


def test_compare_view_names_its_chips_and_the_unknown(tiny: httpx.Client) -> None:
    page = tiny.get("/compare", params={"chips": "testco-alpha,testco-beta,no-such-chip"})
    assert page.status_code == 200
    assert "<title>Testco Alpha vs Testco Beta — hwkg</title>" in page.text
    assert "&#34;testco-alpha&#34;, &#34;testco-beta&#34;" in page.text  # data-chips, escaped
    assert "<code>no-such-chip</code>" in page.text
    assert 'id="train-form"' in page.text and 'id="serve-form"' in page.text
    empty = tiny.get("/compare")
    assert empty.status_code == 200 and "nvidia-h100-sxm5-80gb,apple-m2-ultra" in empty.text
    assert 'id="train-form"' not in empty.text


def test_compare_keeps_at_most_four(bundled: httpx.Client) -> None:
    slugs = ["nvidia-h100-sxm5-80gb", "apple-m2-ultra", "amd-instinct-mi300x", "intel-gaudi3",
             "google-tpu-v5p"]
    page = bundled.get("/compare", params={"chips": ",".join(slugs)})
    assert page.status_code == 200 and MAX_CHIPS == 4
    assert "left out: Google" in page.text
    assert page.text.count("&#34;") == 2 * MAX_CHIPS


def test_entity_page_lists_prices(tiny: httpx.Client) -> None:
    page = tiny.get("/id/chip/testco-alpha").text
    assert 'id="derived" data-chip="testco-alpha"' in page and "/static/entity.js" in page
    prices = page[page.index('<table class="offers">'):]
    prices = prices[:prices.index("</table>")]
    assert "10,000 USD" in prices and "2024-01-15" in prices and "launch price" in prices
    assert "2 USD" in prices and "Testco Cloud" in prices and "cloud price per hour" in prices
    beta = tiny.get("/id/chip/testco-beta").text
    assert "72,000 CNY" in beta and "street price" in beta and "2024-03-01" in beta
    assert "≈ 72,000 CNY" in beta                      # the source gave it as approximate
    assert "≈ 10,000" not in page and "10,000 USD" in page  # an exact amount has no sign


def test_entity_page_summarises_benchmark_results(tiny: httpx.Client) -> None:
    page = tiny.get("/id/chip/testco-alpha").text
    table = page[page.index('<table class="results">'):]
    rows = re.findall(r"<tr>(.*?)</tr>", table[:table.index("</table>")], re.S)
    training = next(r for r in rows if "Test training benchmark (fixture)" in r)
    assert ">20<" in training and "<td>min</td>" in training  # the best of 120 and 20 minutes
    assert "Testco Box 64" in training and "(64 × this chip)" in training
    assert training.rstrip().endswith("<td>2</td>")  # chosen from two results
    system = tiny.get("/id/system/testco-box-8").text
    assert "Test training on Box 8 (fixture)" in system and "<td>120</td>" not in system
    assert re.search(r'title="Test training on Box 8 \(fixture\)">120</a>', system)


def test_referenced_by_names_the_system_not_the_component(tiny: httpx.Client) -> None:
    page = tiny.get("/id/chip/testco-alpha").text
    section = page[page.index('id="referenced-by"'):]
    assert '<a href="/id/system/testco-box-8">Testco Box 8</a>' in section
    assert re.search(r'<a href="/id/component/[^"]+">component: 8 × [^<]+</a>', section)
    assert not re.search(r">[^<]*id/component/[^<]*</a>", section), "a component's IRI as text"


def test_entity_page_lists_sourced_absences(bundled: httpx.Client) -> None:
    page = bundled.get("/id/chip/apple-m2-ultra").text
    table = page[page.index('<table class="absences">'):]
    table = table[:table.index("</table>")]
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", table, re.S) if ">computeBF16<" in r)
    assert "not published" in row and 'href="/id/source/' in row


def test_void_for_browsers_and_for_rdf_clients(tiny: httpx.Client) -> None:
    html = tiny.get("/.well-known/void")
    assert html.headers["content-type"].startswith("text/html") and "Accept" in html.headers["vary"]
    assert "<h2 id=\"distributions\">" in html.text and 'href="/sparql"' in html.text
    for name in ("ttl", "nt", "jsonld", "rdf"):
        assert f'href="/.well-known/void?format={name}"' in html.text
    checksum = tiny.get("/dumps/hwkg.nt.sha256").text.split()[0]
    assert checksum in html.text
    cases = {"text/turtle": ox.RdfFormat.TURTLE, "": ox.RdfFormat.TURTLE,
             "*/*": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/ld+json": ox.RdfFormat.JSON_LD}
    for accept, fmt in cases.items():
        answer = tiny.get("/.well-known/void", headers={"accept": accept})
        assert answer.headers["content-type"].split(";")[0] == fmt.media_type, accept
        triples = list(ox.parse(answer.content, fmt))
        assert any(t.object == ox.NamedNode("http://rdfs.org/ns/void#Dataset") for t in triples)
    by_name = tiny.get("/.well-known/void", params={"format": "nt"})
    assert by_name.headers["content-type"].startswith("application/n-triples")


@pytest.mark.parametrize("path", ["/", "/browse", "/compare?chips=testco-alpha", "/sparql",
                                  "/ontology", "/dumps/", "/.well-known/void", "/graphql",
                                  "/id/chip/testco-alpha", "/id/chip/no-such-chip"])
def test_every_page_carries_the_site_header(tiny: httpx.Client, path: str) -> None:
    page = tiny.get(path)
    assert page.headers["content-type"].startswith("text/html"), path
    header = page.text[page.text.index('<header class="site">'):page.text.index("</header>")]
    assert all(link in header for link in NAV), path


def test_graphiql_page_in_the_site_layout(tiny: httpx.Client) -> None:
    page = tiny.get("/graphql").text
    assert '<a href="/graphql" aria-current="page">GraphQL</a>' in page
    assert "/assets/graphiql/graphiql.min.js" in page and 'id="graphiql"' in page
    assert "memoryPerDollar" in page  # the default query, as a JSON string


def _coverage_rows(page: str) -> dict[tuple[str, str], list[str]]:
    table = page[page.index('<section id="coverage"'):]
    table = table[:table.index("</section>")]
    rows = re.findall(r'<tr data-group="(\w+)" data-property="(\w+)">(.*?)</tr>', table, re.S)
    return {(g, p): re.findall(r'<td class="num">(.*?)</td>', body, re.S) for g, p, body in rows}


def test_home_page_shows_how_complete_the_graph_is(bundled: httpx.Client,
                                                   snapshot: Snapshot) -> None:
    page = bundled.get("/").text
    shown = _coverage_rows(page)
    report = coverage.report(cached.for_snapshot(snapshot))
    assert report and set(shown) == {(r.group, r.prop) for r in report}
    for row in report:
        value, absent, neither, covered, primary, absent_primary = shown[(row.group, row.prop)]
        assert (int(value), int(absent)) == (len(row.valued), len(row.absent))
        assert covered.strip() == f"{row.covered * 100:.0f} %"
        if row.missing:  # every chip lacking the property, linked (all rows are under the cap)
            assert len(row.missing) <= MISSING_SHOWN
            assert f"<summary>{len(row.missing)}</summary>" in neither
            assert all(f'href="/id/chip/{slug}"' in neither for slug in row.missing)
        else:
            assert neither == "0"
        want = "—" if row.primary is None else f"{len(row.primary)} of {len(row.valued)}"
        assert primary == want
        want = ("—" if row.absent_primary is None
                else f"{len(row.absent_primary)} of {len(row.absent)}")
        assert absent_primary == want
    assert any(r.missing for r in report) and any(r.primary for r in report)
    assert any(r.absent_primary for r in report)


def test_the_home_page_names_a_few_chips_per_row_and_counts_the_rest(snapshot: Snapshot) -> None:
    """A large graph lacks a figure on thousands of chips: the page links the first ones and
    counts the others (rendered with a cap of 2, so the bundled graph's rows exceed it)."""
    from hwkg.web import pages

    report = coverage.report(cached.for_snapshot(snapshot))
    page = bytes(pages.render("home.html", graph_version=snapshot.version, example="",
                              coverage=report, missing_shown=2).body).decode()
    shown = _coverage_rows(page)
    long_rows = [row for row in report if len(row.missing) > 2]
    assert long_rows
    for row in long_rows:
        neither = shown[(row.group, row.prop)][2]
        assert f"<summary>{len(row.missing)}</summary>" in neither
        assert [s for s in row.missing if f'href="/id/chip/{s}"' in neither] == row.missing[:2]
        assert f"and {len(row.missing) - 2} more" in neither and 'href="/coverage.json"' in neither


def test_coverage_json_is_the_whole_report(bundled: httpx.Client, snapshot: Snapshot) -> None:
    r = bundled.get("/coverage.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    report = coverage.report(cached.for_snapshot(snapshot))
    assert body["graphVersion"] == snapshot.version
    assert body["rows"] == [row.as_json() for row in report]
    assert any(row["missing"] for row in body["rows"])
    assert {row["group"] for row in body["rows"]} == {"accelerator", "cpu"}
