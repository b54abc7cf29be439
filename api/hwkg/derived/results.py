"""Derived figures of systems and benchmark results: totals over a system's accelerators, a
system's price, a result's value per accelerator, per dollar and per watt, speed-ups and
scaling efficiency — only between results that measure the same thing (otherwise null with
the reason) — and measured ÷ datasheet peak.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hwkg.derived.figures import _from, best, figure_in
from hwkg.derived.prices import price
from hwkg.derived.values import Derived, MetricInput
from hwkg.formulas import hardware as metrics
from hwkg.readmodel.catalog import (
    BenchmarkResult,
    Catalog,
    Chip,
    Figure,
    System,
    figure_order,
)


def is_accelerator(cat: Catalog, role: str | None, chip_id: str) -> bool:
    if role is not None:
        return role == "AcceleratorRole"
    chip = cat.chips.get(chip_id)
    return chip is not None and "CPU" not in chip.kinds


def accelerators(cat: Catalog, system: System) -> list[tuple[Chip | None, int]]:
    """(chip, count) of the system's accelerator components."""
    return [(cat.chips.get(c.chip_id), c.count) for c in system.components
            if is_accelerator(cat, c.role.name if c.role else None, c.chip_id)]


def accelerator_count(cat: Catalog, system: System) -> int:
    return sum(count for _, count in accelerators(cat, system))


def system_total(cat: Catalog, system: System, prop: str) -> Derived:
    """Σ count × the preferred ``prop`` of each accelerator, in the property's canonical unit."""
    unit = cat.canonical.get(prop, "")
    parts: list[tuple[float | None, float]] = []
    inputs: list[MetricInput] = []
    for chip, count in accelerators(cat, system):
        fig = best(chip, prop) if chip else None
        parts.append((figure_in(cat, fig, unit), float(count)))
        if fig is not None and chip is not None:
            inputs.append(MetricInput(prop, fig.value, fig.unit, figure=fig, entity_id=chip.id))
    return _from(metrics.total(parts, cat.symbols.get(unit, ""), prop), inputs)


def system_price(cat: Catalog, system: System, currency: str = "USD") -> Derived:
    """The system's own price, else the sum of its parts' prices when every part has one."""
    own = price(cat, system.id, currency)
    if own.value is not None:
        return own
    parts: list[tuple[float | None, float]] = []
    inputs: list[MetricInput] = []
    for comp in system.components:
        p = price(cat, comp.chip_id, currency)
        parts.append((p.value, float(comp.count)))
        inputs += [replace(i, entity_id=comp.chip_id) for i in p.inputs]
    m = metrics.total(parts, currency.upper(), "price")
    return _from(m, inputs)


def result_figure(result: BenchmarkResult) -> Figure | None:
    """The result's preferred value."""
    figs = sorted(result.figures.get("result", []), key=figure_order)
    usable = [f for f in figs if f.rank != "DEPRECATED"]
    return usable[0] if usable else (figs[0] if figs else None)


def _accelerator_ids(cat: Catalog, result: BenchmarkResult) -> frozenset[str]:
    system = cat.systems.get(result.system_id)
    return frozenset(c.id for c, _ in accelerators(cat, system) if c) if system else frozenset()


def _name(table: dict[str, Any], key: str | None) -> str:
    entity = table.get(key or "")
    return entity.name if entity is not None else (key or "none").rsplit("/", 1)[-1]


def incomparable(cat: Catalog, this: BenchmarkResult, other: BenchmarkResult) -> str | None:
    """Why two results must not be compared (speed-up, scaling efficiency), or None.

    Only results of the same benchmark, round, scenario, accuracy target and division on
    the same accelerators compare: rules and quality targets change between rounds, open
    results may change the model, and a ratio across accelerators is not scaling.
    """
    pairs = (("benchmarks", this.benchmark_id, other.benchmark_id, cat.benchmarks),
             ("rounds", this.round_id, other.round_id, cat.rounds))
    for what, mine, theirs, table in pairs:
        if mine != theirs:
            return (f"the two results are of different {what} ({_name(table, mine)} and "
                    f"{_name(table, theirs)})")
    for what, a, b in (("scenarios", this.scenario, other.scenario),
                       ("accuracy targets", this.accuracy_target, other.accuracy_target),
                       ("divisions", this.division, other.division)):
        if a != b:
            shown = [getattr(x, "label", x) for x in (a, b)]
            return (f"the two results are of different {what} ({shown[0]} and {shown[1]}); "
                    + ("closed and open results are not comparable" if what == "divisions"
                       else "they are not comparable"))
    own, others = _accelerator_ids(cat, this), _accelerator_ids(cat, other)
    if own != others:
        names = [", ".join(sorted(_name(cat.chips, i) for i in ids)) or "none"
                 for ids in (own, others)]
        return (f"the two systems use different accelerators ({names[0]} and {names[1]}); "
                "only runs on the same accelerator compare")
    return None


def lower_is_better(cat: Catalog, result: BenchmarkResult, unit_iri: str) -> bool:
    """Times (minutes to train, latency) are better lower; throughputs higher."""
    if cat.symbols.get(unit_iri) in ("ms", "s", "min", "h"):
        return True
    bench = cat.benchmarks.get(result.benchmark_id)
    return bench.lower_is_better if bench else False


def speedup(cat: Catalog, this: BenchmarkResult, other: BenchmarkResult | None) -> Derived:
    """How many times faster this result is than another comparable result
    (:func:`incomparable` says which are)."""
    if other is None:
        return Derived(None, "×", "no such benchmark result")
    if (why := incomparable(cat, this, other)) is not None:
        return Derived(None, "×", why)
    a, b = result_figure(this), result_figure(other)
    inputs = [MetricInput("result", f.value, f.unit, figure=f, entity_id=r.id)
              for f, r in ((a, this), (b, other)) if f]
    if a is None or b is None:
        return Derived(None, "×", "a result has no value", inputs)
    b_value = cat.convert(b.value, b.unit_iri, a.unit_iri) if b.unit_iri != a.unit_iri else b.value
    lower = lower_is_better(cat, this, a.unit_iri)
    return _from(metrics.speedup(a.value, b_value, lower), inputs)


def _throughput(cat: Catalog, result: BenchmarkResult) -> tuple[Figure | None, str | None]:
    fig = result_figure(result)
    if fig is None:
        return None, "the result has no value"
    if lower_is_better(cat, result, fig.unit_iri):
        return None, (f"the result is a time ({fig.unit}), not a throughput: it does not divide "
                      "by accelerators, money or power")
    return fig, None


def per_accelerator(cat: Catalog, result: BenchmarkResult) -> Derived:
    """Throughput ÷ the system's accelerator count (e.g. tokens/s per GPU)."""
    fig, why = _throughput(cat, result)
    if fig is None:
        return Derived(None, "", why)
    system = cat.systems.get(result.system_id)
    count = float(accelerator_count(cat, system)) if system else None
    inputs = [MetricInput("result", fig.value, fig.unit, figure=fig, entity_id=result.id),
              MetricInput("acceleratorCount", count, "devices", entity_id=result.system_id)]
    unit = f"{fig.unit} per accelerator"
    return _from(metrics.ratio(fig.value, count, unit, ("result", "accelerator count")),
                 inputs, unit)


def throughput_per_price(cat: Catalog, result: BenchmarkResult, currency: str = "USD"
                         ) -> Derived:
    """Throughput ÷ the system's price (or the sum of its parts' prices)."""
    fig, why = _throughput(cat, result)
    system = cat.systems.get(result.system_id)
    if fig is None or system is None:
        return Derived(None, "", why or "no system")
    price_of = system_price(cat, system, currency)
    unit = f"{fig.unit} per {currency.upper()}"
    inputs = [MetricInput("result", fig.value, fig.unit, figure=fig, entity_id=result.id),
              *price_of.inputs]
    m = metrics.per_price(fig.value, price_of.value, "result", unit)
    return Derived(m.value, unit, m.reason or price_of.reason, inputs)


def throughput_per_watt(cat: Catalog, result: BenchmarkResult) -> Derived:
    """Throughput ÷ Σ count × maximum power of the system's accelerators (per W)."""
    fig, why = _throughput(cat, result)
    system = cat.systems.get(result.system_id)
    if fig is None or system is None:
        return Derived(None, "", why or "no system")
    power = system_total(cat, system, "maxPower")
    unit = f"{fig.unit} per W"
    inputs = [MetricInput("result", fig.value, fig.unit, figure=fig, entity_id=result.id),
              *power.inputs]
    m = metrics.ratio(fig.value, power.value, unit, ("result", "accelerators' maximum power"))
    return Derived(m.value, unit, m.reason or power.reason, inputs)


def scaling_efficiency(cat: Catalog, this: BenchmarkResult,
                       other: BenchmarkResult | None) -> Derived:
    """Speed-up ÷ ratio of accelerator counts (1.0 = perfect linear scaling)."""
    up = speedup(cat, this, other)
    if other is None or up.value is None:
        return up
    mine, theirs = cat.systems.get(this.system_id), cat.systems.get(other.system_id)
    n_mine = float(accelerator_count(cat, mine)) if mine else None
    n_theirs = float(accelerator_count(cat, theirs)) if theirs else None
    inputs = up.inputs + [
        MetricInput("acceleratorCount", n_mine, "devices", entity_id=this.system_id),
        MetricInput("acceleratorCount", n_theirs, "devices", entity_id=other.system_id)]
    return _from(metrics.scaling_efficiency(up.value, n_mine, n_theirs), inputs)


def measured_vs_peak(cat: Catalog, result: BenchmarkResult) -> Derived:
    """Measured value ÷ the datasheet peak of what the benchmark measures (dense, summed)."""
    bench = cat.benchmarks.get(result.benchmark_id)
    system = cat.systems.get(result.system_id)
    if bench is None or bench.measures is None:
        return Derived(None, "×", "the benchmark does not measure a datasheet figure (hw:measures)")
    prop = bench.measures.rsplit("#", 1)[-1]
    fig = result_figure(result)
    inputs = ([MetricInput("result", fig.value, fig.unit, figure=fig, entity_id=result.id)]
              if fig else [])
    if system is None:
        return Derived(None, "×", "no system", inputs)
    peak = system_total(cat, system, prop)
    unit = cat.canonical.get(prop, "")
    measured = cat.convert(fig.value, fig.unit_iri, unit) if fig else None
    m = metrics.ratio(measured, peak.value, "×", ("measured result", f"datasheet {prop}"))
    return Derived(m.value, "×", m.reason or (peak.reason if peak.value is None else None),
                   inputs + peak.inputs)
