"""A small helper: run a GraphQL query over HTTP with httpx and return ``data`` (no errors)."""

from __future__ import annotations

from typing import Any

import httpx


def run(base: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """POST ``query``; fail with the server's errors if there are any."""
    r = httpx.post(base + "/graphql", json={"query": query, "variables": variables or {}},
                   headers={"accept": "application/graphql-response+json"}, timeout=60)
    body = r.json()
    assert r.status_code == 200 and not body.get("errors"), body
    return body["data"]
