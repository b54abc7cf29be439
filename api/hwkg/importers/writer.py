"""Validating generated Turtle against the shapes, then writing it into a graph folder atomically.

An import produces :class:`Output` files (a path relative to the graph folder and the
complete text). :func:`check` parses them, skolemises them as the loader does, and
validates them (:func:`hwkg.validation.shacl.validate`) together with only what they touch and
reference — the existing description of entities they add statements to, and the
``rdf:type`` of every IRI they point to — plus the ontology; it keeps the problems of the
new files. The rest of the graph is not re-validated, which keeps an import of the whole
MLPerf round to seconds. :func:`commit`
then writes every new or changed file to a temporary file beside its target, and only when
all of them are on disk renames them into place with SIGINT deferred: Ctrl-C or a crash
before that point leaves the graph folder exactly as it was (the temporary files are
removed), and no file is ever half-written. An output that is not ``*.ttl`` (a measured
JSON file kept as evidence) is written the same way but not parsed or validated.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, URIRef

from hwkg.core import interrupts, resources
from hwkg.core.namespaces import ENTITY_KINDS, HW, ID
from hwkg.core.problems import Problem
from hwkg.importers.report import Report
from hwkg.turtle.parsing import parse_text, read
from hwkg.turtle.skolem import skolemize
from hwkg.validation import neighbourhood
from hwkg.validation.shacl import validate

_KIND_BY_SEGMENT = {segment: segment for segment in ENTITY_KINDS.values()}


@dataclass
class Output:
    """One generated file: where it goes (relative to the graph folder) and its text."""

    path: str
    text: str
    kinds: Counter[str] = field(default_factory=Counter)
    #: what the summary counts it under (an MLPerf round's label), or "".
    group: str = ""


def kinds_of(graph: Graph) -> Counter[str]:
    """How many entities of each kind (``system``, ``result`` …) a graph describes."""
    counts: Counter[str] = Counter()
    counts["statement"] = len(set(graph.subjects(RDF.type, HW.Statement)))
    for subject in set(graph.subjects(RDF.type, None)):
        if isinstance(subject, URIRef) and str(subject).startswith(str(ID)):
            segment = str(subject)[len(str(ID)):].split("/", 1)[0]
            counts[_KIND_BY_SEGMENT.get(segment, segment)] += 1
    return +counts


MARKER = "hwkg import"


def generated(path: Path) -> bool:
    """True when ``path`` is a file an importer wrote (its header names ``hwkg import``)."""
    try:
        head = path.read_text(encoding="utf-8")[:4000]
    except OSError:
        return False
    return any(line.startswith("#") and MARKER in line for line in head.splitlines())


def existing(graph_dir: Path) -> Graph:
    """The current data under ``graph_dir`` (files that do not parse are skipped)."""
    graph, _files, _problems = read(resources.turtle_files(graph_dir))
    return graph


def _describe(old: Graph, node: URIRef | BNode, into: Graph) -> None:
    """Copy ``node``'s triples (and those of blank nodes below it) from ``old`` into ``into``."""
    for p, o in old.predicate_objects(node):
        into.add((node, p, o))
        if isinstance(o, BNode):
            _describe(old, o, into)


def _context(new: Graph, old: Graph) -> Graph:
    """What the new data needs beside it to be validated, taken from the existing graph.

    The existing description of every entity the new data adds statements to (a CSV
    import adds figures to chips described elsewhere, so one-preferred and range rules see
    both), and the ``rdf:type`` of every IRI either points to.
    """
    context = Graph()
    described = {s for s in new.subjects() if isinstance(s, URIRef)}
    for subject in described:
        if (subject, None, None) in old and (subject, RDF.type, None) not in new:
            _describe(old, subject, context)
    for obj in set(new.objects()) | set(context.objects()):
        if isinstance(obj, URIRef) and obj not in described:
            for kind in old.objects(obj, RDF.type):
                context.add((obj, RDF.type, kind))
    return context


_VOCABULARY: dict[tuple[tuple[str, int, int], ...], tuple[Graph, Graph]] = {}


def vocabulary(root: Path) -> tuple[Graph, Graph]:
    """The ontology and shapes graphs of ``root``, parsed once per version of their files."""
    files = [*resources.turtle_files(root / "ontology"), *resources.turtle_files(root / "shapes")]
    key = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    if key not in _VOCABULARY:
        ontology, _, _ = read(resources.turtle_files(root / "ontology"))
        shapes, _, _ = read(resources.turtle_files(root / "shapes"))
        _VOCABULARY.clear()
        _VOCABULARY[key] = (ontology, shapes)
    return _VOCABULARY[key]


def check(outputs: list[Output], old: Graph, home: Path | None = None, *,
          store: ox.Store | None = None) -> list[Problem]:
    """Syntax and shape problems of ``outputs``, validated with what they reference.

    Only the new data's focus nodes and their neighbours are validated: the context comes
    from ``old`` (an rdflib graph of the existing data, :func:`_context`) or, when ``store``
    is given (an up-to-date hwkg store), from one query on it
    (:func:`hwkg.validation.neighbourhood.around`: the touched entities with their statements, and
    the
    types of what they point to), which costs the same at any graph size.
    Fills each output's ``kinds``. An empty list means every file parses and conforms.
    """
    ontology, shapes = vocabulary(home or resources.home())
    new = Graph()
    files: dict[URIRef, str] = {}
    problems: list[Problem] = []
    for output in outputs:
        if not output.path.endswith(".ttl"):
            continue  # evidence shipped beside the data (a measured JSON file): not Turtle
        parsed = parse_text(output.text, Path(output.path))
        if parsed.problem is not None or parsed.graph is None:
            problems.append(parsed.problem or Problem(output.path, "does not parse"))
            continue
        output.kinds = kinds_of(parsed.graph)
        new += parsed.graph
        for subject in parsed.subjects:
            files.setdefault(subject, output.path)
    if problems:
        return problems
    context = _context(new, old) if store is None else neighbourhood.around(
        store, neighbourhood.iris(new))
    found = validate(skolemize(new + context), shapes, ontology, files)
    mine = set(files.values()) | {"<shapes>"}
    return [p for p in found if p.severity == "Violation" and p.file in mine]


def status(outputs: Iterable[Output], graph_dir: Path) -> dict[str, str]:
    """``added``, ``changed`` or ``unchanged`` for each output path."""
    result = {}
    for output in outputs:
        target = graph_dir / output.path
        if not target.exists():
            result[output.path] = "added"
        elif target.read_text(encoding="utf-8") == output.text:
            result[output.path] = "unchanged"
        else:
            result[output.path] = "changed"
    return result


def commit(outputs: list[Output], graph_dir: Path) -> dict[str, str]:
    """Write new and changed outputs into ``graph_dir`` all-or-nothing; returns their status."""
    states = status(outputs, graph_dir)
    pending: list[tuple[str, Path]] = []
    try:
        for output in outputs:
            if states[output.path] == "unchanged":
                continue
            target = graph_dir / output.path
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                            suffix=".tmp")
            pending.append((temp, target))
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(output.text)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temp, 0o644)  # mkstemp makes 0600; the graph's files are for every reader
        with interrupts.deferred():
            for temp, target in pending:
                os.replace(temp, target)
            pending = []
    finally:
        for temp, _target in pending:
            Path(temp).unlink(missing_ok=True)
    return states


def finish(outputs: list[Output], graph_dir: Path, report: Report, *, dry_run: bool,
           old: Graph, home: Path | None = None) -> list[Problem]:
    """Validate the new and changed outputs, then (unless ``dry_run`` or any problem)
    commit; fills ``report``. An output already on disk byte for byte is not validated
    again (``hwkg validate`` checks the whole graph); it is only counted."""
    before = status(outputs, graph_dir)
    problems = check([o for o in outputs if before[o.path] != "unchanged"], old, home)
    if problems:
        return problems
    for output in outputs:
        if before[output.path] == "unchanged" and output.path.endswith(".ttl"):
            parsed = parse_text(output.text, Path(output.path))
            output.kinds = kinds_of(parsed.graph) if parsed.graph is not None else Counter()
    interrupts.checkpoint()  # a Ctrl-C swallowed while validating stops here, before writing
    states = before if dry_run else commit(outputs, graph_dir)
    for output in outputs:
        report.count(states[output.path], output.kinds, output.group)
    report.written = not dry_run and any(s != "unchanged" for s in states.values())
    if not dry_run and not report.written:
        report.notes.append("every file was already as generated")
    return problems
