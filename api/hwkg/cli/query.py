"""``hwkg query 'SPARQL' [--format json|csv|tsv|xml|ttl|nt|jsonld|rdf]``: query the bundled graph.

Runs in this process on a freshly loaded snapshot, with the same defaults as the endpoint
(union default graph, hwkg's prefixes predeclared, the row cap). The answer goes to stdout;
exit 1 on a query error (message on stderr). ``-`` reads the query from stdin.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hwkg.core.namespaces import PREFIXES
from hwkg.core.settings import Settings
from hwkg.sparql import negotiation
from hwkg.sparql.execution import Job, run

FORMATS = ("json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdf")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("query", help="run a SPARQL query on the graph")
    cmd.add_argument("query", help="the SPARQL query ('-' reads it from stdin)")
    cmd.add_argument("--format", choices=FORMATS, default=None,
                     help="json (default for SELECT/ASK), csv, tsv, xml; ttl (default for "
                          "CONSTRUCT/DESCRIBE), nt, jsonld, rdf")
    cmd.add_argument("--home", type=Path, help="folder with ontology/, shapes/, graph/")
    cmd.add_argument("--row-cap", type=int, help="most rows to print")
    cmd.set_defaults(func=main)


def job(text: str, fmt: str | None, cap: int) -> Job:
    """The job for ``text``: ``fmt`` applies to whichever query form it fits."""
    media_type = negotiation.by_short_name(fmt)
    results, graph = negotiation.RESULTS_TYPES[0], negotiation.GRAPH_TYPES[0]
    if media_type in negotiation.RESULTS_TYPES:
        results = media_type
    if media_type in negotiation.GRAPH_TYPES:
        graph = media_type
    return Job(query=text, results_type=results, graph_type=graph, cap=cap, prefixes=PREFIXES)


def main(args: argparse.Namespace) -> int:
    from hwkg.loading.snapshot import load_snapshot

    text = sys.stdin.read() if args.query == "-" else args.query
    settings = Settings.from_env(home=args.home)
    snapshot = load_snapshot(settings.home)
    cap = args.row_cap or settings.sparql_row_cap
    answer = run(snapshot.store, job(text, args.format, cap))
    if answer.status != 200:
        sys.stderr.write(answer.body.decode("utf-8", "replace"))
        return 1
    sys.stdout.buffer.write(answer.body)
    sys.stdout.buffer.flush()
    if answer.truncated:
        sys.stderr.write(f"warning: results truncated to the row cap ({cap} rows)\n")
    return 0
