"""The graph being served: an immutable snapshot, swapped whole on reload.

A :class:`Snapshot` is one loaded, validated graph: its Oxigraph store (in memory, on disk, or
an external server behind the same API), its version (a hash of the files it was built
from) and when it was loaded. Requests take ``holder.current`` once and use it to the end,
so a reload never changes the graph under a request in flight.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from hwkg.core import resources
from hwkg.core.namespaces import PUBLISHED_GRAPHS
from hwkg.core.problems import InvalidGraph, Problem
from hwkg.loading import staging
from hwkg.turtle.parsing import fingerprint
from hwkg.validation import check


@dataclass(frozen=True)
class Snapshot:
    """One loaded, validated graph and its query store."""

    store: Any  # ox.Store, or a stand-in with the same query API (remote mode)
    version: str
    loaded_at: float = field(default_factory=time.time)
    #: Where the store lives on disk when it is a persisted one (``hwkg serve --store``):
    #: other processes may open it with ``pyoxigraph.Store.read_only(str(store_path))``.
    store_path: Path | None = None
    #: Warnings (not violations) found when it was validated.
    warnings: tuple[Problem, ...] = ()
    #: Where the GraphQL catalog of this version is saved (default: ``store_path``).
    catalog_folder: Path | None = None

    @property
    def saved_in(self) -> Path | None:
        """The folder holding (or to hold) this version's saved catalog, if any."""
        return self.catalog_folder or self.store_path

    @functools.cached_property
    def triples(self) -> int:
        """Quads in the published graphs, counted once (a snapshot never changes; counting is
        a scan)."""
        return sum(sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
                   for g in PUBLISHED_GRAPHS)

    def graph(self, name: str) -> Graph:
        """Named graph ``name`` as an rdflib graph, read from the store once (for code that
        walks RDF in Python: the ontology's documentation)."""
        cache: dict[str, Graph] = self.__dict__.setdefault("_graphs", {})
        if name not in cache:
            payload = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
            cache[name] = Graph().parse(data=payload, format="nt")
        return cache[name]


def load_snapshot(home: Path | None = None, data: list[Path] | None = None, *,
                  check_shapes: bool = True, core_max: int | None = None) -> Snapshot:
    """Parse, validate and index a graph into an in-memory store.

    ``home`` holds ``ontology/``, ``shapes/`` and ``graph/`` (default: the bundled one);
    ``data`` replaces the files of ``graph/``. Raises InvalidGraph with every syntax problem
    and every violation; nothing half-loaded is returned. ``core_max`` bounds the data size up
    to which pyshacl's core constraints run (default: always).
    """
    root = home or resources.home()
    store = ox.Store()
    loaded = staging.write(store, root, data)
    warnings: list[Problem] = []
    if check_shapes:
        outcome = check.check(store, root, loaded.files, loaded.triples,
                              core_max if core_max is not None else loaded.triples)
        violations = [p for p in outcome.problems if p.severity == "Violation"]
        if violations:
            raise InvalidGraph(violations)
        warnings = [p for p in outcome.problems if p.severity != "Violation"]
    return Snapshot(store=store, version=fingerprint(loaded.inputs), warnings=tuple(warnings))


class GraphHolder:
    """Holds the current snapshot; ``swap`` replaces it atomically."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._lock = threading.Lock()

    @property
    def current(self) -> Snapshot:
        return self._snapshot

    def swap(self, snapshot: Snapshot) -> Snapshot:
        """Install ``snapshot`` and return the one it replaced."""
        with self._lock:
            old, self._snapshot = self._snapshot, snapshot
        return old
