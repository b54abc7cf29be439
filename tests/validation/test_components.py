"""The compiled core constraints (hwkg.validation.components) give pyshacl's answer.

Two kinds of evidence, both against pyshacl (the reference validator) on the same input:

- feature cases as data (``components/*.trig``: a ``<urn:shapes>`` and a ``<urn:data>`` graph),
  one per group of SHACL features, including features the compiler leaves to pyshacl;
- the bundled shapes' core constraints on mutated copies of the shape cases (a triple
  dropped, an object swapped for another term, a second value added, a type changed), so the
  comparison covers violations no one wrote a case for. (Only the core constraints: the
  SPARQL-based ones are the same queries in both, and where the two SPARQL engines differ —
  Oxigraph casts ``false`` to the double 0, rdflib does not — that is not this compiler's.)
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from tests.validation.test_shape_cases import CASES, INVALID, VALID, vocabulary

from hwkg.core.namespaces import HW
from hwkg.core.problems import Problem
from hwkg.turtle.parsing import read
from hwkg.turtle.skolem import skolemize
from hwkg.validation import components
from hwkg.validation.constraints import core_shapes
from hwkg.validation.shacl import validate

FEATURES = sorted((Path(__file__).parent / "components").glob("*.trig"))

Key = tuple[str, str | None, str | None, str | None, str, str]


def _keys(problems: list[Problem]) -> set[Key]:
    return {(p.file, p.focus, p.path, p.shape, p.message, p.severity) for p in problems}


def _both(data: Graph, shapes: Graph, ontology: Graph, files: dict[URIRef, str]) -> tuple[
        set[Key], set[Key]]:
    fast = validate(data, shapes, ontology, files)
    reference = validate(data, shapes, ontology, files, reference=True)
    return _keys(fast), _keys(reference)


def _feature(path: Path) -> tuple[Graph, Graph]:
    dataset = Dataset()
    dataset.parse(path, format="trig")
    shapes, data = Graph(), Graph()
    for s, p, o in dataset.graph(URIRef("urn:shapes")):
        shapes.add((s, p, o))
    for s, p, o in dataset.graph(URIRef("urn:data")):
        data.add((s, p, o))
    assert len(shapes) and len(data), f"{path.name}: needs <urn:shapes> and <urn:data>"
    return shapes, data


def test_feature_cases_were_found() -> None:
    assert len(FEATURES) >= 4


@pytest.mark.parametrize("case", FEATURES, ids=lambda p: p.stem)
def test_feature_case_gives_pyshacls_answer(case: Path) -> None:
    shapes, data = _feature(case)
    files = {s: case.name for s in data.subjects() if isinstance(s, URIRef)}
    fast, reference = _both(skolemize(data), shapes, Graph(), files)
    assert reference, f"{case.name} trips nothing: it tests nothing"
    assert fast == reference, {"only fast": fast - reference, "only pyshacl": reference - fast}


def test_every_bundled_shape_compiles() -> None:
    """Nothing of the bundled shapes is left to pyshacl (so load-time validation at any size
    checks every constraint): a shape that stops compiling fails here, not silently."""
    _ontology, shapes = vocabulary()
    plan = components.plan(shapes)
    assert not plan.has_residual
    assert sum(len(c.parts) or 1 for c in plan.constraints) > 150  # one per component


def test_unsupported_features_are_left_to_pyshacl() -> None:
    shapes, _data = _feature(Path(__file__).parent / "components" / "severity-and-residual.trig")
    plan = components.plan(shapes)
    assert plan.has_residual
    left = {str(o) for o in plan.residual.objects(None, SH.property)}
    assert {s.rsplit("#", 1)[-1] for s in left} == {"Doc-authorName", "Doc-same", "Doc-one"}
    assert (None, SH.closed, None) in plan.residual


# -- mutations of the shape cases, against the bundled shapes ------------------------------

_ODD_OBJECTS = [
    Literal("x"), Literal("x", lang="en"), Literal(-1), Literal("2.5", datatype=XSD.decimal),
    Literal("abc", datatype=XSD.integer), Literal("2023", datatype=XSD.gYear),  # a valid year:
    # an ill-formed one is a violation here and not in pyshacl (see the last test)
    Literal("2023-02-30", datatype=XSD.date), Literal("maybe", datatype=XSD.boolean),
    Literal(10**30), Literal("not a uri", datatype=XSD.anyURI),
    URIRef("https://w3id.org/hwkg/id/chip/nowhere"), URIRef("https://w3id.org/hwkg/ontology#GPU"),
]


def _mutants(case: Path, count: int, seed: int) -> list[tuple[str, Graph]]:
    data, _files, problems = read([CASES / "context.ttl", case])
    assert not problems
    graph = skolemize(data)
    triples = sorted(graph, key=lambda t: tuple(map(str, t)))
    nodes = sorted({t[2] for t in triples if isinstance(t[2], URIRef)}, key=str)
    rng = random.Random(seed)
    out = []
    for i in range(count):
        s, p, o = rng.choice(triples)
        mutant = Graph()
        for t in graph:
            mutant.add(t)
        action = rng.choice(["drop", "swap", "swap", "add", "retype"])
        if action == "drop":
            mutant.remove((s, p, o))
        elif action == "swap":
            mutant.remove((s, p, o))
            mutant.add((s, p, rng.choice(_ODD_OBJECTS + nodes)))
        elif action == "add":
            mutant.add((s, p, rng.choice(_ODD_OBJECTS + nodes)))
        else:
            mutant.remove((s, RDF.type, None))
            mutant.add((s, RDF.type, rng.choice([n for n in nodes if "ontology#" in str(n)]
                                                 or nodes)))
        out.append((f"{case.stem}#{i} {action} {p}", mutant))
    return out


def _mutated_cases() -> list[tuple[str, Graph]]:
    chosen = VALID + INVALID[::6]
    return [m for i, case in enumerate(chosen) for m in _mutants(case, 2, seed=i)]


MUTANTS = _mutated_cases()


def test_mutants_trip_constraints() -> None:
    """The mutations are not all harmless: many of them must break a core constraint."""
    ontology, shapes = vocabulary()
    broken = sum(1 for _name, graph in MUTANTS
                 if validate(graph, core_shapes(shapes), ontology, _files(graph)))
    assert len(MUTANTS) >= 30 and broken >= len(MUTANTS) // 3, (broken, len(MUTANTS))


def _files(graph: Graph) -> dict[URIRef, str]:
    return {s: "case.ttl" for s in graph.subjects() if isinstance(s, URIRef)}


@pytest.mark.parametrize("name,graph", MUTANTS, ids=[name for name, _g in MUTANTS])
def test_mutant_gives_pyshacls_answer(name: str, graph: Graph) -> None:
    ontology, shapes = vocabulary()
    fast, reference = _both(graph, core_shapes(shapes), ontology, _files(graph))
    assert fast == reference, {"only fast": fast - reference, "only pyshacl": reference - fast}


def test_an_ill_formed_year_is_a_violation_here() -> None:
    """Stricter than pyshacl, as SHACL says: pyshacl passes an ill-formed ``xsd:gYear`` (rdflib
    does not convert the type); the compiled ``sh:datatype`` does not."""
    ontology, shapes = vocabulary()
    data, files, _ = read([CASES / "context.ttl", CASES / "valid" / "launch-month.ttl"])
    data = skolemize(data)
    chip = next(s for s in data.subjects(RDF.type, None) if "/chip/" in str(s))
    assert not validate(data, shapes, ontology, files)
    data.remove((chip, HW.launchDate, None))
    data.add((chip, HW.launchDate, Literal("20x3", datatype=XSD.gYear)))
    problems = validate(data, shapes, ontology, files)
    assert [(p.shape, p.path) for p in problems] == [("hwsh:Chip-launchDate", "hw:launchDate")]
    assert not validate(data, shapes, ontology, files, reference=True)
