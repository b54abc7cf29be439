"""Derived metrics over the catalog: pick the preferred inputs, call :mod:`hwkg.metrics`.

Each function returns a :class:`Derived` (value, unit, reason, and the inputs used: the
statements, offers and exchange rates), so a client can show the working. The formulas
themselves live in :mod:`hwkg.metrics`; unit factors come from the catalog (ontology data).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from hwkg.core.namespaces import CUR, HWUNIT, UNIT
from hwkg.formulas import hardware as metrics
from hwkg.readmodel.catalog import (
    BenchmarkResult,
    Catalog,
    Chip,
    Entity,
    ExchangeRate,
    Figure,
    Offer,
    System,
    figure_order,
)

GB = str(UNIT.GigaBYTE)
NUM = str(UNIT.NUM)
BILLION = str(HWUNIT.BILLION)
GBPS = str(UNIT["GigaBYTE-PER-SEC"])
BYTE = str(UNIT.BYTE)
PRICE_KINDS = ("LaunchMSRP", "StreetPrice")


@dataclass
class MetricInput:
    """One input of a derived metric: a statement, an offer or an exchange rate."""

    role: str
    value: float | None
    unit: str | None
    figure: Figure | None = None
    offer: Offer | None = None
    rate: ExchangeRate | None = None
    entity_id: str | None = None


@dataclass
class Derived:
    """A derived value with its unit, or None with a reason; and the inputs used."""

    value: float | None
    unit: str
    reason: str | None = None
    inputs: list[MetricInput] = field(default_factory=list)


@dataclass(frozen=True)
class MetricKey:
    """Which metric, with its arguments: the unit of sorting, filtering and relativeTo."""

    name: str
    precision: str = "BF16"
    sparse: bool = False
    currency: str = "USD"
    parameters: float = 0.0
    bytes_per_parameter: float = 2.0
    overhead_fraction: float = 0.0


def currency_iri(code: str) -> str:
    """``USD`` → the QUDT currency IRI (a full IRI passes through)."""
    return code if code.startswith("http") else str(CUR[code.upper()])


def best(entity: Entity, prop: str, sparse: bool = False, per_die: bool = False,
         per_direction: bool = False) -> Figure | None:
    """The best non-deprecated statement of ``prop`` with the given qualifiers and no hw:via.

    The defaults (dense, per package, not per direction) pick what the truthy shortcut
    ``hwt:<prop>`` holds; ``sparse`` / ``per_direction`` pick ``hwt:<prop>Sparse`` /
    ``hwt:<prop>PerDirection``.
    """
    for fig in entity.figures.get(prop, []):
        if fig.rank == "DEPRECATED" or fig.via_id is not None:
            continue
        if fig.sparse == sparse and fig.per_die == per_die and fig.per_direction == per_direction:
            return fig
    return None


def figure_in(cat: Catalog, fig: Figure | None, unit: str) -> float | None:
    """A statement's value in ``unit`` (via hwunit:multiplier), or None."""
    return None if fig is None else cat.convert(fig.value, fig.unit_iri, unit)


def _from(m: metrics.Metric, inputs: list[MetricInput], unit: str | None = None) -> Derived:
    return Derived(m.value, unit or m.unit, m.reason, inputs)


def _stored(cat: Catalog, entity: Entity, prop: str, sparse: bool = False) -> Derived:
    unit = cat.canonical.get(prop, "")
    fig = best(entity, prop, sparse)
    value = figure_in(cat, fig, unit)
    inputs = [MetricInput(prop, fig.value, fig.unit, figure=fig)] if fig else []
    symbol = cat.symbols.get(unit, "")
    return Derived(value, symbol, None if value is not None else f"no {prop}", inputs)


def _rate_for(cat: Catalog, offer: Offer, target: str) -> tuple[float | None, ExchangeRate | None]:
    """The conversion factor from the offer's currency to ``target`` on the nearest date."""
    pairs = [(r, r.rate) for r in cat.rates.values()
             if r.from_currency == offer.currency and r.to_currency == target and r.rate > 0]
    pairs += [(r, 1 / r.rate) for r in cat.rates.values()
              if r.from_currency == target and r.to_currency == offer.currency and r.rate > 0]
    dated = [(r, f) for r, f in pairs if isinstance(r.rate_date, date)]
    i = metrics.nearest_index(offer.offer_date, [r.rate_date for r, _ in dated])  # type: ignore[misc]
    if i is None:
        return None, None
    return dated[i][1], dated[i][0]


def offer_order(offer: Offer) -> tuple[int, int, str, str]:
    """Preferred first, then launch MSRP before street price, newest first, IRI."""
    rank = {"PREFERRED": 0, "NORMAL": 1}.get(offer.rank, 2)
    kind = offer.offer_kind.name if offer.offer_kind else ""
    kind_order = PRICE_KINDS.index(kind) if kind in PRICE_KINDS else 9
    when = offer.offer_date.isoformat() if isinstance(offer.offer_date, date) else ""
    return (rank, kind_order, "".join(chr(0x10FFFF - ord(c)) for c in when), offer.id)


def purchase_offers(cat: Catalog, entity_id: str) -> list[Offer]:
    """Offers to buy ``entity_id`` (not deprecated, not cloud hourly), best first."""
    found = [o for o in cat.offers_for.get(entity_id, [])
             if o.rank != "DEPRECATED"
             and (o.offer_kind is None or o.offer_kind.name in PRICE_KINDS)]
    return sorted(found, key=offer_order)


def price(cat: Catalog, entity_id: str, currency: str = "USD") -> Derived:
    """The preferred purchase price of a chip or system in ``currency`` (memoised)."""
    key = ("price", entity_id, currency.upper())
    if key not in cat.memo:
        cat.memo[key] = _price(cat, entity_id, currency)
    return cat.memo[key]  # type: ignore[no-any-return]


def _price(cat: Catalog, entity_id: str, currency: str) -> Derived:
    target = currency_iri(currency)
    symbol = target.rsplit("/", 1)[-1]
    offers = purchase_offers(cat, entity_id)
    if not offers:
        priced = [s for s in cat.systems_with.get(entity_id, []) if purchase_offers(cat, s.id)]
        hint = (f"; {len(priced)} system(s) containing it have their own price (System.price)"
                if priced else "")
        return Derived(None, symbol, "no purchase offer (launch MSRP or street price) for it"
                       + hint)
    offer = offers[0]
    inputs = [MetricInput("price", offer.amount, offer.currency.rsplit("/", 1)[-1], offer=offer)]
    if offer.currency == target:
        return Derived(offer.amount, symbol, None, inputs)
    factor, rate = _rate_for(cat, offer, target)
    if rate is None:
        return Derived(None, symbol, f"no exchange rate between {offer.currency} and {target}",
                       inputs)
    inputs.append(MetricInput("exchangeRate", rate.rate, None, rate=rate))
    converted = metrics.convert_money(offer.amount, factor)
    return Derived(converted.value, symbol, converted.reason, inputs)


def _per_price(cat: Catalog, quantity: Derived, entity_id: str, currency: str,
               unit: str) -> Derived:
    cost = price(cat, entity_id, currency)
    name = quantity.inputs[0].role if quantity.inputs else "quantity"
    m = metrics.per_price(quantity.value, cost.value, name, unit)
    reason = cost.reason if cost.value is None else m.reason
    return Derived(m.value, unit, reason, quantity.inputs + cost.inputs)


def compute_prop(precision: str) -> str:
    return "compute" + precision.upper()


def memory_per_dollar(cat: Catalog, chip: Entity, currency: str = "USD") -> Derived:
    """GB of memory per unit of currency (GB: the property's canonical unit)."""
    memory = _stored(cat, chip, "memoryCapacity")
    return _per_price(cat, memory, chip.id, currency, f"{memory.unit}/{currency.upper()}")


def bandwidth_per_dollar(cat: Catalog, chip: Entity, currency: str = "USD") -> Derived:
    """GB/s of memory bandwidth per unit of currency."""
    bandwidth = _stored(cat, chip, "memoryBandwidth")
    return _per_price(cat, bandwidth, chip.id, currency, f"{bandwidth.unit} per {currency.upper()}")


def flops_per_dollar(cat: Catalog, chip: Entity, precision: str, sparse: bool = False,
                     currency: str = "USD") -> Derived:
    """TFLOPS (TOPS for integer precisions) per unit of currency."""
    compute = _stored(cat, chip, compute_prop(precision), sparse)
    return _per_price(cat, compute, chip.id, currency, f"{compute.unit}/{currency.upper()}")


def flops_per_watt(cat: Catalog, chip: Entity, precision: str, sparse: bool = False) -> Derived:
    """TFLOPS per watt of maximum power."""
    compute = _stored(cat, chip, compute_prop(precision), sparse)
    power = _stored(cat, chip, "maxPower")
    m = metrics.flops_per_watt(compute.value, power.value)
    return _from(m, compute.inputs + power.inputs, f"{compute.unit}/W")


def bytes_per_flop(cat: Catalog, chip: Entity, precision: str, sparse: bool = False) -> Derived:
    """Bytes of memory bandwidth per operation: (byte/s) ÷ (op/s)."""
    prop = compute_prop(precision)
    bw, fl = best(chip, "memoryBandwidth"), best(chip, prop, sparse)
    bw_base = fig_base(bw)
    fl_base = fig_base(fl)
    inputs = [MetricInput(f.property_name, f.value, f.unit, figure=f) for f in (bw, fl) if f]
    unit = "B/FLOP" if not prop.endswith("INT8") else "B/op"
    return _from(metrics.bytes_per_flop(bw_base, fl_base), inputs, unit)


def fig_base(fig: Figure | None) -> float | None:
    return None if fig is None else fig.base_value


def device_memory(cat: Catalog, chip: Entity) -> tuple[float | None, list[MetricInput], str | None]:
    """Bytes of memory one host-visible device has, and the statements used.

    A package the host sees as N devices (hw:hostDevices, e.g. MI250X: 2) has its per-die
    memory (hw:scope hw:PerDie) per device, or its package memory ÷ N. A unified-memory
    chip with a stated GPU-usable memory uses that.
    """
    devices = best(chip, "hostDevices")
    n = devices.value if devices else 1.0
    inputs = ([MetricInput("hostDevices", devices.value, devices.unit, figure=devices)]
              if devices else [])
    usable = best(chip, "gpuUsableMemory")
    if usable is not None and getattr(chip, "unified_memory", False):
        return fig_base(usable), [*inputs, MetricInput("gpuUsableMemory", usable.value,
                                                        usable.unit, figure=usable)], None
    if n > 1 and (die := best(chip, "memoryCapacity", per_die=True)) is not None:
        return fig_base(die), [*inputs, MetricInput("memoryCapacity", die.value, die.unit,
                                                     figure=die)], None
    package = best(chip, "memoryCapacity")
    if package is None:
        return None, inputs, "no memoryCapacity"
    inputs.append(MetricInput("memoryCapacity", package.value, package.unit, figure=package))
    m = metrics.per_device(package.base_value, n)
    return m.value, inputs, m.reason


def devices_needed(cat: Catalog, chip: Entity, parameters: float, bytes_per_parameter: float = 2,
                   overhead_fraction: float = 0.0) -> Derived:
    """Host-visible devices that together hold a model of ``parameters`` billion parameters.

    "Billion" is the unit hwunit:BILLION; its factor comes from the unit vocabulary.
    """
    count = cat.convert(parameters, BILLION, NUM)
    need = metrics.model_bytes(count, bytes_per_parameter, overhead_fraction)
    have, inputs, reason = device_memory(cat, chip)
    m = metrics.devices_needed(need.value, have)
    return Derived(m.value, "devices", need.reason or reason or m.reason, inputs)


def fits_model(cat: Catalog, chip: Entity, parameters: float, bytes_per_parameter: float = 2,
               overhead_fraction: float = 0.0) -> Derived:
    """1 when the model fits in one host-visible device's memory, 0 when it does not."""
    count = devices_needed(cat, chip, parameters, bytes_per_parameter, overhead_fraction)
    if count.value is None:
        return replace(count, unit="boolean")
    return replace(count, value=1.0 if count.value == 1 else 0.0, unit="boolean")


def chip_metric(cat: Catalog, chip: Entity, key: MetricKey) -> Derived:
    """Any chip metric by name: a stored figure (canonical unit) or a derived one (memoised)."""
    table = metric_table(cat, key)
    found = table.get(chip.id)
    if found is None:
        found = table[chip.id] = _chip_metric(cat, chip, key)
    return found


def metric_table(cat: Catalog, key: MetricKey) -> dict[str, Derived]:
    """The memo of one metric (with its arguments): chip IRI → Derived."""
    return cat.memo.setdefault(("chip", key), {})  # type: ignore[no-any-return]


def _chip_metric(cat: Catalog, chip: Entity, key: MetricKey) -> Derived:
    n = key.name
    if n == "price":
        return price(cat, chip.id, key.currency)
    if n == "memoryPerDollar":
        return memory_per_dollar(cat, chip, key.currency)
    if n == "bandwidthPerDollar":
        return bandwidth_per_dollar(cat, chip, key.currency)
    if n == "flopsPerDollar":
        return flops_per_dollar(cat, chip, key.precision, key.sparse, key.currency)
    if n == "flopsPerWatt":
        return flops_per_watt(cat, chip, key.precision, key.sparse)
    if n == "bytesPerFlop":
        return bytes_per_flop(cat, chip, key.precision, key.sparse)
    if n == "devicesNeeded":
        return devices_needed(cat, chip, key.parameters, key.bytes_per_parameter,
                              key.overhead_fraction)
    if n == "fitsModel":
        return fits_model(cat, chip, key.parameters, key.bytes_per_parameter,
                          key.overhead_fraction)
    if n == "compute":
        return _stored(cat, chip, compute_prop(key.precision), key.sparse)
    return _stored(cat, chip, n, key.sparse)


def relative_to(cat: Catalog, chip: Chip, other: Chip | None, key: MetricKey) -> Derived:
    """This chip's metric ÷ the other chip's (e.g. memory: M2 Ultra is 8 × RTX 4090)."""
    if other is None:
        return Derived(None, "×", "no such chip to compare with")
    mine, theirs = chip_metric(cat, chip, key), chip_metric(cat, other, key)
    m = metrics.ratio(mine.value, theirs.value, "×", ("this chip's " + key.name,
                                                     "the other chip's " + key.name))
    return _from(m, mine.inputs + [replace(i, entity_id=other.id) for i in theirs.inputs])


# ----------------------------------------------------------------- systems and results


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


def speedup(cat: Catalog, this: BenchmarkResult, other: BenchmarkResult | None) -> Derived:
    """How many times faster this result is than another result of the same benchmark."""
    if other is None:
        return Derived(None, "×", "no such benchmark result")
    if other.benchmark_id != this.benchmark_id:
        return Derived(None, "×", "the two results are of different benchmarks")
    a, b = result_figure(this), result_figure(other)
    inputs = [MetricInput("result", f.value, f.unit, figure=f, entity_id=r.id)
              for f, r in ((a, this), (b, other)) if f]
    if a is None or b is None:
        return Derived(None, "×", "a result has no value", inputs)
    b_value = cat.convert(b.value, b.unit_iri, a.unit_iri) if b.unit_iri != a.unit_iri else b.value
    bench = cat.benchmarks.get(this.benchmark_id)
    lower = bench.lower_is_better if bench else False
    return _from(metrics.speedup(a.value, b_value, lower), inputs)


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
