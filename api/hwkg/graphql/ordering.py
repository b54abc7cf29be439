"""``orderBy``: a list of one-key objects (``{memoryPerDollar: DESC}``), applied in order.

Each item sets exactly one key: an item with two keys is an error that says so (GraphQL
input objects carry no key order, so ``{a: DESC, b: ASC}`` could not be honoured).

Entities without a value for a key sort after those with one, in either direction; the
IRI is always the last tie-breaker, so pages are stable across requests. A list's order is
worked out once per graph version (kept in the catalog's memo, at most ``ORDERS_KEPT`` of
them): a filter then walks the sorted list, and filtering a sorted list gives the same
order as sorting the filtered one, since the order is total.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from enum import Enum
from typing import Any

import strawberry

from hwkg.graphql.filters import Precision, set_fields
from hwkg.readmodel.catalog import Catalog


@strawberry.enum(description="Sort direction.")
class Direction(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="Order by a compute-based metric at a precision.")
class PrecisionOrder:
    direction: Direction = Direction.DESC
    precision: Precision = Precision.BF16
    sparse: bool = False


@strawberry.input(description="Order by a model-size metric (parameters: a count, 65.2e9 for "
                  "LLaMA-65B).")
class ModelOrder:
    parameters: float
    direction: Direction = Direction.ASC
    bytes_per_parameter: float = 2.0
    overhead_fraction: float = 0.0


def camel(name: str) -> str:
    """A Python field name as the GraphQL schema spells it (max_power → maxPower)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def direction_of(spec: Any) -> Direction:
    """The direction of an order value: a Direction, or an input object with one."""
    return spec if isinstance(spec, Direction) else spec.direction


#: Sorted lists kept per catalog; past this the oldest goes (distinct model sizes or
#: precisions in orderBy would otherwise grow the memo without bound).
ORDERS_KEPT = 64


def _spec_key(spec: Any) -> Hashable:
    return spec if isinstance(spec, Enum) else tuple(set_fields(spec))


def order_key(order: Sequence[Any] | None) -> tuple[Hashable, ...]:
    """A hashable key for ``order`` (its items' keys and their arguments, in order)."""
    return tuple(tuple((name, _spec_key(spec)) for name, spec in set_fields(obj))
                 for obj in order or [])


def sorted_once(c: Catalog, kind: Hashable, items: Iterable[Any], order: Sequence[Any] | None,
                getters: dict[str, Callable[[Any, Any], Any]]) -> list[Any]:
    """``sort(items, order, getters)``, worked out once per catalog ``c`` and ``kind``
    (which list, with whatever changes its getters, e.g. the price basis)."""
    return c.kept("order", (kind, order_key(order)), lambda: sort(items, order, getters),
                  ORDERS_KEPT)


def sort(items: Iterable[Any], order: Sequence[Any] | None,
         getters: dict[str, Callable[[Any, Any], Any]]) -> list[Any]:
    """``items`` sorted by each order object's keys in turn, then by ``id``."""
    out = sorted(items, key=lambda e: e.id)
    keys: list[tuple[str, Any]] = []
    for i, obj in enumerate(order or []):
        fields = list(set_fields(obj))
        if len(fields) != 1:
            names = ", ".join(camel(name) for name, _ in fields) or "none"
            raise ValueError(
                f"orderBy item {i} sets {len(fields)} keys ({names}): give exactly one key per "
                "item, in the order to apply them, e.g. [{computeBF16: DESC}, {maxPower: ASC}]")
        keys.extend(fields)
    for name, spec in reversed(keys):
        values = [(getters[name](e, spec), e) for e in out]
        present = [(v, e) for v, e in values if v is not None]
        absent = [e for v, e in values if v is None]
        present.sort(key=lambda pair: pair[0], reverse=direction_of(spec) is Direction.DESC)
        out = [e for _, e in present] + absent
    return out
