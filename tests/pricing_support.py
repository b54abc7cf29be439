"""The pricing fixture graph (tests/fixtures/pricing-graph) and a GraphQL runner over it, for
the price and planner tests: a plugin of tests/conftest.py, so ``ask`` and ``pricing_home``
are fixtures everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hwkg.graphql.schema import schema
from hwkg.loading.snapshot import load_snapshot
from hwkg.readmodel import cached

ROOT = Path(__file__).resolve().parents[1]
Ask = Callable[[str], dict[str, Any]]


@pytest.fixture(scope="module")
def pricing_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pricing-home")
    for name in ("ontology", "shapes"):
        (folder / name).symlink_to(ROOT / name)
    (folder / "graph").symlink_to(ROOT / "tests" / "fixtures" / "pricing-graph" / "graph")
    return folder


@pytest.fixture(scope="module")
def ask(pricing_home: Path) -> Ask:
    catalog = cached.for_snapshot(load_snapshot(pricing_home))

    def run(query: str) -> dict[str, Any]:
        result = schema().execute_sync(query, context_value={"catalog": catalog})
        if result.errors:
            return {"errors": [e.message for e in result.errors], "data": result.data}
        return result.data or {}
    return run
