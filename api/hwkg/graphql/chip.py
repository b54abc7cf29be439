"""GraphQL types for chips, systems, benchmarks and benchmark results, with derived metrics."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from hwkg.derived import figures as D
from hwkg.derived import results as R
from hwkg.derived.prices import PriceBasis
from hwkg.graphql.filters import Precision
from hwkg.graphql.types import (
    SOURCES_DOC,
    STATEMENTS_DOC,
    Absence,
    Architecture,
    BenchmarkRound,
    Bilingual,
    ChipMetric,
    Claim,
    Component,
    Concept,
    DerivedMetric,
    Die,
    Figure,
    Interconnect,
    Labelled,
    Memory,
    ModelFit,
    Named,
    Offer,
    Organization,
    SoftwareStack,
    Source,
    StackVersion,
    Vendor,
    _entities,
    _sources,
    _statements,
    cat,
    figure_field,
    related,
)
from hwkg.readmodel import catalog as C

strawberry.enum(PriceBasis, description=(
    "Which price per-dollar metrics use: PURCHASE (launch MSRP or street price, per unit) or "
    "CLOUD_HOURLY (rental per unit-hour: on demand, else a reserved rate where no on-demand "
    "rate is known; the offer's kind says which)."))
Currency = Annotated[str, strawberry.argument(description="ISO 4217 code, e.g. USD, CNY.")]
Params = Annotated[float, strawberry.argument(
    description="Model size as a count of parameters: 65.2e9 for LLaMA-65B (not in billions: "
                "values below 1e6 are refused as they look like billions).")]
BytesPer = Annotated[float, strawberry.argument(description="Bytes per parameter (2 = FP16).")]
Overhead = Annotated[float, strawberry.argument(
    description="Extra memory as a fraction of the weights (0.2 = 20 % for KV cache etc.).")]

#: Figure properties of a chip and the unit each field's description names.
CHIP_FIGURES: dict[str, str] = {
    "memoryCapacity": "Memory capacity per package (GB; statement unit may be GB or GiB).",
    "memoryBandwidth": "Memory bandwidth (GB/s or TB/s as stated).",
    "memoryBusWidth": "Memory bus width (bit).",
    "maxPower": "Maximum board/package power (W).",
    "computeFP64": "Peak FP64 compute (TFLOPS), dense unless sparse: true.",
    "computeFP32": "Peak FP32 compute (TFLOPS).",
    "computeTF32": "Peak TF32 compute (TFLOPS).",
    "computeBF16": "Peak BF16 compute (TFLOPS).",
    "computeFP16": "Peak FP16 compute (TFLOPS).",
    "computeFP8": "Peak FP8 compute (TFLOPS).",
    "computeFP4": "Peak FP4 compute (TFLOPS).",
    "computeINT8": "Peak INT8 throughput (TOPS).",
    "transistorCount": "Transistors (billion).",
    "dieCount": "Dies in the package (count).",
    "hostDevices": "Devices the host sees this package as (count; MI250X: 2).",
    "gpuCores": "GPU cores (count).",
    "cpuCores": "CPU cores (count).",
    "threadCount": "Hardware threads (count).",
    "boostClock": "Boost clock (MHz).",
    "baseClock": "Base clock (MHz).",
    "maxMemoryCapacity": "Most memory the platform supports (GB; not memory on the package).",
    "memoryChannels": "Memory channels (count).",
    "processNodeSize": "Process node (nm, marketing name).",
    "gpuUsableMemory": "Memory usable by the GPU of a unified-memory chip (GB).",
    "linkBandwidth": "Chip link bandwidth over an interconnect (GB/s; see via and direction).",
    "linkCount": "Links (count).",
    "cacheL2": "L2 cache (MB).",
    "cacheL3": "L3 / last-level cache (MB).",
    "shaderCores": "Shader cores: CUDA cores, stream processors (count).",
    "tensorCores": "Matrix cores: Tensor Cores, Matrix Cores, XMX engines (count).",
    "npuCores": "Neural engine cores (count).",
}


def parameter_count(value: float) -> float:
    """``value`` as a parameter count; a ValueError (a GraphQL error naming the argument) when
    it looks like billions or is out of any model's range."""
    if not 1e6 <= value <= 1e16:
        raise ValueError(
            f"parameters must be a count of parameters between 1e6 and 1e16 (65.2e9 for "
            f"LLaMA-65B); {value:g} looks like {'billions' if value < 1e6 else 'a mistake'}")
    return value


def _key(metric: ChipMetric, precision: Precision, sparse: bool, currency: str) -> D.MetricKey:
    return D.MetricKey(metric.value, precision.value, sparse, currency)


@strawberry.type(description="A chip product (SKU): GPU, CPU, SoC, AI accelerator or superchip.")
class Chip(Bilingual):
    slug: str = strawberry.field(description="Last IRI segment, e.g. nvidia-h100-sxm5-80gb.")
    kinds: list[str] = strawberry.field(description="Classes: GPU, CPU, SoC, AIAccelerator …")
    memory_type: Concept | None = strawberry.field(description="Memory technology, e.g. HBM3.")
    unified_memory: bool | None = strawberry.field(description="CPU and GPU share the memory.")
    process_node: str | None = strawberry.field(description="Foundry process, e.g. TSMC 4N.")
    no_public_price: str | None = strawberry.field(
        description="Why the graph has no offer for this chip (e.g. sold only through OEMs)."
    )
    form_factor: str | None = strawberry.field(description="Form factor, e.g. SXM5, PCIe.")
    launch_date: dt.date | None = strawberry.field(
        description="Launch date (its first day when only the month or year is known: see "
        "launchDatePrecision).")
    launch_precision: str | None = strawberry.field(
        name="launchDatePrecision", description="day, month or year: how precisely the source "
        "gives the launch date.")
    exact_match: list[str] = strawberry.field(description="Wikidata item IRIs (skos:exactMatch).")
    alt_labels: list[str] = strawberry.field(
        name="altNames", description="Other names: submitters' spellings (MLPerf), short names.")
    instruction_sets: list[str] = strawberry.field(
        description="Instruction sets the chip implements (x86-64, AVX2, Intel AMX …).")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)
    statements: list[Figure] = strawberry.field(resolver=_statements, description=STATEMENTS_DOC)
    components: list[Component] = strawberry.field(description="Parts of a superchip.")
    for _prop, _doc in CHIP_FIGURES.items():
        locals()[_prop] = figure_field(_prop, _doc + " The preferred statement, in its own "
                                       "unit (`unit`; the unit above is the canonical one).")
    del _prop, _doc

    @strawberry.field(description="Figures the graph states have no value, with the source "
                      "that shows it: not published by the vendor, or not supported.")
    def absences(self, info: Info) -> list[Absence]:
        c = cat(info)
        return [Absence(property=p, kind=k, note=n,
                        sources=[c.sources[s] for s in ids if s in c.sources])  # type: ignore
                for p, k, n, ids in self.absences]  # type: ignore[attr-defined]

    vendor: Vendor = related("vendors", "vendor_id", "The vendor.")

    architecture: Architecture | None = related(
        "architectures", "architecture_id", "The microarchitecture.")

    @strawberry.field(description="The dies in the package.")
    def dies(self, info: Info) -> list[Die]:
        return _entities("dies", self.die_ids, info)  # type: ignore[attr-defined]

    @strawberry.field(description="Chips this is a variant of (H800 → H100).")
    def variant_of(self, info: Info) -> list[Chip]:
        return _entities("chips", self.variant_of_ids, info)  # type: ignore[attr-defined]

    @strawberry.field(description="Chips this succeeds.")
    def successor_of(self, info: Info) -> list[Chip]:
        return _entities("chips", self.successor_of_ids, info)  # type: ignore[attr-defined]

    @strawberry.field(description="Interconnects the chip has.")
    def interconnects(self, info: Info) -> list[Interconnect]:
        return _entities("interconnects", self.interconnect_ids, info)  # type: ignore[attr-defined]

    @strawberry.field(description="Software stacks that drive the chip.")
    def software_stacks(self, info: Info) -> list[SoftwareStack]:
        return _entities("stacks", self.stack_ids, info)  # type: ignore[attr-defined]

    @strawberry.field(description="Systems with this chip as a component.")
    def systems(self, info: Info) -> list[System]:
        return list(cat(info).systems_with.get(self.id, []))  # type: ignore[arg-type]

    @strawberry.field(description="Benchmark results of systems containing this chip.")
    def benchmark_results(self, info: Info) -> list[BenchmarkResult]:
        c = cat(info)
        return [r for s in c.systems_with.get(self.id, [])  # type: ignore[misc]
                for r in c.results_of.get(s.id, [])]

    @strawberry.field(description="Every price offer for the chip, best first.")
    def offers(self, info: Info) -> list[Offer]:
        found = cat(info).offers_for.get(self.id, [])
        return sorted(found, key=D.offer_order)  # type: ignore[arg-type]

    @strawberry.field(description="Sources' quoted claims about the chip.")
    def claims(self, info: Info) -> list[Claim]:
        return list(cat(info).claims_about.get(self.id, []))  # type: ignore[arg-type]

    @strawberry.field(description="Memory figures together.")
    def memory(self) -> Memory:
        me: Any = self
        return Memory(capacity=D.best(me, "memoryCapacity"),  # type: ignore[arg-type]
                      capacity_per_die=D.best(me, "memoryCapacity", per_die=True),  # type: ignore
                      bandwidth=D.best(me, "memoryBandwidth"),  # type: ignore[arg-type]
                      bus_width=D.best(me, "memoryBusWidth"),  # type: ignore[arg-type]
                      gpu_usable=D.best(me, "gpuUsableMemory"),  # type: ignore[arg-type]
                      type=me.memory_type, unified=me.unified_memory)

    @strawberry.field(description="Preferred compute statements, one per precision (TFLOPS; "
                      "TOPS for INT8), dense unless sparse: true.")
    def compute(self, precision: Precision | None = None, sparse: bool = False) -> list[Figure]:
        names = [precision] if precision else list(Precision)
        found = [D.best(self, "compute" + p.value, sparse) for p in names]  # type: ignore[arg-type]
        return [f for f in found if f is not None]  # type: ignore[misc]

    @strawberry.field(description="Price of one chip in currency: with PURCHASE the preferred "
                      "launch MSRP or street price, with CLOUD_HOURLY an on-demand rate per "
                      "chip-hour (else a reserved one, offerKind CloudReserved); an offer for "
                      "several units is divided by its unitCount, and a "
                      "chip sold only inside a system takes that system's price per chip. The "
                      "inputs name the offer used.")
    def price(self, info: Info, currency: Currency = "USD",
              price_basis: PriceBasis = PriceBasis.PURCHASE) -> DerivedMetric:
        return D.price(cat(info), self.id, currency, price_basis)  # type: ignore[return-value]

    @strawberry.field(description="Memory per unit of money (GB per currency unit; per "
                      "currency unit per hour with CLOUD_HOURLY). The inputs name the price, "
                      "and the memory it buys: the offer's configuration where it states one "
                      "(a Mac's starting price buys its base memory, not the chip's maximum); "
                      "null for a unified-memory chip priced through a machine whose offer "
                      "states no memory.")
    def memory_per_dollar(self, info: Info, currency: Currency = "USD",
                          price_basis: PriceBasis = PriceBasis.PURCHASE) -> DerivedMetric:
        return D.memory_per_dollar(cat(info), self, currency, price_basis)  # type: ignore

    @strawberry.field(description="Memory bandwidth per unit of money (GB/s per currency unit).")
    def bandwidth_per_dollar(self, info: Info, currency: Currency = "USD",
                             price_basis: PriceBasis = PriceBasis.PURCHASE) -> DerivedMetric:
        return D.bandwidth_per_dollar(cat(info), self, currency, price_basis)  # type: ignore

    @strawberry.field(description="Compute per unit of money (TFLOPS per currency unit).")
    def flops_per_dollar(self, info: Info, precision: Precision = Precision.BF16,
                         sparse: bool = False, currency: Currency = "USD",
                         price_basis: PriceBasis = PriceBasis.PURCHASE) -> DerivedMetric:
        return D.flops_per_dollar(cat(info), self, precision.value, sparse,  # type: ignore
                                  currency, price_basis)

    @strawberry.field(description="Compute per watt of maximum power (TFLOPS/W).")
    def flops_per_watt(self, info: Info, precision: Precision = Precision.BF16,
                       sparse: bool = False) -> DerivedMetric:
        return D.flops_per_watt(cat(info), self, precision.value, sparse)  # type: ignore

    @strawberry.field(description="Memory bandwidth ÷ compute (bytes per FLOP).")
    def bytes_per_flop(self, info: Info, precision: Precision = Precision.BF16,
                       sparse: bool = False) -> DerivedMetric:
        return D.bytes_per_flop(cat(info), self, precision.value, sparse)  # type: ignore

    @strawberry.field(description="Whether the model's weights (× (1 + overhead)) fit in one "
                      "host-visible device's memory.")
    def fits_model(self, info: Info, parameters: Params, bytes_per_parameter: BytesPer = 2.0,
                   overhead_fraction: Overhead = 0.0) -> ModelFit:
        return D.fit(cat(info), self, parameter_count(parameters),  # type: ignore
                     bytes_per_parameter, overhead_fraction)

    @strawberry.field(description="Host-visible devices needed to hold the model (devices; an "
                      "MI250X package counts as 2 devices of 64 GB).")
    def devices_needed(self, info: Info, parameters: Params, bytes_per_parameter: BytesPer = 2.0,
                       overhead_fraction: Overhead = 0.0) -> DerivedMetric:
        return D.devices_needed(cat(info), self, parameter_count(parameters),  # type: ignore
                                bytes_per_parameter, overhead_fraction)

    @strawberry.field(description="This chip's metric ÷ another chip's (×).")
    def relative_to(self, info: Info, chip: strawberry.ID, metric: ChipMetric,
                    precision: Precision = Precision.BF16, sparse: bool = False,
                    currency: Currency = "USD") -> DerivedMetric:
        c = cat(info)
        other = c.resolve(c.chips, chip)
        return D.relative_to(c, self, other, _key(metric, precision, sparse, currency))  # type: ignore


@strawberry.type(description="A machine built from chips with counts; benchmark results "
                 "belong to systems.")
class System(Named):
    components: list[Component] = strawberry.field(description="Bill of materials (counts).")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)
    statements: list[Figure] = strawberry.field(resolver=_statements, description=STATEMENTS_DOC)

    vendor: Vendor | None = related("vendors", "vendor_id", "The vendor.")

    @strawberry.field(description="System interconnects.")
    def interconnects(self, info: Info) -> list[Interconnect]:
        return _entities("interconnects", self.interconnect_ids, info)  # type: ignore

    @strawberry.field(description="Software stacks on the system.")
    def software_stacks(self, info: Info) -> list[SoftwareStack]:
        return _entities("stacks", self.stack_ids, info)  # type: ignore[attr-defined]

    round: BenchmarkRound | None = related(
        "rounds", "round_id", "The benchmark round the system was described in, if any.")

    @strawberry.field(description="Who submitted the system's results (joint submissions "
                      "name each organisation).")
    def submitters(self, info: Info) -> list[Organization]:
        return _entities("organizations", self.submitter_ids, info)  # type: ignore

    @strawberry.field(description="The same configuration (submitter and system name) in "
                      "earlier rounds, described again there.")
    def same_configuration_as(self, info: Info) -> list[System]:
        return _entities("systems", self.same_configuration_ids, info)  # type: ignore

    @strawberry.field(description="Benchmark results of this system.")
    def benchmark_results(self, info: Info) -> list[BenchmarkResult]:
        return list(cat(info).results_of.get(self.id, []))  # type: ignore[arg-type]

    @strawberry.field(description="Price offers for the whole system.")
    def offers(self, info: Info) -> list[Offer]:
        return sorted(cat(info).offers_for.get(self.id, []), key=D.offer_order)  # type: ignore

    @strawberry.field(description="Accelerators in the system (count).")
    def accelerator_count(self, info: Info) -> int:
        return R.accelerator_count(cat(info), self)  # type: ignore[arg-type]

    @strawberry.field(description="Σ count × memory of the accelerators (GB).")
    def total_accelerator_memory(self, info: Info) -> DerivedMetric:
        return R.system_total(cat(info), self, "memoryCapacity")  # type: ignore

    @strawberry.field(description="Σ count × memory bandwidth of the accelerators (GB/s).")
    def aggregate_bandwidth(self, info: Info) -> DerivedMetric:
        return R.system_total(cat(info), self, "memoryBandwidth")  # type: ignore

    @strawberry.field(description="The system's price, or the sum of its parts' prices when "
                      "every part has one (in currency).")
    def price(self, info: Info, currency: Currency = "USD") -> DerivedMetric:
        return R.system_price(cat(info), self, currency)  # type: ignore


@strawberry.type(description="A benchmark (MLPerf GPT-3 training, a BF16 matmul probe …).")
class Benchmark(Labelled):
    metric_unit: str = strawberry.field(description="IRI of the unit results are in.")
    lower_is_better: bool = strawberry.field(description="True for times (minutes to train).")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    suite: str | None = strawberry.field(description="training or inference (MLPerf).")
    benchmark_model: str | None = strawberry.field(description="The reference model.")
    benchmark_dataset: str | None = strawberry.field(description="The dataset.")
    quality_target: str | None = strawberry.field(description="The quality a run must reach.")

    @strawberry.field(description="The datasheet figure it measures (e.g. computeBF16), if any.")
    def measures(self) -> str | None:
        m = self.measures  # type: ignore[has-type]
        return None if m is None else m.rsplit("#", 1)[-1]  # type: ignore[no-any-return]

    @strawberry.field(description="The suite's identifier (MLPerf's folder or model name, "
                      "e.g. gpt3, llama2-70b).")
    def benchmark_id(self) -> str | None:
        return self.benchmark_key  # type: ignore[attr-defined,no-any-return]

    introduced_in: BenchmarkRound | None = related(
        "rounds", "introduced_in_id",
        "The round in which the benchmark first appeared, if recorded.")

    training_precision: str | None = strawberry.field(
        description="Precision a training benchmark's matrix products run in (BF16 …), if stated.")
    model_parameters = figure_field("modelParameters", "Parameters of the benchmark's model "
                                    "(billion), if stated: with a training result in tokens/s "
                                    "it gives the achieved FLOP/s (6 × parameters × tokens/s).")


@strawberry.type(description="An observation: a system's result in a benchmark.")
class BenchmarkResult:
    id: strawberry.ID = strawberry.field(description="IRI.")
    name: str = strawberry.field(description="English label.")
    method: str = strawberry.field(description="How the result was obtained.")
    result_time: dt.date | None = strawberry.field(description="When it was measured/published.")
    division: Concept | None = strawberry.field(description="Closed or Open (MLPerf); results of "
                                               "different divisions are never compared.")
    scenario: Concept | None = strawberry.field(description="Inference scenario (Offline, "
                                               "Server, Interactive, SingleStream, MultiStream).")
    accuracy_target: float | None = strawberry.field(
        description="Accuracy kept, in % of the reference model's (MLPerf Inference 99 or 99.9).")
    category: Concept | None = strawberry.field(description="Available, Preview, Research …")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)
    statements: list[Figure] = strawberry.field(resolver=_statements, description=STATEMENTS_DOC)

    @strawberry.field(description="The preferred result value (in its stated unit).")
    def result(self) -> Figure:
        return R.result_figure(self)  # type: ignore[arg-type,return-value]

    @strawberry.field(description="Every result statement.")
    def results(self) -> list[Figure]:
        return list(self.figures.get("result", []))  # type: ignore[attr-defined]

    benchmark: Benchmark = related("benchmarks", "benchmark_id", "The benchmark.")

    system: System = related("systems", "system_id", "The system measured.")

    round: BenchmarkRound | None = related(
        "rounds", "round_id", "The round the result was published in, if any.")

    @strawberry.field(description="Throughput per accelerator of the system (the result's unit "
                      "per accelerator; null with the reason for times).")
    def per_accelerator(self, info: Info) -> DerivedMetric:
        return R.per_accelerator(cat(info), self)  # type: ignore[arg-type,return-value]

    @strawberry.field(description="Throughput per unit of the system's price (the result's unit "
                      "per currency unit; the system's price or the sum of its parts').")
    def throughput_per_dollar(self, info: Info, currency: Currency = "USD") -> DerivedMetric:
        return R.throughput_per_price(cat(info), self, currency)  # type: ignore

    @strawberry.field(description="Throughput per watt of the accelerators' maximum power "
                      "(Σ count × maxPower; the result's unit per W).")
    def throughput_per_watt(self, info: Info) -> DerivedMetric:
        return R.throughput_per_watt(cat(info), self)  # type: ignore[arg-type,return-value]

    @strawberry.field(description="Software versions used.")
    def software_versions(self, info: Info) -> list[StackVersion]:
        return _entities("stack_versions", self.software_version_ids, info)  # type: ignore

    @strawberry.field(description="Accelerators in the measured system (count).")
    def accelerator_count(self, info: Info) -> int:
        c = cat(info)
        system = c.systems.get(self.system_id)  # type: ignore[attr-defined]
        return R.accelerator_count(c, system) if system else 0

    @strawberry.field(description="How many times better than another result (×; for times: "
                      "other ÷ this). Null, with the reason, unless both are of the same "
                      "benchmark, round, scenario, accuracy target and division and ran on the "
                      "same accelerators.")
    def speedup_over(self, info: Info, other: strawberry.ID) -> DerivedMetric:
        c = cat(info)
        return R.speedup(c, self, c.resolve(c.results, other))  # type: ignore

    @strawberry.field(description="The larger system's speed-up over the smaller ÷ the "
                      "ratio of their accelerator counts (×; 1.0 = linear scaling; the same "
                      "whichever result asks); only between comparable results, as "
                      "speedupOver.")
    def scaling_efficiency(self, info: Info, other: strawberry.ID) -> DerivedMetric:
        c = cat(info)
        return R.scaling_efficiency(c, self, c.resolve(c.results, other))  # type: ignore

    @strawberry.field(description="Measured value ÷ the datasheet peak of the figure the "
                      "benchmark measures, summed over the system's accelerators (×).")
    def measured_vs_peak(self, info: Info) -> DerivedMetric:
        return R.measured_vs_peak(cat(info), self)  # type: ignore


_unused = (C,)
