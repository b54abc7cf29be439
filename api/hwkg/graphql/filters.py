"""``where`` inputs: typed comparison filters with AND / OR / NOT, and how they are evaluated.

A where-object matches an entity when every field set on it matches (AND of the fields);
``AND`` needs all listed objects to match, ``OR`` any, ``NOT`` none. A comparison on a
missing value (a chip with no price, say) is false, whichever operator is used, except
``ne`` (a missing value differs from any number) and negations through ``NOT``;
``isNull: true`` selects the entities that lack the value, ``isNull: false`` those that have
it. The list answer counts the entities a comparison dropped only because the value was
missing (``excludedMissing``), so a filter never hides them silently. Relation filters (a
chip's software stacks, interconnects, vendor; a system's components) match when ANY
related entity does.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

import strawberry


@strawberry.enum(description="Numeric precision of a compute figure.")
class Precision(Enum):
    FP64 = "FP64"
    FP32 = "FP32"
    TF32 = "TF32"
    BF16 = "BF16"
    FP16 = "FP16"
    FP8 = "FP8"
    FP4 = "FP4"
    INT8 = "INT8"


@strawberry.input(description="Comparisons on a number, in the unit the filtered field names.")
class FloatFilter:
    eq: float | None = None
    ne: float | None = None
    lt: float | None = None
    lte: float | None = None
    gt: float | None = None
    gte: float | None = None
    in_: list[float] | None = strawberry.field(default=None, name="in")
    is_null: bool | None = strawberry.field(
        default=None, description="true: only entities without this value; false: only with it.")


@strawberry.input(description="Comparisons on text; `contains` ignores case.")
class StringFilter:
    eq: str | None = None
    ne: str | None = None
    in_: list[str] | None = strawberry.field(default=None, name="in")
    contains: str | None = None
    lt: str | None = None
    gt: str | None = None
    is_null: bool | None = strawberry.field(
        default=None, description="true: only entities without this value; false: only with it.")


@strawberry.input(description="Comparisons on a calendar date (ISO 8601).")
class DateFilter:
    eq: dt.date | None = None
    ne: dt.date | None = None
    lt: dt.date | None = None
    lte: dt.date | None = None
    gt: dt.date | None = None
    gte: dt.date | None = None
    is_null: bool | None = strawberry.field(
        default=None, description="true: only entities without this value; false: only with it.")


@strawberry.input(description="A compute-based metric at a precision, and comparisons on it.")
class PrecisionFilter(FloatFilter):
    precision: Precision = Precision.BF16
    sparse: bool = False


@strawberry.input(description="A model-size metric (parameters: a count, 65.2e9 for LLaMA-65B) "
                  "and comparisons.")
class ModelFilter(FloatFilter):
    parameters: float = 0.0
    bytes_per_parameter: float = 2.0
    overhead_fraction: float = 0.0


@strawberry.input(description="Whether a model (parameters: a count, 65.2e9 for LLaMA-65B) fits "
                  "one device.")
class ModelFitFilter:
    parameters: float
    bytes_per_parameter: float = 2.0
    overhead_fraction: float = 0.0
    eq: bool = True


@strawberry.input(description="Filter on a related named entity (vendor, stack, interconnect).")
class NamedWhere:
    id: StringFilter | None = None
    name: StringFilter | None = None


@strawberry.input(description="Filter on a chip's interconnects. linkBandwidth is in GB/s: the "
                  "chip's own statement over that interconnect, else the interconnect's.")
class LinkWhere:
    id: StringFilter | None = None
    name: StringFilter | None = None
    kind: StringFilter | None = None
    link_bandwidth: FloatFilter | None = None


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda v, x: v == x,
    "ne": lambda v, x: v != x,
    "lt": lambda v, x: v < x,
    "lte": lambda v, x: v <= x,
    "gt": lambda v, x: v > x,
    "gte": lambda v, x: v >= x,
    "in_": lambda v, x: v in x,
    "contains": lambda v, x: str(x).lower() in str(v).lower(),
}
_PARAMS = {"precision", "sparse", "parameters", "bytes_per_parameter", "overhead_fraction"}


_SET_FIELDS = "_hwkg_set_fields"


def set_fields(obj: Any) -> Iterable[tuple[str, Any]]:
    """(python name, value) of the fields set (not None) on an input object.

    Worked out once per object and kept on it: a filter object is asked once per entity of a
    list (100,000 times for 100,000 chips) and never changes during its request."""
    memo = getattr(obj, "__dict__", None)
    found = memo.get(_SET_FIELDS) if memo is not None else None
    if found is None:
        found = tuple((f.name, value) for f in dataclasses.fields(obj)
                      if (value := getattr(obj, f.name)) is not None
                      and value is not strawberry.UNSET)
        if memo is not None:
            memo[_SET_FIELDS] = found
    return found


def compare(value: Any, flt: Any) -> bool:
    """Whether ``value`` (a scalar, or a list meaning 'any of') passes every operator set."""
    if isinstance(value, list):
        return any(compare(v, flt) for v in value)
    for name, operand in set_fields(flt):
        if name in _PARAMS:
            continue
        if name == "is_null":
            if (value is None) != operand:
                return False
            continue
        if name == "eq" and isinstance(flt, ModelFitFilter):
            if value is None or bool(value) != operand:
                return False
            continue
        if value is None:
            if name == "ne":
                continue
            return False
        try:
            if not _OPS[name](value, operand):
                return False
        except TypeError:
            return False
    return True


Getter = Callable[[Any, Any], Any]


@dataclasses.dataclass(frozen=True)
class Index:
    """A relation that a list can be filtered by without resolving it per entity: the
    related entities (``pool``: a catalog table) are tested once, and an entity is kept when
    its attribute ``attr`` (one related IRI, or a collection of them) names one that passed.
    It gives the same answer as the relation's per-entity function; a test holds them equal."""

    pool: Callable[[], Iterable[Any]]
    attr: str
    many: bool = False

    def select(self, items: list[Any], matcher: Matcher, flt: Any) -> list[Any]:
        passed = {r.id for r in self.pool() if matcher(r, flt)}
        if self.many:
            return [e for e in items if not passed.isdisjoint(getattr(e, self.attr))]
        return list(itertools.compress(
            items, map(passed.__contains__, map(operator.attrgetter(self.attr), items))))


#: A whole column at once: filter object → {entity IRI: value} for the entities of the list
#: that have the value (an entity without it is not a key).
Column = Callable[[Any], Mapping[str, Any]]

# v op x as a one-argument C call: partial(_FLIPPED[op], x)(v).
_FLIPPED: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq, "gt": operator.lt, "gte": operator.le, "lt": operator.gt,
    "lte": operator.ge, "in_": operator.contains}


def _tests(flt: Any) -> list[Callable[[Any], bool]] | None:
    """The filter's operators as one-argument tests of a present scalar value, or None when
    one needs :func:`compare` (``ne`` and ``isNull`` treat a missing value as a match,
    ``contains`` ignores case, a model-fit ``eq`` compares truth)."""
    if isinstance(flt, ModelFitFilter):
        return None
    tests: list[Callable[[Any], bool]] = []
    for name, operand in set_fields(flt):
        if name in _PARAMS:
            continue
        if name not in _FLIPPED:
            return None
        tests.append(functools.partial(_FLIPPED[name], operand))
    return tests


class Matcher:
    """Evaluates one kind of where-object: field name → getter(entity, filter) → value.

    A getter returns a plain value (compared with the filter's operators) or, for
    relation filters, a list of related entities paired with the matcher to apply.
    ``columns`` give some fields for a whole list at once (kept per graph version), so
    :meth:`select` tests 100,000 entities without a Python call per entity.
    """

    def __init__(self, getters: dict[str, Getter],
                 relations: dict[str, tuple[Callable[[Any], list[Any]], Matcher]] | None = None,
                 columns: dict[str, Column] | None = None,
                 indexes: dict[str, Index] | None = None):
        self.getters = getters
        self.relations = relations or {}
        self.columns = columns or {}
        self.indexes = indexes or {}

    def __call__(self, entity: Any, where: Any | None) -> bool:
        if where is None:
            return True
        for name, flt in set_fields(where):
            if not self._field(entity, name, flt):
                return False
        return True

    def _field(self, entity: Any, name: str, flt: Any) -> bool:
        if name == "AND":
            return all(self(entity, w) for w in flt)
        if name == "OR":
            return any(self(entity, w) for w in flt)
        if name == "NOT":
            return not self(entity, flt)
        if name in self.relations:
            related, matcher = self.relations[name]
            return any(matcher(r, flt) for r in related(entity))
        return compare(self.getters[name](entity, flt), flt)

    def select(self, items: Sequence[Any], where: Any, missed: set[str]) -> list[Any]:
        """The entities of ``items`` matching ``where``, in their order — the same answer as
        ``[e for e in items if self(e, where)]``, worked out field by field over the list.

        Fields are applied one after another to what is left (AND), OR branches each to what
        earlier branches did not take, so a field is tested on exactly the entities the
        entity-by-entity evaluation would test; ``missed`` collects the IRIs a comparison
        dropped for lack of a value (relation filters do not add to it: the entity has the
        relation, its related entity lacks the value)."""
        out = list(items)
        for name, flt in set_fields(where):
            if not out:
                break
            out = self._select_field(out, name, flt, missed)
        return out

    def _select_field(self, items: list[Any], name: str, flt: Any,
                      missed: set[str]) -> list[Any]:
        if name == "AND":
            for w in flt:
                items = self.select(items, w, missed)
            return items
        if name == "OR":
            taken: set[int] = set()
            left = items
            for w in flt:
                got = self.select(left, w, missed)
                taken.update(map(id, got))
                left = [e for e in left if id(e) not in taken]
            return [e for e in items if id(e) in taken]
        if name == "NOT":
            dropped = set(map(id, self.select(items, flt, missed)))
            return [e for e in items if id(e) not in dropped]
        if name in self.indexes:
            return self.indexes[name].select(items, self.relations[name][1], flt)
        if name in self.relations:
            related, matcher = self.relations[name]
            return [e for e in items if any(matcher(r, flt) for r in related(e))]
        return self._select_values(items, name, flt, missed)

    def _values(self, items: list[Any], name: str, flt: Any) -> list[Any]:
        get = self.getters[name]
        return [get(e, flt) for e in items]

    def _select_values(self, items: list[Any], name: str, flt: Any,
                       missed: set[str]) -> list[Any]:
        column = self.columns.get(name)
        tests = _tests(flt)
        if column is not None and tests is not None:
            return _select_numbers(items, column(flt), tests, missed)
        values = ([column(flt).get(e.id) for e in items] if column is not None
                  else self._values(items, name, flt))
        keep = []
        for e, v in zip(items, values, strict=True):
            if compare(v, flt):
                keep.append(e)
            elif v is None:
                missed.add(e.id)
        return keep


_ID = operator.attrgetter("id")
_NAN = float("nan")


def _select_numbers(items: list[Any], found: Mapping[str, float],
                    tests: list[Callable[[Any], bool]], missed: set[str]) -> list[Any]:
    """``items`` whose number in ``found`` (IRI → value; a missing key is a missing value)
    passes every test, without a Python call per item: a missing value reads as NaN, which
    fails every comparison, as :func:`compare` fails a missing value."""
    if not tests:  # only arguments (a precision, a model size): every entity matches
        return items
    ids = list(map(_ID, items))
    missed.update(set(ids).difference(found.keys()))
    values = list(map(found.get, ids, itertools.repeat(_NAN)))
    for test in tests:
        passed = list(map(test, values))
        items = list(itertools.compress(items, passed))
        values = list(itertools.compress(values, passed))
    return items
