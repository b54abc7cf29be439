"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: read-only, time-limited, row-capped.

- GET ``?query=``, form POST and direct POST (``application/sparql-query``);
  ``default-graph-uri`` / ``named-graph-uri`` pick the dataset, otherwise the default graph
  is the union of every graph (ontology, shapes, data, truthy).
- SELECT/ASK answer in SPARQL JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE in Turtle,
  N-Triples, JSON-LD or RDF/XML (Accept header, or ``format=`` for clients that cannot).
- Queries run in killable worker processes (:mod:`hwkg.sparql.pool`): past
  ``settings.sparql_timeout_s`` the worker is killed and the answer is 503. When the graph is
  served from an external SPARQL server (``hwkg serve --sparql-endpoint``) the query is
  forwarded there instead (:mod:`hwkg.web.sparql_forwarder`), with the same limit and cap.
- More than ``settings.sparql_row_cap`` rows: the rest is cut and the response carries
  ``HWKG-Results-Truncated: <cap>`` and a ``Warning`` header.
- The same query asked again of the same graph version (same dataset and formats) is
  answered from :mod:`hwkg.sparql.answers` without a worker (``HWKG-Cache: hit``; a first
  answer says ``miss``). Not for a graph served from an external SPARQL server, which may
  change under it.
- Updates get 403 (read-only); SERVICE gets 400 (no outbound connections).
- Without a query: the YASGUI editor for browsers, the Service Description for machines.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from hwkg.core import telemetry as metrics_endpoint
from hwkg.core.namespaces import PREFIXES
from hwkg.core.settings import Settings
from hwkg.serving import remote_backend
from hwkg.sparql import answers, description, negotiation, protocol
from hwkg.sparql.execution import Answer, Job
from hwkg.sparql.pool import Busy, Engines, MemoryLimit, TimeLimit
from hwkg.web import assets, pages, representation
from hwkg.web import sparql_forwarder as forwarder

METHODS = ["GET", "HEAD", "POST"]


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A plain-text error answer."""
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def job_for(request: Request, op: protocol.Operation, settings: Settings) -> Job:
    """The job for ``op``, with formats negotiated from the request."""
    accept = request.headers.get("accept")
    forced = negotiation.by_short_name(op.format)
    results = negotiation.choose(accept, negotiation.RESULTS_TYPES)
    graph = negotiation.choose(accept, negotiation.GRAPH_TYPES)
    if forced in negotiation.RESULTS_TYPES:
        results = forced
    if forced in negotiation.GRAPH_TYPES:
        graph = forced
    return Job(
        query=op.query or "",
        results_type=results or negotiation.RESULTS_TYPES[0],
        graph_type=graph or negotiation.GRAPH_TYPES[0],
        default_graphs=op.default_graphs,
        named_graphs=op.named_graphs,
        cap=settings.sparql_row_cap,
        base_iri=settings.base_iri + "sparql",
        prefixes=PREFIXES,
    )


def answer_response(answer: Answer, cap: int, cache: str | None = None) -> Response:
    """The HTTP response for a worker's answer (``cache``: ``hit`` or ``miss``, when the
    answer cache was asked)."""
    headers = {"Vary": "Accept"}
    if cache is not None:
        headers["HWKG-Cache"] = cache
    if answer.truncated:
        headers["HWKG-Results-Truncated"] = str(cap)
        headers["Warning"] = f'199 hwkg "results truncated to the row cap ({cap} rows)"'
    return Response(answer.body, status_code=answer.status,
                    media_type=representation.content_type(answer.media_type)
                    if ";" not in answer.media_type else answer.media_type, headers=headers)


def no_query(request: Request, settings: Settings) -> Response:
    """The editor page for browsers, the Service Description for everyone else."""
    accept = request.headers.get("accept")
    if negotiation.prefers_html(accept, representation.RDF_TYPES):
        return pages.render("sparql.html", endpoint=str(request.url.path),
                            prefixes=PREFIXES, timeout=settings.sparql_timeout_s,
                            cap=settings.sparql_row_cap, how=assets.HOW)
    media_type = negotiation.choose(accept, representation.RDF_TYPES) or "text/turtle"
    store = request.app.state.graph.current.store
    endpoint = str(request.url.replace(query=""))
    triples = description.triples(store, endpoint.rstrip("?"), settings.sparql_timeout_s,
                                  settings.sparql_row_cap)
    return representation.rdf_response(triples, media_type)


def endpoint(settings: Settings, engines: Engines) -> Any:
    """The request handler, closed over ``settings``, the worker pools ``engines`` (the
    app closes them at shutdown) and the answers kept per graph version."""
    kept = answers.AnswerCache()

    async def sparql(request: Request) -> Response:
        try:
            op = await protocol.parse(request, settings.max_body_bytes)
        except protocol.ProtocolError as exc:
            return error(exc.status, exc.message)
        if op.update is not None:
            return error(403, "This SPARQL endpoint is read-only: updates are not accepted.")
        if op.query is None:
            if request.method == "POST":
                return error(400, "the POST carries no 'query'")
            return no_query(request, settings)
        if protocol.uses_service(op.query):
            return error(400, "SERVICE (federated query) is not allowed on this endpoint: "
                              "it makes no outbound connections.")
        snapshot = request.app.state.graph.current
        timeout = settings.sparql_timeout_s
        remote = remote_backend.of(snapshot)
        job = job_for(request, op, settings)
        cache_key = answers.key(snapshot.version, job) if remote is None else None
        if cache_key is not None and (found := kept.get(cache_key)) is not None:
            return answer_response(found, settings.sparql_row_cap, "hit")
        try:
            if remote is not None:
                answer = await forwarder.run(remote, job, timeout)
            else:
                pool = await engines.for_store(snapshot.store, snapshot.version,
                                               getattr(snapshot, "store_path", None))
                answer = await pool.run(job, timeout,
                                        request.client.host if request.client else "")
        except TimeLimit:
            metrics_endpoint.record_query_timeout("sparql")
            return error(503, f"The query ran longer than the {timeout:g} s limit and was "
                              "stopped. Narrow it (more specific patterns, LIMIT) or download "
                              "the dumps at /dumps/.")
        except MemoryLimit as exc:
            metrics_endpoint.record_query_memory_limit()
            return error(503, f"The query needed more than the {exc.budget_mb} MiB of memory "
                              "a query may use and was stopped. Narrow it (fewer or shorter "
                              "values, LIMIT) or download the dumps at /dumps/.")
        except Busy as exc:
            return error(503, str(exc), {"Retry-After": "1"})
        if cache_key is None:
            return answer_response(answer, settings.sparql_row_cap)
        kept.keep(cache_key, answer)
        return answer_response(answer, settings.sparql_row_cap, "miss")

    return sparql


def routes(settings: Settings, engines: Engines) -> list[BaseRoute]:
    """``/sparql`` (and ``/sparql/``, the path the W3C tests use)."""
    handler = endpoint(settings, engines)
    return [
        Route("/sparql", handler, methods=METHODS, name="sparql"),
        Route("/sparql/", handler, methods=METHODS, name="sparql-slash"),
    ]
