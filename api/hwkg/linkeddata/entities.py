"""Entity descriptions: which triples describe an IRI, and how to name and link terms.

The description of an entity (the RDF its IRI dereferences to) is its own triples in every
graph, plus, recursively, the triples of the nodes it owns: its statements
(``id/statement/…``), components (``id/component/…``) and other skolemised blank nodes
(``.well-known/genid/…``). These owned nodes exist only through their owner.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from hwkg.core.namespaces import BASE, DCTERMS, GRAPH_DATA, PREFIXES, SKOLEM_PREFIXES, compact

OWNED = SKOLEM_PREFIXES
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
HW = PREFIXES["hw"]
HWT = PREFIXES["hwt"]
SYMBOL = BASE + "unit/symbol"


@dataclass
class Link:
    """A term as a page shows it: its text, and where it links (None: plain text)."""

    text: str
    href: str | None = None


def href(term: object, base: str = BASE) -> str | None:
    """Where a link to ``term`` goes on this server (its IRI for external terms)."""
    if not isinstance(term, ox.NamedNode):
        return None
    return href_of(term.value, base)


def href_of(iri: str, base: str = BASE) -> str:
    """Where a link to the IRI ``iri`` goes on this server (the IRI itself when external)."""
    if iri.startswith(base + "ontology#"):
        return "/ontology#" + iri.removeprefix(base + "ontology#")
    for space in ("unit/", "quantitykind/", "shapes#", "truthy/"):
        if iri.startswith(base + space):
            return "/ontology#" + space.rstrip("/#") + "-" + iri.removeprefix(base + space)
    if iri.startswith(base):
        return "/" + iri.removeprefix(base)
    return iri


def owned(term: object) -> bool:
    """True for statement, component and skolem IRIs (described with their owner)."""
    return isinstance(term, ox.NamedNode) and term.value.startswith(OWNED)


def node(iri: str) -> ox.NamedNode | None:
    """``iri`` as a term, or None when Oxigraph refuses it (a path segment can make an IRI
    that is not one): such an entity does not exist."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


IS_REPLACED_BY = ox.NamedNode(str(DCTERMS.isReplacedBy))


def replaced_by(store: ox.Store, iri: str) -> str | None:
    """The IRI that replaces ``iri`` when ``iri`` was retired (an entity merged into another:
    ``dcterms:isReplacedBy``), else None."""
    term = node(iri)
    if term is None:
        return None
    for quad in store.quads_for_pattern(term, IS_REPLACED_BY, None, None):
        if isinstance(quad.object, ox.NamedNode):
            return quad.object.value
    return None


def describe(store: ox.Store, iri: str) -> list[ox.Triple]:
    """The entity's triples and its owned nodes' triples, once each, in a stable order
    (none for an IRI Oxigraph refuses). An owned node's document (a statement, a component)
    also holds the triples that point at it, so it leads back to what it describes."""
    start = node(iri)
    if start is None:
        return []
    seen: set[str] = {iri}
    queue = [start]
    triples: set[ox.Triple] = set()
    if owned(start) and exists(store, iri):
        triples.update(quad.triple for quad in store.quads_for_pattern(None, None, start, None))
    while queue:
        for quad in store.quads_for_pattern(queue.pop(), None, None, None):
            triples.add(quad.triple)
            obj = quad.object
            if owned(obj) and obj.value not in seen:  # type: ignore[union-attr]
                seen.add(obj.value)  # type: ignore[union-attr]
                queue.append(obj)  # type: ignore[arg-type]
    return sorted(triples, key=str)


def exists(store: ox.Store, iri: str) -> bool:
    """True when ``iri`` is the subject of at least one triple."""
    term = node(iri)
    if term is None:
        return False
    return next(iter(store.quads_for_pattern(term, None, None, None)), None) is not None


_SUBJECTS: dict[tuple[int, str], list[str]] = {}


def _subjects_under(store: ox.Store, namespace: str) -> list[str]:
    """IRIs of the data graph's subjects in ``namespace`` (memoised per store)."""
    key = (id(store), namespace)
    if key not in _SUBJECTS:
        if len(_SUBJECTS) > 64:
            _SUBJECTS.clear()
        literal = namespace.replace("\\", "\\\\").replace('"', '\\"')
        rows = store.query(f'SELECT DISTINCT ?s WHERE {{ GRAPH <{GRAPH_DATA}> {{ ?s ?p ?o }} '
                           f'FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{literal}")) }}')
        _SUBJECTS[key] = sorted(row["s"].value for row in rows)  # type: ignore[index,union-attr]
    return _SUBJECTS[key]


def closest(store: ox.Store, iri: str, limit: int = 5) -> list[str]:
    """Existing entity IRIs nearest to the unknown ``iri``: those of the same kind whose slug
    starts with its slug (``nvidia-h100`` → ``nvidia-h100-sxm5-80gb`` …), then the most
    similar slugs (difflib's ratio), best first."""
    namespace, _, slug = iri.rpartition("/")
    namespace += "/"
    known = _subjects_under(store, namespace)
    slugs = [k[len(namespace):] for k in known]
    starts = [s for s in slugs if slug and s.startswith(slug)]
    similar = difflib.get_close_matches(slug.lower(), slugs, n=limit, cutoff=0.5)
    ordered = list(dict.fromkeys(starts[:limit] + similar))[:limit]
    return [namespace + s for s in ordered]


def incoming(store: ox.Store, iri: str, limit: int = 500) -> list[ox.Triple]:
    """Triples pointing at ``iri`` (from entities and from the statements and components
    they own), at most ``limit``, in a stable order; none for an IRI Oxigraph refuses."""
    term = node(iri)
    if term is None:
        return []
    out: set[ox.Triple] = set()
    for quad in store.quads_for_pattern(None, None, term, None):
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
