"""GraphiQL in headless Chromium with the network cut off except 127.0.0.1: it loads from the
server's own /assets (npm packages), runs a typed query and shows the result."""

from __future__ import annotations

from urllib.parse import urlparse

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_graphiql_runs_a_typed_query_offline(fixture_server: str, chromium: str) -> None:
    from playwright import sync_api
    version = httpx.get(fixture_server + "/health", timeout=10).json()["version"]
    blocked: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()

            def only_loopback(route: object, request: object) -> None:
                host = urlparse(request.url).hostname  # type: ignore[attr-defined]
                if host == "127.0.0.1":
                    route.continue_()  # type: ignore[attr-defined]
                else:
                    blocked.append(request.url)  # type: ignore[attr-defined]
                    route.abort()  # type: ignore[attr-defined]

            page.route("**/*", only_loopback)
            page.goto(fixture_server + "/graphql", wait_until="load")
            editor = page.locator(".graphiql-query-editor .CodeMirror").first
            editor.wait_for(timeout=30_000)
            editor.click()
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
            page.keyboard.type("{ graphVersion")
            page.locator(".graphiql-execute-button").click()
            response = page.locator(".graphiql-response")
            response.get_by_text(version).wait_for(timeout=30_000)
            assert '"graphVersion"' in response.inner_text()
        finally:
            browser.close()
    assert blocked == [], f"the page tried to reach other hosts: {blocked}"
