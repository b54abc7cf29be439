"""Parsing Turtle files one at a time, turning every parser failure into a Problem.

rdflib's Turtle parser raises BadSyntax for most errors but also IndexError, ValueError
and others on some inputs (e.g. a lone ``@``, RDFLib/rdflib#3404); all of them are
reported as syntax errors of the file, never as tracebacks.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from hwkg.core import resources
from hwkg.core.problems import InvalidGraph, Problem
from hwkg.turtle.skolem import is_skolem
from hwkg.turtle.terms import to_rdflib

_LINE = re.compile(r"at line (\d+)")


@dataclass
class ParsedFile:
    """A file's triples, or the problem that stopped it parsing."""

    path: Path
    graph: Graph | None
    problem: Problem | None = None
    subjects: set[URIRef] = field(default_factory=set)


def _syntax_problem(path: Path, exc: BaseException, text: str | None) -> Problem:
    line: int | None
    if isinstance(exc, BadSyntax):
        return Problem(str(path), f"syntax error: {exc._why}", line=exc.lines + 1)
    if isinstance(exc, UnicodeDecodeError):
        line = text.count("\n", 0, exc.start) + 1 if text else None
        return Problem(str(path), f"not UTF-8 text: {exc.reason}", line=line)
    match = _LINE.search(str(exc))
    if match:
        line = int(match.group(1))
    else:  # the parser crashed (e.g. IndexError on a lone "@"): it ran off the end of the input
        line = (text.count("\n") + 1) if text is not None else None
    detail = (str(exc) or "").splitlines()[0] if str(exc) else ""
    return Problem(
        str(path),
        f"syntax error: malformed or truncated input (the Turtle parser failed with "
        f"{type(exc).__name__}{': ' + detail if detail else ''})",
        line=line,
    )


def parse_text(text: str, path: Path, fmt: str = "turtle") -> ParsedFile:
    """Parse ``text`` (named ``path`` in messages) into a fresh graph."""
    graph = Graph()
    if fmt == "json-ld" and (remote := remote_context(text)) is not None:
        return ParsedFile(path, None, Problem(
            str(path), f"JSON-LD context {remote!r} is not inline: hwkg never fetches a "
            "context (from the network or from files); put the context in the document",
            line=_line_of(text, remote) if isinstance(remote, str) else None))
    try:
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # noqa: BLE001 - every parser failure is a syntax error
        return ParsedFile(path, None, _syntax_problem(path, exc, text))
    refused = unstorable(graph)
    if refused is not None:
        term, why = refused
        return ParsedFile(path, None, Problem(
            str(path), f"syntax error: {term} cannot be stored ({why})", line=_line_of(text, term)))
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    return ParsedFile(path, graph, subjects=subjects)


def remote_context(text: str) -> object | None:
    """The first ``@context`` (or ``@import``) in a JSON-LD text that names a document instead
    of being inline, or None. Text that is not JSON is left for the parser to report."""
    try:
        stack: list[object] = [json.loads(text)]
    except (ValueError, RecursionError):
        return None
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "@import" in node:
                return node["@import"]
            contexts = node.get("@context")
            for ctx in contexts if isinstance(contexts, list) else [contexts]:
                if ctx is not None and not isinstance(ctx, dict):
                    return ctx
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return None


def _check_triple(subject: Node, predicate: Node) -> None:
    if not isinstance(subject, URIRef | BNode):
        raise ValueError("the subject of a triple must be an IRI or a blank node")
    if not isinstance(predicate, URIRef):
        raise ValueError("the predicate of a triple must be an IRI")


def _check_term(term: Node) -> None:
    if isinstance(term, URIRef):
        ox.NamedNode(str(term))
    elif isinstance(term, Literal):
        str(term).encode("utf-8")
        if term.language:
            ox.Literal(str(term), language=term.language)
        elif term.datatype:
            ox.NamedNode(str(term.datatype))


def unstorable(graph: Graph) -> tuple[str, str] | None:
    """The first term the parser let through that Oxigraph (the store) would refuse, and why.

    rdflib accepts some IRIs that are not IRIs (spaces, ``<`` from a mangled prefix), language
    tags longer than BCP 47 allows, and lone surrogates from ``\\uD800`` escapes; any of them
    would crash building the store or validating. Found by fuzzing
    (tests/turtle/test_fuzz_turtle.py).
    """
    seen: set[Node] = set()
    for triple in graph:
        try:
            _check_triple(triple[0], triple[1])
        except ValueError as exc:
            return _shown(triple[0]), str(exc)
        for term in triple:
            if term in seen:
                continue
            seen.add(term)
            try:
                _check_term(term)
            except (ValueError, UnicodeError) as exc:
                return _shown(term), str(exc)
    return None


def _shown(term: Node) -> str:
    """``term`` for a message: one line, printable, at most 200 characters."""
    text = str(term).encode("utf-8", "backslashreplace").decode("utf-8")
    text = text.replace("\r", "\\r").replace("\n", "\\n")[:200]
    if isinstance(term, URIRef):
        return f"<{text}>"
    if isinstance(term, Literal) and term.language:
        return f'"{text}"@{term.language[:40]}'
    return f'"{text}"'


def _line_of(text: str, term: str) -> int | None:
    """The line where ``term`` (or the last part of an IRI) first appears in ``text``."""
    inner = term.strip("<>")
    for needle in (inner, inner.rsplit("#", 1)[-1], inner.rsplit("/", 1)[-1]):
        at = text.find(needle) if needle else -1
        if at >= 0:
            return text.count("\n", 0, at) + 1
    return None


def parse_file(path: Path, fmt: str = "turtle") -> ParsedFile:
    """Parse one file; a file that cannot be read or parsed yields a Problem, not an exception."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ParsedFile(path, None, Problem(str(path), f"cannot read: {exc.strerror}"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problem = Problem(str(path), f"not UTF-8 text: {exc.reason}", line=line)
        return ParsedFile(path, None, problem)
    if text.startswith("\ufeff"):  # Oxigraph refuses it as "expected directive or statement"
        return ParsedFile(path, None, Problem(
            str(path), "the file starts with a byte-order mark (U+FEFF), which Turtle does not "
            "allow; save it as UTF-8 without a BOM", line=1))
    return parse_text(text, path, fmt)


def owner_of(graph: Graph, node: Node) -> URIRef | None:
    """The entity whose description holds ``node``, following blank-node (or skolem) parents."""
    seen: set[Node] = set()
    while (isinstance(node, BNode) or is_skolem(node)) and node not in seen:
        seen.add(node)
        parent = next(graph.subjects(None, node), None)
        if parent is None:
            return None
        node = parent
    return node if isinstance(node, URIRef) else None


def read(paths: Iterable[Path]) -> tuple[Graph, dict[URIRef, str], list[Problem]]:
    """Parse ``paths`` into one graph; returns it, subject → file, and syntax problems.

    Each file is parsed by Oxigraph (blank nodes renamed, so they never collide across files)
    and its terms turned into rdflib's: the graph rdflib's own Turtle parser gives, about three
    times faster (the bundled graph: ~2 s against ~6 s). A file Oxigraph refuses goes through
    :func:`parse_file`, which names the line of its problem (or, where rdflib accepts what
    Oxigraph does not, gives its triples).
    """
    graph = Graph()
    files: dict[URIRef, str] = {}
    problems: list[Problem] = []
    terms = _Terms()
    for path in paths:
        triples = terms.of_file(path)
        if triples is None:
            parsed: ParsedFile = parse_file(path)
            if parsed.problem is not None:
                problems.append(parsed.problem)
                continue
            assert parsed.graph is not None
            triples = list(parsed.graph)
        for triple in triples:
            graph.add(triple)
            if isinstance(triple[0], URIRef):
                files.setdefault(triple[0], str(path))
    return graph, files, problems


class _Terms:
    """Oxigraph's terms as rdflib's (:func:`hwkg.turtle.terms.to_rdflib`), IRIs made once
    per read."""

    def __init__(self) -> None:
        self.iris: dict[str, URIRef] = {}

    def iri(self, value: str) -> URIRef:
        node = self.iris.get(value)
        if node is None:
            node = self.iris[value] = URIRef(value)
        return node

    def term(self, term: Any) -> Node:
        if type(term) is ox.NamedNode:  # noqa: E721 - exact type, the common case first
            return self.iri(term.value)
        return to_rdflib(term, self.iri)

    def of_file(self, path: Path) -> list[tuple[Node, Node, Node]] | None:
        """``path``'s triples, or None when Oxigraph refuses the file (or cannot read it)."""
        try:
            quads = list(_oxigraph_parse(path))
        except (SyntaxError, ValueError, OSError):
            return None
        term = self.term
        return [(term(q.subject), self.iri(q.predicate.value), term(q.object)) for q in quads]


def fingerprint(paths: Iterable[Path]) -> str:
    """A short hash of the files' names and bytes: the graph's version."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def data_files(home: Path | None = None) -> list[Path]:
    """The bundled data files under ``graph/``."""
    root = home or resources.home()
    return resources.turtle_files(root / "graph")


def _oxigraph_parse(path: Path) -> Iterator[ox.Quad]:
    """The quads Oxigraph parses from the Turtle file ``path`` (lazily: a syntax error is
    raised while iterating): its own IRI as the base, blank nodes renamed so that they never
    collide across files."""
    return ox.parse(path=str(path), format=ox.RdfFormat.TURTLE,
                    base_iri=path.resolve().as_uri(), rename_blank_nodes=True)


def triples_of(path: Path) -> list[tuple[Any, ox.NamedNode, Any]]:
    """The triples of one Turtle file parsed by Oxigraph (blank nodes renamed, so they never
    collide across files); raises InvalidGraph with its syntax problem, located by
    :func:`parse_file` (Oxigraph's messages name no line)."""
    try:
        return [(q.subject, q.predicate, q.object) for q in _oxigraph_parse(path)]
    except (SyntaxError, ValueError) as exc:
        problem = parse_file(path).problem
        raise InvalidGraph([problem or Problem(str(path), f"syntax error: {exc}")]) from exc
