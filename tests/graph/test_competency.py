"""Competency questions and verify queries, run on the bundled graph through Oxigraph.

``tests/competency/<claim>.rq`` is a question named as the claim it checks; beside it,
``<claim>.csv`` holds the expected answer (SPARQL CSV results, rows in any order) or
``<claim>.ask`` holds ``true``/``false``. Questions the API derives (the workload planner)
are ``<claim>.graphql`` with the expected answer in ``<claim>.json``: every key the JSON
names must hold that value in the answer (numbers to 6 significant digits; lists in order;
keys it does not name are not compared). ``tests/verify/<trap>.rq`` are queries that must
return no rows: each finds instances of one trap the sources set; ``tests/verify/traps/
<trap>.ttl`` holds a small graph that falls into it, which the query must find (so a query
that can no longer match anything fails instead of passing for ever).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from hwkg.core.namespaces import PREFIXES
from hwkg.graphql.schema import schema
from hwkg.loading.snapshot import Snapshot, load_snapshot
from hwkg.readmodel import cached

HERE = Path(__file__).parents[1]
QUESTIONS = sorted((HERE / "competency").glob("*.rq"))
API_QUESTIONS = sorted((HERE / "competency").glob("*.graphql"))
VERIFY = sorted((HERE / "verify").glob("*.rq"))
TRAPS = HERE / "verify" / "traps"


def run(snapshot: Snapshot, query_file: Path) -> ox.QuerySolutions | ox.QueryBoolean:
    return snapshot.store.query(
        query_file.read_text("utf-8"), prefixes=PREFIXES, use_default_graph_as_union=True
    )


def rows(result: ox.QuerySolutions) -> tuple[list[str], list[tuple[str, ...]]]:
    text = result.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
    table = list(csv.reader(io.StringIO(text)))
    return table[0], sorted(tuple(row) for row in table[1:])


def test_questions_and_verify_queries_found() -> None:
    assert len(QUESTIONS) >= 8 and len(VERIFY) >= 8 and len(API_QUESTIONS) >= 6


def contains(answer: Any, expected: Any, path: str = "") -> list[str]:
    """Where ``answer`` differs from ``expected`` (a subset: only the keys it names)."""
    if isinstance(expected, dict):
        if not isinstance(answer, dict):
            return [f"{path}: expected an object, got {answer!r}"]
        return [d for k, v in expected.items()
                for d in (contains(answer[k], v, f"{path}.{k}") if k in answer
                          else [f"{path}.{k}: missing"])]
    if isinstance(expected, list):
        if not isinstance(answer, list) or len(answer) < len(expected):
            return [f"{path}: expected at least {len(expected)} items, got {answer!r}"]
        return [d for i, v in enumerate(expected) for d in contains(answer[i], v, f"{path}[{i}]")]
    if isinstance(expected, float) and isinstance(answer, (int, float)):
        return [] if math.isclose(answer, expected, rel_tol=1e-6) else [
            f"{path}: {answer} ≠ {expected}"]
    if isinstance(expected, str) and expected.startswith("~") and isinstance(answer, str):
        return [] if expected[1:] in answer else [f"{path}: {answer!r} lacks {expected[1:]!r}"]
    return [] if answer == expected else [f"{path}: {answer!r} ≠ {expected!r}"]


@pytest.mark.parametrize("question", API_QUESTIONS, ids=lambda p: p.stem)
def test_api_competency_question(snapshot: Snapshot, question: Path) -> None:
    result = schema().execute_sync(question.read_text("utf-8"),
                                   context_value={"catalog": cached.for_snapshot(snapshot)})
    assert not result.errors, result.errors
    expected = json.loads(question.with_suffix(".json").read_text("utf-8"))
    differences = contains(result.data, expected)
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda p: p.stem)
def test_competency_question(snapshot: Snapshot, question: Path) -> None:
    result = run(snapshot, question)
    ask, table = question.with_suffix(".ask"), question.with_suffix(".csv")
    if ask.exists():
        assert isinstance(result, ox.QueryBoolean)
        assert bool(result) is (ask.read_text().strip() == "true")
        return
    assert table.exists(), f"{question.name} needs {table.name} or {ask.name}"
    assert isinstance(result, ox.QuerySolutions)
    head, got = rows(result)
    expected = list(csv.reader(io.StringIO(table.read_text("utf-8"))))
    assert head == expected[0]
    assert got == sorted(tuple(row) for row in expected[1:])


@pytest.mark.parametrize("query", VERIFY, ids=lambda p: p.stem)
def test_verify_query_finds_nothing(snapshot: Snapshot, query: Path) -> None:
    result = run(snapshot, query)
    assert isinstance(result, ox.QuerySolutions)
    _, found = rows(result)
    assert found == [], f"{query.stem}: {found[:10]}"


def test_every_verify_query_has_its_trap() -> None:
    assert VERIFY and {q.stem for q in VERIFY} == {t.stem for t in TRAPS.glob("*.ttl")}


@pytest.fixture(scope="module")
def ontology_only() -> Snapshot:
    """The bundled ontology with no data: what each trap is compared against."""
    return load_snapshot(data=[], check_shapes=False)


@pytest.mark.parametrize("query", VERIFY, ids=lambda p: p.stem)
def test_verify_query_finds_its_trap(query: Path, ontology_only: Snapshot) -> None:
    """The trap's graph alone (with the bundled ontology, loaded as the bundled graph is, so
    the shortcut triples are computed the same way) gives the query rows; the ontology
    alone gives none, so the rows come from the trap. A trap file may also hold decoys
    (IRIs with ``/decoy``): look-alikes that are not errors, which no row may name."""
    trapped = load_snapshot(data=[TRAPS / f"{query.stem}.ttl"], check_shapes=False)
    trap, none = run(trapped, query), run(ontology_only, query)
    assert isinstance(trap, ox.QuerySolutions) and isinstance(none, ox.QuerySolutions)
    found = rows(trap)[1]
    assert found, f"{query.stem} finds nothing in its trap"
    assert not [row for row in found if any("/decoy" in cell for cell in row)], found
    assert rows(none)[1] == []
