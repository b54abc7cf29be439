"""The comparison pages in headless Chromium, offline: every request not to 127.0.0.1 is
blocked, and a test fails if the page tried one.

On the fixture graph (three made-up chips: two GPUs and a CPU) the table sorts by a column
both ways (missing values last), filters, searches in English and Chinese, and two selected
rows open the compare view, which shows sources and where they disagree; the planner forms
answer with units, formulas, assumptions, inputs and the reason for each missing figure; an
entity page shows its derived figures; Chinese labels render as glyphs, not as boxes. A smoke
test runs the pages on the bundled graph. Waits use Playwright's auto-waiting, never a clock.
Screenshots are written to ``$HWKG_SCREENSHOTS`` or a temporary folder, for people to look at.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(os.environ.get("HWKG_SCREENSHOTS") or Path(tempfile.gettempdir()) / "hwkg-screens")


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    from playwright import sync_api
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page whose requests to anything but 127.0.0.1 are aborted and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []
    errors: list[str] = []

    def guard(route: Any) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert blocked == [], f"the page tried to reach other hosts: {blocked}"
    assert errors == [], f"script errors: {errors}"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect


def open_table(page: Any, base: str, query: str = "") -> None:
    page.goto(base + "/" + query)
    page.locator("body[data-ready]").wait_for()


def slugs(page: Any) -> list[str]:
    rows = page.locator("#chips tbody tr")
    return [str(s) for s in rows.evaluate_all("rows => rows.map(r => r.dataset.slug)")]


def shows(page: Any, wanted: list[str]) -> None:
    """Waits until the table shows exactly ``wanted``, in that order."""
    expect()(page.locator("#chips tbody tr")).to_have_count(len(wanted))
    assert slugs(page) == wanted


# ------------------------------------------------------------------ the table (fixture graph)

def test_table_lists_accelerators_and_cpus_on_a_toggle(page: Any, fixture_server: str) -> None:
    open_table(page, fixture_server)
    shows(page, ["testco-alpha", "testco-beta"])  # dense BF16, most first: 400 and 380 TFLOPS
    expect()(page.locator("#count")).to_have_text("Showing 2 of 2 accelerators")
    alpha = page.locator("#chips tbody tr[data-slug=testco-alpha]")
    assert alpha.locator("td").nth(4).inner_text() == "80"        # memory, GB
    assert alpha.locator("td").nth(5).inner_text() == "2,000"     # 2 TB/s in GB/s
    page.check("#cpus")
    shows(page, ["testco-alpha", "testco-beta", "testco-gamma"])  # the CPU has no BF16: last
    shot(page, "table-fixture")


def test_sort_by_any_column_both_ways(page: Any, fixture_server: str) -> None:
    open_table(page, fixture_server)
    memory = page.locator("#chips th[data-key=memory]")
    memory.locator("button").click()
    expect()(memory).to_have_attribute("aria-sort", "descending")
    shows(page, ["testco-beta", "testco-alpha"])                  # 128 GB, 80 GB
    memory.locator("button").click()
    expect()(memory).to_have_attribute("aria-sort", "ascending")
    shows(page, ["testco-alpha", "testco-beta"])
    cloud = page.locator("#chips th[data-key=cloud]")
    for direction in ("descending", "ascending"):                # Beta has no cloud price:
        if cloud.get_attribute("aria-sort") != direction:        # last either way
            cloud.locator("button").click()
        expect()(cloud).to_have_attribute("aria-sort", direction)
        shows(page, ["testco-alpha", "testco-beta"])
    assert "sort=cloud.asc" in page.url                          # the state is in the URL
    page.locator("#chips th[data-key=name] button").click()
    shows(page, ["testco-alpha", "testco-beta"])


def test_filters(page: Any, fixture_server: str) -> None:
    open_table(page, fixture_server)
    page.fill("#minMemory", "100")
    shows(page, ["testco-beta"])
    page.fill("#minMemory", "")
    page.check("#cloud")
    shows(page, ["testco-alpha"])
    page.uncheck("#cloud")
    page.check("#priced")                                         # USD list price, CNY street price
    shows(page, ["testco-alpha", "testco-beta"])
    page.select_option("#kind", "CPU")
    shows(page, [])
    page.uncheck("#priced")
    shows(page, ["testco-gamma"])
    page.select_option("#vendor", "Testco")
    shows(page, ["testco-gamma"])
    page.click("#clear")
    shows(page, ["testco-alpha", "testco-beta"])


def test_search_in_english_and_chinese(page: Any, fixture_server: str) -> None:
    open_table(page, fixture_server)
    page.fill("#q", "alpha")
    shows(page, ["testco-alpha"])
    page.fill("#q", "测试 Beta")
    shows(page, ["testco-beta"])
    page.fill("#q", "测试b")                                       # spaces do not matter
    shows(page, ["testco-beta"])
    page.check("#cpus")
    page.fill("#q", "测试")
    shows(page, ["testco-alpha", "testco-beta", "testco-gamma"])
    page.fill("#q", "不存在")
    shows(page, [])
    expect()(page.locator("#count")).to_have_text("Showing 0 of 3 chips")
    open_table(page, fixture_server, "?q=%E6%B5%8B%E8%AF%95%20gamma&cpus=1")  # from the URL
    assert page.input_value("#q") == "测试 gamma"
    shows(page, ["testco-gamma"])


def test_a_missing_figure_says_why(page: Any, fixture_server: str) -> None:
    open_table(page, fixture_server)
    cloud = page.locator("#chips tbody tr[data-slug=testco-beta] td.missing").nth(0)
    assert cloud.inner_text() == "—"
    assert "no cloud hourly offer" in (cloud.get_attribute("title") or "")


def test_charts_mark_the_pareto_front(page: Any, fixture_server: str) -> None:
    open_table(page, fixture_server)
    points = page.evaluate("""() => ['chart-price', 'chart-memory', 'chart-cloud'].map(id => {
        const chart = Chart.getChart(document.getElementById(id));
        return [chart.data.datasets[0].data.length, chart.data.datasets[1].data.map(p => p.label),
                chart.options.scales.x.type, chart.options.scales.y.type]; })""")
    price, memory, cloud = points
    assert price[2:] == ["logarithmic", "logarithmic"]
    assert cloud[:2] == [0, ["Testco Alpha"]]  # only Alpha has a cloud rate (2 USD/h)
    expect()(page.locator("#chart-cloud-note")).to_contain_text("1 of the 2 chips shown; 1 lacks")
    # Alpha: 10,000 USD for 400 TFLOPS; Beta: 72,000 CNY (~10,286 USD) for 380: Alpha wins both.
    assert price[1] == ["Testco Alpha"] and price[0] == 1
    assert sorted(memory[1]) == ["Testco Beta"]  # 128 GB and 3.2 TB/s beat 80 GB and 2 TB/s
    expect()(page.locator("#chart-price-note")).to_contain_text("Pareto front: Testco Alpha")


# ------------------------------------------------------------------ compare view and planner

def test_select_two_rows_and_compare(page: Any, fixture_server: str) -> None:
    open_table(page, fixture_server)
    link = page.locator("#compare-link")
    expect()(link).to_have_attribute("aria-disabled", "true")
    page.check("input.select[data-slug=testco-beta]")
    expect()(link).to_have_attribute("aria-disabled", "true")    # one is not a comparison
    page.check("input.select[data-slug=testco-alpha]")
    expect()(link).to_have_attribute("aria-disabled", "false")
    link.click()
    page.wait_for_url("**/compare?chips=testco-beta,testco-alpha")
    page.locator("body[data-ready]").wait_for()
    heads = page.locator("#side-table thead th.chip-head")
    order = heads.evaluate_all("hs => hs.map(h => h.dataset.slug)")
    assert order == ["testco-beta", "testco-alpha"]
    bandwidth = page.locator("#side-table tr", has=page.locator("th", has_text="Memory bandwidth"))
    alpha = bandwidth.locator("td").nth(1)
    assert alpha.locator(".value").first.inner_text() == "2 TB/s"
    assert alpha.get_by_role("link", name="Testco datasheet (test fixture)").count() == 1
    disagree = alpha.locator(".disagree")
    assert "1,500 GB/s" in disagree.inner_text()
    assert "An early, wrong figure" in disagree.inner_text()
    assert bandwidth.locator("td").nth(0).locator(".best").count() == 1  # Beta's 3.2 TB/s
    price = page.locator("#side-table tr", has=page.locator("th", has_text="Purchase price"))
    beta_price = price.locator("td").nth(0).inner_text()
    assert "USD" in beta_price and "street price, 2024-03-01" in beta_price
    assert "USD→CNY" in beta_price                                 # converted at a dated rate
    offers = page.locator("#side-table tr", has=page.locator("th", has_text="Offers"))
    assert "≈ 72,000 CNY" in offers.locator("td").nth(0).inner_text()  # approximate at source
    assert "approximate" in beta_price                              # and so is the price used
    shot(page, "compare-fixture")


def test_add_a_chip_by_its_chinese_name(page: Any, fixture_server: str) -> None:
    page.goto(fixture_server + "/compare?chips=testco-alpha")
    page.locator("body[data-ready]").wait_for()
    page.fill("#add-chip", "测试 Beta")
    page.press("#add-chip", "Enter")
    page.wait_for_url("**/compare?chips=testco-alpha,testco-beta")
    page.locator("body[data-ready]").wait_for()
    expect()(page.locator("#side-table thead th.chip-head")).to_have_count(2)
    page.fill("#add-chip", "no such chip")
    page.click("#add-button")
    expect()(page.locator("#add-message")).to_contain_text("No chip is named")


def test_planner_forms(page: Any, fixture_server: str) -> None:
    page.goto(fixture_server + "/compare?chips=testco-alpha,testco-beta")
    page.locator("body[data-ready]").wait_for()
    page.fill("#t-parameters", "7e9")
    page.fill("#t-tokens", "1e11")
    page.click("#train-form button[type=submit]")
    page.locator("#plan-result[data-done^=Training]").wait_for()
    table = page.locator("#plan-table")
    time = table.locator("tr[data-key=time] td")
    assert time.nth(0).locator(".value").inner_text().endswith(" h")
    assert "days" in time.nth(0).inner_text()
    cost = table.locator("tr[data-key=cost] td").nth(1)              # Beta: no cloud rate
    assert cost.inner_text().startswith("—") and "no cloud hourly offer" in cost.inner_text()
    explained = page.locator("#plan-result details.explain").first
    assert "6" in explained.locator("ul.formulas").inner_text()
    assert explained.locator("ul.assumptions li").count() >= 3
    source = explained.locator("table.inputs").get_by_role(
        "link", name="Testco datasheet (test fixture)")
    assert source.count() >= 1
    shot(page, "plan-training-fixture")
    page.fill("#s-parameters", "7e9")
    page.fill("#s-target", "100")
    page.click("#serve-form button[type=submit]")
    page.locator("#plan-result[data-done^=Serving]").wait_for()
    bound = page.locator("#plan-table tr[data-key=decodeUpperBound] td").nth(0)
    assert bound.locator(".value").inner_text().endswith("tokens/s")
    devices = page.locator("#plan-table tr[data-key=devices] td").nth(0).inner_text()
    assert int(devices.replace(",", "")) >= 1
    shot(page, "plan-serving-fixture")


def test_planner_shows_an_api_error(page: Any, fixture_server: str) -> None:
    page.goto(fixture_server + "/compare?chips=testco-alpha")
    page.fill("#t-parameters", "65")                                 # billions, by mistake
    page.click("#train-form button[type=submit]")
    page.locator("#plan-result[data-done]").wait_for()
    assert "1e6" in page.locator("#plan-result .error").inner_text()


def test_entity_page_shows_derived_figures(page: Any, fixture_server: str) -> None:
    page.goto(fixture_server + "/id/chip/testco-alpha")
    page.locator("#derived[data-ready]").wait_for()
    price = page.locator("#derived tr[data-metric=price]")
    assert price.locator("td").nth(0).inner_text() == "10,000 USD"
    assert "2024-01-15" in price.locator("td").nth(1).inner_text()
    memory = page.locator("#derived tr[data-metric=memoryPerDollar] td").nth(0).inner_text()
    assert memory == "0.008 GB/USD"                                  # 80 GB / 10,000 USD
    beta_page = page.context.new_page()
    beta_page.goto(fixture_server + "/id/chip/testco-beta")
    beta_page.locator("#derived[data-ready]").wait_for()
    cloud = beta_page.locator("#derived tr[data-metric=cloud] td")
    assert cloud.nth(0).inner_text() == "—" and "no cloud hourly offer" in cloud.nth(1).inner_text()
    shot(page, "entity-fixture")


# ------------------------------------------------------------------ fonts, other pages

def test_a_chinese_label_renders_as_text(page: Any, fixture_server: str) -> None:
    """The label's Chinese characters are drawn as glyphs, not as boxes: drawn in the label's
    font at the same place, they differ from private-use code points (which no font has, so
    they are always the missing-glyph box) only when a CJK font draws them."""
    open_table(page, fixture_server)
    label = page.locator("#chips tbody tr[data-slug=testco-alpha] .zh")
    assert label.inner_text() == "测试 Alpha"
    page.evaluate("""() => {
        const cell = document.querySelector('#chips tbody tr[data-slug=testco-alpha] .zh');
        const chinese = cell.textContent.match(/[\\u4e00-\\u9fff]/g).join('');
        const style = getComputedStyle(cell);
        const boxes = '\\ue000'.repeat(chinese.length);
        for (const [id, text] of [['cjk-real', chinese], ['cjk-boxes', boxes]]) {
            const span = document.createElement('span');
            span.id = id; span.textContent = text;
            span.style.cssText = 'position:fixed;left:8px;top:8px;z-index:9;display:block;' +
                'background:#fff;color:#000;padding:4px;visibility:hidden';
            span.style.font = style.font;
            document.body.appendChild(span);
        }
    }""")
    images = []
    for name in ("cjk-real", "cjk-boxes"):
        page.evaluate("id => document.getElementById(id).style.visibility = 'visible'", name)
        images.append(page.locator("#" + name).screenshot())
        page.evaluate("id => document.getElementById(id).style.visibility = 'hidden'", name)
    assert images[0] != images[1], (
        "Chinese labels render as boxes: install a CJK font (scripts/setup --test)")


def test_void_and_graphiql_pages_in_the_browser(page: Any, fixture_server: str) -> None:
    page.goto(fixture_server + "/.well-known/void")
    assert page.locator("h1").inner_text() == "hwkg — the AI hardware knowledge graph"
    assert page.locator("table.distributions tbody tr").count() >= 4
    page.goto(fixture_server + "/graphql")
    page.locator(".graphiql-query-editor .CodeMirror").first.wait_for()
    assert page.locator("header.site a[aria-current=page]").inner_text() == "GraphQL"
    shot(page, "graphiql-fixture")


# ------------------------------------------------------------------ the bundled graph

def plottable(server: str) -> dict[str, int]:
    """How many chips the API gives a purchase price (``price``) or a cloud rate (``cloud``)
    together with a dense BF16 figure: what the home page's two price charts should plot."""
    query = """query($after: String) { chips(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { computeBF16 { value } price { value }
                cloud: price(priceBasis: CLOUD_HOURLY) { value } } } }"""
    counts, after = {"price": 0, "cloud": 0}, None
    while True:
        page = httpx.post(server + "/graphql", json={"query": query, "variables": {"after": after}},
                          timeout=60).json()["data"]["chips"]
        for chip in page["nodes"]:
            if (chip["computeBF16"] or {}).get("value") is not None:
                for name in counts:
                    counts[name] += (chip[name] or {}).get("value") is not None
        if not page["pageInfo"]["hasNextPage"]:
            return counts
        after = page["pageInfo"]["endCursor"]


def test_smoke_on_the_bundled_graph(page: Any, live_server: str) -> None:
    open_table(page, live_server)
    assert page.locator("#chips tbody tr").count() > 50
    plotted = page.evaluate("""() => ['chart-price', 'chart-memory', 'chart-cloud'].map(id =>
        Chart.getChart(document.getElementById(id)).data.datasets.map(d => d.data.length))""")
    assert all(front >= 1 for _, front in plotted)
    # each chart plots every chip the API gives both of its figures (purchase price or cloud
    # rate, and dense BF16), as its note says
    noted = {name: int(page.locator(f"#chart-{name}-note").inner_text().split(" of the ")[0])
             for name in ("price", "cloud")}
    assert noted == plottable(live_server) and all(noted.values()), noted
    shot(page, "table-bundled")
    page.fill("#q", "英伟达")
    names = page.locator("#chips tbody tr .zh").all_inner_texts()
    assert len(names) > 5 and all("英伟达" in n for n in names)
    page.fill("#q", "昇腾")
    assert all(s.startswith("huawei-ascend") for s in slugs(page)) and slugs(page)
    page.goto(live_server + "/compare?chips=nvidia-h100-sxm5-80gb,apple-m2-ultra")
    page.locator("body[data-ready]").wait_for()
    assert page.locator("#side-table .disagree").count() >= 1
    page.click("#train-form button[type=submit]")
    page.locator("#plan-result[data-done^=Training]").wait_for()
    time = page.locator("#plan-table tr[data-key=time] td")
    assert time.nth(0).locator(".value").inner_text().endswith(" h")
    assert "computeBF16" in time.nth(1).inner_text()               # Apple publishes no BF16
    shot(page, "compare-bundled")
