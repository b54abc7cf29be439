"""The IRIs hwkg mints and the vocabularies it reuses, as rdflib namespaces and a prefix map.

Entity IRIs are ``{BASE}id/{kind}/{slug}``; every kind below has its own prefix so Turtle
files, SPARQL queries and the GraphQL ``id`` argument all spell an entity the same way.
"""

from __future__ import annotations

from typing import Any

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/hwkg/"
HW = Namespace(BASE + "ontology#")
HWT = Namespace(BASE + "truthy/")
HWUNIT = Namespace(BASE + "unit/")
HWQK = Namespace(BASE + "quantitykind/")
HWSH = Namespace(BASE + "shapes#")
ID = Namespace(BASE + "id/")
STATEMENT = Namespace(BASE + "id/statement/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
CUR = Namespace("http://qudt.org/vocab/currency/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
SCHEMA = Namespace("https://schema.org/")
SOSA = Namespace("http://www.w3.org/ns/sosa/")
WD = Namespace("http://www.wikidata.org/entity/")

#: Where the IRIs that stand for the source Turtle's blank nodes live (statements,
#: components, any other blank node): :mod:`hwkg.turtle.skolem` mints them.
SKOLEM_PREFIXES = (f"{BASE}id/statement/", f"{BASE}id/component/", f"{BASE}.well-known/genid/")

#: Entity kinds: prefix -> path segment under ``id/``.
ENTITY_KINDS: dict[str, str] = {
    "chip": "chip",
    "vendor": "vendor",
    "arch": "architecture",
    "die": "die",
    "ic": "interconnect",
    "stack": "stack",
    "stackver": "stack-version",
    "fw": "framework",
    "backend": "backend",
    "sys": "system",
    "bench": "benchmark",
    "result": "result",
    "offer": "offer",
    "rate": "rate",
    "claim": "claim",
    "src": "source",
    "round": "round",
    "org": "organization",
}

#: Graph names inside the store.
GRAPH_ONTOLOGY = BASE + "graph/ontology"
GRAPH_SHAPES = BASE + "graph/shapes"
GRAPH_DATA = BASE + "graph/data"
GRAPH_TRUTHY = BASE + "graph/truthy"
#: The graphs the service publishes: its default graph is their merge, its named graphs are
#: these. An external SPARQL server also holds hwkg's bookkeeping (``graph/meta``: the graph
#: version), which is never served, counted or dumped (an on-disk store keeps its record in a
#: file beside the store: :data:`hwkg.serving.stores.RECORD_FILE`).
PUBLISHED_GRAPHS = (GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_DATA, GRAPH_TRUTHY)
GRAPH_META = BASE + "graph/meta"


def published_dataset() -> dict[str, Any]:
    """``pyoxigraph.Store.query`` options for the published dataset: the published graphs'
    merge as the default graph, and those graphs (only) as the named graphs."""
    import pyoxigraph as ox

    graphs = [ox.NamedNode(g) for g in PUBLISHED_GRAPHS]
    return {"default_graph": graphs, "named_graphs": graphs}

PREFIXES: dict[str, str] = {
    "hw": str(HW),
    "hwt": str(HWT),
    "hwunit": str(HWUNIT),
    "hwqk": str(HWQK),
    "hwsh": str(HWSH),
    **{prefix: f"{ID}{segment}/" for prefix, segment in ENTITY_KINDS.items()},
    "unit": str(UNIT),
    "cur": str(CUR),
    "qudt": str(QUDT),
    "schema": str(SCHEMA),
    "sosa": str(SOSA),
    "wd": str(WD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "sh": str(SH),
}


def sparql_prefixes() -> str:
    """Return PREFIX declarations for every prefix in :data:`PREFIXES`."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def compact(iri: str) -> str:
    """Write ``iri`` as ``prefix:local`` when a known prefix covers it, else as ``<iri>``."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]):]}"
    return f"<{iri}>"
