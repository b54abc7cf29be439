"""Running one query against an Oxigraph store and serialising its answer with Oxigraph.

This module imports nothing but pyoxigraph so a worker process starts fast. A :class:`Job`
is plain data (it crosses a pipe as JSON); :func:`run` returns an :class:`Answer`.

Row cap: results are first written by Oxigraph as TSV (SELECT) or N-Triples
(CONSTRUCT/DESCRIBE), one row or triple per line, into a writer that stops the query once
``cap`` rows are in; when the client wants another format Oxigraph re-reads those lines and
writes it. Evaluation is lazy, so a capped query stops early.

Nesting: Oxigraph parses and evaluates recursively, and a query nested some thousands of
levels deep (groups, parentheses, brackets) overflows the worker's stack; a query nested
deeper than :data:`MAX_NESTING` is answered 400 before the engine sees it.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import pyoxigraph as ox

from hwkg.core.namespaces import GRAPH_META, published_dataset

MAX_NESTING = 200
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)
_NOT_BRACKET = re.compile(r"[^(){}\[\]]+")
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")
_USED = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:(?![/:])")


def code_only(query: str) -> str:
    """``query`` with its strings, IRIs and comments blanked out: what keywords are read in."""
    return _OPAQUE.sub(" ", query)


def undeclared_prefixes(query: str, predeclared: dict[str, str] | None) -> list[str]:
    """Prefixes ``query`` uses (``nope:`` in ``nope:x``) that neither it nor ``predeclared``
    declares."""
    code = code_only(query)
    declared = set(predeclared or {}) | {m.group(1) or "" for m in _DECLARED.finditer(code)}
    used = {m.group(1) or "" for m in _USED.finditer(_DECLARED.sub(" ", code))}
    return sorted(used - declared)


def nesting(query: str) -> int:
    """How deep ``query``'s brackets (``( { [``) nest, outside strings, IRIs and comments."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", code_only(query)):
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


@dataclass
class Job:
    """A query and how to answer it."""

    query: str
    results_type: str = "application/sparql-results+json"
    graph_type: str = "text/turtle"
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    cap: int = 10_000
    base_iri: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """The outcome: an HTTP status, a media type, the body, and whether the cap cut it."""

    status: int
    media_type: str
    body: bytes
    truncated: bool = False
    rows: int | None = None
    form: str = ""

    def header(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "body"}


class _CapReached(Exception):
    """Raised from the writer to stop the query once the cap is reached."""


class _LineCap(io.RawIOBase):
    """Collects bytes until ``limit`` lines are complete, then stops the writer."""

    def __init__(self, limit: int) -> None:
        self.buffer = bytearray()
        self.lines = 0
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.buffer += chunk
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise _CapReached()
        return len(chunk)

    def head(self, lines: int) -> bytes:
        """The first ``lines`` lines."""
        end = -1
        for _ in range(lines):
            end = self.buffer.index(b"\n", end + 1)
        return bytes(self.buffer[: end + 1])


def _capped(write: Any, limit: int) -> tuple[bytes, bool]:
    """Run ``write(output)`` keeping at most ``limit`` lines; returns them and whether cut."""
    sink = _LineCap(limit)
    try:
        write(sink)
    except _CapReached:
        return sink.head(limit), True
    except OSError as exc:  # pyoxigraph wraps the writer's exception
        if sink.lines <= limit:
            raise
        del exc
        return sink.head(limit), True
    return bytes(sink.buffer), False


def _dataset(job: Job, store: ox.Store) -> dict[str, Any]:
    """The request's dataset, else the default one: the union of the store's graphs, or
    only hwkg's published graphs when the store also holds hwkg's bookkeeping graph (one
    built by hwkg before its record moved beside the store), which is never served."""
    options: dict[str, Any] = {"prefixes": job.prefixes or None, "base_iri": job.base_iri}
    if job.default_graphs or job.named_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    elif store.contains_named_graph(ox.NamedNode(GRAPH_META)):
        options.update(published_dataset())
    else:
        options["use_default_graph_as_union"] = True
    return options


def _solutions(results: ox.QuerySolutions, job: Job) -> Answer:
    tsv, cut = _capped(
        lambda out: results.serialize(out, ox.QueryResultsFormat.TSV), job.cap + 1
    )
    rows = tsv.count(b"\n") - 1
    body = tsv
    if job.results_type != "text/tab-separated-values":
        fmt = ox.QueryResultsFormat.from_media_type(job.results_type)
        parsed = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
        body = parsed.serialize(format=fmt) or b""
    return Answer(200, job.results_type, body, cut, rows, "SELECT")


def _triples(results: ox.QueryTriples, job: Job, form: str) -> Answer:
    nt, cut = _capped(lambda out: results.serialize(out, ox.RdfFormat.N_TRIPLES), job.cap)
    body = nt
    if job.graph_type != "application/n-triples":
        fmt = ox.RdfFormat.from_media_type(job.graph_type)
        parsed = ox.parse(nt, ox.RdfFormat.N_TRIPLES)
        body = ox.serialize(parsed, format=fmt, prefixes=job.prefixes or None) or b""
    return Answer(200, job.graph_type, body, cut, nt.count(b"\n"), form)


def _boolean(result: ox.QueryBoolean, job: Job) -> Answer:
    media_type = job.results_type
    if media_type in ("text/csv", "text/tab-separated-values"):
        media_type = "application/sparql-results+json"  # booleans have no CSV/TSV form
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    return Answer(200, media_type, result.serialize(format=fmt) or b"", False, None, "ASK")


def answer(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, job: Job) -> Answer:
    """The capped answer to ``job`` from ``results`` (from any engine), in its format."""
    if isinstance(results, ox.QuerySolutions):
        return _solutions(results, job)
    if isinstance(results, ox.QueryBoolean):
        return _boolean(results, job)
    return _triples(results, job, "GRAPH")


def run(store: ox.Store, job: Job) -> Answer:
    """Execute ``job`` on ``store``; syntax errors and queries nested deeper than
    :data:`MAX_NESTING` answer 400 with the reason."""
    depth = nesting(job.query)
    if depth > MAX_NESTING:
        return Answer(400, "text/plain; charset=utf-8",
                      f"the query nests {depth} levels deep; the limit is {MAX_NESTING}\n"
                      .encode())
    try:
        return answer(store.query(job.query, **_dataset(job, store)), job)
    except SyntaxError as exc:
        missing = undeclared_prefixes(job.query, job.prefixes)
        if missing and "Prefix not found" in str(exc):
            names = ", ".join(f"{p}:" for p in missing)
            return Answer(400, "text/plain; charset=utf-8", (
                f"query syntax error: undeclared prefix {names} — declare it (PREFIX "
                f"{missing[0]}: <…>) or use one hwkg predeclares: "
                f"{', '.join(sorted(p + ':' for p in (job.prefixes or {})))}\n").encode())
        return Answer(400, "text/plain; charset=utf-8", f"query syntax error: {exc}\n".encode())
    except (OSError, ValueError, RuntimeError) as exc:
        return Answer(400, "text/plain; charset=utf-8", f"query failed: {exc}\n".encode())
