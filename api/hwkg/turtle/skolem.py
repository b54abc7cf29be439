"""Deterministic IRIs for blank nodes, so statements can be named, linked and dereferenced.

A blank node's IRI is a hash of its owner, the property that reaches it and its own
content, so the same Turtle always gives the same IRIs and an edit to one statement
changes only that statement's IRI.
"""

from __future__ import annotations

import hashlib

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from hwkg.core.namespaces import BASE, HW

_KIND_SEGMENTS = {HW.Statement: "statement", HW.Component: "component"}


def _content_key(graph: Graph, node: BNode, seen: frozenset[BNode]) -> str:
    parts = []
    for p, o in graph.predicate_objects(node):
        if isinstance(o, BNode):
            text = "[]" if o in seen else "[" + _content_key(graph, o, seen | {o}) + "]"
        else:
            text = o.n3()
        parts.append(p.n3() + " " + text)
    return ";".join(sorted(parts))


def _context(graph: Graph, node: BNode) -> str:
    for s, p in graph.subject_predicates(node):
        owner = s.n3() if isinstance(s, URIRef) else "_"
        return f"{owner} {p.n3()}"
    return ""


SKOLEM_PREFIXES = (f"{BASE}id/statement/", f"{BASE}id/component/", f"{BASE}.well-known/genid/")


def is_skolem(node: object) -> bool:
    """True for an IRI that stands for a blank node of the source Turtle."""
    return isinstance(node, URIRef) and str(node).startswith(SKOLEM_PREFIXES)


def skolem_iri(graph: Graph, node: BNode) -> URIRef:
    """The IRI ``node`` gets: ``id/statement/…``, ``id/component/…`` or ``.well-known/genid/…``."""
    key = _context(graph, node) + "|" + _content_key(graph, node, frozenset({node}))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    kind = graph.value(node, RDF.type)
    segment = _KIND_SEGMENTS.get(kind) if isinstance(kind, URIRef) else None
    if segment:
        return URIRef(f"{BASE}id/{segment}/{digest}")
    return URIRef(f"{BASE}.well-known/genid/{digest}")


def skolemize(graph: Graph) -> Graph:
    """Return a copy of ``graph`` with every blank node replaced by its skolem IRI."""
    mapping: dict[Node, Node] = {}
    for node in set(graph.all_nodes()):
        if isinstance(node, BNode):
            mapping[node] = skolem_iri(graph, node)
    out = Graph()
    for s, p, o in graph:
        out.add((mapping.get(s, s), p, mapping.get(o, o)))
    return out
