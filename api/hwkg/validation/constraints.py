"""SHACL-SPARQL constraints run set-based on Oxigraph: one query per constraint, not per node.

pyshacl runs a SPARQL constraint once per focus node (and re-parses it each time), which
grows with the graph. Here each ``sh:sparql`` constraint of a node shape, and each property
shape using a SPARQL-based constraint component, becomes one query in which ``$this`` is a
variable bound by the shape's target (``sh:targetClass``, ``sh:targetSubjectsOf`` or
``sh:targetObjectsOf``; a shape with SPARQL constraints and any other target is refused,
never skipped). The results are the same focus nodes, values and messages pyshacl would
report (a test runs both on every shape case). :func:`core_shapes` is what is left for
pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from hwkg.core import cpus
from hwkg.turtle.terms import to_rdflib

_VAR = re.compile(r"\{([?$])(\w+)\}")


@dataclass(frozen=True)
class Constraint:
    """One SPARQL constraint with its target, ready to run over a whole store."""

    #: The shape (None for a blank-node shape, reported as an anonymous shape).
    iri: URIRef | None
    #: The SPARQL pattern binding ``?this`` to the shape's focus nodes.
    target: str
    query: str
    message: str
    path: URIRef | None = None
    #: The shape's ``sh:severity`` (its local name), "Violation" by default.
    severity: str = "Violation"
    #: For a query checking several shapes at once: each shape's part (its shape, message,
    #: path, severity), which a row's ``?k`` (an index) names.
    parts: tuple[Constraint, ...] = ()


def _prefixes(shapes: Graph, holder: Node) -> str:
    lines = []
    for ontology in shapes.objects(holder, SH.prefixes):
        for decl in shapes.objects(ontology, SH.declare):
            prefix, ns = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(lines) + "\n"


_TARGETS = {
    SH.targetClass: " ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {} . ",
    SH.targetSubjectsOf: " ?this {} [] . ",
    SH.targetObjectsOf: " [] {} ?this . ",
}


def target_pattern(shapes: Graph, shape: Node) -> str | None:
    """The pattern binding ``?this`` to ``shape``'s focus nodes; None when it has no target.
    Raises ValueError for a target this engine cannot run (its constraints would be lost)."""
    patterns = [pattern.format(value.n3()) for kind, pattern in _TARGETS.items()
                for value in shapes.objects(shape, kind) if isinstance(value, URIRef)]
    if len(patterns) > 1:
        raise ValueError(f"{shape}: SPARQL constraints need exactly one target, not {patterns}")
    if not patterns and next(shapes.objects(shape, SH.targetNode), None) is not None:
        raise ValueError(f"{shape}: sh:targetNode is not supported with SPARQL constraints")
    return patterns[0] if patterns else None


def _bind(select: str, target: str, path: URIRef | None, params: dict[str, Node]) -> str:
    """Turn a per-node SELECT into a set-based one: ``$this`` bound by the target pattern."""
    text = select.replace("$this", "?this")
    if path is not None:
        text = text.replace("$PATH", path.n3())
    for name, value in params.items():
        text = re.sub(rf"\${name}\b", value.n3(), text)
    head, brace, body = text.partition("{")
    return head + brace + target + body


def _node_constraints(shapes: Graph) -> Iterator[Constraint]:
    for shape in set(shapes.subjects(SH.sparql, None)):
        target = target_pattern(shapes, shape)
        if target is None:
            raise ValueError(f"{shape}: a node shape with sh:sparql needs a target")
        for constraint in shapes.objects(shape, SH.sparql):
            select = shapes.value(constraint, SH.select)
            message = shapes.value(constraint, SH.message)
            if isinstance(constraint, URIRef) and select:
                query = _prefixes(shapes, constraint) + _bind(str(select), target, None, {})
                yield Constraint(constraint, target, query, str(message or ""))


def _component_constraints(shapes: Graph) -> Iterator[Constraint]:
    for component in shapes.subjects(RDF.type, SH.ConstraintComponent):
        validator = shapes.value(component, SH.propertyValidator)
        select = shapes.value(validator, SH.select) if validator else None
        names = [shapes.value(p, SH.path) for p in shapes.objects(component, SH.parameter)]
        if select is None or not names or not isinstance(names[0], URIRef):
            continue
        for prop_shape in shapes.subjects(names[0], None):
            params = {str(n).rsplit("#", 1)[-1]: shapes.value(prop_shape, n) for n in names}
            path = shapes.value(prop_shape, SH.path)
            for node_shape in shapes.subjects(SH.property, prop_shape):
                target = target_pattern(shapes, node_shape)
                if target is not None and isinstance(path, URIRef):
                    query = _prefixes(shapes, validator) + _bind(str(select), target, path, params)  # type: ignore[arg-type]
                    message = str(shapes.value(validator, SH.message) or "")
                    for name, value in params.items():
                        message = message.replace("{$" + name + "}", str(value))
                    yield Constraint(prop_shape, target, query, message, path)  # type: ignore[arg-type]


def collect(shapes: Graph) -> list[Constraint]:
    """Every SPARQL-based constraint of ``shapes`` in set-based form."""
    return [*_node_constraints(shapes), *_component_constraints(shapes)]


def core_shapes(shapes: Graph) -> Graph:
    """``shapes`` without the SPARQL-based parts, for pyshacl to run the core constraints."""
    drop = {c for c in shapes.subjects(RDF.type, SH.ConstraintComponent)}
    params = {shapes.value(p, SH.path) for c in drop for p in shapes.objects(c, SH.parameter)}
    out = Graph()
    for s, p, o in shapes:
        if p == SH.sparql or s in drop or p in params:
            continue
        out.add((s, p, o))
    return out


@dataclass(frozen=True)
class Violation:
    """A row of a constraint's results: the focus node, its value and the filled-in message."""

    constraint: Constraint
    focus: URIRef
    value: Node | None
    message: str


def _term(term: object) -> Node | None:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return to_rdflib(term)
    return None


def _get(row: ox.QuerySolution, name: str) -> object:
    try:
        return row[name]
    except (KeyError, IndexError, TypeError):
        return None


def _fill(message: str, row: ox.QuerySolution) -> str:
    """Replace ``{?var}``/``{$var}`` with the row's values, as pyshacl does."""

    def value(match: re.Match[str]) -> str:
        term = _get(row, match.group(2))
        return match.group(0) if term is None else str(getattr(term, "value", term))

    return _VAR.sub(value, message)


def query_scope(graphs: list[str] | None) -> dict[str, Any]:
    """``Store.query`` arguments making the default graph the union of every graph, or of
    the named ``graphs`` when given."""
    if graphs is None:
        return {"use_default_graph_as_union": True}
    return {"default_graph": [ox.NamedNode(g) for g in graphs]}


def threads() -> int:
    """Threads to run constraint queries on: the CPUs this process may use, at most 8
    (Oxigraph releases the GIL while it evaluates a query)."""
    return cpus.usable(8)


def run(constraints: list[Constraint], store: ox.Store,
        graphs: list[str] | None = None, workers: int | None = None) -> list[Violation]:
    """Run each constraint once over ``store`` and collect its rows, each distinct
    (constraint, focus, value, message) once, in the order of ``constraints``.

    The default graph is the union of every graph, or of the named ``graphs`` when given
    (a full hwkg store also holds shapes and truthy graphs, which are not data). The queries
    run on ``workers`` threads (default :func:`threads`).
    """
    scope = query_scope(graphs)

    def rows(query: Constraint) -> list[ox.QuerySolution]:
        return list(store.query(query.query, **scope))  # type: ignore[arg-type]

    with ThreadPoolExecutor(max_workers=workers or threads()) as pool:
        answers = list(pool.map(rows, constraints))
    found = []
    seen: set[tuple[object, ...]] = set()
    for query, solutions in zip(constraints, answers, strict=True):
        for row in solutions:
            focus = _term(_get(row, "this"))
            if isinstance(focus, URIRef):
                k = _get(row, "k")
                constraint = query.parts[int(k.value)] if query.parts and k else query  # type: ignore[attr-defined]
                # As SHACL-SPARQL says: without a ?value binding, the value is the focus node.
                value = _term(_get(row, "value")) or (focus if constraint.path is None else None)
                message = _fill(constraint.message, row)
                key = (constraint.iri, constraint.path, focus, value, message)
                if key not in seen:
                    seen.add(key)
                    found.append(Violation(constraint, focus, value, message))
    return found
