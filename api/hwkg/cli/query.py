"""``hwkg query 'SPARQL' [--format json|csv|tsv|xml|ttl|nt|jsonld|rdf]``: query the graph.

Runs in this process on the cached validated store of the graph (:mod:`hwkg.serving.cache`:
built once per graph version, so a repeated query parses nothing), with the same defaults
as the endpoint (union default graph, hwkg's prefixes predeclared, the row cap); or, with
``--endpoint URL``, asks a running server's SPARQL endpoint instead. The answer goes to
stdout; exit 1 on a query error (message on stderr). ``-`` reads the query from stdin.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hwkg.core.namespaces import PREFIXES
from hwkg.core.settings import Settings
from hwkg.sparql import negotiation
from hwkg.sparql.execution import Answer, Job, run

FORMATS = ("json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdf")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = subparsers.add_parser("query", help="run a SPARQL query on the graph")
    cmd.add_argument("query", help="the SPARQL query ('-' reads it from stdin)")
    cmd.add_argument("--format", choices=FORMATS, default=None,
                     help="json (default for SELECT/ASK), csv, tsv, xml; ttl (default for "
                          "CONSTRUCT/DESCRIBE), nt, jsonld, rdf")
    cmd.add_argument("--home", type=Path, help="folder with ontology/, shapes/, graph/")
    cmd.add_argument("--row-cap", type=int, help="most rows to print")
    cmd.add_argument("--endpoint", metavar="URL",
                     help="ask this SPARQL endpoint (e.g. http://127.0.0.1:8000/sparql) "
                          "instead of the local graph")
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


def remote(url: str, query: Job) -> Answer:
    """``query`` sent to the SPARQL endpoint at ``url`` (a form POST), as an :class:`Answer`."""
    import httpx

    accept = f"{query.results_type}, {query.graph_type};q=0.9"
    try:
        response = httpx.post(url, data={"query": query.query}, timeout=60,
                              headers={"Accept": accept})
    except httpx.HTTPError as exc:
        return Answer(status=502, body=f"{url}: {exc}\n".encode(), media_type="text/plain")
    truncated = response.headers.get("HWKG-Results-Truncated") is not None
    return Answer(status=response.status_code, body=response.content,
                  media_type=response.headers.get("content-type", ""), truncated=truncated)


def main(args: argparse.Namespace) -> int:
    from hwkg.serving import cache

    text = sys.stdin.read() if args.query == "-" else args.query
    settings = Settings.from_env(home=args.home)
    cap = args.row_cap or settings.sparql_row_cap
    if args.endpoint:
        answer = remote(args.endpoint, job(text, args.format, cap))
    else:
        answer = run(cache.open_snapshot(settings.home).store, job(text, args.format, cap))
    if answer.status != 200:
        sys.stderr.write(answer.body.decode("utf-8", "replace"))
        return 1
    mismatch = _format_mismatch(args.format, answer)
    if mismatch:
        sys.stderr.write(f"hwkg query: {mismatch}\n")
        return 2
    sys.stdout.buffer.write(answer.body)
    if answer.body and not answer.body.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.buffer.flush()
    if answer.truncated:
        sys.stderr.write(f"warning: results truncated to the row cap ({cap} rows)\n")
    return 0


def _format_mismatch(fmt: str | None, answer: Answer) -> str | None:
    """Why ``--format fmt`` cannot write ``answer`` (a SELECT as Turtle, an ASK as CSV), or
    None when it can (or no format was asked for)."""
    if fmt is None or not answer.form:
        return None
    media_type = negotiation.by_short_name(fmt)
    if answer.form == "GRAPH":
        fits, wanted = media_type in negotiation.GRAPH_TYPES, "ttl, nt, jsonld or rdf"
    elif answer.form == "ASK":
        fits, wanted = fmt in ("json", "xml"), "json or xml"
    else:
        fits, wanted = media_type in negotiation.RESULTS_TYPES, "json, csv, tsv or xml"
    if fits:
        return None
    form = "CONSTRUCT/DESCRIBE" if answer.form == "GRAPH" else answer.form
    article = "an" if form == "ASK" else "a"
    return f"--format {fmt} cannot write {article} {form} answer; use {wanted}"
