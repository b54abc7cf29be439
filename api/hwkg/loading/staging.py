"""The one load path: Oxigraph parses each file, Python streams its triples once into a store.

:func:`write` fills an Oxigraph store with four named graphs — ontology, shapes, data and
truthy (IRIs in :mod:`hwkg.core.namespaces`):

* each file is parsed by Oxigraph (``pyoxigraph.parse``, blank nodes renamed per file); a
  file Oxigraph refuses is re-parsed by :func:`hwkg.turtle.parsing.parse_file` for a
  ``file:line`` message;
* literals get their normal lexical forms and blank nodes their skolem IRIs, file by file
  (blank nodes cannot cross files; :mod:`hwkg.turtle.skolem`);
* the truthy graph is computed from the same stream of data triples (:mod:`hwkg.loading.truthy`),
  the ontology's terms read by SPARQL.

Large graphs are staged by worker processes (:mod:`hwkg.loading.parts`, the same quads).

What is validated is up to the caller: :func:`hwkg.loading.snapshot.load_snapshot` (in memory)
and :func:`hwkg.serving.stores.build` (on disk) both check the staged in-memory store with
:mod:`hwkg.validation.check` before anything is served or published (the build stages the
shapes and truthy graphs in a second store, :class:`Staging`, so validation reads a store of
the data and ontology graphs only). An on-disk store is written
from the staged one through :meth:`Staging.dump`: N-Triples files and Oxigraph's bulk loader
(Rust, no Python per quad; one bulk load writes each index once, where many ``bulk_extend``
batches made RocksDB rewrite the store several times over).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from hwkg.core import resources
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES
from hwkg.core.problems import InvalidGraph, Problem
from hwkg.loading import parts, reading
from hwkg.loading import truthy as truthy_query
from hwkg.turtle.parsing import triples_of as parse
from hwkg.turtle.skolem import Triple, skolemised

BATCH = 250_000  # quads per bulk_extend: fewer, larger writes; bounded memory
CHUNK = 80 << 20  # N-Triples bytes per bulk_load into the disk store (~450k quads)


@dataclass
class Loaded:
    """What :func:`write` read: entity IRI → the first file describing it, the data triples
    read, and the files read (ontology, shapes, data)."""

    files: dict[str, str] = field(default_factory=dict)
    triples: int = 0
    inputs: list[Path] = field(default_factory=list)


def _quads(triples: Iterable[Triple], graph: ox.NamedNode) -> list[ox.Quad]:
    return [ox.Quad(s, p, o, graph) for s, p, o in triples]


def write_graph(store: ox.Store, files: list[Path], graph: str) -> None:
    """Parse ``files`` into named graph ``graph``, literals normalised and blank nodes (the
    shapes' lists and declarations) skolemised like the data's, so the store holds no blank
    node and a dump of it is the same at every load."""
    name = ox.NamedNode(graph)
    for path in files:
        store.bulk_extend(_quads(skolemised(parse(path)), name))


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
    for count, triples in reading.read(files, loaded.files, problems):
        loaded.triples += count
        batch += _quads(_streamed(triples, truthy), name)
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
    """In-memory stores to fill and validate, then dumped once (:meth:`dump`) for the disk
    store's bulk load: :attr:`memory` holds the data and ontology graphs (what validation
    reads; Oxigraph answers over their union 1.4× faster than over a list naming them),
    :attr:`aside` the shapes and truthy graphs."""

    def __init__(self) -> None:
        self.store: ox.Store | None = ox.Store()
        self.aside: ox.Store = ox.Store()

    @property
    def memory(self) -> ox.Store:
        """The in-memory store; RuntimeError once it was dumped."""
        if self.store is None:
            raise RuntimeError("the staged store was already dumped")
        return self.store

    def dump(self, folder: Path, *, keep: bool = False) -> Dump:
        """Write each named graph staged to an N-Triples file in ``folder`` (created) and,
        unless ``keep``, drop the in-memory store (what is read back then need not fit in
        memory beside it). Nothing is staged in the default graph (:func:`write` writes named
        graphs only)."""
        memory, aside = self.memory, self.aside
        if not keep:
            self.store, self.aside = None, ox.Store()
        folder.mkdir(parents=True, exist_ok=True)
        holders = {g.value: store for store in (memory, aside) for g in store.named_graphs()
                   if isinstance(g, ox.NamedNode)}
        files, blank = {}, set()
        for i, graph in enumerate(sorted(holders)):
            holder = holders[graph]
            files[graph] = folder / f"{i}.nt"
            holder.dump(output=str(files[graph]), format=ox.RdfFormat.N_TRIPLES,
                        from_graph=ox.NamedNode(graph))
            if holder.query(_HAS_BLANK.format(graph=graph)):
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


def write(store: ox.Store, home: Path, data: list[Path] | None = None, *,
          parallel: bool | None = None, aside: ox.Store | None = None) -> Loaded:
    """Write ontology, shapes, data and truthy graphs of ``home`` into ``store`` (the shapes
    and truthy graphs into ``aside`` when given); the data files are ``data`` when given,
    else every ``*.ttl`` under ``home/graph``. The data files are staged in worker processes
    (:mod:`hwkg.loading.parts`) when ``parallel``, or when it is None and they are large
    enough to repay them; the quads are the same either way.

    Raises InvalidGraph with every file's syntax problem (the store is then half-written:
    callers write into a fresh store and throw it away).
    """
    missing = [part for part in resources.PARTS if not (home / part).is_dir()]
    if missing:
        raise InvalidGraph([Problem(str(home), f"no {part}/ folder: a graph home holds "
                                    "ontology/, shapes/ and graph/") for part in missing])
    problems: list[Problem] = []
    inputs: list[Path] = []
    beside = store if aside is None else aside
    for part, graph, into in (("ontology", GRAPH_ONTOLOGY, store),
                              ("shapes", GRAPH_SHAPES, beside)):
        files = resources.turtle_files(home / part)
        inputs += files
        try:
            write_graph(into, files, graph)
        except InvalidGraph as exc:
            problems += exc.problems
    data_paths = data if data is not None else resources.turtle_files(home / "graph")
    truthy = truthy_query.Collector.reading(store)
    best: truthy_query.Best = {}
    try:
        if parallel if parallel is not None else parts.worth_it(data_paths):
            loaded = Loaded()
            loaded.files, loaded.triples, best = parts.write_data(store, data_paths, truthy)
        else:
            loaded = write_data(store, data_paths, truthy)
    except InvalidGraph as exc:
        raise InvalidGraph(problems + exc.problems) from exc
    if problems:
        raise InvalidGraph(problems)
    truthy_query.merge(best, truthy.best())
    beside.bulk_extend(truthy_query.quads_of(best))
    loaded.inputs = inputs + list(data_paths)
    return loaded
