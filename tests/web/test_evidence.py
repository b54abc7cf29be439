"""Every source URL under the project's ``evidence/`` IRI space dereferences on the server to
the file shipped in ``graph/evidence/``, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from hwkg.core.namespaces import BASE
from hwkg.loading.snapshot import Snapshot

pytestmark = pytest.mark.server

QUERY = """PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?url WHERE { ?source schema:url ?url FILTER STRSTARTS(STR(?url), "%s") }"""


def evidence_urls(snapshot: Snapshot) -> list[str]:
    rows = snapshot.store.query(QUERY % (BASE + "evidence/"), use_default_graph_as_union=True)
    return sorted(row["url"].value for row in rows)  # type: ignore[union-attr,index]


def test_every_evidence_url_serves_its_file(live_server: str, snapshot: Snapshot,
                                            home: Path) -> None:
    urls = evidence_urls(snapshot)
    assert urls, "the measured systems cite evidence files"
    for url in urls:
        path = url.removeprefix(BASE)
        answer = httpx.get(f"{live_server}/{path}", timeout=30)
        assert answer.status_code == 200, url
        shipped = home / "graph" / path
        assert answer.content == shipped.read_bytes(), url
        if path.endswith(".json"):
            assert answer.headers["content-type"].startswith("application/json")
            json.loads(answer.content)


@pytest.mark.parametrize("path", ["/evidence/", "/evidence/../pyproject.toml",
                                  "/evidence/%2e%2e/%2e%2e/pyproject.toml",
                                  "/evidence/measured/nope.json"])
def test_nothing_else_is_served_under_evidence(live_server: str, path: str) -> None:
    answer = httpx.get(live_server + path, timeout=30)
    assert answer.status_code == 404, path
    assert b"[project]" not in answer.content
