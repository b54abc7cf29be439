"""The ontology at its own IRI (``/ontology``, hash URIs) and the shapes at ``/shapes``.

HTML documentation is generated from ``ontology/`` and ``shapes/`` (the snapshot's graphs):
every class, property, controlled value and unit, and every node and property shape with its
constraints and messages. Machines get the graph itself by content negotiation (Turtle,
N-Triples, JSON-LD, RDF/XML) or by suffix (``/ontology.ttl`` …). Terms are hash IRIs
(``…/ontology#Chip``), so the document at ``/ontology`` describes them all, with an anchor
per term.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from anyio import to_thread
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hwkg.core.namespaces import BASE, GRAPH_ONTOLOGY, GRAPH_SHAPES, HW, compact
from hwkg.linkeddata.entity_view import href
from hwkg.loading.snapshot import Snapshot
from hwkg.sparql import negotiation
from hwkg.web import pages, representation

PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                  RDF.Property, HW.FigureProperty, HW.DerivedProperty)
SKIP = {RDF.type, RDFS.label, SKOS.definition, RDFS.comment}


@dataclass
class Term:
    """One documented term."""

    anchor: str
    iri: str
    name: str
    labels: list[tuple[str, str]]
    definition: str
    kinds: list[str]
    rows: list[tuple[str, list[tuple[str, str | None]]]] = field(default_factory=list)


def anchor(iri: str) -> str:
    """The fragment that documents ``iri`` on /ontology (matches entity pages' links)."""
    link = href(ox.NamedNode(iri), BASE) or ""
    return link.partition("#")[2] or compact(iri)


def text(graph: Graph, node: Node, depth: int = 0) -> str:
    """A compact, Turtle-like rendering of a term (lists and blank nodes inline)."""
    if isinstance(node, Literal):
        return str(node) if node.language is None else f'"{node}"@{node.language}'
    if isinstance(node, BNode) and depth < 4:
        if (node, RDF.first, None) in graph:
            items = [text(graph, x, depth + 1) for x in Collection(graph, node)]
            return "( " + " ".join(items) + " )"
        parts = [f"{compact(str(p))} {text(graph, o, depth + 1)}"
                 for p, o in sorted(graph.predicate_objects(node))]
        return "[ " + " ; ".join(parts) + " ]"
    return compact(str(node))


def term(graph: Graph, subject: URIRef) -> Term:
    labels = sorted((str(o), o.language or "") for o in graph.objects(subject, RDFS.label)
                    if isinstance(o, Literal))
    definition = " ".join(str(o) for o in graph.objects(subject, SKOS.definition)) or " ".join(
        str(o) for o in graph.objects(subject, RDFS.comment))
    rows: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for p, o in sorted(graph.predicate_objects(subject)):
        if p in SKIP:
            continue
        link = href(ox.NamedNode(str(o)), BASE) if isinstance(o, URIRef) else None
        rows[compact(str(p))].append((text(graph, o), link))
    return Term(anchor(str(subject)), str(subject), compact(str(subject)), labels, definition,
                [compact(str(t)) for t in graph.objects(subject, RDF.type)], sorted(rows.items()))


def _named(graph: Graph, types: tuple[URIRef, ...]) -> list[URIRef]:
    found = {s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}
    return sorted(found, key=str)


def sections(ontology: Graph, shapes: Graph) -> dict[str, list[Term]]:
    """Classes, properties, values and units from the ontology; shapes from the shapes."""
    classes = _named(ontology, (OWL.Class, RDFS.Class))
    properties = _named(ontology, PROPERTY_TYPES)
    documented = set(classes) | set(properties)
    others = sorted({s for s in ontology.subjects() if isinstance(s, URIRef)
                     and s not in documented and str(s) != BASE + "ontology"}, key=str)
    units = [s for s in others if "/unit/" in str(s) or "/currency/" in str(s)]
    values = [s for s in others if s not in units]
    node_shapes = _named(shapes, (SH.NodeShape,))
    property_shapes = [s for s in _named(shapes, (SH.PropertyShape,)) if s not in node_shapes]
    return {
        "Classes": [term(ontology, s) for s in classes],
        "Properties": [term(ontology, s) for s in properties],
        "Controlled values and other terms": [term(ontology, s) for s in values],
        "Units": [term(ontology, s) for s in units],
        "Node shapes": [term(shapes, s) for s in node_shapes],
        "Property shapes": [term(shapes, s) for s in property_shapes],
    }


_PAGES: dict[str, bytes] = {}


def _html(version: str, snapshot: Snapshot) -> bytes:
    """The documentation page for graph ``version`` (built once per version)."""
    if version not in _PAGES:
        _PAGES.clear()
        _PAGES[version] = _render(version, snapshot.graph(GRAPH_ONTOLOGY),
                                  snapshot.graph(GRAPH_SHAPES))
    return _PAGES[version]


def _render(version: str, ontology: Graph, shapes: Graph) -> bytes:
    iri = URIRef(BASE + "ontology")
    titles = [str(t) for t in ontology.objects(iri, DCTERMS.title)
              if isinstance(t, Literal) and t.language in (None, "en")]
    body = pages.environment().get_template("ontology.html").render(
        version=version, title=titles[0] if titles else "hwkg ontology",
        ontology=term(ontology, iri), sections=sections(ontology, shapes))
    return body.encode("utf-8")


def _graph_triples(store: ox.Store, graph: str) -> list[ox.Triple]:
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]


def document(graph_name: str, html: bool):  # type: ignore[no-untyped-def]
    """A handler for ``/ontology`` or ``/shapes`` (and their suffixed forms)."""

    async def handler(request: Request) -> Response:
        snapshot = request.app.state.graph.current
        suffix = request.path_params.get("ext")
        accept = request.headers.get("accept")
        if suffix is None and html and negotiation.prefers_html(accept, representation.RDF_TYPES):
            suffix = "html"
        if suffix == "html":
            body = await to_thread.run_sync(_html, snapshot.version, snapshot)
            return Response(body, media_type="text/html; charset=utf-8", headers={"Vary": "Accept"})
        media_type = (representation.SUFFIXES.get(suffix or "")
                      or negotiation.choose(accept, representation.RDF_TYPES) or "text/turtle")
        if suffix is not None and suffix not in representation.SUFFIXES:
            return PlainTextResponse("unknown format suffix\n", status_code=404)
        triples = _graph_triples(snapshot.store, graph_name)
        return representation.rdf_response(triples, media_type)

    return handler


#: Vocabulary namespaces with slash IRIs (``hwt:``, ``hwunit:``, ``hwqk:``): each term is
#: described in the /ontology document.
TERM_SPACES = ("truthy", "unit", "quantitykind")


async def vocabulary_term(request: Request) -> Response:
    """``/truthy/{name}``, ``/unit/{name}``, ``/quantitykind/{name}``: ``303 See Other`` to the
    document that describes the term (``/ontology``, at the term's anchor; RDF clients get
    the ontology graph there by negotiation), 404 for a term the ontology does not define."""
    space = request.url.path.strip("/").split("/")[0]
    iri = f"{BASE}{space}/{request.path_params['name']}"
    store = request.app.state.graph.current.store
    try:
        term = ox.NamedNode(iri)
    except ValueError:
        term = None
    known = term is not None and next(iter(store.quads_for_pattern(
        term, None, None, ox.NamedNode(GRAPH_ONTOLOGY))), None) is not None
    if not known:
        return PlainTextResponse(f"the ontology defines no term <{iri}>\n", status_code=404)
    return RedirectResponse(f"/ontology#{anchor(iri)}", status_code=303,
                            headers={"Vary": "Accept"})


def routes() -> list[BaseRoute]:
    """``/ontology`` and ``/shapes``, negotiated or by suffix, and the slash IRIs of the
    vocabulary's terms."""
    out: list[BaseRoute] = []
    for path, graph in (("/ontology", GRAPH_ONTOLOGY), ("/shapes", GRAPH_SHAPES)):
        out += [
            Route(path, document(graph, True), methods=["GET", "HEAD"]),
            Route(path + ".{ext}", document(graph, True), methods=["GET", "HEAD"]),
        ]
    out += [Route(f"/{space}/{{name}}", vocabulary_term, methods=["GET", "HEAD"])
            for space in TERM_SPACES]
    return out
