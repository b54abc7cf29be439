"""Linked data: every entity IRI dereferences, following the Cool-URIs 303 pattern.

- ``/id/{kind}/{slug}`` names the thing (a chip, a source, a statement …). It answers
  ``303 See Other`` to a document about it, chosen by the Accept header (``Vary: Accept``):
  ``/data/{kind}/{slug}.html`` for browsers, ``.ttl``, ``.jsonld``, ``.nt`` or ``.rdf`` for
  RDF clients (Turtle when the client states no preference).
- ``/data/{kind}/{slug}.{ext}`` is that document; clients that cannot negotiate use the
  suffix directly. ``/id/{kind}/{slug}.{ext}`` redirects there as well.
- Statements (``/id/statement/<hash>``) and components dereference the same way.
- ``/browse`` lists the entities by kind; ``/`` and ``/compare`` are the comparison pages
  (:mod:`hwkg.linkeddata.comparison`).

The public base IRI is ``settings.base_iri``: the server maps its own path ``/id/…`` to
``{base_iri}id/…``. Unknown entities get 404; an entity merged into another (its IRI
retired with ``dcterms:isReplacedBy``) answers ``301 Moved Permanently`` to the one that
replaced it, so links to it keep working.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hwkg.core.namespaces import published_dataset
from hwkg.core.settings import Settings
from hwkg.linkeddata import comparison, dumps, entities, ontology_docs, void
from hwkg.linkeddata.entity_view import View, href
from hwkg.readmodel import cached
from hwkg.sparql import negotiation
from hwkg.web import pages, representation

DOC_SUFFIXES = {**representation.SUFFIXES, "html": "text/html"}


def _split(name: str) -> tuple[str, str | None]:
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot and ext in DOC_SUFFIXES else (name, None)


def _not_found(request: Request, iri: str) -> Response:
    """404 naming the IRI and the closest existing ones (``nvidia-h100`` suggests the H100
    SKUs), as HTML for browsers and as text lines for everything else."""
    near = entities.closest(request.app.state.graph.current.store, iri)
    if negotiation.prefers_html(request.headers.get("accept"), representation.RDF_TYPES):
        base = request.app.state.settings.base_iri
        local = [(n, href(ox.NamedNode(n), base)) for n in near]
        return pages.render("not_found.html", status_code=404, iri=iri, closest=local)
    lines = [f"nothing is known about <{iri}>"]
    if near:
        lines += ["the closest existing IRIs:", *(f"<{n}>" for n in near)]
    return PlainTextResponse("\n".join(lines) + "\n", status_code=404)


def _moved(request: Request, iri: str) -> Response | None:
    """301 to the entity that replaced ``iri`` when it was merged into another (Wikidata's
    redirects), keeping the document suffix asked for; None when ``iri`` was not retired."""
    target = entities.replaced_by(request.app.state.graph.current.store, iri)
    if target is None:
        return None
    path = entities.href_of(target, request.app.state.settings.base_iri)
    suffix = _split(request.path_params.get("doc", ""))[1]
    if suffix and path.startswith("/id/"):
        path = "/data/" + path[len("/id/"):] + "." + suffix
    return RedirectResponse(path, status_code=301, headers={"Vary": "Accept"})


def entity_iri(settings: Settings, kind: str, slug: str) -> str:
    """The IRI the server's path names (skolem IRIs live under ``.well-known/genid/``)."""
    if kind == "genid":
        return f"{settings.base_iri}.well-known/genid/{slug}"
    return f"{settings.base_iri}id/{kind}/{slug}"


def chosen_suffix(request: Request) -> str:
    """The document suffix the request's Accept header asks for."""
    accept = request.headers.get("accept")
    if negotiation.prefers_html(accept, representation.RDF_TYPES):
        return "html"
    media_type = negotiation.choose(accept, representation.RDF_TYPES) or "text/turtle"
    return representation.EXTENSION[media_type]


def thing(settings: Settings):  # type: ignore[no-untyped-def]
    """``/id/{kind}/{slug}``: 303 to the document about the thing."""

    async def handler(request: Request) -> Response:
        kind = request.path_params.get("kind", "genid")
        name = request.path_params["slug"]
        slug, ext = _split(name)
        iri = entity_iri(settings, kind, slug)
        store = request.app.state.graph.current.store
        moved = _moved(request, iri)
        if moved is not None:
            return moved
        if not entities.exists(store, iri):
            if ext is None or not entities.exists(store, entity_iri(settings, kind, name)):
                return _not_found(request, iri)
            slug, ext = name, None
        target = f"/data/{kind}/{slug}.{ext or chosen_suffix(request)}"
        return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})

    return handler


def document(settings: Settings):  # type: ignore[no-untyped-def]
    """``/data/{kind}/{slug}.{ext}``: the entity's description in one format."""

    async def handler(request: Request) -> Response:
        kind, name = request.path_params["kind"], request.path_params["doc"]
        slug, ext = _split(name)
        if ext is None:
            return RedirectResponse(f"/id/{kind}/{name}", status_code=303)
        iri = entity_iri(settings, kind, slug)
        store = request.app.state.graph.current.store
        moved = _moved(request, iri)
        if moved is not None:
            return moved
        triples = entities.describe(store, iri)
        if not triples:
            return _not_found(request, iri)
        links = {"Link": f'<{iri}>; rel="describes"', "Vary": "Accept"}
        if ext == "html":
            view = View(store, iri, triples, settings.base_iri)
            cat = cached.for_snapshot(request.app.state.graph.current)
            return pages.render("entity.html", headers=links,
                                **view.context(f"/data/{kind}/{slug}", cat))
        expanded = representation.wants_expanded(request.headers.get("accept"),
                                                 request.query_params.get("profile"))
        return representation.rdf_response(triples, DOC_SUFFIXES[ext], links, expanded=expanded)

    return handler


def browse(settings: Settings):  # type: ignore[no-untyped-def]
    """``/browse``: what the graph holds, by kind, with links to every entity (up to 500 a
    kind)."""

    async def handler(request: Request) -> Response:
        snapshot = request.app.state.graph.current
        store: ox.Store = snapshot.store
        prefix = settings.base_iri + "id/"
        rows = store.query(
            "SELECT ?s (MIN(STR(?l)) AS ?label) WHERE { ?s ?p ?o . "
            f"FILTER(STRSTARTS(STR(?s), {_literal(prefix)})) "
            f"FILTER NOT EXISTS {{ ?s <{entities.IS_REPLACED_BY.value}> ?new }} "
            "OPTIONAL { ?s rdfs:label ?l FILTER(langMatches(lang(?l), 'en')) } } GROUP BY ?s",
            prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
            **published_dataset(),  # type: ignore[arg-type]
        )
        kinds: dict[str, list[tuple[str, str]]] = {}
        counts: Counter[str] = Counter()
        for row in rows:  # type: ignore[union-attr]
            iri = row["s"].value
            kind = iri.removeprefix(prefix).split("/")[0]
            if kind in ("statement", "component"):
                counts[kind] += 1
                continue
            counts[kind] += 1
            label = row["label"].value if row["label"] is not None else iri.rsplit("/", 1)[-1]
            kinds.setdefault(kind, []).append((label, href(row["s"], settings.base_iri) or iri))
        # the first 500 by label (then link): the same page whichever engine answered, in
        # whatever order its rows came
        listing = {k: sorted(v)[:500] for k, v in sorted(kinds.items())}
        return pages.render("browse.html", kinds=listing, counts=counts,
                            graph_version=snapshot.version, triples=snapshot.triples)

    return handler


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def routes(settings: Settings) -> list[BaseRoute]:
    """The comparison pages, the entity index, the things (303) and their documents, the
    dumps, VoID, the ontology."""
    return [
        *dumps.routes(),
        *void.routes(settings),
        *ontology_docs.routes(),
        *comparison.routes(),
        Route("/browse", browse(settings), methods=["GET", "HEAD"], name="browse"),
        Route("/id/{kind}/{slug}", thing(settings), methods=["GET", "HEAD"], name="thing"),
        Route("/.well-known/genid/{slug}", thing(settings), methods=["GET", "HEAD"]),
        Route("/data/{kind}/{doc}", document(settings), methods=["GET", "HEAD"], name="document"),
    ]
