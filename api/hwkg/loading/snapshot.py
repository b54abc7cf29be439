"""The graph being served: an immutable snapshot, swapped whole on reload.

Requests take ``holder.current`` once and use it to the end, so a reload never changes
the graph under a request in flight.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from hwkg.core.namespaces import PUBLISHED_GRAPHS
from hwkg.loading import bundle as bundle_module
from hwkg.loading import store as store_module
from hwkg.loading.bundle import Bundle


@dataclass(frozen=True)
class Snapshot:
    """One loaded, validated graph and its query store."""

    bundle: Bundle
    store: ox.Store
    version: str
    loaded_at: float = field(default_factory=time.time)
    #: Where the store lives on disk when it is a persisted one (``hwkg serve --store``):
    #: other processes may open it with ``pyoxigraph.Store.read_only(str(store_path))``.
    store_path: Path | None = None

    @functools.cached_property
    def triples(self) -> int:
        """Quads in the published graphs, counted once (a snapshot never changes; counting is
        a scan)."""
        return sum(sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
                   for g in PUBLISHED_GRAPHS)


def load_snapshot(home: Path | None = None, data: list[Path] | None = None) -> Snapshot:
    """Parse, validate and index a graph; raises InvalidGraph when it does not conform."""
    loaded = bundle_module.load(home, data)
    return Snapshot(bundle=loaded, store=store_module.build(loaded), version=loaded.version)


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
