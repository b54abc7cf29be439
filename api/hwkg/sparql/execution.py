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
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox

from hwkg.core.namespaces import GRAPH_META, SKOLEM_PREFIXES, published_dataset

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
    """``query`` with its strings, IRIs and comments blanked out (each character becomes a
    space, so positions stay those of ``query``): what keywords are read in."""
    return _OPAQUE.sub(lambda m: " " * len(m.group()), query)


def _without_comments(query: str) -> str:
    """``query`` with only its comments blanked out (strings and IRIs kept), positions kept."""
    return _OPAQUE.sub(lambda m: " " * len(m.group()) if m.group().startswith("#")
                       else m.group(), query)


_WORD_BEFORE = r"(?<![\w?$:.@-])"
_WORD_AFTER = r"(?![\w:.-])"
_FROM = re.compile(rf"(?i){_WORD_BEFORE}FROM{_WORD_AFTER}")
_NAMED = re.compile(rf"(?i)\s*NAMED{_WORD_AFTER}")
_IRIREF = r'<([^<>"{}|^`\\\s]*)>'
_IRI_AT = re.compile(rf"\s*{_IRIREF}")
_PNAME_AT = re.compile(r"\s*([A-Za-z][\w.-]*)?:((?:[\w:%.-]|\\.)*)")
_PROLOGUE = re.compile(rf"(?i){_WORD_BEFORE}(?:PREFIX\s+([A-Za-z][\w.-]*)?:|BASE)\s*{_IRIREF}")
_DESCRIBE = re.compile(r"(?i)^\s*(?:(?:BASE|PREFIX\s+(?:[A-Za-z][\w.-]*)?:)\s*)*DESCRIBE\b")


@dataclass(frozen=True)
class QueryDataset:
    """The dataset a query names itself (``FROM`` and ``FROM NAMED``), as absolute IRIs."""

    default: tuple[str, ...]
    named: tuple[str, ...]
    #: Where the clauses are in the query text: (start, end) of each ``FROM [NAMED] <g>``.
    spans: tuple[tuple[int, int], ...] = ()

    def without(self, graph: str) -> QueryDataset:
        """The same dataset with ``graph`` named nowhere (hwkg's bookkeeping graph)."""
        return QueryDataset(tuple(g for g in self.default if g != graph),
                            tuple(g for g in self.named if g != graph), self.spans)

    def removed_from(self, query: str) -> str:
        """``query`` without its dataset clauses (each blanked, so positions stay), for a
        server that would otherwise prefer them to the protocol's dataset (Virtuoso)."""
        for start, end in self.spans:
            query = query[:start] + " " * (end - start) + query[end:]
        return query


def declares_dataset(query: str) -> bool:
    """True when ``query`` has a ``FROM`` or ``FROM NAMED`` clause (outside strings, IRIs
    and comments)."""
    return _FROM.search(code_only(query)) is not None


def dataset_clause(query: str, prefixes: dict[str, str] | None = None,
                   base_iri: str | None = None) -> QueryDataset | None:
    """The graphs ``query``'s ``FROM`` / ``FROM NAMED`` clauses name, prefixed names and
    relative IRIs resolved with its own ``PREFIX``/``BASE`` declarations (then ``prefixes``
    and ``base_iri``); None when it has no such clause or one this reading cannot follow
    (the engine then reads the query itself and reports any syntax error)."""
    code = code_only(query)
    starts = [m.end() for m in _FROM.finditer(code)]
    if not starts:
        return None
    text = _without_comments(query)
    base, names = base_iri or "", dict(prefixes or {})
    for m in _PROLOGUE.finditer(text[: starts[0]]):
        if code[m.start()] == " ":  # inside a string or IRI, not a declaration
            continue
        iri = urljoin(base, m.group(2)) if base else m.group(2)
        if m.group(0)[:4].upper() == "BASE":
            base = iri
        else:
            names[m.group(1) or ""] = iri
    default: list[str] = []
    named: list[str] = []
    spans: list[tuple[int, int]] = []
    for keyword in starts:
        into, start = default, keyword
        if (word := _NAMED.match(text, start)) is not None:
            into, start = named, word.end()
        found = _graph_at(text, start, names, base)
        if found is None:
            return None
        iri, end = found
        spans.append((keyword - 4, end))
        if iri not in into:
            into.append(iri)
    return QueryDataset(tuple(default), tuple(named), tuple(spans))


def _graph_at(text: str, start: int, names: dict[str, str],
              base: str) -> tuple[str, int] | None:
    """The IRI written at ``start`` (an IRI reference or a prefixed name), resolved, and
    where it ends."""
    if (iri := _IRI_AT.match(text, start)) is not None:
        return (urljoin(base, iri.group(1)) if base else iri.group(1)), iri.end()
    pname = _PNAME_AT.match(text, start)
    if pname is None or (pname.group(1) or "") not in names:
        return None
    written = pname.group(2).rstrip(".")
    local = re.sub(r"\\(.)", r"\1", written)
    return names[pname.group(1) or ""] + local, pname.start(2) + len(written)


def is_describe(query: str) -> bool:
    """True when ``query`` is a ``DESCRIBE`` query."""
    return _DESCRIBE.match(code_only(query)) is not None


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
    """The request's dataset (``default-graph-uri``/``named-graph-uri``, which override the
    query's), else the one the query names (``FROM``/``FROM NAMED``), else the default one:
    the union of the store's graphs, or only hwkg's published graphs when the store also
    holds hwkg's bookkeeping graph (one built by hwkg before its record moved beside the
    store), which is never served."""
    options: dict[str, Any] = {"prefixes": job.prefixes or None, "base_iri": job.base_iri}
    if job.default_graphs or job.named_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    elif declares_dataset(job.query):
        clause = dataset_clause(job.query, job.prefixes, job.base_iri)
        if clause is not None:  # else the engine reads the clause (or reports its error)
            clause = clause.without(GRAPH_META)
            options["default_graph"] = [ox.NamedNode(g) for g in clause.default]
            options["named_graphs"] = [ox.NamedNode(g) for g in clause.named]
    elif store.contains_named_graph(ox.NamedNode(GRAPH_META)):
        options.update(published_dataset())
    else:
        options["use_default_graph_as_union"] = True
    return options


_DESCRIBE_BATCH = 200


def described(first: Iterable[ox.Triple], describe: Callable[[str], Iterable[ox.Triple]],
              cap: int) -> tuple[list[ox.Triple], bool]:
    """A DESCRIBE answer with the description of every skolem IRI it reaches (a statement,
    a component), as the concise bounded description of RDF follows blank nodes: the source
    Turtle wrote these as blank nodes, so a chip's description carries its figures' values,
    units, ranks and sources. ``describe`` runs a ``DESCRIBE`` query on the same dataset.
    Returns at most ``cap`` triples and whether more were left out."""
    kept: dict[ox.Triple, None] = {}
    seen: set[ox.NamedNode] = set()
    waiting: list[ox.NamedNode] = []

    def take(triples: Iterable[ox.Triple]) -> bool:
        for triple in triples:
            if len(kept) >= cap and triple not in kept:
                return False
            kept[triple] = None
            obj = triple.object
            if (isinstance(obj, ox.NamedNode) and obj.value.startswith(SKOLEM_PREFIXES)
                    and obj not in seen):
                seen.add(obj)
                waiting.append(obj)
        return True

    if not take(first):
        return list(kept), True
    while waiting:
        batch, waiting[:] = waiting[:_DESCRIBE_BATCH], waiting[_DESCRIBE_BATCH:]
        if not take(describe("DESCRIBE " + " ".join(str(node) for node in batch))):
            return list(kept), True
    return list(kept), False


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
    return _graph_answer(nt, cut, job, form)


#: The end of an IRI that RDF/XML can write as a property element: an XML name.
_XML_NAME_END = re.compile(r"[^\W\d][\w.-]*$")


def _graph_answer(nt: bytes, cut: bool, job: Job, form: str) -> Answer:
    body = nt
    if job.graph_type != "application/n-triples":
        fmt = ox.RdfFormat.from_media_type(job.graph_type)
        parsed = list(ox.parse(nt, ox.RdfFormat.N_TRIPLES))
        if fmt == ox.RdfFormat.RDF_XML:
            unwritable = next((t.predicate.value for t in parsed
                               if not _XML_NAME_END.search(t.predicate.value)), None)
            if unwritable is not None:
                return Answer(406, "text/plain; charset=utf-8", (
                    f"RDF/XML cannot write the predicate <{unwritable}>: it does not end in an "
                    "XML name; ask for Turtle, N-Triples or JSON-LD\n").encode())
        body = ox.serialize(parsed, format=fmt, prefixes=job.prefixes or None) or b""
    return Answer(200, job.graph_type, body, cut, nt.count(b"\n"), form)


def description(results: ox.QueryTriples, describe: Callable[[str], Iterable[ox.Triple]],
                job: Job) -> Answer:
    """The answer to a DESCRIBE ``job``: ``results`` and what :func:`described` adds."""
    triples, cut = described(results, describe, job.cap)
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return _graph_answer(nt, cut, job, "GRAPH")


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
        options = _dataset(job, store)
        results = store.query(job.query, **options)
        if isinstance(results, ox.QueryTriples) and is_describe(job.query):
            follow = {k: v for k, v in options.items() if k not in ("prefixes", "base_iri")}
            return description(results, lambda text: store.query(text, **follow), job)  # type: ignore[arg-type,return-value]
        return answer(results, job)
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
