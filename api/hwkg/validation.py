"""SHACL validation with pyshacl, reported as Problems that name file, focus node and shape.

pyshacl is the reference validator. Data is validated as rdflib graphs parsed from Turtle,
never through Oxigraph, so plain literals keep the meaning the shapes were written for.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from .namespaces import compact
from .problems import Problem
from .turtle import owner_of


def _label(graph: Graph, node: object) -> str:
    if isinstance(node, URIRef):
        return compact(str(node))
    if isinstance(node, BNode):
        owner = owner_of(graph, node)
        if owner is not None:
            prop = next(
                (p for s, p in graph.subject_predicates(node) if isinstance(p, URIRef)), None
            )
            return f"{compact(str(owner))} {compact(str(prop)) if prop else ''}[statement]".strip()
        return "[blank node]"
    return str(node)


_IRI = re.compile(r"<?(https?://[^\s<>\"{}|^`]+)>?")


def _compact_iris(text: str) -> str:
    return _IRI.sub(lambda m: compact(m.group(1)), text)


def _file_of(graph: Graph, focus: object, files: Mapping[URIRef, str]) -> str:
    owner = focus if isinstance(focus, URIRef) else None
    if isinstance(focus, BNode):
        owner = owner_of(graph, focus)
    return files.get(owner, "<graph>") if owner is not None else "<graph>"


def validate(
    data: Graph, shapes: Graph, ontology: Graph, files: Mapping[URIRef, str]
) -> list[Problem]:
    """Validate ``data`` against ``shapes`` (with ``ontology`` for class hierarchy).

    ``files`` maps each subject IRI to the file that describes it, so each problem names a
    file. Returns the problems, violations first; an empty list means the data conforms.
    """
    _conforms, report, _text = shacl_validate(
        data + ontology,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if not isinstance(report, Graph):  # pyshacl returns a ValidationFailure for broken shapes
        return [Problem(file="<shapes>", message=f"the shapes cannot be run: {report}",
                        shape="shapes graph")]
    problems = []
    for result in report.subjects(SH.resultSeverity, None):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        shape = report.value(result, SH.sourceShape)
        severity = report.value(result, SH.resultSeverity)
        problems.append(
            Problem(
                file=_file_of(data, focus, files),
                message=_compact_iris(str(message)) if isinstance(message, Literal) else "constraint violated",
                focus=_label(data, focus),
                path=compact(str(path)) if isinstance(path, URIRef) else None,
                shape=compact(str(shape)) if isinstance(shape, URIRef) else "anonymous shape",
                severity=str(severity).rsplit("#", 1)[-1],
            )
        )
    problems.sort(key=lambda p: (p.severity != "Violation", p.file, p.focus or "", p.message))
    return problems
