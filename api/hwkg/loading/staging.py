"""The fast load path: Oxigraph parses and stores, Python streams the quads once.

:func:`write` fills an Oxigraph store with the same named graphs :func:`hwkg.loading.store.build`
writes from a :class:`hwkg.loading.bundle.Bundle` (ontology, shapes, data, truthy), without rdflib:

* each file is parsed by Oxigraph (``pyoxigraph.parse``, blank nodes renamed per file); a
  file Oxigraph refuses is re-parsed by :func:`hwkg.turtle.parsing.parse_file` for the same
  ``file:line`` message the reference path gives;
* blank nodes are skolemised file by file (they cannot cross files) with the IRIs
  :mod:`hwkg.turtle.skolem` gives, and literals get rdflib's lexical forms
  (:mod:`hwkg.turtle.terms`);
* the truthy graph is computed from the same stream of data triples with the rule of
  :mod:`hwkg.loading.truthy_rdflib` (:mod:`hwkg.loading.truthy`), the ontology's terms read by SPARQL.

The result holds the same quads as the reference path (``tests/test_bulk_load.py`` compares
both on the bundled graph and on a generated one). What is validated is up to the caller
(:func:`hwkg.serving.stores.build`), which writes into an in-memory store first (validation
queries there are 4–7× faster than on RocksDB) and then moves it to disk through
:meth:`Staging.dump`: N-Triples files and Oxigraph's bulk loader (Rust, no Python per quad; one
bulk load writes each index once, where many ``bulk_extend`` batches made RocksDB rewrite
the store several times over).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

import pyoxigraph as ox

from hwkg.core import resources
from hwkg.core.namespaces import BASE, GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES, HW
from hwkg.core.problems import InvalidGraph, Problem
from hwkg.loading import truthy as truthy_query
from hwkg.turtle.parsing import parse_file
from hwkg.turtle.terms import n3, normal

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_KIND_SEGMENTS = {str(HW.Statement): "statement", str(HW.Component): "component"}
BATCH = 250_000  # quads per bulk_extend: fewer, larger writes; bounded memory
CHUNK = 80 << 20  # N-Triples bytes per bulk_load into the disk store (~450k quads)
Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


@dataclass
class Loaded:
    """What :func:`write` read: entity IRI → the first file describing it, and counts."""

    files: dict[str, str] = field(default_factory=dict)
    triples: int = 0


def parse(path: Path) -> list[Triple]:
    """The triples of one Turtle file; raises InvalidGraph with its syntax problem."""
    try:
        return [(q.subject, q.predicate, q.object) for q in ox.parse(  # type: ignore[misc]
            path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri(),
            rename_blank_nodes=True)]
    except (SyntaxError, ValueError) as exc:
        problem = parse_file(path).problem
        raise InvalidGraph([problem or Problem(str(path), f"syntax error: {exc}")]) from exc



class Skolemiser:
    """The IRIs :func:`hwkg.turtle.skolem.skolem_iri` gives the blank nodes of one file's triples."""

    def __init__(self, triples: list[Triple]) -> None:
        self.children: dict[ox.BlankNode, list[tuple[ox.NamedNode, object]]] = defaultdict(list)
        self.parent: dict[ox.BlankNode, tuple[object, ox.NamedNode]] = {}
        for s, p, o in triples:
            if isinstance(s, ox.BlankNode):
                self.children[s].append((p, o))
            if isinstance(o, ox.BlankNode) and o not in self.parent:
                self.parent[o] = (s, p)

    def _key(self, node: ox.BlankNode, seen: frozenset[ox.BlankNode]) -> str:
        parts = []
        for p, o in self.children.get(node, []):
            if isinstance(o, ox.BlankNode):
                text = "[]" if o in seen else "[" + self._key(o, seen | {o}) + "]"
            else:
                text = n3(o)  # type: ignore[arg-type]
            parts.append(n3(p) + " " + text)
        return ";".join(sorted(parts))

    def iri(self, node: ox.BlankNode) -> ox.NamedNode:
        owner, prop = self.parent.get(node, (None, None))
        context = "" if prop is None else (
            f"{n3(owner) if isinstance(owner, ox.NamedNode) else '_'} {n3(prop)}")
        key = context + "|" + self._key(node, frozenset({node}))
        digest = sha256(key.encode("utf-8")).hexdigest()[:20]
        kind = next((o for p, o in self.children.get(node, []) if p == RDF_TYPE), None)
        segment = _KIND_SEGMENTS.get(kind.value) if isinstance(kind, ox.NamedNode) else None
        if segment:
            return ox.NamedNode(f"{BASE}id/{segment}/{digest}")
        return ox.NamedNode(f"{BASE}.well-known/genid/{digest}")


def _normalised(o: object) -> object:
    return normal(o) if isinstance(o, ox.Literal) else o


def skolemised(triples: list[Triple]) -> Iterator[Triple]:
    """``triples`` with skolem IRIs for blank nodes and rdflib's literal forms.

    Literals are normalised first: the skolem keys hash their normal forms, as rdflib's do.
    """
    normalised = [(s, p, _normalised(o)) for s, p, o in triples]
    skolem = Skolemiser(normalised)  # type: ignore[arg-type]
    mapping: dict[object, object] = {
        node: skolem.iri(node) for node in skolem.children.keys() | skolem.parent.keys()}
    for s, p, o in normalised:
        yield (mapping.get(s, s), p, mapping.get(o, o))  # type: ignore[misc]


def _quads(triples: Iterable[Triple], graph: ox.NamedNode) -> list[ox.Quad]:
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


def write_graph(store: ox.Store, files: list[Path], graph: str) -> None:
    """Parse ``files`` into named graph ``graph`` as they are (blank nodes kept)."""
    name = ox.NamedNode(graph)
    for path in files:
        store.bulk_extend(_quads(((s, p, _normalised(o)) for s, p, o in parse(path)), name))  # type: ignore[misc]


def _streamed(triples: Iterable[Triple], truthy: truthy_query.Collector) -> Iterator[Triple]:
    for triple in triples:
        truthy.add(*triple)
        yield triple


def write_data(store: ox.Store, files: list[Path], truthy: truthy_query.Collector) -> Loaded:
    """Parse, skolemise and store the data files into the data graph, noting truthy input."""
    loaded = Loaded()
    name = ox.NamedNode(GRAPH_DATA)
    problems: list[Problem] = []
    batch: list[ox.Quad] = []
    for path in files:
        try:
            triples = parse(path)
        except InvalidGraph as exc:
            problems += exc.problems
            continue
        for s, _p, _o in triples:
            if isinstance(s, ox.NamedNode):
                loaded.files.setdefault(s.value, str(path))
        loaded.triples += len(triples)
        batch += _quads(_streamed(skolemised(triples), truthy), name)
        if len(batch) >= BATCH:
            store.bulk_extend(batch)
            batch = []
    store.bulk_extend(batch)
    if problems:
        raise InvalidGraph(problems)
    return loaded


@dataclass(frozen=True)
class Dump:
    """The staged graphs written to N-Triples files, one per named graph, in ``folder``."""

    folder: Path
    files: dict[str, Path]
    #: Graphs with blank nodes (ontology and shapes): each is bulk-loaded in one call.
    blank: frozenset[str]

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        """The triples of ``graph`` (none when it was not staged), parsed by Oxigraph."""
        path = self.files.get(graph)
        if path is None:
            return iter(())
        return (q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


_HAS_BLANK = "ASK {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }} }}"


class Staging:
    """An in-memory store to fill and validate, then dumped once (:meth:`dump`) for the disk
    store's bulk load."""

    def __init__(self) -> None:
        self.store: ox.Store | None = ox.Store()

    @property
    def memory(self) -> ox.Store:
        """The in-memory store; RuntimeError once it was dumped."""
        if self.store is None:
            raise RuntimeError("the staged store was already dumped")
        return self.store

    def dump(self, folder: Path) -> Dump:
        """Write each named graph staged to an N-Triples file in ``folder`` (created) and drop
        the in-memory store (what is read back then need not fit in memory beside it).
        Nothing is staged in the default graph (:func:`write` writes named graphs only)."""
        memory, self.store = self.memory, None
        folder.mkdir(parents=True, exist_ok=True)
        files, blank = {}, set()
        for i, graph in enumerate(sorted(g.value for g in memory.named_graphs()  # type: ignore[union-attr]
                                         if isinstance(g, ox.NamedNode))):
            files[graph] = folder / f"{i}.nt"
            memory.dump(output=str(files[graph]), format=ox.RdfFormat.N_TRIPLES,
                        from_graph=ox.NamedNode(graph))
            if memory.query(_HAS_BLANK.format(graph=graph)):
                blank.add(graph)
        return Dump(folder, files, frozenset(blank))


def persist(dump: Dump, store: ox.Store, chunk: int = CHUNK) -> None:
    """Add every graph of ``dump`` to ``store`` with Oxigraph's bulk loader: a graph with
    blank nodes in one call (the loader names blank nodes afresh per call), the others in
    calls of about ``chunk`` bytes (whole lines).

    Oxigraph's loader held 1.4 GB for 4.26M quads loaded in one call; in calls of ~450,000
    quads it held 0.4 GB and took as long (41 s either way on 2 cores).
    """
    for graph, path in dump.files.items():
        name = ox.NamedNode(graph)
        if graph in dump.blank:
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=name)
            continue
        with path.open("rb") as stream:
            while data := stream.read(chunk):
                store.bulk_load(data + stream.readline(), format=ox.RdfFormat.N_TRIPLES,
                                to_graph=name)


def write(store: ox.Store, home: Path) -> Loaded:
    """Write ontology, shapes, data and truthy graphs of ``home`` into ``store``.

    Raises InvalidGraph with every file's syntax problem (the store is then half-written:
    callers write into a fresh folder and throw it away).
    """
    problems: list[Problem] = []
    for part, graph in (("ontology", GRAPH_ONTOLOGY), ("shapes", GRAPH_SHAPES)):
        try:
            write_graph(store, resources.turtle_files(home / part), graph)
        except InvalidGraph as exc:
            problems += exc.problems
    try:
        truthy = truthy_query.Collector(store)
        loaded = write_data(store, resources.turtle_files(home / "graph"), truthy)
    except InvalidGraph as exc:
        raise InvalidGraph(problems + exc.problems) from exc
    if problems:
        raise InvalidGraph(problems)
    store.bulk_extend(truthy.quads())
    return loaded
