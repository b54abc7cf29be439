"""Reading the ontology, shapes and data into graphs: the one way hwkg loads its Turtle.

A :class:`Bundle` is the parsed, validated, skolemised graph plus the truthy shortcuts
and a version string that changes whenever any input file changes. Loading never
half-succeeds: any syntax error or shape violation raises :class:`InvalidGraph` with every
problem found, and the caller keeps whatever it had before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from hwkg.core import resources
from hwkg.core.problems import InvalidGraph, Problem
from hwkg.loading.truthy_rdflib import materialise
from hwkg.turtle.parsing import data_files, fingerprint, read
from hwkg.turtle.skolem import skolemize
from hwkg.validation.shacl import validate


@dataclass
class Bundle:
    """The loaded graph: each part as its own rdflib graph, plus where each subject came from."""

    ontology: Graph
    shapes: Graph
    data: Graph
    truthy: Graph
    files: dict[URIRef, str] = field(default_factory=dict)
    version: str = ""
    warnings: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ontology) + len(self.data) + len(self.truthy)


def load(
    home: Path | None = None,
    data: list[Path] | None = None,
    *,
    check: bool = True,
) -> Bundle:
    """Load ontology and shapes from ``home`` and the data files (default: ``home/graph``).

    With ``check`` the data is validated against the shapes; any violation (or any syntax
    error anywhere) raises :class:`InvalidGraph`. Warnings are kept on the bundle.
    """
    root = home or resources.home()
    ont_files = resources.turtle_files(root / "ontology")
    shape_files = resources.turtle_files(root / "shapes")
    data_paths = data if data is not None else data_files(root)
    ontology, _, problems = read(ont_files)
    shapes, _, shape_problems = read(shape_files)
    graph, files, data_problems = read(data_paths)
    problems += shape_problems + data_problems
    if problems:
        raise InvalidGraph(problems)
    data_graph = skolemize(graph)
    warnings: list[Problem] = []
    if check:
        found = validate(data_graph, shapes, ontology, files)
        violations = [p for p in found if p.severity == "Violation"]
        if violations:
            raise InvalidGraph(violations)
        warnings = [p for p in found if p.severity != "Violation"]
    return Bundle(
        ontology=ontology,
        shapes=shapes,
        data=data_graph,
        truthy=materialise(data_graph, ontology),
        files=files,
        version=fingerprint([*ont_files, *shape_files, *data_paths]),
        warnings=warnings,
    )
