"""Deterministic IRIs for blank nodes, so statements can be named, linked and dereferenced.

A blank node's IRI is a hash of its owner, the property that reaches it and its own content
(recursively, with literals in their normal lexical form, :mod:`hwkg.turtle.terms`), so the
same Turtle always gives the same IRIs and an edit to one statement changes only that
statement's IRI. Statements become ``id/statement/<hash>``, components
``id/component/<hash>``, any other blank node ``.well-known/genid/<hash>``.

There is one rule, :class:`Skolemiser`, over Oxigraph terms. The loader applies it file by
file (:func:`skolemised`); :func:`skolemize` applies it to a small rdflib graph (a
contribution an importer validates) by passing the triples through it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from hashlib import sha256
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from hwkg.core.namespaces import BASE, HW, SKOLEM_PREFIXES
from hwkg.turtle.terms import n3, normal

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_KIND_SEGMENTS = {str(HW.Statement): "statement", str(HW.Component): "component"}
Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def is_skolem(node: object) -> bool:
    """True for an IRI that stands for a blank node of the source Turtle."""
    if isinstance(node, ox.NamedNode):
        return node.value.startswith(SKOLEM_PREFIXES)
    return isinstance(node, URIRef) and str(node).startswith(SKOLEM_PREFIXES)


class Skolemiser:
    """The skolem IRI of each blank node of one file's (normalised) triples."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.children: dict[ox.BlankNode, list[tuple[ox.NamedNode, object]]] = defaultdict(list)
        self.parent: dict[ox.BlankNode, tuple[object, ox.NamedNode]] = {}
        for s, p, o in triples:
            if isinstance(s, ox.BlankNode):
                self.children[s].append((p, o))
            if isinstance(o, ox.BlankNode) and o not in self.parent:
                self.parent[o] = (s, p)

    def _key(self, node: ox.BlankNode, seen: frozenset[ox.BlankNode]) -> str:
        parts = []
        for p, o in self.children.get(node, []):
            if isinstance(o, ox.BlankNode):
                text = "[]" if o in seen else "[" + self._key(o, seen | {o}) + "]"
            else:
                text = n3(o)  # type: ignore[arg-type]
            parts.append(n3(p) + " " + text)
        return ";".join(sorted(parts))

    def iri(self, node: ox.BlankNode) -> ox.NamedNode:
        """``node``'s IRI: a hash of owner, property and content, in its kind's namespace."""
        owner, prop = self.parent.get(node, (None, None))
        context = "" if prop is None else (
            f"{n3(owner) if isinstance(owner, ox.NamedNode) else '_'} {n3(prop)}")
        key = context + "|" + self._key(node, frozenset({node}))
        digest = sha256(key.encode("utf-8")).hexdigest()[:20]
        kind = next((o for p, o in self.children.get(node, []) if p == RDF_TYPE), None)
        segment = _KIND_SEGMENTS.get(kind.value) if isinstance(kind, ox.NamedNode) else None
        if segment:
            return ox.NamedNode(f"{BASE}id/{segment}/{digest}")
        return ox.NamedNode(f"{BASE}.well-known/genid/{digest}")


def skolemised(triples: list[Triple],
               noted: Callable[[Iterable[ox.NamedNode]], None] | None = None
               ) -> Iterator[Triple]:
    """``triples`` (one file's) with skolem IRIs for blank nodes and literals in normal form;
    ``noted`` (when given) is handed the skolem IRIs minted.

    Literals are normalised first: the skolem keys hash their normal forms.
    """
    literal, blank = ox.Literal, ox.BlankNode
    normalised = [(s, p, normal(o)) if type(o) is literal else (s, p, o)  # noqa: E721
                  for s, p, o in triples]
    if not any(type(s) is blank or type(o) is blank for s, _p, o in normalised):  # noqa: E721
        yield from normalised
        return
    skolem = Skolemiser(normalised)  # type: ignore[arg-type]
    mapping: dict[object, object] = {
        node: skolem.iri(node) for node in skolem.children.keys() | skolem.parent.keys()}
    if noted is not None:
        noted(mapping.values())  # type: ignore[arg-type]
    get = mapping.get
    for s, p, o in normalised:
        yield (get(s, s), p, get(o, o))  # type: ignore[misc]


#: Blank-node labels N-Triples can carry (a conservative ASCII subset of BLANK_NODE_LABEL).
_PLAIN_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?\Z")


def _plain_labels(graph: Graph) -> Graph:
    """``graph``, with blank nodes whose labels N-Triples cannot write renamed (rdflib keeps
    a JSON-LD ``"@id": "_:@x"`` as the label ``@x``). A label is local to its file and the
    skolem IRI depends on content only, so renaming changes nothing else. Found by fuzzing
    (tests/turtle/test_fuzz_jsonld.py)."""
    odd = {n for triple in graph for n in triple
           if isinstance(n, BNode) and not _PLAIN_LABEL.match(str(n))}
    if not odd:
        return graph
    renamed: dict[Any, Any] = {node: BNode() for node in odd}
    out = Graph()
    for s, p, o in graph:
        out.add((renamed.get(s, s), p, renamed.get(o, o)))
    return out


def skolemize(graph: Graph) -> Graph:
    """A copy of the rdflib ``graph`` with every blank node replaced by its skolem IRI (the
    same rule, through Oxigraph terms; for small graphs such as an import's new files)."""
    payload = _plain_labels(graph).serialize(format="nt", encoding="utf-8")
    triples = [(q.subject, q.predicate, q.object)
               for q in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)]
    out = ox.serialize([ox.Triple(*t) for t in skolemised(triples)],  # type: ignore[misc]
                       format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=out or b"", format="nt")
