"""A SPARQL endpoint over any plain dataset: the same routes as ``hwkg serve``, no bundle.

Used to run the W3C protocol tests against their own data, and handy for serving any
N-Triples/N-Quads files::

    python -m hwkg.web.sparql_standalone --port 8001 --graph http://ex.org/g1=data1.nt

Each ``--graph NAME=FILE`` loads FILE into the named graph NAME (``--graph FILE`` alone loads
an N-Quads/TriG file as it is).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hwkg.core.settings import Settings
from hwkg.sparql.pool import Engines
from hwkg.web import sparql_endpoint


@dataclass(frozen=True)
class PlainSnapshot:
    """What the endpoint needs from a snapshot: a store and a version."""

    store: ox.Store
    version: str
    loaded_at: float = field(default_factory=time.time)


@dataclass
class PlainHolder:
    current: PlainSnapshot


def load(graphs: list[str]) -> ox.Store:
    """A store with each ``NAME=FILE`` in graph NAME (or a quad file as it is)."""
    store = ox.Store()
    for spec in graphs:
        name, sep, path = spec.rpartition("=")
        fmt = ox.RdfFormat.from_extension(Path(path).suffix.lstrip(".")) or ox.RdfFormat.N_TRIPLES
        target = ox.NamedNode(name) if sep else None
        store.bulk_load(path=path, format=fmt, to_graph=target)
    return store


def create_app(store: ox.Store, settings: Settings) -> Starlette:
    """A Starlette app serving ``store`` at ``/sparql`` (plus ``/health``)."""
    version = hashlib.sha256(str(len(store)).encode() + str(id(store)).encode()).hexdigest()[:16]

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "triples": len(store)})

    engines = Engines()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.graph = PlainHolder(PlainSnapshot(store, version))
        try:
            yield
        finally:
            engines.close()

    routes = [Route("/health", health), *sparql_endpoint.routes(settings, engines)]
    return Starlette(routes=routes, lifespan=lifespan)


def main(argv: list[str] | None = None) -> int:
    cmd = argparse.ArgumentParser(prog="python -m hwkg.web.sparql_standalone")
    cmd.add_argument("--host", default="127.0.0.1")
    cmd.add_argument("--port", type=int, default=8001)
    cmd.add_argument("--graph", action="append", default=[], help="NAME=FILE or FILE")
    cmd.add_argument("--sparql-timeout", type=float)
    args = cmd.parse_args(argv)
    settings = Settings.from_env(sparql_timeout_s=args.sparql_timeout)
    app = create_app(load(args.graph), settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
