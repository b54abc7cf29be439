"""Small extracts of a stored graph around given nodes, as rdflib graphs for validation.

Validating a few nodes inside a big graph needs only what their shapes look at: the
node's own triples and those of its statements and components (skolem IRIs), the owner
chain above a statement, and the ``rdf:type`` (and ``hw:sourceKind``) of what they and their
statements point to (a statement's source, the chip a component names).
Each extract is one SPARQL query on the store with the IRIs written into it (inline IRIs
keep Oxigraph's plan selective; a bound variable would not), so its cost depends on the
nodes asked for, not on the size of the graph.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from hwkg.core.namespaces import BASE, GRAPH_DATA, HW

_SKOLEM = (f"{BASE}id/statement/", f"{BASE}id/component/", f"{BASE}.well-known/genid/")
_CHUNK = 500

AROUND = """CONSTRUCT { ?x ?p ?o . ?o ?q ?v . ?v a ?vk . ?v <%(kind)s> ?vsk .
                        ?o a ?k . ?o <%(kind)s> ?sk . ?a ?r ?y . ?b ?t ?a }
WHERE { GRAPH <%(graph)s> {
  { VALUES ?x { %(nodes)s }
    ?x ?p ?o
    OPTIONAL { ?o ?q ?v FILTER (%(inner)s)
               OPTIONAL { ?v a ?vk } OPTIONAL { ?v <%(kind)s> ?vsk } }
    OPTIONAL { ?o a ?k } OPTIONAL { ?o <%(kind)s> ?sk } }
  UNION { VALUES ?y { %(skolem)s } ?a ?r ?y OPTIONAL { ?b ?t ?a } }
} }"""


def _iri(node: str) -> str:
    return str(ox.NamedNode(node))  # validates and escapes: <...>


def _query(graph: str, nodes: list[str]) -> str:
    inner = " || ".join(f'STRSTARTS(STR(?o), "{prefix}")' for prefix in _SKOLEM)
    skolem = [n for n in nodes if n.startswith(_SKOLEM)]
    return AROUND % {"graph": graph, "kind": HW.sourceKind, "inner": inner,
                     "nodes": " ".join(map(_iri, nodes)),
                     "skolem": " ".join(map(_iri, skolem)) or "<urn:hwkg:none>"}


def around(store: ox.Store, nodes: Iterable[str], graph: str = GRAPH_DATA) -> Graph:
    """The description of ``nodes`` (IRIs) in ``graph``: see the module docstring.

    The owner chain (what points to a node, and what points to that) is fetched only for
    skolem nodes (statements, components): an entity such as a source is pointed to by
    thousands of statements, none of which its validation needs.
    """
    out = Graph()
    wanted = sorted({n for n in nodes if n})
    for start in range(0, len(wanted), _CHUNK):
        found = store.query(_query(graph, wanted[start:start + _CHUNK]))
        payload = found.serialize(format=ox.RdfFormat.N_TRIPLES)  # type: ignore[union-attr,arg-type]
        if payload:
            out.parse(data=payload, format="nt")
    return out


def iris(graph: Graph) -> set[str]:
    """Every IRI used as a subject or object of ``graph``."""
    return {str(t) for s, _p, o in graph for t in (s, o) if isinstance(t, URIRef)}
