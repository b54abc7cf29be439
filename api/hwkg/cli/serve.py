"""``hwkg serve``: run the HTTP service (GraphQL, SPARQL, linked data) on the bundled graph.

Three ways to hold the graph: in memory (default), in an on-disk store (``--store``, with
``--workers``), or in an external SPARQL 1.1 server (``--sparql-endpoint``; ``--load`` puts
the bundled graph there first). Exit codes: 0 stopped normally, 1 the graph could not be
loaded or the server holds none, 2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import httpx
import uvicorn

from hwkg.app import create_app
from hwkg.core.problems import InvalidGraph
from hwkg.core.settings import Settings
from hwkg.loading.snapshot import Snapshot
from hwkg.web.request_log import server_options


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
    remote = cmd.add_argument_group("external SPARQL server")
    remote.add_argument("--sparql-endpoint", metavar="URL",
                        help="serve from this SPARQL 1.1 server (its query URL) instead of an "
                             "embedded store; default $HWKG_SPARQL_ENDPOINT")
    remote.add_argument("--update-url", metavar="URL",
                        help="the server's SPARQL Update URL (for --load)")
    remote.add_argument("--user", help="user for the server (HTTP Basic or Digest)")
    remote.add_argument("--password-env", metavar="VAR", default="HWKG_SPARQL_PASSWORD",
                        help="environment variable holding the password "
                             "(default HWKG_SPARQL_PASSWORD)")
    remote.add_argument("--union-default-graph", action="store_true", default=None,
                        help="the server's default graph is the union of its graphs (oxigraph "
                             "serve --union-default-graph): send union queries without a "
                             "dataset, ~2x faster scans on Oxigraph; other graphs on the "
                             "server then show in answers ($HWKG_SPARQL_UNION_DEFAULT=1)")
    remote.add_argument("--load", action="store_true",
                        help="load the graph files into the server first, unless it already "
                             "holds their version")
    cmd.set_defaults(func=run)


def _settings(args: argparse.Namespace) -> Settings:
    password_env = getattr(args, "password_env", "HWKG_SPARQL_PASSWORD")
    return Settings.from_env(
        home=args.home, base_iri=args.base_iri, sparql_timeout_s=args.sparql_timeout,
        store_path=getattr(args, "store", None),
        sparql_endpoint=getattr(args, "sparql_endpoint", None),
        sparql_update_url=getattr(args, "update_url", None),
        sparql_user=getattr(args, "user", None),
        sparql_password=os.environ.get(password_env) or None,
        sparql_union_default=getattr(args, "union_default_graph", None),
    )


def remote_snapshot(settings: Settings, load: bool) -> Snapshot | None:
    """The snapshot served from ``settings.sparql_endpoint`` (loaded first with ``load``);
    None after printing why when it cannot be served."""
    from hwkg.serving import remote_backend, remote_store

    remote = remote_store.RemoteStore.from_settings(settings)
    try:
        if load:
            version, sent = remote_store.ensure(remote, settings.home)
            what = "up to date" if sent is None else f"loaded {sent:,} triples"
            print(f"hwkg serve: {remote.query_url} {what} (graph version {version})",
                  file=sys.stderr)
        return remote_backend.open_snapshot(remote)
    except InvalidGraph as exc:
        for problem in exc.problems:
            print(problem)
        print(f"hwkg serve: {len(exc.problems)} problem(s); nothing was sent", file=sys.stderr)
    except (remote_backend.NoGraph, remote_backend.RemoteError, RuntimeError,
            httpx.HTTPError) as exc:
        print(f"hwkg serve: {remote.query_url}: {exc}", file=sys.stderr)
    return None


def run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if settings.sparql_endpoint and settings.store_path is not None:
        print("hwkg serve: give --store or --sparql-endpoint, not both", file=sys.stderr)
        return 2
    if getattr(args, "load", False) and not (settings.sparql_endpoint and
                                             settings.sparql_update_url):
        print("hwkg serve: --load needs --sparql-endpoint and --update-url", file=sys.stderr)
        return 2
    snapshot = None
    if settings.sparql_endpoint:
        snapshot = remote_snapshot(settings, getattr(args, "load", False))
        if snapshot is None:
            return 1
    workers = getattr(args, "workers", 1)
    if workers > 1:
        from hwkg.serving.workers import serve

        return serve(settings, args.host, args.port, workers, args.log_level)
    if settings.store_path is not None:
        from hwkg.serving.stores import open_snapshot

        snapshot = open_snapshot(settings.store_path, settings.home)
    uvicorn.run(create_app(settings, snapshot), host=args.host, port=args.port,
                **server_options(settings, args.log_level))
    return 0
