"""The Starlette application: one routes list, one lifespan.

The graph is loaded once in the lifespan (or passed in, for tests) and kept on
``app.state.graph`` as a :class:`~hwkg.state.GraphHolder`.
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

from . import (
    __version__,
    assets,
    catalog,
    dumps,
    evidence,
    gc_pause,
    graphql_api,
    linked_data,
    metrics_endpoint,
    reload,
    sparql_endpoint,
)
from .http_cache import HttpCache
from .limits import BodyLimits
from .observability import RequestLog
from .settings import Settings
from .sparql.pool import Engines
from .state import GraphHolder, Snapshot, load_snapshot


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
        app.state.graph = GraphHolder(snapshot or load_snapshot(settings.home))
        await asyncio.to_thread(catalog.warm, app.state.graph.current)  # GraphQL ready at 200
        gc_pause.settle()
        try:
            async with reload.running(app, settings):
                yield
        finally:  # here, not at exit: uvicorn ends a SIGTERM'd process by the signal itself
            engines.close()
            dumps.CACHE.close()

    routes = [
        Route("/health", health, methods=["GET", "HEAD"]),
        *metrics_endpoint.routes(),
        *reload.routes(settings),
        *graphql_api.routes(settings),
        *sparql_endpoint.routes(settings, engines),
        *assets.routes(),
        *evidence.routes(settings),
        *linked_data.routes(settings),
    ]
    middleware = [
        Middleware(RequestLog),
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                   allow_headers=["*"],
                   expose_headers=["ETag", "Link", "Vary", "HWKG-Results-Truncated", "Warning"]),
        Middleware(BodyLimits, max_bytes=settings.max_body_bytes,
                   body_timeout_s=settings.body_timeout_s),
        Middleware(HttpCache),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
