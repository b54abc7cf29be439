"""``hwkg serve``: run the HTTP service (GraphQL, SPARQL, linked data) on the bundled graph."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from ..app import create_app
from ..observability import server_options
from ..settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("serve", help="serve the graph over HTTP")
    cmd.add_argument("--host", default="127.0.0.1")
    cmd.add_argument("--port", type=int, default=8000)
    cmd.add_argument("--home", type=Path, help="folder with ontology/, shapes/, graph/")
    cmd.add_argument("--base-iri", help="public base IRI the server answers for")
    cmd.add_argument("--sparql-timeout", type=float, help="seconds before a SPARQL query is killed")
    cmd.add_argument("--log-level", default="info")
    cmd.add_argument("--store", type=Path,
                     help="serve from the on-disk store at PATH (built, or rebuilt when the files "
                          "changed, as by hwkg load); default $HWKG_STORE")
    cmd.add_argument("--workers", type=int, default=1,
                     help="processes answering from the same store, read-only (default 1)")
    cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env(
        home=args.home, base_iri=args.base_iri, sparql_timeout_s=args.sparql_timeout,
        store_path=getattr(args, "store", None),
    )
    workers = getattr(args, "workers", 1)
    if workers > 1:
        from ..workers import serve

        return serve(settings, args.host, args.port, workers, args.log_level)
    snapshot = None
    if settings.store_path is not None:
        from ..persistence import open_snapshot

        snapshot = open_snapshot(settings.store_path, settings.home)
    uvicorn.run(create_app(settings, snapshot), host=args.host, port=args.port,
                **server_options(settings, args.log_level))
    return 0
