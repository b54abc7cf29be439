"""``hwkg export --format ttl|nt|nq|jsonld [--output PATH]``: dump the whole graph.

With ``--output`` the dump goes to PATH and its SHA-256 to ``PATH.sha256`` (``sha256sum``
format, also printed); without, the dump goes to stdout and the checksum line to stderr.
N-Quads keeps the named graphs; the other formats hold their union.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

from hwkg.core.settings import Settings
from hwkg.linkeddata import dumps


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("export", help="dump the whole graph with a checksum")
    cmd.add_argument("--format", choices=sorted(dumps.FORMATS), default="ttl")
    cmd.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    cmd.add_argument("--home", type=Path, help="folder with ontology/, shapes/, graph/")
    cmd.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from hwkg.serving import cache

    snapshot = cache.open_snapshot(Settings.from_env(home=args.home).home)
    name = f"{dumps.NAME}.{args.format}"
    if args.output is not None:
        digest = dumps.export(snapshot.store, args.format, args.output)
        print(dumps.checksum_line(digest, args.output.name), end="")
        return 0
    buffer = io.BytesIO()
    dumps.write(snapshot.store, args.format, buffer)
    data = buffer.getvalue()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    sys.stderr.write(dumps.checksum_line(hashlib.sha256(data).hexdigest(), name))
    return 0
