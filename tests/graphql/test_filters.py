"""``where`` on lists: the field-by-field evaluation over a whole list (Matcher.select) gives
exactly the entities the entity-by-entity evaluation (Matcher.__call__) keeps, in order, on
the bundled graph; ``excludedMissing`` counts the entities dropped only for a missing value."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hwkg.derived.prices import PriceBasis
from hwkg.graphql import query as Q
from hwkg.graphql.filters import (
    DateFilter,
    FloatFilter,
    LinkWhere,
    ModelFitFilter,
    NamedWhere,
    Precision,
    PrecisionFilter,
    StringFilter,
    set_fields,
)
from hwkg.graphql.ordering import sort
from hwkg.graphql.schema import schema
from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import cached
from hwkg.readmodel import catalog as C

W = Q.ChipWhere

#: One where-object per case: every operator, missing values, AND / OR / NOT, relations,
#: arguments (precision, model size) and a type the operand does not compare with.
CASES: dict[str, Any] = {
    "gt": W(memoryPerDollar=FloatFilter(gt=0)),
    "range": W(memoryCapacity=FloatFilter(gte=32, lt=200)),
    "three-bounds": W(maxPower=FloatFilter(gt=50, lte=1000, ne=700)),
    "eq": W(memoryCapacity=FloatFilter(eq=80)),
    "in": W(memoryCapacity=FloatFilter(in_=[24, 48, 80, 192])),
    "ne": W(price=FloatFilter(ne=1)),
    "is-null": W(price=FloatFilter(is_null=True)),
    "not-null": W(computeBF16=FloatFilter(is_null=False)),
    "precision": W(flopsPerWatt=PrecisionFilter(precision=Precision.FP8, gt=1)),
    "arguments-only": W(flopsPerDollar=PrecisionFilter(precision=Precision.FP16)),
    "fits": W(fits_model=ModelFitFilter(parameters=65.2e9, eq=True)),
    "name-contains": W(name=StringFilter(contains="instinct")),
    "id-eq": W(id=StringFilter(eq="nvidia-h100-sxm5-80gb")),
    "kind-in": W(kind=StringFilter(in_=["CPU", "SoC"])),
    "launch": W(launch_date=DateFilter(gte=dt.date(2023, 1, 1))),
    "vendor": W(vendor=NamedWhere(name=StringFilter(contains="a"))),
    "not-vendor": W(NOT=W(vendor=NamedWhere(id=StringFilter(eq="nvidia")))),
    "stack": W(software_stack=NamedWhere(name=StringFilter(contains="cuda"))),
    "link": W(interconnect=LinkWhere(link_bandwidth=FloatFilter(gte=100))),
    "and": W(AND=[W(memoryCapacity=FloatFilter(gte=64)), W(price=FloatFilter(lt=20000))]),
    "or": W(OR=[W(memoryPerDollar=FloatFilter(gt=5)), W(maxPower=FloatFilter(lt=100))]),
    "not": W(NOT=W(memoryBandwidth=FloatFilter(gt=1000))),
    "nested": W(memoryCapacity=FloatFilter(gt=16),
                OR=[W(NOT=W(price=FloatFilter(is_null=True))),
                    W(AND=[W(computeBF16=FloatFilter(gt=100)),
                           W(vendor=NamedWhere(id=StringFilter(contains="nvidia")))])]),
}

#: Cases with one comparison that a missing value fails.
SINGLE = ["gt", "range", "eq", "in", "precision", "launch", "name-contains"]


@pytest.fixture(scope="module")
def catalog(snapshot: Snapshot) -> C.Catalog:
    return cached.for_snapshot(snapshot)


@pytest.mark.parametrize("basis", list(PriceBasis))
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_whole_list_is_filtered_as_entity_by_entity(catalog: C.Catalog, case: str,
                                                      basis: PriceBasis) -> None:
    matcher = Q.chip_matcher(catalog, basis)
    items = sort(catalog.chips.values(), None, {})
    where = CASES[case]
    missed: set[str] = set()
    found = matcher.select(items, where, missed)
    assert found == [e for e in items if matcher(e, where)], case
    assert missed <= {e.id for e in items}, "missing counts entities of another list"
    if case in SINGLE:  # one comparison: excluded exactly when the value is missing
        ((name, flt),) = set_fields(where)
        lacking = {e.id for e in items if matcher.getters[name](e, flt) is None}
        assert missed - {e.id for e in found} == lacking, case


def test_the_cases_select_something_and_leave_something(catalog: C.Catalog) -> None:
    matcher = Q.chip_matcher(catalog)
    items = list(catalog.chips.values())
    sizes = {case: len(matcher.select(items, where, set())) for case, where in CASES.items()}
    empty = [case for case, n in sizes.items() if n in (0, len(items))]
    assert len(empty) <= 2, f"cases that test nothing on the bundled graph: {empty}"


def test_excluded_missing_counts_the_chips_without_the_value(catalog: C.Catalog) -> None:
    data = schema().execute_sync(
        "{ chips(where: {memoryPerDollar: {gt: 0}}) { totalCount excludedMissing } "
        "  all: chips { totalCount } "
        "  none: chips(where: {memoryPerDollar: {isNull: true}}) { totalCount } }",
        context_value={"catalog": catalog})
    assert not data.errors, data.errors
    chips = data.data["chips"]  # type: ignore[index]
    without = data.data["none"]["totalCount"]  # type: ignore[index]
    assert without > 0 and chips["totalCount"] > 0
    assert chips["excludedMissing"] == without
