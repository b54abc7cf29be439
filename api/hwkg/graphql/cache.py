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
from typing import Any

from hwkg.core.lru import BoundedLRU

__all__ = ["BoundedLRU", "Key", "ResponseCache", "make_key"]

Key = tuple[str, str, str, str, str]


def make_key(version: str, query: str, variables: dict[str, Any] | None,
             operation: str | None, media_type: str) -> Key:
    """The cache key; variables are serialised with sorted keys so equal maps hit."""
    return (version, query, json.dumps(variables or {}, sort_keys=True), operation or "",
            media_type)


class ResponseCache(BoundedLRU[Key, tuple[int, bytes]]):
    """``Key`` → (status, body bytes): at most ``size`` entries and ``budget`` body bytes."""

    def __init__(self, size: int = 2048, budget: int = 64 << 20) -> None:
        super().__init__(size, budget, lambda _key, value: len(value[1]))
