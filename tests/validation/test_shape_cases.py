"""Shape cases as data: every valid case conforms, every invalid case trips exactly its shapes.

Each case is validated with tests/cases/context.ttl (a vendor, a source, a link) against
the ontology and shapes only, so the cases do not depend on the bundled data.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from rdflib import Graph

from hwkg.core import resources
from hwkg.core.problems import Problem
from hwkg.turtle.parsing import read
from hwkg.turtle.skolem import skolemize
from hwkg.validation.shacl import validate

CASES = Path(__file__).parents[1] / "cases"
VALID = sorted((CASES / "valid").glob("*.ttl"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))


def expected_shapes(path: Path) -> set[str]:
    match = re.search(r"^# expect: (.+)$", path.read_text("utf-8"), re.MULTILINE)
    assert match, f"{path.name} has no '# expect: hwsh:…' line"
    return set(match.group(1).split())


@functools.cache
def vocabulary() -> tuple[Graph, Graph]:
    ontology, _, p1 = read(resources.turtle_files(resources.ontology_dir()))
    shapes, _, p2 = read(resources.turtle_files(resources.shapes_dir()))
    assert not (p1 + p2), [str(p) for p in p1 + p2]
    return ontology, shapes


def problems_of(case: Path, reference: bool = False) -> list[Problem]:
    ontology, shapes = vocabulary()
    data, files, p3 = read([CASES / "context.ttl", case])
    assert not p3, [str(p) for p in p3]
    found = validate(skolemize(data), shapes, ontology, files, reference=reference)
    return [p for p in found if p.severity == "Violation"]


def test_cases_were_found() -> None:
    assert len(VALID) >= 5 and len(INVALID) >= 20


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.stem)
def test_valid_case_conforms(case: Path) -> None:
    assert [str(p) for p in problems_of(case)] == []


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_case_trips_its_shapes(case: Path) -> None:
    problems = problems_of(case)
    assert {p.shape for p in problems} == expected_shapes(case), [str(p) for p in problems]
    for problem in problems:
        assert problem.file == str(case), "the problem must name the case's file"
        assert problem.focus and problem.message, str(problem)
        assert "{$" not in problem.message and "{?" not in problem.message, problem.message


@pytest.mark.parametrize("case", VALID + INVALID, ids=lambda p: p.stem)
def test_set_based_validation_agrees_with_pyshacl(case: Path) -> None:
    """The fast path (SPARQL constraints as one query each on Oxigraph) = pyshacl's answer."""
    fast = {(p.file, p.focus, p.path, p.shape, p.message) for p in problems_of(case)}
    reference = {(p.file, p.focus, p.path, p.shape, p.message) for p in problems_of(case, True)}
    assert fast == reference
