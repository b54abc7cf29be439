"""Entity descriptions: which triples describe an IRI, and how to name and link terms.

The description of an entity (the RDF its IRI dereferences to) is its own triples in every
graph, plus, recursively, the triples of the nodes it owns: its statements
(``id/statement/…``), components (``id/component/…``) and other skolemised blank nodes
(``.well-known/genid/…``). These owned nodes exist only through their owner.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from .namespaces import BASE, PREFIXES, compact

OWNED = (BASE + "id/statement/", BASE + "id/component/", BASE + ".well-known/genid/")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
HW = PREFIXES["hw"]
HWT = PREFIXES["hwt"]
SYMBOL = BASE + "unit/symbol"


def owned(term: object) -> bool:
    """True for statement, component and skolem IRIs (described with their owner)."""
    return isinstance(term, ox.NamedNode) and term.value.startswith(OWNED)


def describe(store: ox.Store, iri: str) -> list[ox.Triple]:
    """The entity's triples and its owned nodes' triples, once each, in a stable order."""
    seen: set[str] = {iri}
    queue = [ox.NamedNode(iri)]
    triples: set[ox.Triple] = set()
    while queue:
        node = queue.pop()
        for quad in store.quads_for_pattern(node, None, None, None):
            triples.add(quad.triple)
            obj = quad.object
            if owned(obj) and obj.value not in seen:  # type: ignore[union-attr]
                seen.add(obj.value)  # type: ignore[union-attr]
                queue.append(obj)  # type: ignore[arg-type]
    return sorted(triples, key=str)


def exists(store: ox.Store, iri: str) -> bool:
    """True when ``iri`` is the subject of at least one triple."""
    try:  # a path segment can make an IRI Oxigraph refuses: that entity does not exist
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    quads = store.quads_for_pattern(node, None, None, None)
    return next(iter(quads), None) is not None


def incoming(store: ox.Store, iri: str, limit: int = 500) -> list[ox.Triple]:
    """Triples pointing at ``iri`` from entities (not from owned nodes), at most ``limit``."""
    out: set[ox.Triple] = set()
    for quad in store.quads_for_pattern(None, None, ox.NamedNode(iri), None):
        if len(out) >= limit:
            break
        out.add(quad.triple)
    return sorted(out, key=str)


@dataclass
class Labels:
    """Looks up (and caches) a human label for each term: rdfs:label@en, a unit symbol,
    else the compact IRI."""

    store: ox.Store
    cache: dict[str, str] = field(default_factory=dict)

    def __call__(self, term: object) -> str:
        if not isinstance(term, ox.NamedNode):
            return term.value if isinstance(term, ox.Literal) else str(term)
        if term.value not in self.cache:
            self.cache[term.value] = self._find(term)
        return self.cache[term.value]

    def _find(self, term: ox.NamedNode) -> str:
        for predicate in (SYMBOL, RDFS_LABEL):
            best = None
            for quad in self.store.quads_for_pattern(term, ox.NamedNode(predicate), None, None):
                lit = quad.object
                if isinstance(lit, ox.Literal) and lit.language in (None, "en"):
                    return lit.value
                best = best or (lit.value if isinstance(lit, ox.Literal) else None)
            if best:
                return best
        return compact(term.value)


def values(triples: list[ox.Triple], subject: ox.NamedNode, predicate: str) -> Iterator[object]:
    """Objects of ``subject predicate ?o`` among ``triples``."""
    for t in triples:
        if t.subject == subject and t.predicate.value == predicate:
            yield t.object
