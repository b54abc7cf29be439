"""SHACL validation reported as Problems that name file, focus node and shape.

Every constraint runs set-based on Oxigraph (:func:`hwkg.validation.components.run`): the
core ones (cardinality, datatype, class, in …) compiled by :mod:`hwkg.validation.components`,
the SPARQL-based ones by :mod:`hwkg.validation.constraints`. pyshacl, the reference validator,
runs what does not compile, and every constraint when asked (``reference``: the tests
compare the two). Data must be skolemised first (:func:`hwkg.turtle.skolem.skolemize`) so
statements have names in both engines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from hwkg.core.namespaces import HW, compact
from hwkg.core.problems import Problem, in_order
from hwkg.turtle.parsing import owner_of
from hwkg.turtle.skolem import is_skolem
from hwkg.validation import components, constraints

_IRI = re.compile(r"<?(https?://[^\s<>\"{}|^`]+)>?")


def _compact_iris(text: str) -> str:
    return _IRI.sub(lambda m: compact(m.group(1)), text)


def _label(graph: Graph, node: object) -> str:
    """``prefix:local`` for entities; ``owner[property]`` for statements and other inner nodes."""
    if isinstance(node, BNode) or is_skolem(node):
        owner = owner_of(graph, node)  # type: ignore[arg-type]
        if owner is None:
            return compact(str(node)) if isinstance(node, URIRef) else "[blank node]"
        prop = next((p for _s, p in graph.subject_predicates(node)), None)  # type: ignore[arg-type]
        return f"{compact(str(owner))}[{compact(str(prop)) if prop else 'statement'}]"
    if isinstance(node, URIRef):
        return compact(str(node))
    return str(node)


def _message(data: Graph, message: object, value: object) -> str:
    """The shape's message, IRIs compacted, with the offending statement's figure appended."""
    text = _compact_iris(str(message)) if message else "constraint violated"
    if isinstance(value, (URIRef, BNode)):
        figure, unit = data.value(value, HW.value), data.value(value, HW.unit)
        if figure is not None:
            shown = compact(str(unit)) if isinstance(unit, URIRef) else "no unit"
            text += f" [statement value: {figure} {shown}]"
    return text


def _file_of(graph: Graph, focus: object, files: Mapping[URIRef, str]) -> str:
    """The file that wrote ``focus`` (a statement's own file when it is known), else the
    file of the entity that owns it."""
    if isinstance(focus, URIRef) and focus in files:
        return files[focus]
    owner = owner_of(graph, focus) if isinstance(focus, (BNode, URIRef)) else None
    return files.get(owner, "<graph>") if owner is not None else "<graph>"


def pyshacl_problems(data: Graph, shapes: Graph, files: Mapping[URIRef, str]) -> list[Problem]:
    """pyshacl's report of ``data`` against ``shapes``, as Problems."""
    _conforms, report, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
    )
    if not isinstance(report, Graph):  # pyshacl returns a ValidationFailure for broken shapes
        return [Problem("<shapes>", f"the shapes cannot be run: {report}", shape="shapes graph")]
    nested = set(report.objects(None, SH.detail))
    problems = []
    for result in report.subjects(SH.resultSeverity, None):
        if result in nested:  # reported through its parent result
            continue
        focus, path = report.value(result, SH.focusNode), report.value(result, SH.resultPath)
        constraint = report.value(result, SH.sourceConstraint)
        shape = (constraint if isinstance(constraint, URIRef)
                 else report.value(result, SH.sourceShape))
        message = report.value(result, SH.resultMessage)
        problems.append(Problem(
            file=_file_of(data, focus, files),
            message=_message(data, message if isinstance(message, Literal) else None,
                             report.value(result, SH.value)),
            focus=_label(data, focus),
            path=compact(str(path)) if isinstance(path, URIRef) else None,
            shape=compact(str(shape)) if isinstance(shape, URIRef) else "anonymous shape",
            severity=str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
        ))
    return problems


def problems_of(violations: list[constraints.Violation], data: Graph,
                files: Mapping[URIRef, str]) -> list[Problem]:
    """Problems for set-based constraint rows; ``data`` must hold each focus node's owner
    chain and each value's ``hw:value``/``hw:unit`` (the whole graph, or
    :func:`hwkg.validation.neighbourhood.around` of them)."""
    return [
        Problem(
            file=_file_of(data, v.focus, files),
            message=_message(data, v.message, v.value),
            focus=_label(data, v.focus),
            path=compact(str(v.constraint.path)) if v.constraint.path else None,
            shape=compact(str(v.constraint.iri)) if v.constraint.iri else "anonymous shape",
            severity=v.constraint.severity,
        )
        for v in violations
    ]


def _fast(data: Graph, shapes: Graph, files: Mapping[URIRef, str]) -> list[Problem]:
    """Every constraint that compiles to SPARQL, run set-based on an Oxigraph copy of
    ``data``; pyshacl for the core constraints that do not compile."""
    store = ox.Store()
    store.bulk_load(data.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    found, plan = components.run(shapes, store)
    problems = problems_of(found, data, files)
    if plan.has_residual:
        problems += pyshacl_problems(data, plan.residual, files)
    return problems


def validate(
    data: Graph,
    shapes: Graph,
    ontology: Graph,
    files: Mapping[URIRef, str],
    *,
    reference: bool = False,
) -> list[Problem]:
    """Validate skolemised ``data`` against ``shapes``, with ``ontology`` for class hierarchy.

    ``files`` maps each subject IRI to the file that describes it, so each problem names a
    file. Returns the problems, violations first; an empty list means the data conforms.
    Constraints run set-based on Oxigraph (:func:`_fast`); with ``reference`` every constraint
    runs in pyshacl instead (slow; the tests compare the two).
    """
    graph = data + ontology
    if reference:
        problems = pyshacl_problems(graph, shapes, files)
    else:
        problems = _fast(graph, shapes, files)
    return in_order(problems)
