"""Every entity IRI dereferences on the live server (303 pattern), in every format.

Expected descriptions are computed here from the server's own N-Quads dump, parsed by
pyoxigraph: the entity's triples plus those of the statements/components it owns.
"""

from __future__ import annotations

import json

import httpx
import pyoxigraph as ox
import pytest

from hwkg.core.namespaces import BASE

pytestmark = pytest.mark.server

RDF_TYPES = {"text/turtle": "ttl", "application/ld+json": "jsonld",
             "application/n-triples": "nt", "application/rdf+xml": "rdf"}
OWNED = (BASE + "id/statement/", BASE + "id/component/", BASE + ".well-known/genid/")


@pytest.fixture(scope="module")
def client(live_server: str) -> httpx.Client:
    return httpx.Client(base_url=live_server, timeout=60)


@pytest.fixture(scope="module")
def served(client: httpx.Client) -> ox.Store:
    """The server's graph, from its N-Quads dump."""
    store = ox.Store()
    store.load(client.get("/dumps/hwkg.nq").content, ox.RdfFormat.N_QUADS)
    return store


def expected(store: ox.Store, iri: str) -> set[ox.Triple]:
    """The entity's triples and its owned nodes'; a statement's or component's document also
    holds what points at it."""
    todo, seen, out = [iri], {iri}, set()
    if iri.startswith(OWNED):
        out = {q.triple for q in store.quads_for_pattern(None, None, ox.NamedNode(iri), None)}
        assert out, f"nothing points at {iri}"
    while todo:
        for quad in store.quads_for_pattern(ox.NamedNode(todo.pop()), None, None, None):
            out.add(quad.triple)
            o = quad.object
            if isinstance(o, ox.NamedNode) and o.value.startswith(OWNED) and o.value not in seen:
                seen.add(o.value)
                todo.append(o.value)
    return out


IS_REPLACED_BY = ox.NamedNode("http://purl.org/dc/terms/isReplacedBy")


def retired(store: ox.Store) -> dict[str, str]:
    """Retired IRI → the IRI that replaced it (an entity merged into another)."""
    return {q.subject.value: q.object.value
            for q in store.quads_for_pattern(None, IS_REPLACED_BY, None, None)}


def entities(store: ox.Store) -> list[str]:
    """The described entities' IRIs (retired ones, which redirect, left out)."""
    gone = retired(store)
    subjects = {q.subject.value for q in store if isinstance(q.subject, ox.NamedNode)
                and q.subject.value.startswith(BASE + "id/") and q.subject.value not in gone}
    return sorted(subjects)


def local(iri: str) -> str:
    return "/" + iri.removeprefix(BASE)


def test_every_entity_in_every_rdf_format(client: httpx.Client, served: ox.Store) -> None:
    iris = [i for i in entities(served) if not i.startswith(OWNED)]
    statements = [i for i in entities(served) if i.startswith(BASE + "id/statement/")]
    assert iris and statements
    checked = 0
    for iri in iris + statements[:: max(1, len(statements) // 50)]:
        want = expected(served, iri)
        for media_type, ext in RDF_TYPES.items():
            thing = client.get(local(iri), headers={"accept": media_type})
            assert thing.status_code == 303 and "Accept" in thing.headers["vary"]
            location = thing.headers["location"]
            assert location.endswith("." + ext)
            doc = client.get(location)
            assert doc.status_code == 200
            assert doc.headers["content-type"].startswith(media_type)
            fmt = ox.RdfFormat.from_media_type(media_type)
            got = {q.triple for q in ox.parse(doc.content, fmt)}
            assert got == want, (iri, media_type, len(got), len(want))
            checked += 1
    assert checked >= 4 * len(iris)


def test_html_pages(client: httpx.Client, served: ox.Store) -> None:
    iris = [i for i in entities(served) if not i.startswith(OWNED)]
    for iri in iris:
        page = client.get(local(iri), headers={"accept": "text/html"}, follow_redirects=True)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        labels = [q.object.value for q in served.quads_for_pattern(
            ox.NamedNode(iri), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)]
        assert all(label in page.text or _escaped(label) in page.text for label in labels)
        doc = local(iri).replace("/id/", "/data/", 1)
        for media_type, ext in RDF_TYPES.items():  # the RDF versions, for crawlers
            assert f'<link rel="alternate" type="{media_type}" href="{doc}.{ext}">' in page.text


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&#34;").replace("'", "&#39;")


def test_figures_show_units_ranks_and_sources(client: httpx.Client, served: ox.Store) -> None:
    rows = list(served.query(
        "SELECT ?e ?v WHERE { ?e ?p ?st . ?st a hw:Statement ; hw:value ?v ; hw:unit ?u ; "
        "hw:rank ?r ; prov:wasDerivedFrom ?src FILTER(!STRSTARTS(STR(?e), STR(stmt:))) } LIMIT 20",
        use_default_graph_as_union=True,
        prefixes={"hw": BASE + "ontology#", "prov": "http://www.w3.org/ns/prov#",
                  "stmt": BASE + "id/statement/"}))
    assert rows
    for row in rows:
        page = client.get(local(row["e"].value), headers={"accept": "text/html"},
                          follow_redirects=True)
        assert 'class="figures"' in page.text and "rank-" in page.text
        assert row["v"].value in page.text


@pytest.mark.parametrize("ext", ["ttl", "jsonld", "nt", "rdf", "html"])
def test_suffixes_for_clients_that_cannot_negotiate(client: httpx.Client, served: ox.Store,
                                                    ext: str) -> None:
    iri = next(i for i in entities(served) if not i.startswith(OWNED))
    via_id = client.get(local(iri) + "." + ext)
    assert via_id.status_code == 303 and via_id.headers["location"].endswith("." + ext)
    doc = client.get(via_id.headers["location"])
    assert doc.status_code == 200 and doc.headers["link"] == f'<{iri}>; rel="describes"'


def test_a_merged_entity_redirects_permanently_to_the_one_that_replaced_it(
        client: httpx.Client, served: ox.Store) -> None:
    moves = retired(served)
    assert moves  # the bundled graph has merged records (tests/verify keeps them pure)
    for old, new in moves.items():
        assert new in entities(served)
        thing = client.get(local(old), headers={"accept": "text/turtle"})
        assert thing.status_code == 301 and thing.headers["location"] == local(new)
        doc = client.get(local(old).replace("/id/", "/data/", 1) + ".ttl")
        assert doc.status_code == 301
        assert doc.headers["location"] == local(new).replace("/id/", "/data/", 1) + ".ttl"
        landed = client.get(local(old), headers={"accept": "text/turtle"}, follow_redirects=True)
        assert landed.status_code == 200 and landed.headers["link"] == f'<{new}>; rel="describes"'


def test_unknown_entity_is_404(client: httpx.Client) -> None:
    assert client.get("/id/chip/no-such-chip-xyz").status_code == 404


def test_unknown_slug_names_the_closest_entities(client: httpx.Client) -> None:
    text = client.get("/id/chip/nvidia-h100").text
    assert "closest existing IRIs" in text and f"<{BASE}id/chip/nvidia-h100-sxm5-80gb>" in text
    page = client.get("/id/chip/nvidia-h100", headers={"accept": "text/html"})
    assert page.status_code == 404 and 'href="/id/chip/nvidia-h100-pcie-80gb"' in page.text
    typo = client.get("/id/chip/nvidia-h100-sxm-80gb").text
    assert f"<{BASE}id/chip/nvidia-h100-sxm5-80gb>" in typo


def test_entity_json_ld_is_compacted_and_json_means_json_ld(client: httpx.Client) -> None:
    iri = f"{BASE}id/chip/nvidia-h100-sxm5-80gb"
    thing = client.get("/id/chip/nvidia-h100-sxm5-80gb", headers={"accept": "application/json"})
    assert thing.status_code == 303 and thing.headers["location"].endswith(".jsonld")
    doc = client.get(thing.headers["location"])
    body = doc.json()
    assert doc.headers["content-type"].startswith("application/ld+json")
    assert body["@context"]["hw"] == "https://w3id.org/hwkg/ontology#"
    nodes = body["@graph"] if "@graph" in body else [body]
    chip = next(n for n in nodes if n["@id"] in (iri, "chip:nvidia-h100-sxm5-80gb"))
    assert "hw:memoryCapacity" in chip
    assert "https://w3id.org/hwkg/ontology#memoryCapacity" not in chip
    expanded = client.get(thing.headers["location"], params={"profile": "expanded"}).json()
    text = json.dumps(expanded)
    assert "https://w3id.org/hwkg/ontology#memoryCapacity" in text and "@context" not in text
    # both forms are the same graph
    compact_graph = ox.Dataset(ox.parse(doc.content, ox.RdfFormat.JSON_LD))
    expanded_graph = ox.Dataset(ox.parse(json.dumps(expanded).encode(), ox.RdfFormat.JSON_LD))
    assert len(compact_graph) == len(expanded_graph) > 10
    assert client.get("/data/chip/no-such-chip-xyz.ttl").status_code == 404


def test_browse_links_to_entities(client: httpx.Client, served: ox.Store) -> None:
    page = client.get("/browse", headers={"accept": "text/html"})
    assert page.status_code == 200
    some = [i for i in entities(served) if not i.startswith(OWNED)][:20]
    assert all(f'href="{local(i)}"' in page.text for i in some)
