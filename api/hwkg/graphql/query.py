"""The Query root: single-entity lookups and filtered, ordered, paginated connections."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from hwkg.derived import figures as D
from hwkg.derived import results as R
from hwkg.derived.prices import PriceBasis
from hwkg.graphql import planner
from hwkg.graphql.chip import (
    CHIP_FIGURES,
    Benchmark,
    BenchmarkResult,
    Chip,
    System,
    parameter_count,
)
from hwkg.graphql.filters import (
    DateFilter,
    FloatFilter,
    Index,
    LinkWhere,
    Matcher,
    ModelFilter,
    ModelFitFilter,
    NamedWhere,
    PrecisionFilter,
    StringFilter,
)
from hwkg.graphql.ordering import Direction, ModelOrder, PrecisionOrder, sorted_once
from hwkg.graphql.pagination import Connection, page
from hwkg.graphql.planner import InferencePlan, InferenceRanking, TrainingPlan, TrainingRanking
from hwkg.graphql.types import (
    BenchmarkRound,
    Interconnect,
    Organization,
    SoftwareStack,
    Source,
    Vendor,
    cat,
)
from hwkg.readmodel import catalog as C

FIGURE_UNITS = "in the property's canonical unit (GB, GB/s, W, TFLOPS, TOPS, MHz, nm, count)"


def _add(namespace: dict[str, Any], names: list[str], annotation: str, doc: str) -> None:
    """Declare optional input fields ``names`` of type ``annotation`` in a class body."""
    for name in names:
        namespace["__annotations__"][name] = f"{annotation} | None"
        namespace[name] = strawberry.field(default=None, description=doc.format(name=name))


@strawberry.input(description="Filter chips. Figures compare the preferred dense per-package "
                  "value " + FIGURE_UNITS + "; prices and per-dollar metrics are in US dollars.")
class ChipWhere:
    AND: list[ChipWhere] | None = strawberry.field(default=None, description="All must match.")
    OR: list[ChipWhere] | None = strawberry.field(default=None, description="Any must match.")
    NOT: ChipWhere | None = strawberry.field(default=None, description="Must not match.")
    id: StringFilter | None = strawberry.field(default=None, description="IRI or slug.")
    name: StringFilter | None = None
    kind: StringFilter | None = strawberry.field(default=None, description="GPU, CPU, SoC …")
    memory_type: StringFilter | None = strawberry.field(default=None, description="e.g. HBM3.")
    form_factor: StringFilter | None = None
    launch_date: DateFilter | None = None
    vendor: NamedWhere | None = None
    software_stack: NamedWhere | None = strawberry.field(
        default=None, description="Any stack driving the chip matches (e.g. name contains ROCm).")
    interconnect: LinkWhere | None = strawberry.field(
        default=None, description="Any of the chip's interconnects matches.")
    _add(locals(), list(CHIP_FIGURES), "FloatFilter", "Preferred {name}, " + FIGURE_UNITS + ".")
    _add(locals(), ["price", "memoryPerDollar", "bandwidthPerDollar"], "FloatFilter",
         "{name} in US dollars.")
    _add(locals(), ["flopsPerDollar", "flopsPerWatt", "bytesPerFlop"], "PrecisionFilter",
         "{name} at a precision (USD for prices).")
    devices_needed: ModelFilter | None = None
    fits_model: ModelFitFilter | None = None


@strawberry.input(description="Order chips by one key (one field per object; list for ties).")
class ChipOrder:
    id: Direction | None = None
    name: Direction | None = None
    launch_date: Direction | None = None
    memory_type: Direction | None = None
    form_factor: Direction | None = None
    _add(locals(), list(CHIP_FIGURES), "Direction", "Preferred {name}, " + FIGURE_UNITS + ".")
    _add(locals(), ["price", "memoryPerDollar", "bandwidthPerDollar"], "Direction",
         "{name} in US dollars; chips without a price sort last.")
    _add(locals(), ["flopsPerDollar", "flopsPerWatt", "bytesPerFlop"], "PrecisionOrder",
         "{name} at a precision.")
    devices_needed: ModelOrder | None = None


@strawberry.input(description="Filter systems; memory in GB, bandwidth in GB/s, price in USD.")
class SystemWhere:
    AND: list[SystemWhere] | None = None
    OR: list[SystemWhere] | None = None
    NOT: SystemWhere | None = None
    id: StringFilter | None = None
    name: StringFilter | None = None
    vendor: NamedWhere | None = None
    chip: ChipWhere | None = strawberry.field(default=None, description="Any component chip.")
    accelerator_count: FloatFilter | None = None
    total_accelerator_memory: FloatFilter | None = None
    aggregate_bandwidth: FloatFilter | None = None
    price: FloatFilter | None = None


@strawberry.input(description="Order systems.")
class SystemOrder:
    id: Direction | None = None
    name: Direction | None = None
    accelerator_count: Direction | None = None
    total_accelerator_memory: Direction | None = None
    aggregate_bandwidth: Direction | None = None
    price: Direction | None = None


@strawberry.input(description="Filter benchmark results; result compares the preferred value "
                  "in its stated unit.")
class BenchmarkResultWhere:
    AND: list[BenchmarkResultWhere] | None = None
    OR: list[BenchmarkResultWhere] | None = None
    NOT: BenchmarkResultWhere | None = None
    id: StringFilter | None = None
    name: StringFilter | None = None
    benchmark: NamedWhere | None = None
    round: NamedWhere | None = strawberry.field(
        default=None, description="The round (e.g. name contains 'Training v4.0', id "
        "mlperf-training-v4.0).")
    scenario: NamedWhere | None = strawberry.field(
        default=None, description="The inference scenario (name Offline, Server …).")
    division: NamedWhere | None = strawberry.field(
        default=None, description="The division (name Closed or Open).")
    submitter: NamedWhere | None = strawberry.field(
        default=None, description="Any organisation that submitted the system.")
    system: SystemWhere | None = None
    chip: ChipWhere | None = strawberry.field(default=None, description="Any chip of the system.")
    result: FloatFilter | None = None
    accelerator_count: FloatFilter | None = None
    measured_vs_peak: FloatFilter | None = None
    result_time: DateFilter | None = None


@strawberry.input(description="Order benchmark results.")
class BenchmarkResultOrder:
    id: Direction | None = None
    name: Direction | None = None
    result: Direction | None = None
    accelerator_count: Direction | None = None
    measured_vs_peak: Direction | None = None
    result_time: Direction | None = None


@strawberry.input(description="Filter named entities (interconnects, stacks, vendors, sources).")
class NamedFilter:
    AND: list[NamedFilter] | None = None
    OR: list[NamedFilter] | None = None
    NOT: NamedFilter | None = None
    id: StringFilter | None = None
    name: StringFilter | None = None


@strawberry.input(description="Order named entities.")
class NamedOrder:
    id: Direction | None = None
    name: Direction | None = None


# ----------------------------------------------------------------- evaluation


def _ids(e: Any, _: Any = None) -> list[str]:
    return [e.id, e.id.rsplit("/", 1)[-1]]


NAMED = Matcher({"id": _ids, "name": lambda e, _: e.name})


def _value(d: D.Derived) -> float | None:
    return d.value


def _metric_key(name: str, arg: Any, basis: PriceBasis) -> D.MetricKey:
    """The memo key of chip metric ``name`` with the arguments a filter/order object sets."""
    params = getattr(arg, "parameters", None)
    return D.MetricKey(
        name, getattr(getattr(arg, "precision", None), "value", "BF16"),
        bool(getattr(arg, "sparse", False)), "USD",
        parameter_count(params) if params is not None else 0.0,
        float(getattr(arg, "bytes_per_parameter", 2.0)),
        float(getattr(arg, "overhead_fraction", 0.0)), basis.value)


_METRICS = {**{name: name for name in [*CHIP_FIGURES, "price", "memoryPerDollar",
                                         "bandwidthPerDollar", "flopsPerDollar", "flopsPerWatt",
                                         "bytesPerFlop"]},
            "devices_needed": "devicesNeeded", "fits_model": "fitsModel"}


def _chip_getters(c: C.Catalog, basis: PriceBasis = PriceBasis.PURCHASE
                  ) -> dict[str, Callable[[Any, Any], Any]]:
    def metric(name: str) -> Callable[[Any, Any], Any]:
        # The same filter/order object is passed for every chip: build its key and find its
        # memo table once, then look chips up in it.
        last: list[Any] = [None, None, None]

        def get(chip: Any, arg: Any) -> Any:
            if last[0] is not arg:
                key = _metric_key(name, arg, basis)
                last[:] = [arg, key, D.metric_table(c, key)]
            found = last[2].get(chip.id)
            return (found if found is not None else D.chip_metric(c, chip, last[1])).value
        return get

    getters: dict[str, Callable[[Any, Any], Any]] = {
        "id": _ids, "name": lambda e, _: e.name, "kind": lambda e, _: e.kinds,
        "memory_type": lambda e, _: e.memory_type.name if e.memory_type else None,
        "form_factor": lambda e, _: e.form_factor, "launch_date": lambda e, _: e.launch_date,
    }
    for field, name in _METRICS.items():
        getters[field] = metric(name)
    return getters


def _chip_columns(c: C.Catalog, basis: PriceBasis) -> dict[str, Callable[[Any], Any]]:
    """Each chip metric for every chip at once (kept per graph version), for list filters."""
    def column(name: str) -> Callable[[Any], Any]:
        return lambda arg: D.metric_values(c, _metric_key(name, arg, basis))
    return {field: column(name) for field, name in _METRICS.items()}


def _links(c: C.Catalog, chip: C.Chip) -> list[Any]:
    """The chip's interconnects as link records with the bandwidth (GB/s) that applies."""
    out = []
    for iid in chip.interconnect_ids:
        ic = c.interconnects.get(iid)
        if ic is None:
            continue
        own = [f for f in chip.figures.get("linkBandwidth", [])
               if f.via_id == iid and f.rank != "DEPRECATED"]
        fig = own[0] if own else D.best(ic, "linkBandwidth")
        gbps = D.figure_in(c, fig, D.GBPS)
        out.append(_Link(ic.id, ic.name, ic.interconnect_kind.name if ic.interconnect_kind
                         else None, gbps))
    return out


class _Link:
    def __init__(self, id: str, name: str, kind: str | None, bandwidth: float | None) -> None:
        self.id, self.name, self.kind, self.link_bandwidth = id, name, kind, bandwidth


LINK = Matcher({"id": _ids, "name": lambda e, _: e.name, "kind": lambda e, _: e.kind,
                "link_bandwidth": lambda e, _: e.link_bandwidth})


def chip_matcher(c: C.Catalog, basis: PriceBasis = PriceBasis.PURCHASE) -> Matcher:
    return Matcher(_chip_getters(c, basis), {
        "vendor": (lambda e: [x for x in [c.vendors.get(e.vendor_id or "")] if x], NAMED),
        "software_stack": (lambda e: [c.stacks[s] for s in e.stack_ids if s in c.stacks], NAMED),
        "interconnect": (lambda e: _links(c, e), LINK),
    }, _chip_columns(c, basis), {
        "vendor": Index(c.vendors.values, "vendor_id"),
        "software_stack": Index(c.stacks.values, "stack_ids", many=True),
    })


def _system_getters(c: C.Catalog) -> dict[str, Callable[[Any, Any], Any]]:
    return {
        "id": _ids, "name": lambda e, _: e.name,
        "accelerator_count": lambda e, _: float(R.accelerator_count(c, e)),
        "total_accelerator_memory": lambda e, _: R.system_total(c, e, "memoryCapacity").value,
        "aggregate_bandwidth": lambda e, _: R.system_total(c, e, "memoryBandwidth").value,
        "price": lambda e, _: R.system_price(c, e).value,
    }


def system_matcher(c: C.Catalog) -> Matcher:
    chips = chip_matcher(c)
    return Matcher(_system_getters(c), {
        "vendor": (lambda e: [x for x in [c.vendors.get(e.vendor_id or "")] if x], NAMED),
        "chip": (lambda e: [c.chips[p.chip_id] for p in e.components if p.chip_id in c.chips],
                 chips),
    })


def _result_getters(c: C.Catalog) -> dict[str, Callable[[Any, Any], Any]]:
    def count(e: Any, _: Any) -> float | None:
        system = c.systems.get(e.system_id)
        return float(R.accelerator_count(c, system)) if system else None

    return {
        "id": _ids, "name": lambda e, _: e.name, "result_time": lambda e, _: e.result_time,
        "result": lambda e, _: (f.value if (f := R.result_figure(e)) else None),
        "accelerator_count": count,
        "measured_vs_peak": lambda e, _: R.measured_vs_peak(c, e).value,
    }


def result_matcher(c: C.Catalog) -> Matcher:
    systems, chips = system_matcher(c), chip_matcher(c)

    def chips_of(e: Any) -> list[Any]:
        system = c.systems.get(e.system_id)
        parts = system.components if system else []
        return [c.chips[p.chip_id] for p in parts if p.chip_id in c.chips]

    def submitters(e: Any) -> list[Any]:
        system = c.systems.get(e.system_id)
        ids = system.submitter_ids if system else []
        return [c.organizations[i] for i in ids if i in c.organizations]

    return Matcher(_result_getters(c), {
        "benchmark": (lambda e: [x for x in [c.benchmarks.get(e.benchmark_id)] if x], NAMED),
        "round": (lambda e: [x for x in [c.rounds.get(e.round_id or "")] if x], NAMED),
        "scenario": (lambda e: [e.scenario] if e.scenario else [], NAMED),
        "division": (lambda e: [e.division] if e.division else [], NAMED),
        "submitter": (submitters, NAMED),
        "system": (lambda e: [x for x in [c.systems.get(e.system_id)] if x], systems),
        "chip": (chips_of, chips),
    })


def _listing(c: C.Catalog, kind: Hashable, items: dict[str, Any], matcher: Matcher, where: Any,
             order: Any, getters: dict[str, Callable[[Any, Any], Any]], first: int | None,
             after: str | None) -> Connection[Any]:
    """One page of ``items`` (a catalog table; ``kind`` names it) matching ``where`` in
    ``order``: the sorted table is kept per graph version, the filter walks it."""
    ordered = sorted_once(c, kind, items.values(), order, getters)
    if where is None:
        return page(ordered, first, after, 0)
    missed: set[str] = set()
    found = matcher.select(ordered, where, missed)
    excluded = len(missed - {e.id for e in found})
    return page(found, first, after, excluded)


First = strawberry.argument(description="Page size (default 20, at most 100).")


@strawberry.type(description="hwkg: AI hardware knowledge graph. Figures carry units and sources.")
class Query:
    plan_training: TrainingPlan = strawberry.field(
        resolver=planner.plan_training,
        description="Plan training a model on a chip (or `systems` of a system): compute "
        "(6·P·D), time at dense peak × MFU, memory for weights, gradients and optimizer state, "
        "energy and cost (CLOUD_HOURLY: devices × rate × hours; PURCHASE: devices × price). "
        "Without `devices`, the fewest that hold the state and finish within `maxDays`.")
    plan_inference: InferencePlan = strawberry.field(
        resolver=planner.plan_inference,
        description="Plan serving a model on a chip or system: devices to hold weights and KV "
        "cache, decode throughput ceilings from memory bandwidth and compute, cost, and measured "
        "results for `mlperfModel` beside them.")
    training_options: TrainingRanking = strawberry.field(
        resolver=planner.rank_training,
        description="Every accelerator's cheapest configuration that trains the workload within "
        "`maxDays`, cheapest first, and the chips left out with the reason.")
    inference_options: InferenceRanking = strawberry.field(
        resolver=planner.rank_inference,
        description="Every accelerator's smallest configuration that serves the workload at "
        "`targetTokensPerSecond` (by the decode ceilings), fewest devices first, and the chips "
        "left out with the reason.")
    @strawberry.field(description="A chip by IRI, prefix:slug or slug.")
    def chip(self, info: Info, id: strawberry.ID) -> Chip | None:
        c = cat(info)
        return c.resolve(c.chips, id)  # type: ignore[no-any-return]

    @strawberry.field(description="Chips matching `where`, ordered by `orderBy` then IRI.")
    def chips(self, info: Info, where: ChipWhere | None = None,
              order_by: list[ChipOrder] | None = None, first: int | None = None,
              after: str | None = None,
              price_basis: Annotated[PriceBasis, strawberry.argument(
                  description="The price that price, memoryPerDollar, bandwidthPerDollar and "
                  "flopsPerDollar use in where and orderBy: PURCHASE (USD) or CLOUD_HOURLY "
                  "(USD per chip-hour).")] = PriceBasis.PURCHASE) -> Connection[Chip]:
        c = cat(info)
        return _listing(c, ("chips", price_basis.value), c.chips, chip_matcher(c, price_basis),
                        where, order_by, _chip_getters(c, price_basis), first, after)

    @strawberry.field(description="A system by IRI or slug.")
    def system(self, info: Info, id: strawberry.ID) -> System | None:
        c = cat(info)
        return c.resolve(c.systems, id)  # type: ignore[no-any-return]

    @strawberry.field(description="Systems matching `where`.")
    def systems(self, info: Info, where: SystemWhere | None = None,
                order_by: list[SystemOrder] | None = None, first: int | None = None,
                after: str | None = None) -> Connection[System]:
        c = cat(info)
        return _listing(c, "systems", c.systems, system_matcher(c), where, order_by,
                        _system_getters(c), first, after)

    @strawberry.field(description="A benchmark result by IRI or slug.")
    def benchmark_result(self, info: Info, id: strawberry.ID) -> BenchmarkResult | None:
        c = cat(info)
        return c.resolve(c.results, id)  # type: ignore[no-any-return]

    @strawberry.field(description="Benchmark results matching `where`.")
    def benchmark_results(self, info: Info, where: BenchmarkResultWhere | None = None,
                          order_by: list[BenchmarkResultOrder] | None = None,
                          first: int | None = None,
                          after: str | None = None) -> Connection[BenchmarkResult]:
        c = cat(info)
        return _listing(c, "results", c.results, result_matcher(c), where, order_by,
                        _result_getters(c), first, after)

    @strawberry.field(description="Benchmarks.")
    def benchmarks(self, info: Info) -> list[Benchmark]:
        return sorted(cat(info).benchmarks.values(), key=lambda b: b.id)  # type: ignore

    @strawberry.field(description="Benchmark rounds (MLPerf Training v3.0 …) by suite (inference, "
                      "then training), oldest first within each suite.")
    def rounds(self, info: Info) -> list[BenchmarkRound]:
        def key(r: Any) -> tuple[str, tuple[int, ...]]:
            return r.suite, tuple(int(p) for p in r.round_version.split(".") if p.isdigit())
        return sorted(cat(info).rounds.values(), key=key)  # type: ignore[arg-type]

    @strawberry.field(description="Organisations that submitted benchmark results.")
    def organizations(self, info: Info) -> list[Organization]:
        return sorted(cat(info).organizations.values(), key=lambda o: o.id)  # type: ignore

    @strawberry.field(description="Interconnects matching `where`.")
    def interconnects(self, info: Info, where: NamedFilter | None = None,
                      order_by: list[NamedOrder] | None = None, first: int | None = None,
                      after: str | None = None) -> Connection[Interconnect]:
        return _named(cat(info), "interconnects", where, order_by, first, after)

    @strawberry.field(description="Software stacks matching `where`.")
    def software_stacks(self, info: Info, where: NamedFilter | None = None,
                        order_by: list[NamedOrder] | None = None, first: int | None = None,
                        after: str | None = None) -> Connection[SoftwareStack]:
        return _named(cat(info), "stacks", where, order_by, first, after)

    @strawberry.field(description="Vendors matching `where`.")
    def vendors(self, info: Info, where: NamedFilter | None = None,
                order_by: list[NamedOrder] | None = None, first: int | None = None,
                after: str | None = None) -> Connection[Vendor]:
        return _named(cat(info), "vendors", where, order_by, first, after)

    @strawberry.field(description="Sources matching `where`.")
    def sources(self, info: Info, where: NamedFilter | None = None,
                order_by: list[NamedOrder] | None = None, first: int | None = None,
                after: str | None = None) -> Connection[Source]:
        return _named(cat(info), "sources", where, order_by, first, after)

    @strawberry.field(description="The graph version (changes whenever a file changes).")
    def graph_version(self, info: Info) -> str:
        return cat(info).version


def _named(c: C.Catalog, table: str, where: Any, order: Any, first: int | None,
           after: str | None) -> Connection[Any]:
    getters = {"id": lambda e, _: e.id, "name": lambda e, _: e.name}
    return _listing(c, table, getattr(c, table), NAMED, where, order, getters, first, after)


_ = (PrecisionFilter, ModelFitFilter, PrecisionOrder)
