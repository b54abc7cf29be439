"""Validating a graph already written into an Oxigraph store (the fast load path).

The fast path (:func:`hwkg.serving.stores.build`) runs it on the in-memory staging store, before
anything is written to disk: the same queries as on RocksDB, 4–7× faster.

What :func:`check` runs, set-based on the store over the data and ontology graphs, at any
size: every SHACL-SPARQL constraint of the shapes (the cross-entity and QA rules, plausible
ranges; :mod:`hwkg.validation.constraints`) and every SHACL core constraint (cardinality,
datatype, ``sh:class``, ``sh:in`` …) that compiles to SPARQL (:mod:`hwkg.validation.components`:
all of the bundled shapes' do). A core constraint that does not compile runs in pyshacl, the
reference validator, over the data read back from the store — only up to ``core_max`` data
triples (pyshacl over the whole graph grows faster than linearly: 105 s at 431k triples, and
did not finish at 3.5M); above it :func:`check` returns ``core_skipped`` so the caller says
so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from hwkg.core import resources
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY
from hwkg.core.problems import Problem, in_order
from hwkg.turtle.parsing import read
from hwkg.validation import components, neighbourhood

#: Data triples up to which core constraints that do not compile run in pyshacl (≈ 5,000 chips).
CORE_MAX = 250_000


@dataclass(frozen=True)
class Outcome:
    """The problems found, and whether the core constraints were skipped (graph too big)."""

    problems: list[Problem]
    core_skipped: bool


def scope(store: ox.Store) -> list[str] | None:
    """The graphs the SHACL-SPARQL constraints read: None (the union of the store's graphs)
    when ``store`` holds only the data and ontology graphs — Oxigraph answers over the union
    1.4× faster (bench/README.md, "On disk, the union") — else those two graphs, named."""
    named = {g.value if isinstance(g, ox.NamedNode) else "" for g in store.named_graphs()}
    default = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    if default is None and named <= {GRAPH_DATA, GRAPH_ONTOLOGY}:
        return None
    return [GRAPH_DATA, GRAPH_ONTOLOGY]


def _data_graph(store: ox.Store) -> Graph:
    payload = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(GRAPH_DATA))
    return Graph().parse(data=payload, format="nt")


def check(store: ox.Store, home: Path, files: dict[str, str], data_triples: int,
          core_max: int = CORE_MAX) -> Outcome:
    """Validate the data graph of ``store`` against ``home``'s shapes (see module docstring).

    ``files`` maps each entity IRI to the file describing it, for the problems' file names.
    """
    # pyshacl is imported here, not above: opening a cached store (hwkg query) never needs it.
    from hwkg.validation.shacl import problems_of, pyshacl_problems

    shapes, _, _ = read(resources.turtle_files(home / "shapes"))
    by_iri = {URIRef(k): v for k, v in files.items()}
    found, plan = components.run(shapes, store, scope(store))
    if plan.has_residual and data_triples <= core_max:
        # Some core constraint does not compile: pyshacl runs it over the whole data graph.
        ontology, _, _ = read(resources.turtle_files(home / "ontology"))
        data = _data_graph(store) + ontology
        problems = problems_of(found, data, by_iri) + pyshacl_problems(data, plan.residual, by_iri)
        return Outcome(in_order(problems), False)
    nodes = {str(v.focus) for v in found} | {str(v.value) for v in found
                                             if isinstance(v.value, URIRef)}
    context = neighbourhood.around(store, nodes) if nodes else Graph()
    return Outcome(in_order(problems_of(found, context, by_iri)), plan.has_residual)
