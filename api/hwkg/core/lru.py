"""A thread-safe LRU map bounded by its number of entries and by their total weight.

The caches of the GraphQL and SPARQL endpoints use it, so that no sequence of requests,
however large or varied, makes a cache hold more than its budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


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
