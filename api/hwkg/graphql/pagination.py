"""Cursor pagination: ``first`` / ``after`` over an ordered list, with ``totalCount``.

Cursors are opaque (base64 of the position in the ordered result); with the same
``where``/``orderBy`` on the same graph version they address the same item.
"""

from __future__ import annotations

import base64
from typing import Generic, TypeVar

import strawberry
from graphql import GraphQLError

from hwkg.graphql.query_limits import LIMITS

T = TypeVar("T")


@strawberry.type(description="Where a page sits in the whole result.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="One item of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results: totalCount counts all matches, not the page.")
class Connection(Generic[T]):
    total_count: int
    nodes: list[T]
    edges: list[Edge[T]]
    page_info: PageInfo
    excluded_missing: int = strawberry.field(
        default=0, description="Entities the `where` filter dropped only because a value it "
        "compared was missing (no price, no power figure …); find them with `isNull: true`.")


def encode(position: int) -> str:
    return base64.urlsafe_b64encode(f"pos:{position}".encode()).decode()


def decode(cursor: str) -> int:
    """The position a cursor names; a GraphQLError for a cursor this server did not make."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith("pos:") and int(text[4:]) >= 0:
            return int(text[4:])
    except (ValueError, UnicodeDecodeError):
        pass
    raise GraphQLError(f"invalid cursor {cursor!r}: pass a cursor from a previous page")


def page(items: list[T], first: int | None, after: str | None,
         excluded_missing: int = 0) -> Connection[T]:
    """The page of ``items`` after the cursor ``after``, at most ``first`` long."""
    size = LIMITS.default_page if first is None else first
    if size < 0:
        raise GraphQLError(f"first must be ≥ 0, got {size}")
    if size > LIMITS.max_page:
        raise GraphQLError(f"page size limit: first={size} exceeds the maximum page size "
                           f"{LIMITS.max_page} by {size - LIMITS.max_page}")
    start = decode(after) + 1 if after else 0
    chunk = items[start:start + size]
    edges = [Edge(cursor=encode(start + i), node=node) for i, node in enumerate(chunk)]
    info = PageInfo(
        has_next_page=start + size < len(items), has_previous_page=start > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None)
    return Connection(total_count=len(items), nodes=chunk, edges=edges, page_info=info,
                      excluded_missing=excluded_missing)
