"""The dataset described in VoID and DCAT at ``/.well-known/void`` (RFC 5785 / VoID §6).

Counts (triples, entities, classes, properties, per-class entities) come from the store;
distributions are the dumps (with size, media type and SHA-256 in SPDX terms) and the
SPARQL endpoint is a ``dcat:DataService``. URLs are absolute on the server that answers.

Browsers (``Accept`` rating ``text/html`` at least as high as every RDF format) get an HTML
view of the same description; RDF clients get Turtle, N-Triples, JSON-LD or RDF/XML by
negotiation (Turtle when they state no preference), and ``?format=ttl|nt|jsonld|rdf|html``
picks one without negotiating.
"""

from __future__ import annotations

import datetime

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hwkg import __version__
from hwkg.core.namespaces import PREFIXES, published_dataset
from hwkg.core.settings import Settings
from hwkg.linkeddata import dumps
from hwkg.linkeddata.entities import Labels, Link, href_of
from hwkg.sparql import negotiation
from hwkg.web import pages, representation

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def N(iri: str) -> ox.NamedNode:  # noqa: N802 - reads like RDF
    return ox.NamedNode(iri)


def typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=N(XSD + datatype))


def counts(store: ox.Store, base: str) -> dict[str, int]:
    """Triples, entities (IRIs under ``{base}id/``), classes, properties, subjects."""
    query = f"""SELECT
      (COUNT(DISTINCT ?e) AS ?entities) (COUNT(DISTINCT ?s) AS ?subjects)
      (COUNT(DISTINCT ?p) AS ?properties) (COUNT(DISTINCT ?c) AS ?classes)
      (COUNT(*) AS ?triples)
    WHERE {{ {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o }} }}
      BIND(IF(?p = <{RDF_TYPE.value}>, ?o, ?unbound) AS ?c)
      BIND(IF(STRSTARTS(STR(?s), "{base}id/"), ?s, ?unbound) AS ?e) }}"""
    row = next(iter(store.query(query, **published_dataset())))  # type: ignore[arg-type]
    keys = ("entities", "subjects", "properties", "classes", "triples")
    return {k: int(row[k].value) for k in keys}


def class_partitions(store: ox.Store) -> list[tuple[ox.NamedNode, int]]:
    query = """SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) }
               GROUP BY ?c ORDER BY ?c"""
    return [(row["c"], int(row["n"].value))
            for row in store.query(query, **published_dataset())]  # type: ignore[union-attr]


def triples(request: Request, settings: Settings, files: dict[str, dumps.Dump]) -> list[ox.Triple]:
    snapshot = request.app.state.graph.current
    store: ox.Store = snapshot.store
    origin = str(request.base_url).rstrip("/")
    ds = N(settings.base_iri + "dataset")
    stats = counts(store, settings.base_iri)
    out = [ox.Triple(ds, RDF_TYPE, N(VOID + "Dataset")),
           ox.Triple(ds, RDF_TYPE, N(DCAT + "Dataset"))]

    def add(s: ox.NamedNode | ox.BlankNode, p: str,
            o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        out.append(ox.Triple(s, N(p), o))

    add(ds, DCT + "title", ox.Literal("hwkg — the AI hardware knowledge graph", language="en"))
    add(ds, DCT + "description", ox.Literal(
        "Chips, interconnects, software stacks, systems, prices and benchmark results, every "
        "figure a statement with its unit, rank and sources.", language="en"))
    add(ds, DCT + "license", N(LICENCE))
    add(ds, DCT + "hasVersion", ox.Literal(snapshot.version))
    add(ds, N("http://www.w3.org/2002/07/owl#versionInfo").value, ox.Literal(snapshot.version))
    add(ds, DCT + "modified", typed(datetime.datetime.fromtimestamp(
        snapshot.loaded_at, datetime.UTC).isoformat(timespec="seconds"), "dateTime"))
    add(ds, DCT + "creator", ox.Literal(f"hwkg {__version__}"))
    add(ds, VOID + "uriSpace", ox.Literal(settings.base_iri + "id/"))
    add(ds, VOID + "vocabulary", N(settings.base_iri + "ontology"))
    add(ds, VOID + "sparqlEndpoint", N(origin + "/sparql"))
    for key in ("triples", "entities", "classes", "properties"):
        add(ds, VOID + key, typed(stats[key], "integer"))
    add(ds, VOID + "distinctSubjects", typed(stats["subjects"], "integer"))
    for cls, n in class_partitions(store):
        part = ox.BlankNode()
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", cls)
        add(part, VOID + "entities", typed(n, "integer"))
    service = ox.BlankNode()
    add(ds, DCAT + "distribution", service)
    add(service, str(RDF_TYPE.value), N(DCAT + "Distribution"))
    add(service, DCAT + "accessService", endpoint := ox.BlankNode())
    add(endpoint, str(RDF_TYPE.value), N(DCAT + "DataService"))
    add(endpoint, DCAT + "endpointURL", N(origin + "/sparql"))
    add(endpoint, DCT + "conformsTo", N("https://www.w3.org/TR/sparql11-protocol/"))
    for ext, dump in files.items():
        url = N(f"{origin}/dumps/{dump.path.name}")
        dist = ox.BlankNode()
        fmt = dumps.FORMATS[ext]
        add(ds, VOID + "dataDump", url)
        add(ds, DCAT + "distribution", dist)
        add(dist, str(RDF_TYPE.value), N(DCAT + "Distribution"))
        add(dist, DCT + "title", ox.Literal(f"hwkg dump ({fmt.title})", language="en"))
        add(dist, DCAT + "downloadURL", url)
        add(dist, DCAT + "mediaType", N(IANA + fmt.media_type))
        add(dist, DCAT + "byteSize", typed(dump.size, "nonNegativeInteger"))
        add(dist, DCT + "license", N(LICENCE))
        add(dist, SPDX + "checksum", checksum := ox.BlankNode())
        add(checksum, str(RDF_TYPE.value), N(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", N(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", typed(dump.sha256, "hexBinary"))
    return out


def page(request: Request, settings: Settings, files: dict[str, dumps.Dump]) -> Response:
    """The description as an HTML page for people: what the RDF says, with links."""
    snapshot = request.app.state.graph.current
    store: ox.Store = snapshot.store
    labels = Labels(store)
    classes = sorted(((Link(labels(c), href_of(c.value, settings.base_iri)), n)
                      for c, n in class_partitions(store)), key=lambda row: (-row[1], row[0].text))
    downloads = [{"title": dumps.FORMATS[ext].title, "media_type": dumps.FORMATS[ext].media_type,
                  "url": f"/dumps/{dump.path.name}", "bytes": dump.size, "sha256": dump.sha256}
                 for ext, dump in files.items()]
    return pages.render(
        "void.html", headers={"Vary": "Accept"}, dataset=settings.base_iri + "dataset",
        graph_version=snapshot.version, stats=counts(store, settings.base_iri), classes=classes,
        downloads=downloads, endpoint=str(request.base_url).rstrip("/") + "/sparql",
        uri_space=settings.base_iri + "id/", licence=LICENCE,
        modified=datetime.datetime.fromtimestamp(snapshot.loaded_at, datetime.UTC)
        .isoformat(timespec="seconds"),
        formats=[(name, f"/.well-known/void?format={name}") for name in representation.SUFFIXES])


def chosen(request: Request) -> str:
    """``text/html`` or an RDF media type: ``?format=`` (ttl, nt, jsonld, rdf, html) first,
    then the Accept header (HTML only when a browser rates it at least as high as RDF),
    Turtle when neither says."""
    named = negotiation.by_short_name(request.query_params.get("format"))
    if named == "text/html" or named in representation.RDF_TYPES:
        return named  # type: ignore[return-value]
    accept = request.headers.get("accept")
    if negotiation.prefers_html(accept, representation.RDF_TYPES):
        return "text/html"
    return negotiation.choose(accept, representation.RDF_TYPES) or "text/turtle"


def handler(settings: Settings):  # type: ignore[no-untyped-def]
    async def void(request: Request) -> Response:
        files = {ext: await dumps.CACHE.fetch(request, ext) for ext in dumps.FORMATS}
        media_type = chosen(request)
        if media_type == "text/html":
            return page(request, settings, files)
        prefixes = {**PREFIXES, "void": VOID, "dcat": DCAT, "spdx": SPDX}
        return representation.rdf_response(triples(request, settings, files), media_type,
                                           prefixes=prefixes)

    return void


def routes(settings: Settings) -> list[BaseRoute]:
    return [Route("/.well-known/void", handler(settings), methods=["GET", "HEAD"], name="void")]
