"""GraphQL for the LLM workload planner: plan a training or inference workload on a chip or a
system, and rank chips for a workload.

The figures are computed by :mod:`hwkg.derived.planning`; every one is a ``DerivedMetric``
(value, unit, reason, inputs), and each plan states the formulas and assumptions it used.
Model sizes are counts of parameters (7e9 for a 7B model), token counts are counts (1e12).
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from hwkg.derived import planning as P
from hwkg.derived.prices import PriceBasis
from hwkg.graphql.chip import BenchmarkResult, Chip, parameter_count
from hwkg.graphql.filters import Precision
from hwkg.graphql.types import DerivedMetric, cat
from hwkg.readmodel import catalog as C

MAX_DEVICES = P.MAX_DEVICES
#: The longest time limit a training plan takes (a century, in days).
MAX_DAYS = 36_525.0


@strawberry.input(description="A training run: a dense transformer of `parameters` trained on "
                  "`tokens` tokens.")
class TrainingWorkload:
    parameters: float = strawberry.field(description="Parameters, a count: 7e9 for a 7B model.")
    tokens: float = strawberry.field(description="Training tokens, a count: 1e12.")
    precision: Precision = strawberry.field(
        default=Precision.BF16, description="Precision of the matrix products (dense peak used).")
    bytes_per_parameter: float = strawberry.field(
        default=16.0, description="Bytes per parameter for weights, gradients and optimizer "
        "state: 16 for mixed-precision Adam (BF16 weights and gradients, FP32 master and moments).")
    activation_gb: float = strawberry.field(
        default=0.0, description="Activation memory to add, in GB (excluded when 0).")
    mfu: float | None = strawberry.field(
        default=None, description="Model FLOPs utilisation, 0–1. Default: from a comparable "
        "measured training result of the chip in the graph, else 0.4.")
    flops_per_token: float | None = strawberry.field(
        default=None, description="FLOP per training token, instead of 6 × parameters.")


@strawberry.input(description="Serving a model: weights, KV cache and decode throughput bounds.")
class InferenceWorkload:
    parameters: float = strawberry.field(description="Parameters, a count: 70e9 for a 70B model.")
    bytes_per_parameter: float = strawberry.field(
        default=2.0, description="Bytes per weight: 2 (FP16/BF16), 1 (FP8/INT8), 0.5 (4-bit).")
    batch_size: int = strawberry.field(default=1, description="Sequences decoded together.")
    context_length: int = strawberry.field(default=4096, description="Tokens held per sequence.")
    layers: int | None = strawberry.field(default=None, description="Transformer layers (for the "
                                          "KV cache; omit to leave it out).")
    kv_heads: int | None = strawberry.field(default=None, description="Key/value heads.")
    head_dim: int | None = strawberry.field(default=None, description="Dimension of one head.")
    kv_bytes_per_value: float = strawberry.field(default=2.0,
                                                 description="Bytes per KV-cache value.")
    precision: Precision = strawberry.field(
        default=Precision.BF16, description="Precision for the compute-bound ceiling.")
    mfu: float = strawberry.field(default=0.5, description="Utilisation for the compute bound.")
    mlperf_model: str | None = strawberry.field(
        default=None, description="A benchmark model name to show measured results beside the "
        "bounds, e.g. llama2-70b (matched in benchmark names).")


@strawberry.type(description="A measured result beside a plan's bounds.")
class MeasuredThroughput:
    result: BenchmarkResult = strawberry.field(description="The benchmark result.")
    accelerators: int = strawberry.field(description="Accelerators in the measured system.")
    per_accelerator: DerivedMetric = strawberry.field(description="Tokens/s per accelerator.")


def _figure(name: str, doc: str) -> Any:
    def get(root: strawberry.Parent[P.Plan]) -> DerivedMetric | None:
        return root.figures.get(name)  # type: ignore[return-value]
    return strawberry.field(resolver=get, description=doc)


@strawberry.type(description="A training plan: compute, time, memory, energy and cost, with "
                 "their inputs, formulas and assumptions.")
class TrainingPlan:
    chip: Chip = strawberry.field(description="The chip.")
    devices: int = strawberry.field(description="Devices (host-visible) the plan uses.")
    devices_to_fit: int | None = strawberry.field(
        description="Fewest devices whose memory holds the training state.")
    fits: bool | None = strawberry.field(description="Whether `devices` hold the training state.")
    meets_target: bool | None = strawberry.field(
        description="Whether the run finishes within `maxDays` (null without `maxDays`). A "
        "limit that would need more devices than a plan sizes to (1,000,000) is not met; "
        "`assumptions` says so.")
    mfu_basis: str = strawberry.field(description="Where the MFU comes from.")
    formulas: list[str] = strawberry.field(description="The formulas used.")
    assumptions: list[str] = strawberry.field(description="What the estimate assumes.")
    compute = _figure("compute", "Training compute (FLOP).")
    peak = _figure("peak", "Dense peak per device at the precision (TFLOPS).")
    mfu = _figure("mfu", "Model FLOPs utilisation used (ratio).")
    time = _figure("time", "Wall time (hours).")
    memory_needed = _figure("memoryNeeded", "Memory for the training state (GB).")
    memory_available = _figure("memoryAvailable", "Memory of `devices` devices (GB).")
    energy = _figure("energy", "Energy at maximum power (kWh).")
    cost = _figure("cost", "Cost in the currency: rental (packages × rate × hours) or purchase "
                   "(packages × price), counted in whole packages (an MI250X is one package "
                   "the host sees as two devices).")


@strawberry.type(description="An inference plan: memory, decode throughput ceilings, cost.")
class InferencePlan:
    chip: Chip = strawberry.field(description="The chip.")
    devices: int = strawberry.field(description="Devices the plan uses.")
    devices_to_fit: int | None = strawberry.field(
        description="Fewest devices whose memory holds weights and KV cache.")
    fits: bool | None = strawberry.field(description="Whether `devices` hold them.")
    meets_target: bool | None = strawberry.field(
        description="Whether `decodeUpperBound` reaches `targetTokensPerSecond` (null without "
        "a target). A target that would need more devices than a plan sizes to (1,000,000) is "
        "not met; `assumptions` says so.")
    formulas: list[str] = strawberry.field(description="The formulas used.")
    assumptions: list[str] = strawberry.field(description="What the estimate assumes.")
    weights = _figure("weights", "Weight memory (GB).")
    kv_cache = _figure("kvCache", "KV-cache memory (GB).")
    memory_needed = _figure("memoryNeeded", "Weights + KV cache (GB).")
    memory_available = _figure("memoryAvailable", "Memory of `devices` devices (GB).")
    decode_memory_bound = _figure("decodeMemoryBound",
                                  "Memory-bandwidth ceiling on decode (tokens/s, all devices).")
    decode_compute_bound = _figure("decodeComputeBound",
                                   "Compute ceiling on decode (tokens/s, all devices).")
    decode_upper_bound = _figure("decodeUpperBound", "The lower of the two ceilings (tokens/s).")
    cost = _figure("cost", "Cost of one hour of the devices (rental, per hour: USD/h) or of "
                   "buying them (purchase), counted in whole packages.")
    cost_per_million_tokens = _figure("costPerMillionTokens",
                                      "Rental cost per million tokens at the upper bound.")

    @strawberry.field(description="Measured results of this chip for `mlperfModel`, best first.")
    def measured(self) -> list[MeasuredThroughput]:
        return [MeasuredThroughput(result=r, accelerators=int(n), per_accelerator=d)  # type: ignore
                for r, n, d in self.measured]  # type: ignore[attr-defined]


@strawberry.type(description="A chip left out of a ranking, and why.")
class Exclusion:
    chip: Chip = strawberry.field(description="The chip.")
    reason: str = strawberry.field(description="Why it was left out.")


@strawberry.type(description="Training configurations, cheapest first, and the chips left out.")
class TrainingRanking:
    candidates: list[TrainingPlan] = strawberry.field(description="Plans that meet the limits.")
    excluded: list[Exclusion] = strawberry.field(description="Chips left out, with the reason.")


@strawberry.type(description="Serving configurations, fewest devices first, and the chips left "
                 "out.")
class InferenceRanking:
    candidates: list[InferencePlan] = strawberry.field(description="Plans that meet the target.")
    excluded: list[Exclusion] = strawberry.field(description="Chips left out, with the reason.")


ChipArg = Annotated[strawberry.ID | None, strawberry.argument(
    description="The chip (IRI, prefix:slug or slug).")]
SystemArg = Annotated[strawberry.ID | None, strawberry.argument(
    description="A system instead of a chip: its accelerators × `systems`.")]


def _target(c: C.Catalog, chip: str | None, system: str | None, systems: int,
            devices: int | None) -> tuple[C.Chip, int | None]:
    """The chip and device count a plan is for, from a chip or a system."""
    if (chip is None) == (system is None):
        raise ValueError("give exactly one of chip or system")
    if system is not None and devices is not None:
        raise ValueError("give devices with a chip; a system's devices are its accelerators "
                         "× systems")
    if not 1 <= systems <= MAX_DEVICES:
        raise ValueError(f"systems must be between 1 and {MAX_DEVICES:,}, got {systems}")
    if system is not None:
        found = c.resolve(c.systems, system)
        if found is None:
            raise ValueError(f"no system {system!r}")
        only = P.single_accelerator(c, found.id)
        if only is None or only[0] not in c.chips:
            raise ValueError(f"system {found.name} has no single kind of accelerator to plan on")
        return c.chips[only[0]], _devices(only[1] * systems)
    found_chip = c.resolve(c.chips, chip or "")
    if found_chip is None:
        raise ValueError(f"no chip {chip!r}")
    return found_chip, devices


def _devices(devices: int | None) -> int | None:
    if devices is not None and not 1 <= devices <= MAX_DEVICES:
        raise ValueError(f"devices must be between 1 and {MAX_DEVICES:,}, got {devices}")
    return devices


def _positive(name: str, value: float | None, high: float = 1e30) -> None:
    """ValueError unless ``value`` (when given) is a finite number in (0, ``high``]."""
    if value is not None and not 0 < value <= high:
        raise ValueError(f"{name} must be a positive number up to {high:g}, got {value:g}")


def _max_days(days: float | None) -> float | None:
    _positive("maxDays", days, MAX_DAYS)
    return days


def _tokens_per_second(target: float | None) -> float | None:
    _positive("targetTokensPerSecond", target, 1e15)
    return target


def _training(w: TrainingWorkload) -> P.Training:
    _positive("bytesPerParameter", w.bytes_per_parameter, 1e3)
    _positive("flopsPerToken", w.flops_per_token)
    if not 0 <= w.activation_gb <= 1e12:
        raise ValueError(f"activationGb must be between 0 and 1e12, got {w.activation_gb:g}")
    if not 1e6 <= w.tokens <= 1e17:
        raise ValueError(f"tokens must be a count between 1e6 and 1e17, got {w.tokens:g}")
    if w.mfu is not None and not 0 < w.mfu <= 1:
        raise ValueError(f"mfu is a fraction of peak in (0, 1], got {w.mfu:g}")
    return P.Training(parameter_count(w.parameters), w.tokens, w.precision.value,
                      w.bytes_per_parameter, w.activation_gb, w.mfu, w.flops_per_token)


def _inference(w: InferenceWorkload) -> P.Inference:
    if w.batch_size < 1 or w.context_length < 1:
        raise ValueError("batchSize and contextLength must be at least 1")
    _positive("bytesPerParameter", w.bytes_per_parameter, 1e3)
    _positive("kvBytesPerValue", w.kv_bytes_per_value, 1e3)
    if not 0 < w.mfu <= 1:
        raise ValueError(f"mfu is a fraction of peak in (0, 1], got {w.mfu:g}")
    for name, count in (("layers", w.layers), ("kvHeads", w.kv_heads), ("headDim", w.head_dim)):
        if count is not None and count < 1:
            raise ValueError(f"{name} must be at least 1, got {count}")
    return P.Inference(parameter_count(w.parameters), w.bytes_per_parameter, w.batch_size,
                       w.context_length, w.layers, w.kv_heads, w.head_dim,
                       w.kv_bytes_per_value, w.precision.value, w.mfu, w.mlperf_model)


def plan_training(info: Info, workload: TrainingWorkload, chip: ChipArg = None,
                  system: SystemArg = None, systems: int = 1, devices: int | None = None,
                  max_days: float | None = None,
                  price_basis: PriceBasis = PriceBasis.CLOUD_HOURLY,
                  currency: str = "USD") -> TrainingPlan:
    c = cat(info)
    target, n = _target(c, chip, system, systems, _devices(devices))
    return P.training(c, target, _training(workload), n,  # type: ignore[return-value]
                      _max_days(max_days), price_basis, currency)


def plan_inference(info: Info, workload: InferenceWorkload, chip: ChipArg = None,
                   system: SystemArg = None, systems: int = 1, devices: int | None = None,
                   target_tokens_per_second: float | None = None,
                   price_basis: PriceBasis = PriceBasis.CLOUD_HOURLY,
                   currency: str = "USD") -> InferencePlan:
    c = cat(info)
    target, n = _target(c, chip, system, systems, _devices(devices))
    return P.inference(c, target, _inference(workload), n,  # type: ignore[return-value]
                       _tokens_per_second(target_tokens_per_second), price_basis, currency)


def _accelerators(c: C.Catalog) -> list[C.Chip]:
    return [ch for ch in c.chips.values() if "CPU" not in ch.kinds]


def rank_training(info: Info, workload: TrainingWorkload, max_days: float,
                  max_devices: int = 100_000,
                  price_basis: PriceBasis = PriceBasis.CLOUD_HOURLY, currency: str = "USD",
                  first: int = 20) -> TrainingRanking:
    c = cat(info)
    work = _training(workload)
    _ranking_limits(max_devices, first)
    max_days = _max_days(max_days) or MAX_DAYS
    keep, out = [], []
    for chip in sorted(_accelerators(c), key=lambda x: x.id):
        plan = P.training(c, chip, work, None, max_days, price_basis, currency)
        why = _training_exclusion(plan, max_days, max_devices)
        if why:
            out.append(Exclusion(chip=chip, reason=why))  # type: ignore[arg-type]
        else:
            keep.append(plan)
    keep.sort(key=lambda p: P.rank_key(p, "cost"))
    return TrainingRanking(candidates=keep[:first], excluded=out)  # type: ignore


def _ranking_limits(max_devices: int, first: int) -> None:
    if not 1 <= max_devices <= MAX_DEVICES:
        raise ValueError(f"maxDevices must be between 1 and {MAX_DEVICES:,}, got {max_devices}")
    if first < 0:
        raise ValueError(f"first must be 0 or more, got {first}")


def _training_exclusion(plan: P.Plan, max_days: float, max_devices: int) -> str | None:
    for name in ("peak", "memoryAvailable", "time", "cost"):
        found = plan.figures[name]
        if found.value is None:
            return f"no {name}: {found.reason}"
    if plan.devices > max_devices or plan.meets_target is False:
        return (f"needs more than {min(plan.devices, max_devices):,} devices to hold the state "
                f"and finish within {max_days:g} days; the limit is {max_devices:,}")
    return None


def rank_inference(info: Info, workload: InferenceWorkload, target_tokens_per_second: float,
                   max_devices: int = 1024,
                   price_basis: PriceBasis = PriceBasis.CLOUD_HOURLY, currency: str = "USD",
                   first: int = 20) -> InferenceRanking:
    c = cat(info)
    work = _inference(workload)
    _ranking_limits(max_devices, first)
    _tokens_per_second(target_tokens_per_second)
    keep, out = [], []
    for chip in sorted(_accelerators(c), key=lambda x: x.id):
        plan = P.inference(c, chip, work, None, target_tokens_per_second, price_basis, currency)
        bound = plan.figures["decodeUpperBound"]
        if plan.figures["memoryAvailable"].value is None:
            why: str | None = f"no memory: {plan.figures['memoryAvailable'].reason}"
        elif plan.figures["decodeMemoryBound"].value is None:
            why = f"no throughput bound: {plan.figures['decodeMemoryBound'].reason}"
        elif plan.devices > max_devices:
            why = f"needs more than {max_devices:,} devices for the target"
        elif bound.value is not None and bound.value < target_tokens_per_second:
            why = (f"the compute ceiling ({bound.value:,.0f} tokens/s on {plan.devices} devices) "
                   "is below the target")
        else:
            why = None
        if why:
            out.append(Exclusion(chip=chip, reason=why))  # type: ignore[arg-type]
        else:
            keep.append(plan)
    keep.sort(key=lambda p: (p.devices, *P.rank_key(p, "cost")))
    return InferenceRanking(candidates=keep[:first], excluded=out)  # type: ignore
