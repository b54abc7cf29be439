"""LLM workload plans over the read model: training and inference on N devices of a chip.

Each plan picks its inputs from the graph — the chip's preferred dense compute at the
workload's precision, its memory per host-visible device (GPU-usable memory on unified-memory
chips), maximum power, memory bandwidth and price (purchase or cloud hourly,
:mod:`hwkg.derived.prices`) — and applies the named formulas of
:mod:`hwkg.formulas.workload`. Every figure is a :class:`~hwkg.derived.values.Derived`: a value
with its unit and the statements, offers and results it came from, or None with the reason.

Model FLOPs utilisation (MFU) comes from the caller, else from a comparable measured training
result of the chip in the graph (a benchmark stating its model's parameters and precision,
whose model is at least a tenth of the workload's size, reported in tokens per second on
systems holding only that chip), else the stated default of 0.4 (well-tuned large runs reach
0.3–0.6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from hwkg.derived.figures import best, device_memory, machine_memory_unknown, missing_figure
from hwkg.derived.prices import PriceBasis, price
from hwkg.derived.results import result_figure
from hwkg.derived.values import Derived, MetricInput
from hwkg.formulas import hardware as metrics
from hwkg.formulas import workload as W
from hwkg.readmodel.catalog import BenchmarkResult, Catalog, Chip

DEFAULT_MFU = 0.4
#: The most devices a plan sizes to: a target that needs more is reported as not met.
MAX_DEVICES = 1_000_000
TOKENS_PER_SECOND = "https://w3id.org/hwkg/unit/TOKEN-PER-SEC"


@dataclass
class Training:
    """What to train: a count of parameters on a count of tokens."""

    parameters: float
    tokens: float
    precision: str = "BF16"
    bytes_per_parameter: float = W.ADAM_MIXED_BYTES
    activation_gb: float = 0.0
    mfu: float | None = None
    flops_per_token: float | None = None


@dataclass
class Inference:
    """What to serve: a model, its numeric format, batch and context."""

    parameters: float
    bytes_per_parameter: float = 2.0
    batch_size: int = 1
    context_length: int = 4096
    layers: int | None = None
    kv_heads: int | None = None
    head_dim: int | None = None
    kv_bytes_per_value: float = 2.0
    precision: str = "BF16"
    mfu: float = 0.5
    mlperf_model: str | None = None


@dataclass
class Plan:
    """A plan's figures (each a Derived) and how they were reached."""

    chip: Chip
    devices: int
    figures: dict[str, Derived] = field(default_factory=dict)
    devices_to_fit: int | None = None
    fits: bool | None = None
    #: Whether the plan meets the time limit (training) or throughput target (inference)
    #: asked for; None when none was asked for or it cannot be computed.
    meets_target: bool | None = None
    mfu_basis: str = ""
    formulas: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    measured: list[tuple[BenchmarkResult, float, Derived]] = field(default_factory=list)

    def value(self, name: str) -> float | None:
        found = self.figures.get(name)
        return None if found is None else found.value


def _inputs_of(*found: Derived) -> list[MetricInput]:
    return [i for d in found for i in d.inputs]


def host_devices(chip: Chip) -> tuple[float, list[MetricInput]]:
    """How many devices the host sees one package as (MI250X: 2), and the statement."""
    fig = best(chip, "hostDevices")
    if fig is None or not fig.value or fig.value < 1:
        return 1.0, []
    return fig.value, [MetricInput("hostDevices", fig.value, "devices per package", figure=fig)]


def per_device(chip: Chip, prop: str, unit: str) -> Derived:
    """The chip's preferred dense ``prop`` per host-visible device (a package's figure ÷ the
    devices the host sees it as), in the base unit."""
    fig = best(chip, prop)
    if fig is None or fig.base_value is None:
        return Derived(None, unit, missing_figure(chip, prop))
    count, counted = host_devices(chip)
    return Derived(fig.base_value / count, unit, None,
                   [MetricInput(prop, fig.value, fig.unit, figure=fig), *counted])


def peak(cat: Catalog, chip: Chip, precision: str) -> Derived:
    """The chip's preferred dense compute at ``precision`` per host-visible device, in FLOP/s
    (op/s for INT8)."""
    return per_device(chip, "compute" + precision.upper(), "FLOP/s")


def per_device_bytes(cat: Catalog, chip: Chip) -> Derived:
    """Memory one host-visible device offers, in bytes, with the statements used."""
    have, inputs, why = device_memory(cat, chip)
    if have is None:
        return Derived(None, "B", why and missing_figure(chip, "memoryCapacity"), inputs)
    return Derived(have, "B", None, inputs)


def single_accelerator(cat: Catalog, system_id: str) -> tuple[str, int] | None:
    """(chip IRI, count) when the system's accelerators are all one chip."""
    system = cat.systems.get(system_id)
    if system is None:
        return None
    accel = [c for c in system.components if c.role is None or c.role.name == "AcceleratorRole"]
    kinds = {c.chip_id for c in accel}
    if len(kinds) != 1:
        return None
    return next(iter(kinds)), sum(c.count for c in accel)


def measured_mfu(cat: Catalog, chip: Chip, parameters: float, precision: str
                 ) -> tuple[float, str, list[MetricInput]] | None:
    """The MFU of the chip's newest comparable measured training result, if the graph has
    one: 6 × model parameters × tokens/s per device ÷ dense peak at the result's precision."""
    found = []
    for system in cat.systems_with.get(chip.id, []):
        only = single_accelerator(cat, system.id)
        if only is None or only[0] != chip.id:
            continue
        for res in cat.results_of.get(system.id, []):
            bench = cat.benchmarks.get(res.benchmark_id)
            fig = result_figure(res)
            size = best(bench, "modelParameters") if bench else None
            if (bench is None or fig is None or size is None or size.base_value is None
                    or fig.unit_iri != TOKENS_PER_SECOND or bench.training_precision is None):
                continue
            if size.base_value * 10 < parameters:
                continue  # not comparable: a model an order of magnitude smaller
            top = peak(cat, chip, bench.training_precision)
            m = W.achieved_mfu(size.base_value, fig.value / only[1], top.value)
            if m.value is None or not 0 < m.value <= 1:
                continue
            inputs = [MetricInput("result", fig.value, fig.unit, figure=fig, entity_id=res.id),
                      MetricInput("modelParameters", size.value, size.unit, figure=size,
                                  entity_id=bench.id), *top.inputs]
            basis = (f"measured: {res.name} ({size.value:g} {size.unit} parameters, "
                     f"{bench.training_precision}, {fig.value:,.0f} tokens/s on {only[1]} "
                     "device(s))")
            found.append((str(res.result_time or ""), m.value, basis, inputs))
    if not found:
        return None
    found.sort(key=lambda row: row[0], reverse=True)
    return found[0][1], found[0][2], found[0][3]


def choose_mfu(cat: Catalog, chip: Chip, work: Training) -> tuple[Derived, str]:
    """The MFU to use and the basis to state: given, measured, or the default."""
    if work.mfu is not None:
        return Derived(work.mfu, "ratio"), "given by the caller"
    measured = measured_mfu(cat, chip, work.parameters, work.precision)
    if measured is not None:
        value, basis, inputs = measured
        return Derived(value, "ratio", None, inputs), basis
    return Derived(DEFAULT_MFU, "ratio"), (
        f"default {DEFAULT_MFU} (well-tuned large runs reach 0.3–0.6; the graph has no "
        "comparable measured training result for this chip)")


def sized_memory(cat: Catalog, chip: Chip, basis: PriceBasis, currency: str
                 ) -> tuple[Derived, str | None]:
    """Memory one host-visible device offers, for a plan priced on ``basis``, and a note
    when it is not the chip's own figure.

    A unified-memory chip is bought (or rented) as a machine whose memory is chosen per
    configuration. Where the offer behind the price states the memory of the configuration it
    prices and that is less than the chip's maximum (a Mac Studio's $3,999 buys 64 GB, not
    192), the plan is sized with that configuration, so that the devices it counts are the
    ones the cost pays for: its memory times the GPU-usable share the chip's own figures give
    (GPU-usable ÷ total memory)."""
    have = per_device_bytes(cat, chip)
    if not getattr(chip, "unified_memory", False) or have.value is None:
        return have, None
    cost = price(cat, chip.id, currency, basis)
    offer = next((i.offer for i in cost.inputs if i.offer is not None), None)
    stated = best(offer, "memoryCapacity") if offer is not None else None
    total = best(chip, "memoryCapacity")
    if (offer is None or stated is None or total is None or stated.base_value is None
            or total.base_value is None or stated.base_value >= total.base_value):
        return have, None
    count, _ = host_devices(chip)
    share = have.value * count / total.base_value
    value = stated.base_value * share / count
    inputs = [*have.inputs,
              MetricInput("memoryCapacity", total.value, total.unit, figure=total),
              MetricInput("pricedConfigurationMemory", stated.value, stated.unit,
                          figure=stated, offer=offer)]
    note = (f"sized with the configuration the price buys ({offer.name}: "
            f"{stated.value:g} {stated.unit}), of which {share:.0%} is taken as GPU-usable, "
            f"the share the chip's maximum configuration states ({have.value * count / 1e9:g} "
            f"of {total.base_value / 1e9:g} GB)")
    return Derived(value, "B", None, inputs), note


def _cost(cat: Catalog, chip: Chip, devices: int, seconds: float | None, basis: PriceBasis,
          currency: str) -> Derived:
    """What ``devices`` host-visible devices cost: whole packages (an MI250X is one package
    the host sees as two devices, and its price is the package's), bought or rented for
    ``seconds``."""
    unit_price = price(cat, chip.id, currency, basis)
    unknown = _unknown_configuration(chip, unit_price)
    if unknown is not None:
        return Derived(None, unit_price.unit.removesuffix("/h"), unknown, unit_price.inputs)
    bought, counted = packages(chip, devices)
    if basis is PriceBasis.CLOUD_HOURLY:
        m = W.rental_cost(bought, unit_price.value, seconds)
    else:
        m = W.purchase_cost(bought, unit_price.value)
    reason = unit_price.reason if unit_price.value is None else m.reason
    return Derived(m.value, unit_price.unit.removesuffix("/h"), reason,
                   [*unit_price.inputs, *counted])


def packages(chip: Chip, devices: int) -> tuple[int, list[MetricInput]]:
    """The whole packages ``devices`` host-visible devices take (an MI250X is one package the
    host sees as two devices, and prices are per package), and the statement used."""
    count, counted = host_devices(chip)
    return math.ceil(devices / count - 1e-9), counted


def _unknown_configuration(chip: Chip, unit_price: Derived) -> str | None:
    """Why ``unit_price`` cannot price a unified-memory chip's devices (a machine's offer
    that does not say how much memory it buys), as memory per dollar says; None when it
    can."""
    offer = next((i.offer for i in unit_price.inputs if i.offer is not None), None)
    unknown = machine_memory_unknown(chip, offer)
    return None if unknown is None else f"{unknown}, so the devices it buys are not known"


def _capped(n: float | None, what: str) -> tuple[int | None, str | None]:
    """``n`` devices as a whole count within :data:`MAX_DEVICES`, and why it was capped."""
    if n is None:
        return None, None
    if n > MAX_DEVICES:
        return MAX_DEVICES, (f"{what} needs {n:,.0f} devices, more than the {MAX_DEVICES:,} a "
                             "plan sizes to: the plan uses that many and does not meet it")
    return int(n), None


def _scaled(value: float | None, factor: float) -> float | None:
    """``value × factor`` to 12 significant digits (no 144.00000000000003 GB)."""
    return None if value is None else float(f"{value * factor:.12g}")


def training(cat: Catalog, chip: Chip, work: Training, devices: int | None,
             max_days: float | None, basis: PriceBasis, currency: str) -> Plan:
    """Train ``work`` on ``devices`` of ``chip`` (None: the fewest that hold the training
    state and, with ``max_days``, finish in time)."""
    flops = W.training_flops(work.parameters, work.tokens, work.flops_per_token)
    top = peak(cat, chip, work.precision)
    mfu, mfu_basis = choose_mfu(cat, chip, work)
    need = W.training_bytes(work.parameters, work.bytes_per_parameter, work.activation_gb * 1e9)
    have, sized = sized_memory(cat, chip, basis, currency)
    to_fit = metrics.devices_needed(need.value, have.value)
    capped = None
    n = devices
    if n is None:
        fit_n, capped = _capped(to_fit.value, "holding the training state")
        candidates = [fit_n]
        if max_days is not None:
            time_n, over = _capped(W.devices_for_time(flops.value, top.value, mfu.value,
                                                      max_days * 86400).value,
                                   f"finishing within {max_days:g} days")
            candidates.append(time_n)
            capped = capped or over
        known = [c for c in candidates if c is not None]
        n = max(known) if known else 1
    seconds = W.training_seconds(flops.value, n, top.value, mfu.value)
    power = per_device(chip, "maxPower", "W")
    energy = W.energy_joules(n, power.value, seconds.value)
    plan = Plan(chip, n, devices_to_fit=None if to_fit.value is None else int(to_fit.value),
                mfu_basis=mfu_basis)
    plan.fits = None if to_fit.value is None else n >= to_fit.value
    if max_days is not None and seconds.value is not None:
        plan.meets_target = seconds.value <= max_days * 86400 * (1 + 1e-9)
    plan.figures = {
        "compute": Derived(flops.value, "FLOP", flops.reason),
        "peak": Derived(_scaled(top.value, 1e-12), "TFLOPS", top.reason, top.inputs),
        "mfu": mfu,
        "time": Derived(_scaled(seconds.value, 1 / 3600), "h",
                        seconds.reason and _why(seconds.reason, top), _inputs_of(top, mfu)),
        "memoryNeeded": Derived(_scaled(need.value, 1e-9), "GB", need.reason),
        "memoryAvailable": Derived(_scaled(have.value, n * 1e-9), "GB", have.reason,
                                   have.inputs),
        "energy": Derived(_scaled(energy.value, 1 / 3.6e6), "kWh",
                          energy.reason and (top.reason or power.reason or energy.reason),
                          power.inputs),
        "cost": _cost(cat, chip, n, seconds.value, basis, currency),
    }
    plan.formulas = [f"compute = {W.TRAINING_FLOPS}" if work.flops_per_token is None else
                     "compute = tokens × FLOP per token (given)",
                     "time = compute ÷ (devices × dense peak × MFU)",
                     "memory = parameters × bytes per parameter + activations",
                     "energy = devices × maximum power × time",
                     "cost = packages × hourly rate per package × hours" if
                     basis is PriceBasis.CLOUD_HOURLY else "cost = packages × price per package"]
    plan.assumptions = [
        f"{work.bytes_per_parameter:g} bytes per parameter for weights, gradients and optimizer "
        "state (16 = mixed-precision Adam)",
        "activations excluded" if not work.activation_gb else
        f"{work.activation_gb:g} GB of activations (given)",
        f"dense {work.precision} peak; MFU {mfu.value:g}: {mfu_basis}",
        "every device at its maximum power for the whole run",
        "no parallelism overhead beyond MFU; memory summed across devices (fully sharded)",
        *_package_note(chip)]
    plan.assumptions += [note for note in (sized, capped) if note]
    return plan


def _package_note(chip: Chip) -> list[str]:
    count, _ = host_devices(chip)
    if count == 1:
        return []
    return [f"the host sees one {chip.name} as {count:g} devices; prices are per package, "
            "so the cost counts whole packages (devices ÷ devices per package, rounded up)"]


def _why(reason: str, top: Derived) -> str:
    return top.reason if top.value is None and top.reason else reason


def inference(cat: Catalog, chip: Chip, work: Inference, devices: int | None,
              target: float | None, basis: PriceBasis, currency: str) -> Plan:
    """Serve ``work`` on ``devices`` of ``chip`` (None: the fewest that hold weights and KV
    cache and, with ``target`` tokens/s, reach it by the memory-bandwidth bound)."""
    weights = metrics.model_bytes(work.parameters, work.bytes_per_parameter, 0.0)
    kv_tokens = work.batch_size * work.context_length
    kv = (W.kv_cache_bytes(work.layers, work.kv_heads, work.head_dim, work.kv_bytes_per_value,
                           kv_tokens) if work.layers else None)
    kv_bytes = kv.value if kv is not None and kv.value is not None else 0.0
    need = None if weights.value is None else weights.value + kv_bytes
    have, sized = sized_memory(cat, chip, basis, currency)
    to_fit = metrics.devices_needed(need, have.value)
    bandwidth = per_device(chip, "memoryBandwidth", "B/s")
    bw = bandwidth.value
    per_seq = kv_bytes / work.batch_size if work.batch_size else 0.0
    top = peak(cat, chip, work.precision)
    capped = None
    n = devices
    if n is None:
        n, capped = _capped(to_fit.value, "holding the weights and KV cache")
        n = n or 1
        if target is not None:
            rate = _per_device_rate(work, weights.value, per_seq, bw, top.value)
            if rate:
                wanted, over = _capped(math.ceil(target / rate - 1e-9), "the target")
                n, capped = max(n, wanted or 1), capped or over
    mem_bound = W.decode_tokens_per_second_memory(_scaled(bw, n), weights.value, per_seq,
                                                  work.batch_size)
    compute_bound = W.decode_tokens_per_second_compute(_scaled(top.value, n), work.parameters,
                                                       work.mfu)
    bounds = [b.value for b in (mem_bound, compute_bound) if b.value is not None]
    bw_inputs = bandwidth.inputs
    plan = Plan(chip, n, devices_to_fit=None if to_fit.value is None else int(to_fit.value))
    plan.fits = None if to_fit.value is None else n >= to_fit.value
    hourly = price(cat, chip.id, currency, PriceBasis.CLOUD_HOURLY)
    upper = min(bounds) if bounds else None
    if target is not None and upper is not None:
        plan.meets_target = upper >= target * (1 - 1e-9)
    cost = _cost(cat, chip, n, 3600.0, basis, currency)
    if basis is PriceBasis.CLOUD_HOURLY:
        cost = replace(cost, unit=f"{cost.unit}/h")
    plan.figures = {
        "weights": Derived(_scaled(weights.value, 1e-9), "GB", weights.reason),
        "kvCache": Derived(_scaled(kv_bytes, 1e-9), "GB",
                           None if kv is None or kv.value is not None else kv.reason),
        "memoryNeeded": Derived(_scaled(need, 1e-9), "GB", weights.reason),
        "memoryAvailable": Derived(_scaled(have.value, n * 1e-9), "GB", have.reason,
                                   have.inputs),
        "decodeMemoryBound": Derived(mem_bound.value, "tokens/s", mem_bound.reason and (
            bandwidth.reason or mem_bound.reason), bw_inputs),
        "decodeComputeBound": Derived(compute_bound.value, "tokens/s", compute_bound.reason
                                      and (top.reason or compute_bound.reason), top.inputs),
        "decodeUpperBound": Derived(upper, "tokens/s",
                                    None if bounds else "neither bound could be computed",
                                    bw_inputs + top.inputs),
        "cost": cost,
        "costPerMillionTokens": _per_million(chip, hourly, n, upper),
    }
    plan.formulas = [
        "weights = parameters × bytes per parameter",
        "KV cache = 2 × layers × KV heads × head dim × bytes per value × batch × context",
        "memory-bound decode ≤ batch × devices × bandwidth ÷ (weights + batch × KV per sequence)",
        "compute-bound decode ≤ devices × dense peak × MFU ÷ (2 × parameters)",
        "cost per million tokens = packages × hourly rate ÷ (upper bound × 3600) × 10^6"]
    plan.assumptions = [
        f"{work.bytes_per_parameter:g} bytes per parameter; batch {work.batch_size}, context "
        f"{work.context_length} tokens",
        "KV cache excluded (give layers, kvHeads and headDim to include it)" if kv is None else
        f"KV cache at {work.kv_bytes_per_value:g} bytes per value",
        f"weights and KV cache sharded across the {n} device(s) (tensor parallel, no overhead)",
        f"compute bound at MFU {work.mfu:g} of dense {work.precision} peak",
        "the bounds are ceilings for decoding, not predictions; prefill is not included",
        *_package_note(chip)]
    plan.assumptions += [note for note in (sized, capped) if note]
    if work.mlperf_model:
        plan.measured = measured_inference(cat, chip, work.mlperf_model)
    return plan


def _per_device_rate(work: Inference, weights: float | None, per_seq: float,
                     bandwidth: float | None, peak_flops: float | None) -> float | None:
    """Decode tokens/s one device adds to the upper bound: both ceilings grow linearly with
    the devices, so the lower of the two per-device ceilings (memory bound alone when the
    compute peak is unknown)."""
    memory = W.decode_tokens_per_second_memory(bandwidth, weights, per_seq, work.batch_size)
    compute = W.decode_tokens_per_second_compute(peak_flops, work.parameters, work.mfu)
    rates = [r.value for r in (memory, compute) if r.value]
    return min(rates) if memory.value and rates else None


def _per_million(chip: Chip, hourly: Derived, devices: int,
                 tokens_per_second: float | None) -> Derived:
    unit = f"{hourly.unit.removesuffix('/h')}/Mtok"
    if hourly.value is None:
        return Derived(None, unit, hourly.reason, hourly.inputs)
    if not tokens_per_second:
        return Derived(None, unit, "no throughput bound to divide by", hourly.inputs)
    rented, counted = packages(chip, devices)
    value = rented * hourly.value / (tokens_per_second * 3600) * 1e6
    return Derived(value, unit, None, [*hourly.inputs, *counted])


def measured_inference(cat: Catalog, chip: Chip, model: str
                       ) -> list[tuple[BenchmarkResult, float, Derived]]:
    """MLPerf Inference (or other) results in tokens/s of systems whose only accelerator is
    ``chip``, for a benchmark whose name or IRI contains ``model``: (result, accelerators,
    tokens/s per accelerator)."""
    wanted = model.lower()
    out = []
    for system in cat.systems_with.get(chip.id, []):
        only = single_accelerator(cat, system.id)
        if only is None or only[0] != chip.id or only[1] <= 0:
            continue
        for res in cat.results_of.get(system.id, []):
            bench = cat.benchmarks.get(res.benchmark_id)
            fig = result_figure(res)
            if bench is None or fig is None or fig.unit_iri != TOKENS_PER_SECOND:
                continue
            if wanted not in bench.name.lower() and wanted not in bench.id.lower():
                continue
            per = Derived(fig.value / only[1], "tokens/s per accelerator", None,
                          [MetricInput("result", fig.value, fig.unit, figure=fig,
                                       entity_id=res.id)])
            out.append((res, float(only[1]), per))
    out.sort(key=lambda row: -(row[2].value or 0))
    return out


def rank_key(plan: Plan, by: str) -> tuple[float, float, str]:
    """Sort key: the chosen figure ascending (missing last), then devices, then the IRI."""
    value = plan.value(by)
    return (math.inf if value is None else value, plan.devices, plan.chip.id)
