"""``hwkg load --store PATH``: build the persistent store ``hwkg serve --store`` opens.

Parses and validates ``ontology/``, ``shapes/`` and ``graph/`` (of ``--home`` or the bundled
folder) and writes them into an Oxigraph store at PATH, recording the graph's version, with
the GraphQL catalog saved in the store folder. The files are parsed with Oxigraph
(:mod:`hwkg.loading.staging`, in worker processes for large graphs) into an in-memory store
and validated there: the SHACL-SPARQL constraints always, the SHACL core constraints up to
``--core-max`` data triples (:mod:`hwkg.validation.check`). Validation runs beside the
catalog build and the disk write (``--sequential``: before them), into a folder of its own
that replaces PATH only once validation passed; each step's time and memory go to stderr.
When the store already holds the files' current version it does nothing (``--force``
rebuilds).
With ``--sparql-endpoint URL --update-url URL`` the graph goes into an external SPARQL 1.1
server instead (:mod:`hwkg.serving.remote_store`).
Exit codes: 0 built or up to date, 1 the files do not parse or conform, 2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from hwkg.core.problems import InvalidGraph
from hwkg.loading.snapshot import load_snapshot
from hwkg.serving import stores as persistence
from hwkg.serving.remote_store import RemoteStore
from hwkg.serving.remote_store import load as load_remote
from hwkg.validation import check as store_check


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("load", help="build the on-disk store that serve --store opens")
    cmd.add_argument("--store", type=Path, help="store folder (default: $HWKG_STORE)")
    cmd.add_argument("--home", type=Path, help="folder with ontology/, shapes/, graph/")
    cmd.add_argument("--force", action="store_true", help="rebuild even when up to date")
    cmd.add_argument("--no-check", action="store_true",
                     help="skip SHACL validation (the files must still parse)")
    cmd.add_argument("--core-max", type=int, default=store_check.CORE_MAX, metavar="TRIPLES",
                     help="data triples up to which SHACL core constraints that do not "
                          "compile to SPARQL run in pyshacl (none of the bundled shapes'); "
                          "above, they are skipped, and said so "
                          f"(default {store_check.CORE_MAX:,})")
    cmd.add_argument("--no-catalog", action="store_true",
                     help="do not build the GraphQL catalog into the store folder (the first "
                          "server start builds it instead)")
    cmd.add_argument("--sequential", action="store_true",
                     help="validate, build the catalog and write the disk store one after "
                          "the other (lowest peak memory; by default they overlap)")
    cmd.add_argument("--sparql-endpoint", metavar="URL",
                     help="load into this SPARQL 1.1 server (its query URL) instead of --store")
    cmd.add_argument("--update-url", metavar="URL", help="the server's SPARQL Update URL")
    cmd.add_argument("--user", help="basic-auth user for the server; the password is read "
                                    "from $HWKG_SPARQL_PASSWORD (or --password-env)")
    cmd.add_argument("--password-env", metavar="VAR", default="HWKG_SPARQL_PASSWORD",
                     help="the environment variable holding the password (never on the "
                          "command line)")
    cmd.set_defaults(func=run)


def run_remote(args: argparse.Namespace, home: Path | None) -> int:
    """Load into an external SPARQL server, unless it already holds the files' version."""
    if not args.update_url:
        print("hwkg load: --sparql-endpoint needs --update-url", file=sys.stderr)
        return 2
    remote = RemoteStore(args.sparql_endpoint, args.update_url, args.user,
                         os.environ.get(args.password_env) or None)
    started = time.perf_counter()
    version = persistence.Inputs.of(home).version
    if not args.force and remote.version() == version:
        print(f"hwkg load: {args.sparql_endpoint} up to date (graph version {version})",
              file=sys.stderr)
        return 0
    loaded = load_snapshot(home, check_shapes=not args.no_check)
    sent = load_remote(loaded, remote)
    print(f"hwkg load: {args.sparql_endpoint} loaded {sent:,} triples (graph version "
          f"{loaded.version}, {time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    home = args.home or (Path(os.environ["HWKG_HOME"]) if os.environ.get("HWKG_HOME") else None)
    if args.sparql_endpoint:
        try:
            return run_remote(args, home)
        except InvalidGraph as exc:
            for problem in exc.problems:
                print(problem)
            print(f"hwkg load: {len(exc.problems)} problem(s); nothing was sent",
                  file=sys.stderr)
            return 1
    path = args.store or (Path(os.environ["HWKG_STORE"]) if os.environ.get("HWKG_STORE") else None)
    if path is None:
        print("hwkg load: give --store PATH (or set HWKG_STORE)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    options = {"core_max": args.core_max, "with_catalog": not args.no_catalog,
               "overlap": not args.sequential}
    try:
        if args.force:
            meta, built = persistence.build(path, home, check=not args.no_check, **options), True
        else:
            meta, built = persistence.ensure(path, home, check=not args.no_check, **options)
    except InvalidGraph as exc:
        for problem in exc.problems:
            print(problem)
        print(f"hwkg load: {len(exc.problems)} problem(s); the store was not changed",
              file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    what = "built" if built else "up to date"
    print(f"hwkg load: {path} {what} (graph version {meta.version}, {took:.1f} s)",
          file=sys.stderr)
    return 0
