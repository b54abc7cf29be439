"""A bounded response cache keyed on (graph version, query, variables, operation, media type).

The graph only changes on reload, and a reload changes the version, so an entry can never
serve stale data: old versions simply stop being asked for and age out (LRU).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

Key = tuple[str, str, str, str, str]


def make_key(version: str, query: str, variables: dict[str, Any] | None,
             operation: str | None, media_type: str) -> Key:
    """The cache key; variables are serialised with sorted keys so equal maps hit."""
    return (version, query, json.dumps(variables or {}, sort_keys=True), operation or "",
            media_type)


class ResponseCache:
    """LRU of ``Key`` → (status, body bytes), at most ``size`` entries."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._items: OrderedDict[Key, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Key) -> tuple[int, bytes] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Key, value: tuple[int, bytes]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
