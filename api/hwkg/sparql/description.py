"""The SPARQL 1.1 Service Description of the endpoint, as RDF triples.

https://www.w3.org/TR/sparql11-service-description/: what the endpoint speaks (query only),
which formats it answers in, and the dataset it serves (union default graph + named graphs).
"""

from __future__ import annotations

import pyoxigraph as ox

from hwkg import __version__
from hwkg.core.namespaces import PUBLISHED_GRAPHS

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "JSON-LD", "RDF_XML",
)


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def _graph_node(store: ox.Store, name: ox.NamedNode | None,
                triples: list[ox.Triple]) -> ox.BlankNode:
    node = ox.BlankNode()
    names = [name] if name else [ox.NamedNode(g) for g in PUBLISHED_GRAPHS]
    size = sum(1 for g in names for _ in store.quads_for_pattern(None, None, None, g))
    triples += [
        ox.Triple(node, RDF_TYPE, _sd("Graph")),
        ox.Triple(node, ox.NamedNode(VOID + "triples"), _integer(size)),
    ]
    return node


def triples(store: ox.Store, endpoint: str, timeout_s: float, row_cap: int) -> list[ox.Triple]:
    """The description of the endpoint at ``endpoint`` serving ``store``."""
    service = ox.NamedNode(endpoint)
    dataset = ox.BlankNode()
    comment = (
        f"Read-only (SPARQL Update is refused with 403). Each query is stopped after "
        f"{timeout_s:g} s (503) and results are capped at {row_cap} rows (the response "
        "then carries the HWKG-Results-Truncated header). SERVICE is not allowed. "
        "The default graph is the union of the named graphs."
    )
    out = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(service, DCT_TITLE, ox.Literal(f"hwkg {__version__} SPARQL endpoint")),
        ox.Triple(service, RDFS_COMMENT, ox.Literal(comment, language="en")),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
    ]
    out.append(ox.Triple(dataset, _sd("defaultGraph"), _graph_node(store, None, out)))
    for fmt in RESULT_FORMATS:
        out.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(FORMATS + fmt)))
    for name in (ox.NamedNode(g) for g in sorted(PUBLISHED_GRAPHS)):
        named = ox.BlankNode()
        out += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), name),
        ]
        out.append(ox.Triple(named, _sd("graph"), _graph_node(store, name, out)))
    return out
