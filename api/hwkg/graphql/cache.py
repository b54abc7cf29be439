"""Bounded caches of the GraphQL endpoint: responses, parsed documents, validated documents.

Each is an LRU bounded twice, by its number of entries and by their total weight (bytes of a
response, characters of a query text), so that no sequence of requests, however large or
varied, makes a cache hold more than its budget.

The response cache is keyed on (graph version, query, variables, operation, media type). The
graph only changes on reload, and a reload changes the version, so an entry can never serve
stale data: old versions simply stop being asked for and age out.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Key = tuple[str, str, str, str, str]


def make_key(version: str, query: str, variables: dict[str, Any] | None,
             operation: str | None, media_type: str) -> Key:
    """The cache key; variables are serialised with sorted keys so equal maps hit."""
    return (version, query, json.dumps(variables or {}, sort_keys=True), operation or "",
            media_type)


class BoundedLRU(Generic[K, V]):
    """A thread-safe LRU map of at most ``size`` entries whose weights (``weigh(key, value)``)
    add up to at most ``budget``; the least recently used go first. An entry heavier than
    the whole budget is not kept."""

    def __init__(self, size: int, budget: int, weigh: Callable[[K, V], int]) -> None:
        self.size, self.budget, self.weigh = size, budget, weigh
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.weight = 0
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: K) -> V | None:
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key``, evicting the least recently used beyond the bounds."""
        weight = self.weigh(key, value)
        if weight > self.budget:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.weight -= old[1]
            self._items[key] = (value, weight)
            self.weight += weight
            while len(self._items) > self.size or self.weight > self.budget:
                _key, (_value, dropped) = self._items.popitem(last=False)
                self.weight -= dropped


class ResponseCache(BoundedLRU[Key, tuple[int, bytes]]):
    """``Key`` → (status, body bytes): at most ``size`` entries and ``budget`` body bytes."""

    def __init__(self, size: int = 2048, budget: int = 64 << 20) -> None:
        super().__init__(size, budget, lambda _key, value: len(value[1]))
