"""The README's query examples, run as written against a live server on the bundled graph.

Every ```graphql and ```sparql block of README.md is sent to ``/graphql`` (a GraphQL client)
or ``/sparql`` (the SPARQL protocol, JSON results); each must succeed and return at least one
row, so the documentation cannot drift from the schema, the prefixes or the data.
"""

from __future__ import annotations

import re

import httpx
import pytest

from conftest import ROOT
from graphql_client import run

pytestmark = pytest.mark.server

BLOCK = re.compile(r"^```(graphql|sparql)\n(.*?)^```", re.M | re.S)
EXAMPLES = BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_examples_of_both_kinds() -> None:
    kinds = [kind for kind, _ in EXAMPLES]
    assert kinds.count("graphql") >= 1 and kinds.count("sparql") >= 2, kinds


def first_list(value: object) -> list[object] | None:
    """The first list found walking a GraphQL answer depth-first."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for item in value.values():
            found = first_list(item)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize(("kind", "text"), EXAMPLES,
                         ids=[f"{kind}-{i}" for i, (kind, _) in enumerate(EXAMPLES)])
def test_readme_example_answers_with_rows(live_server: str, kind: str, text: str) -> None:
    if kind == "graphql":
        rows = first_list(run(live_server, text))
    else:
        r = httpx.post(live_server + "/sparql", data={"query": text}, timeout=60,
                       headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        rows = r.json()["results"]["bindings"]
    assert rows, f"the README's {kind} example returned no rows"
