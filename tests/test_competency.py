"""Competency questions and verify queries, run on the bundled graph through Oxigraph.

``tests/competency/<claim>.rq`` is a question named as the claim it checks; beside it,
``<claim>.csv`` holds the expected answer (SPARQL CSV results, rows in any order) or
``<claim>.ask`` holds ``true``/``false``. ``tests/verify/<trap>.rq`` are queries that must
return no rows: each finds instances of one trap the sources set.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from hwkg.core.namespaces import PREFIXES
from hwkg.loading.snapshot import Snapshot

HERE = Path(__file__).parent
QUESTIONS = sorted((HERE / "competency").glob("*.rq"))
VERIFY = sorted((HERE / "verify").glob("*.rq"))


def run(snapshot: Snapshot, query_file: Path) -> ox.QuerySolutions | ox.QueryBoolean:
    return snapshot.store.query(
        query_file.read_text("utf-8"), prefixes=PREFIXES, use_default_graph_as_union=True
    )


def rows(result: ox.QuerySolutions) -> tuple[list[str], list[tuple[str, ...]]]:
    text = result.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
    table = list(csv.reader(io.StringIO(text)))
    return table[0], sorted(tuple(row) for row in table[1:])


def test_questions_and_verify_queries_found() -> None:
    assert len(QUESTIONS) >= 8 and len(VERIFY) >= 8


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
