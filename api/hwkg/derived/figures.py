"""Derived figures of chips, computed on query from the preferred statements of the read model:
per-dollar and per-watt metrics, bytes per FLOP, memory per host-visible device, devices
needed for a model, and any chip metric by name (memoised per graph version).

Each function returns a :class:`~hwkg.derived.values.Derived` (value, unit, reason, and the
inputs used: statements, offers, exchange rates), so a client can show the working. The
arithmetic is :mod:`hwkg.formulas.hardware`; prices come from :mod:`hwkg.derived.prices`;
unit factors come from the catalog (ontology data).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hwkg.core.namespaces import HWUNIT, UNIT
from hwkg.derived.prices import PriceBasis, currency_iri, offer_order, price, purchase_offers
from hwkg.derived.values import Derived, MetricInput, MetricKey
from hwkg.formulas import hardware as metrics
from hwkg.readmodel.catalog import (
    Catalog,
    Chip,
    Entity,
    Figure,
    Offer,
)

GB = str(UNIT.GigaBYTE)
NUM = str(UNIT.NUM)
BILLION = str(HWUNIT.BILLION)
GBPS = str(UNIT["GigaBYTE-PER-SEC"])
BYTE = str(UNIT.BYTE)
__all__ = ["Derived", "MetricInput", "MetricKey", "currency_iri", "offer_order",
           "purchase_offers"]


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
    return Derived(value, symbol, None if value is not None else missing_figure(entity, prop,
                                                                              sparse), inputs)


def missing_figure(entity: Entity, prop: str, sparse: bool = False) -> str:
    """Why ``entity`` has no usable ``prop``: a sourced absence when the graph has one, else
    that no preferred or normal statement exists."""
    qualifier = "sparse " if sparse else ("dense " if prop.startswith("compute") else "")
    for absent, kind, note, _sources in getattr(entity, "absences", []):
        if absent == prop:
            if kind == "NotFound":
                return (f"{entity.name} has no {qualifier}{prop}: none was found in the "
                        f"sources read ({note})")
            said = "does not support it" if kind == "NotSupported" else "publishes no figure"
            return f"{entity.name} has no {qualifier}{prop}: the vendor {said} ({note})"
    if any(f.rank == "DEPRECATED" for f in entity.figures.get(prop, [])):
        return f"{entity.name} has only deprecated {prop} statements"
    return f"{entity.name} has no {qualifier}{prop} statement in the graph"


def compute_prop(precision: str) -> str:
    return "compute" + precision.upper()


def _per_price(cat: Catalog, chip: Entity, prop: str, currency: str, basis: PriceBasis,
               sparse: bool = False) -> Derived:
    """``prop`` per unit of money (per money-hour on the cloud basis), naming the price.

    The quantity is the one the price buys: where the offer behind the price states ``prop``
    for the configuration it prices (a Mac's base memory), that statement is used, not the
    chip's. A unified-memory chip priced through a machine (a Mac, a mini PC) has its memory
    chosen per configuration, so where that offer states no memory, memory per dollar is
    unknown rather than the chip's maximum over the cheapest machine's price.
    """
    cost = price(cat, chip.id, currency, basis)
    quantity = _stored(cat, chip, prop, sparse)
    offer = next((i.offer for i in cost.inputs if i.offer is not None), None)
    if offer is not None and best(offer, prop, sparse) is not None:
        offered = _stored(cat, offer, prop, sparse)
        quantity = replace(offered, inputs=[replace(i, offer=offer) for i in offered.inputs])
    elif (prop == "memoryCapacity" and quantity.value is not None
          and (unknown := machine_memory_unknown(chip, offer)) is not None):
        why = f"{unknown} ({quantity.value:g} {quantity.unit} is the chip's maximum)"
        return Derived(None, f"{quantity.unit}/{cost.unit}", why,
                       quantity.inputs + cost.inputs)
    name = quantity.inputs[0].role if quantity.inputs else "quantity"
    unit = f"{quantity.unit}/{cost.unit}"
    m = metrics.per_price(quantity.value, cost.value, name, unit)
    if quantity.value is None:
        reason = quantity.reason
    else:
        reason = cost.reason if cost.value is None else m.reason
    return Derived(m.value, unit, reason, quantity.inputs + cost.inputs)


def machine_memory_unknown(chip: Entity, offer: Offer | None) -> str | None:
    """Why ``offer`` does not say how much of a unified-memory chip's memory it buys: the
    chip is priced through a machine (a Mac, a mini PC), whose memory is chosen per
    configuration, and the offer states none; None when it does, or needs not."""
    if (offer is None or not getattr(chip, "unified_memory", False)
            or offer.offer_for_id == chip.id or best(offer, "memoryCapacity") is not None):
        return None
    return (f"{chip.name}'s memory is chosen per machine and {offer.name} does not state the "
            "memory of the configuration it prices")


def memory_per_dollar(cat: Catalog, chip: Entity, currency: str = "USD",
                      basis: PriceBasis = PriceBasis.PURCHASE) -> Derived:
    """GB of memory per unit of currency (GB: the property's canonical unit)."""
    return _per_price(cat, chip, "memoryCapacity", currency, basis)


def bandwidth_per_dollar(cat: Catalog, chip: Entity, currency: str = "USD",
                         basis: PriceBasis = PriceBasis.PURCHASE) -> Derived:
    """GB/s of memory bandwidth per unit of currency."""
    return _per_price(cat, chip, "memoryBandwidth", currency, basis)


def flops_per_dollar(cat: Catalog, chip: Entity, precision: str, sparse: bool = False,
                     currency: str = "USD",
                     basis: PriceBasis = PriceBasis.PURCHASE) -> Derived:
    """TFLOPS (TOPS for integer precisions) per unit of currency."""
    return _per_price(cat, chip, compute_prop(precision), currency, basis, sparse)


def flops_per_watt(cat: Catalog, chip: Entity, precision: str, sparse: bool = False) -> Derived:
    """TFLOPS per watt of maximum power."""
    compute = _stored(cat, chip, compute_prop(precision), sparse)
    power = _stored(cat, chip, "maxPower")
    m = metrics.flops_per_watt(compute.value, power.value)
    return Derived(m.value, f"{compute.unit}/W", compute.reason or power.reason or m.reason,
                   compute.inputs + power.inputs)


def bytes_per_flop(cat: Catalog, chip: Entity, precision: str, sparse: bool = False) -> Derived:
    """Bytes of memory bandwidth per operation: (byte/s) ÷ (op/s)."""
    prop = compute_prop(precision)
    bw, fl = best(chip, "memoryBandwidth"), best(chip, prop, sparse)
    bw_base = fig_base(bw)
    fl_base = fig_base(fl)
    inputs = [MetricInput(f.property_name, f.value, f.unit, figure=f) for f in (bw, fl) if f]
    unit = "B/FLOP" if not prop.endswith("INT8") else "B/op"
    m = metrics.bytes_per_flop(bw_base, fl_base)
    why = (missing_figure(chip, "memoryBandwidth") if bw is None else
           missing_figure(chip, prop, sparse) if fl is None else m.reason)
    return Derived(m.value, unit, why, inputs)


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
    """Host-visible devices that together hold a model of ``parameters`` parameters (a count:
    65.2e9 for LLaMA-65B), at ``bytes_per_parameter`` × (1 + ``overhead_fraction``)."""
    need = metrics.model_bytes(parameters, bytes_per_parameter, overhead_fraction)
    have, inputs, reason = device_memory(cat, chip)
    m = metrics.devices_needed(need.value, have)
    return Derived(m.value, "devices", need.reason or reason or m.reason, inputs)


@dataclass
class Fit:
    """Whether a model fits one host-visible device, with the figures compared."""

    fits: bool | None
    devices: int | None
    needed_gb: float | None
    device_gb: float | None
    reason: str | None
    inputs: list[MetricInput]


def fit(cat: Catalog, chip: Entity, parameters: float, bytes_per_parameter: float = 2,
        overhead_fraction: float = 0.0) -> Fit:
    """Does the model fit one device? How many devices hold it? (memory in GB, 10^9 bytes)"""
    need = metrics.model_bytes(parameters, bytes_per_parameter, overhead_fraction)
    have, inputs, why = device_memory(cat, chip)
    count = devices_needed(cat, chip, parameters, bytes_per_parameter, overhead_fraction)
    devices = int(count.value) if count.value is not None else None
    return Fit(None if devices is None else devices == 1, devices,
               None if need.value is None else need.value / 1e9,
               None if have is None else have / 1e9, count.reason or why, inputs)


def fits_model(cat: Catalog, chip: Entity, parameters: float, bytes_per_parameter: float = 2,
               overhead_fraction: float = 0.0) -> Derived:
    """1 when the model fits in one host-visible device's memory, 0 when it does not (the
    number filters and ordering compare; the API answers with :func:`fit`)."""
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


#: Metric tables (one per metric and arguments) kept per graph version.
TABLES_KEPT = 256


def metric_table(cat: Catalog, key: MetricKey) -> dict[str, Derived]:
    """The memo of one metric (with its arguments): chip IRI → Derived, filled on use."""
    return cat.kept("metric", key, dict, TABLES_KEPT)


def metric_values(cat: Catalog, key: MetricKey) -> dict[str, float]:
    """One metric (with its arguments) for every chip that has it: chip IRI → value (a
    chip without the value is not a key). Worked out once per graph version and kept, for
    filters that test a whole list."""
    def make() -> dict[str, float]:
        found = ((cid, chip_metric(cat, chip, key).value) for cid, chip in cat.chips.items())
        return {cid: value for cid, value in found if value is not None}
    return cat.kept("values", key, make, TABLES_KEPT)


def _chip_metric(cat: Catalog, chip: Entity, key: MetricKey) -> Derived:
    n = key.name
    basis = PriceBasis(key.price_basis)
    if n == "price":
        return price(cat, chip.id, key.currency, basis)
    if n == "memoryPerDollar":
        return memory_per_dollar(cat, chip, key.currency, basis)
    if n == "bandwidthPerDollar":
        return bandwidth_per_dollar(cat, chip, key.currency, basis)
    if n == "flopsPerDollar":
        return flops_per_dollar(cat, chip, key.precision, key.sparse, key.currency, basis)
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


