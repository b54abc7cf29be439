"""The Starlette application: one routes list, one lifespan.

The graph is loaded once in the lifespan (or passed in, for tests) and kept on
``app.state.graph`` as a :class:`~hwkg.loading.snapshot.GraphHolder`.

This module sits on top of every other package: it wires the surfaces (GraphQL, SPARQL,
linked data) and the operations (reloads, worker processes) into one app.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hwkg import __version__
from hwkg.core import gc_pause
from hwkg.core.settings import Settings
from hwkg.graphql import routes as graphql_api
from hwkg.linkeddata import dumps, evidence
from hwkg.linkeddata import routes as linked_data
from hwkg.loading.snapshot import GraphHolder, Snapshot
from hwkg.serving import cache, readiness, reload, remote_backend, remote_store, stores
from hwkg.sparql.pool import Engines
from hwkg.web import assets, service_metrics, sparql_endpoint, static
from hwkg.web.http_cache import HttpCache
from hwkg.web.request_limits import BodyLimits
from hwkg.web.request_log import RequestLog


async def health(request: Request) -> JSONResponse:
    """200 with the graph's version and size once the graph is loaded, else 503."""
    holder: GraphHolder | None = getattr(request.app.state, "graph", None)
    if holder is None:
        return JSONResponse({"status": "loading"}, status_code=503)
    snap = holder.current
    return JSONResponse(
        {"status": "ok", "version": snap.version, "triples": snap.triples, "hwkg": __version__,
         **reload.health_fields(request.app)}
    )


def create_app(settings: Settings | None = None, snapshot: Snapshot | None = None) -> Starlette:
    """Build the app; the graph is ``snapshot`` if given, else loaded from ``settings.home``."""
    settings = settings or Settings.from_env()
    engines = Engines()  # the SPARQL worker pools, closed at shutdown

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.settings = settings
        served = snapshot if snapshot is not None else await asyncio.to_thread(
            cache.open_snapshot, settings.home, in_memory=True)
        app.state.graph = GraphHolder(served)
        await asyncio.to_thread(readiness.prepare, app.state.graph.current)  # ready at 200
        gc_pause.settle()
        try:
            async with reload.running(app, settings):
                yield
        finally:  # here, not at exit: uvicorn ends a SIGTERM'd process by the signal itself
            engines.close()
            dumps.CACHE.close()

    routes = [
        Route("/health", health, methods=["GET", "HEAD"]),
        *service_metrics.routes(),
        *reload.routes(settings),
        *graphql_api.routes(settings),
        *sparql_endpoint.routes(settings, engines),
        *assets.routes(),
        *static.routes(),
        *evidence.routes(settings),
        *linked_data.routes(settings),
    ]
    middleware = [
        Middleware(RequestLog),
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                   allow_headers=["*"],
                   expose_headers=["ETag", "Link", "Vary", "HWKG-Results-Truncated", "HWKG-Cache",
                                   "Warning"]),
        Middleware(BodyLimits, max_bytes=settings.max_body_bytes,
                   body_timeout_s=settings.body_timeout_s),
        Middleware(HttpCache),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def create_app_from_env() -> Starlette:
    """The app of one worker: settings from ``HWKG_*``, graph from the store at ``HWKG_STORE``."""
    settings = Settings.from_env()
    if settings.sparql_endpoint:
        remote = remote_store.RemoteStore.from_settings(settings)
        return create_app(settings, remote_backend.open_snapshot(remote))
    if settings.store_path is None:
        return create_app(settings)
    path = stores.serving_path(settings.store_path, settings.home)
    return create_app(settings, stores.open_snapshot(path, settings.home, rebuild=False))
