"""Headless Chromium, offline: the SPARQL editor runs a query and shows its table; an entity
page opens and a link leads to the next entity. Every request not to 127.0.0.1 is blocked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def page(chromium: str) -> Iterator[Any]:
    from playwright import sync_api
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        context = browser.new_context()
        blocked: list[str] = []

        def guard(route: Any) -> None:
            if urlparse(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.blocked = blocked
        yield page
        browser.close()


def test_editor_runs_a_query_offline(page: Any, live_server: str) -> None:
    labels = httpx.get(live_server + "/sparql", params={"query": (
        "SELECT ?l { ?c a/rdfs:subClassOf* hw:Chip ; rdfs:label ?l FILTER(lang(?l) = 'en') }")}
    ).json()["results"]["bindings"]
    assert labels, "the graph has no chips to show"
    page.goto(live_server + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror", timeout=30_000)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
    table = page.inner_text(".yasr table")
    assert any(b["l"]["value"] in table for b in labels)
    assert page.locator(".yasr table tbody tr").count() >= 1
    assert page.blocked == [], "the editor tried to reach other hosts"


def test_entity_page_and_a_link(page: Any, live_server: str) -> None:
    chips = httpx.get(live_server + "/sparql", params={"query": (
        "SELECT ?c ?l { ?c a/rdfs:subClassOf* hw:Chip ; rdfs:label ?l ; prov:wasDerivedFrom ?s "
        "FILTER(lang(?l) = 'en') } ORDER BY ?c LIMIT 1")}).json()["results"]["bindings"]
    assert chips
    chip = chips[0]
    path = "/" + chip["c"]["value"].removeprefix("https://w3id.org/hwkg/")
    page.goto(live_server + path)
    assert page.inner_text("h1") == chip["l"]["value"]
    assert page.locator("table.figures").count() in (0, 1)
    link = page.locator("table.facts a[href^='/id/source/']").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert urlparse(page.url).path.startswith("/data/source/")
    source_label = httpx.get(live_server + target, headers={"accept": "text/turtle"},
                             follow_redirects=True)
    assert source_label.status_code == 200
    assert page.inner_text("h1")
