"""The GraphQL object types: hand-written, each field described with its unit.

Types read the catalog's dataclasses directly (attribute names match field names);
relations and derived metrics are resolvers that walk the catalog held in the request
context. No resolver touches the RDF store.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from hwkg.derived import figures as D
from hwkg.readmodel import catalog as C

ChipRef = Annotated["Chip", strawberry.lazy("hwkg.graphql.chip")]  # type: ignore[name-defined]  # noqa: F821
SystemRef = Annotated["System", strawberry.lazy("hwkg.graphql.chip")]  # type: ignore[name-defined]  # noqa: F821
ResultRef = Annotated["BenchmarkResult", strawberry.lazy("hwkg.graphql.chip")]  # type: ignore[name-defined]  # noqa: F821


def cat(info: Info) -> C.Catalog:
    """The catalog of the graph version this request runs on."""
    return info.context["catalog"]  # type: ignore[no-any-return]


@strawberry.enum(description="How a statement ranks among statements of the same figure.")
class Rank(Enum):
    PREFERRED = "PREFERRED"
    NORMAL = "NORMAL"
    DEPRECATED = "DEPRECATED"


@strawberry.enum(description="A chip figure or derived metric, for relativeTo.")
class ChipMetric(Enum):
    MEMORY_CAPACITY = "memoryCapacity"
    MEMORY_BANDWIDTH = "memoryBandwidth"
    MAX_POWER = "maxPower"
    COMPUTE = "compute"
    PRICE = "price"
    MEMORY_PER_DOLLAR = "memoryPerDollar"
    BANDWIDTH_PER_DOLLAR = "bandwidthPerDollar"
    FLOPS_PER_DOLLAR = "flopsPerDollar"
    FLOPS_PER_WATT = "flopsPerWatt"
    BYTES_PER_FLOP = "bytesPerFlop"


@strawberry.type(description="A term of a controlled vocabulary (memory type, sparsity, role …).")
class Concept:
    id: strawberry.ID = strawberry.field(description="The term's IRI.")
    name: str = strawberry.field(description="The IRI's local name, e.g. HBM3, Dense.")
    label: str = strawberry.field(description="English label.")


@strawberry.type(description="A document a fact comes from.")
class Source:
    id: strawberry.ID = strawberry.field(description="The source's IRI.")
    name: str = strawberry.field(description="English label.")
    title: str = strawberry.field(description="Title (dcterms:title).")
    url: str = strawberry.field(description="Where to read it (schema:url).")
    date: dt.date | None = strawberry.field(description="Publication date, when known.")
    retrieved: dt.date = strawberry.field(description="When it was read for this graph.")
    publisher: str | None = strawberry.field(description="Publisher name or IRI.")
    source_kind: Concept | None = strawberry.field(description="Primary or secondary source.")
    archived_at: list[str] = strawberry.field(
        description="Copies the source was read through (schema:archivedAt: a republishing "
        "site, an archive, a repository holding its text) when it could not be read at `url`, "
        "the original publication.")


def _via(root: strawberry.Parent[C.Figure], info: Info) -> Interconnect | None:
    return cat(info).interconnects.get(root.via_id or "")  # type: ignore[return-value]


def _rank(root: strawberry.Parent[Any]) -> Rank:
    return Rank(root.rank)


@strawberry.type(description="One statement of a figure: a value in a unit, with rank, "
                 "qualifiers and sources (a hw:Statement).")
class Figure:
    id: strawberry.ID = strawberry.field(description="The statement's IRI.")
    @strawberry.field(description="The figure property, e.g. memoryCapacity.")
    def property(self) -> str:
        return self.property_name  # type: ignore[attr-defined,no-any-return]

    value: float = strawberry.field(description="The number, in `unit`.")
    unit: str = strawberry.field(description="Unit symbol (GB, TB/s, TFLOPS, W …).")
    unit_iri: str = strawberry.field(description="Unit IRI (QUDT or hwunit:).")
    base_value: float | None = strawberry.field(
        description="The value in the base unit of its kind (byte, byte/s, FLOP/s, W, 1).")
    rank: Rank = strawberry.field(resolver=_rank, description="Preferred, normal or deprecated.")
    rank_reason: str | None = strawberry.field(description="Why it has this rank.")
    sparsity: Concept | None = strawberry.field(description="Dense or Sparse (compute).")
    scope: Concept | None = strawberry.field(description="PerDie when per die; else per package.")
    via: Interconnect | None = strawberry.field(
        resolver=_via, description="The interconnect a link figure is over.")
    direction: Concept | None = strawberry.field(description="PerDirection or Bidirectional.")
    compute_unit: Concept | None = strawberry.field(description="MatrixUnit or VectorUnit.")
    accumulate_precision: Concept | None = strawberry.field(description="Accumulate precision.")
    point_in_time: dt.date | None = strawberry.field(description="Datasheet revision date.")
    derivation: str | None = strawberry.field(description="How a computed value was computed.")
    note: str | None = strawberry.field(description="Remarks.")
    source: Source | None = strawberry.field(description="The first source.")
    sources: list[Source] = strawberry.field(description="Every source of the statement.")


def _entity(table: str, key: str | None, info: Info) -> Any:
    return getattr(cat(info), table).get(key or "")


def related(table: str, attr: str, description: str) -> Any:
    """A field resolving to the catalog entity of ``table`` whose IRI the parent holds in
    ``attr`` (None when it holds none); the GraphQL type is the field's annotation."""

    def resolve(root: strawberry.Parent[Any], info: Info) -> Any:
        return _entity(table, getattr(root, attr), info)

    return strawberry.field(resolver=resolve, description=description)


def _entities(table: str, keys: list[str], info: Info) -> list[Any]:
    found = getattr(cat(info), table)
    return [found[k] for k in keys if k in found]


def _sources(root: strawberry.Parent[Any], info: Info) -> list[Source]:
    return _entities("sources", root.source_ids, info)


def _statements(root: strawberry.Parent[Any], property: str | None = None,
                include_deprecated: bool = True) -> list[Figure]:
    out: list[Any] = []
    for prop, figs in sorted(root.figures.items()):
        if property is None or prop == property:
            out += [f for f in figs if include_deprecated or f.rank != "DEPRECATED"]
    return out


def figure_field(prop: str, description: str) -> Any:
    """A field with the preferred statement of ``prop``: dense, per package and (for links)
    the bidirectional aggregate unless the arguments ask for the sparse, per-die or
    per-direction one."""

    def resolve(root: strawberry.Parent[Any], sparse: bool = False, per_die: bool = False,
                per_direction: bool = False) -> Figure | None:
        found = D.best(root, prop, sparse, per_die, per_direction)
        if found is None and prop == "linkBandwidth":
            usable = [f for f in root.figures.get(prop, []) if f.rank != "DEPRECATED"]
            return usable[0] if usable else None  # type: ignore[no-any-return]
        return found  # type: ignore[return-value]

    return strawberry.field(resolver=resolve, description=description)


SOURCES_DOC = "Sources of the entity's non-figure facts (prov:wasDerivedFrom)."
STATEMENTS_DOC = "Every statement (all ranks) of every figure, or of one `property`."


@strawberry.type(description="A derived figure computed at query time; null value with a reason "
                 "when an input is missing.")
class DerivedMetric:
    value: float | None = strawberry.field(description="The value in `unit`, or null.")
    unit: str = strawberry.field(description="Unit of the value (e.g. GB/USD, TFLOPS/W, ×).")
    reason: str | None = strawberry.field(description="Why the value is null.")
    inputs: list[MetricInput] = strawberry.field(description="The inputs used.")


@strawberry.type(description="A sourced 'no value': a figure the vendor does not publish, or a "
                 "capability the chip does not have.")
class Absence:
    property: str = strawberry.field(description="The figure property, e.g. maxPower, computeFP8.")
    kind: str = strawberry.field(description=(
        "NotPublished, NotSupported or NotFound (nothing found in the sources read: a "
        "statement about the search, not that the vendor publishes no figure)."))
    note: str = strawberry.field(description="What the source shows.")
    sources: list[Source] = strawberry.field(description="Where that is shown.")


@strawberry.type(description="Whether a model's memory fits in one host-visible device, and "
                 "the figures compared (GB = 10^9 bytes).")
class ModelFit:
    fits: bool | None = strawberry.field(
        description="True when one device holds the model; null when an input is missing.")
    devices: int | None = strawberry.field(
        description="Host-visible devices that together hold it (an MI250X package is 2).")
    needed_gb: float | None = strawberry.field(
        description="Memory the model needs: parameters × bytes per parameter × (1 + overhead).")
    device_gb: float | None = strawberry.field(
        description="Memory one device offers (GPU-usable memory on unified-memory chips).")
    reason: str | None = strawberry.field(description="Why a figure is null.")
    inputs: list[MetricInput] = strawberry.field(description="The statements used.")


def _input_entity(root: strawberry.Parent[D.MetricInput], info: Info) -> str | None:
    return root.entity_id


@strawberry.type(description="One input of a derived metric: a statement, offer or exchange rate.")
class MetricInput:
    role: str = strawberry.field(description="What it is used as: memoryCapacity, price, "
                                 "exchangeRate, hostDevices …")
    value: float | None = strawberry.field(description="The input's value in `unit`.")
    unit: str | None = strawberry.field(description="The input's unit symbol or currency code.")
    figure: Figure | None = strawberry.field(description="The statement used, if a statement.")
    offer: Offer | None = strawberry.field(description="The offer used, if a price.")
    rate: ExchangeRate | None = strawberry.field(description="The exchange rate used.")
    entity_id: strawberry.ID | None = strawberry.field(
        description="IRI of the entity the input belongs to, when not the one asked about.")


# ----------------------------------------------------------------- entity bases


@strawberry.type(description="An entity with an IRI, a slug and an English name.")
class Named:
    id: strawberry.ID = strawberry.field(description="IRI.")
    slug: str = strawberry.field(description="Last IRI segment.")
    name: str = strawberry.field(description="English name.")


@strawberry.type(description="A named entity with a Chinese name too.")
class Bilingual(Named):
    name_zh: str = strawberry.field(description="Chinese name.")


@strawberry.type(description="An entity with an IRI and an English name.")
class Labelled:
    id: strawberry.ID = strawberry.field(description="IRI.")
    name: str = strawberry.field(description="English name.")


# ----------------------------------------------------------------- small entity types


@strawberry.type(description="A company that makes chips, systems or software.")
class Vendor(Bilingual):
    url: str | None = strawberry.field(description="Home page (schema:url).")
    exact_match: list[str] = strawberry.field(description="Wikidata item IRIs (skos:exactMatch).")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    @strawberry.field(description="Chips by this vendor.")
    def chips(self, info: Info) -> list[ChipRef]:
        return [c for c in cat(info).chips.values() if c.vendor_id == self.id]  # type: ignore


@strawberry.type(description="One published round of a benchmark suite (MLPerf Training v4.0, "
                 "MLPerf Inference v5.1): results compare only within their round.")
class BenchmarkRound(Named):
    slug: str = strawberry.field(description="Last IRI segment, e.g. mlperf-training-v4.0.")
    round_version: str = strawberry.field(description="Version without the v, e.g. 4.0.")
    suite: str = strawberry.field(description="training or inference.")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)


@strawberry.type(description="An organisation that submits benchmark results.")
class Organization(Named):
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    is_vendor: Vendor | None = related(
        "vendors", "is_vendor_id", "The chip vendor that is this same organisation, if any.")


@strawberry.type(description="A chip-to-chip, host or network link technology.")
class Interconnect(Bilingual):
    interconnect_kind: Concept = strawberry.field(description="ChipToChip, HostBus, Network …")
    generation: str | None = strawberry.field(description="Generation, e.g. 4 or 5.0.")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)
    link_bandwidth: Figure | None = figure_field("linkBandwidth", "Link bandwidth (GB/s).")
    lanes: Figure | None = figure_field("lanes", "Lanes (count).")
    link_count: Figure | None = figure_field("linkCount", "Links (count).")
    statements: list[Figure] = strawberry.field(resolver=_statements, description=STATEMENTS_DOC)

    vendor: Vendor | None = related(
        "vendors", "vendor_id", "The vendor, when one owns the technology.")


@strawberry.type(description="A release of a software stack.")
class StackVersion(Labelled):
    version_string: str = strawberry.field(description="Version, e.g. 12.1.")
    release_date: dt.date | None = strawberry.field(description="Release date.")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    stack: SoftwareStack = related("stacks", "stack_id", "The stack this is a version of.")


@strawberry.type(description="A vendor software stack that drives chips (CUDA, ROCm, Metal …).")
class SoftwareStack(Bilingual):
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    vendor: Vendor | None = related("vendors", "vendor_id", "The vendor of the stack.")

    @strawberry.field(description="Chips this stack drives.")
    def chips(self, info: Info) -> list[ChipRef]:
        return [c for c in cat(info).chips.values() if self.id in c.stack_ids]  # type: ignore

    @strawberry.field(description="Systems that list this stack.")
    def systems(self, info: Info) -> list[SystemRef]:
        return [s for s in cat(info).systems.values()  # type: ignore[misc]
                if self.id in s.stack_ids]

    @strawberry.field(description="Benchmark results run with a version of this stack or on a "
                      "system that lists it.")
    def benchmark_results(self, info: Info) -> list[ResultRef]:
        c = cat(info)
        out = []
        for r in c.results.values():
            versions = [c.stack_versions.get(v) for v in r.software_version_ids]
            system = c.systems.get(r.system_id)
            if any(v is not None and v.stack_id == self.id for v in versions) or (
                    system is not None and self.id in system.stack_ids):
                out.append(r)
        return out  # type: ignore[return-value]

    @strawberry.field(description="Framework backends running on this stack (PyTorch CUDA …).")
    def backends(self, info: Info) -> list[FrameworkBackend]:
        return [b for b in cat(info).backends.values()  # type: ignore[misc]
                if b.stack_id == self.id]

    @strawberry.field(description="Released versions.")
    def versions(self, info: Info) -> list[StackVersion]:
        return [v for v in cat(info).stack_versions.values()  # type: ignore[misc]
                if v.stack_id == self.id]


@strawberry.type(description="A machine-learning framework (PyTorch, JAX …).")
class Framework(Labelled):
    url: str | None = strawberry.field(description="Home page.")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    vendor: Vendor | None = related("vendors", "vendor_id", "The vendor.")


@strawberry.type(description="A framework's backend for a software stack (PyTorch on CUDA).")
class FrameworkBackend(Labelled):
    backend_name: str | None = strawberry.field(description="Device name, e.g. cuda, mps.")
    support_level: Concept | None = strawberry.field(description="Stable, Beta or Community.")
    release_date: dt.date | None = strawberry.field(description="First release with it.")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    framework: Framework = related("frameworks", "framework_id", "The framework.")

    stack: SoftwareStack = related("stacks", "stack_id", "The software stack it runs on.")


@strawberry.type(description="A microarchitecture (Hopper, CDNA 2 …).")
class Architecture(Labelled):
    launch_date: dt.date | None = strawberry.field(description="Launch date.")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    vendor: Vendor | None = related("vendors", "vendor_id", "The vendor.")


@strawberry.type(description="A silicon die.")
class Die(Labelled):
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    vendor: Vendor | None = related("vendors", "vendor_id", "The vendor.")

    architecture: Architecture | None = related(
        "architectures", "architecture_id", "The architecture.")


@strawberry.type(description="A price: an amount of money for a chip or system at a date.")
class Offer:
    id: strawberry.ID = strawberry.field(description="IRI.")
    unit_count: int = strawberry.field(
        description="How many units of the chip or system the amount covers (a kit of 8: 8; an "
        "8-GPU cloud instance-hour: 8). pricePerUnit divides by it.")
    amount_qualifier: Concept | None = strawberry.field(
        description="How exactly the source states the amount: Approximate ('around 120,000 "
        "yuan'), LowerBound ('over 250,000 yuan') or UpperBound; null when stated exactly. "
        "A metric computed from this offer names it among its inputs.")
    provider: str | None = strawberry.field(description="Who sells it (the cloud provider of an "
                                            "hourly price).")
    region: str | None = strawberry.field(description="Cloud region or market of the price.")
    instance_type: str | None = strawberry.field(description="Cloud instance type, e.g. "
                                                 "p5.48xlarge.")
    name: str = strawberry.field(description="English label.")
    amount: float = strawberry.field(description="Amount in `currency`.")
    offer_date: dt.date = strawberry.field(description="When the price applied.")
    offer_kind: Concept = strawberry.field(description="LaunchMSRP, ListPrice (the vendor's "
                                           "list price on offerDate), StreetPrice, "
                                           "CloudHourly (per hour, on demand) or "
                                           "CloudReserved (per hour, reserved ahead).")
    rank: Rank = strawberry.field(resolver=_rank, description="Preferred, normal or deprecated.")
    configuration: str | None = strawberry.field(description="What exactly is priced.")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    @strawberry.field(description="ISO 4217 currency code, e.g. USD.")
    def currency(self) -> str:
        return self.currency.rsplit("/", 1)[-1]  # type: ignore[has-type,no-any-return]

    @strawberry.field(description="IRI of the currency unit (QUDT).")
    def currency_iri(self) -> str:
        return self.currency  # type: ignore[has-type,no-any-return]

    @strawberry.field(description="The amount ÷ unitCount, in `currency` (converted at the dated "
                      "exchange rate nearest the offer; per hour for cloud prices).")
    def price_per_unit(self, info: Info, currency: str = "USD") -> DerivedMetric:
        from hwkg.derived.prices import per_unit

        return per_unit(cat(info), self, currency)  # type: ignore[arg-type,return-value]

    @strawberry.field(description="IRI of what is offered (a chip or a system).")
    def offer_for(self) -> strawberry.ID:
        return strawberry.ID(self.offer_for_id)  # type: ignore[attr-defined]

    chip: ChipRef | None = related(
        "chips", "offer_for_id", "The chip offered, when the offer is for a chip.")

    system: SystemRef | None = related(
        "systems", "offer_for_id", "The system offered, when the offer is for a system.")


@strawberry.type(description="A dated exchange rate: 1 fromCurrency = rate toCurrency.")
class ExchangeRate:
    id: strawberry.ID = strawberry.field(description="IRI.")
    name: str = strawberry.field(description="English label.")
    rate: float = strawberry.field(description="toCurrency per 1 fromCurrency.")
    rate_date: dt.date = strawberry.field(description="Date of the rate.")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)

    @strawberry.field(description="ISO 4217 code of the currency converted from.")
    def from_currency(self) -> str:
        return self.from_currency.rsplit("/", 1)[-1]  # type: ignore[has-type,no-any-return]

    @strawberry.field(description="ISO 4217 code of the currency converted to.")
    def to_currency(self) -> str:
        return self.to_currency.rsplit("/", 1)[-1]  # type: ignore[has-type,no-any-return]


def lambda_quantity(root: strawberry.Parent[Any]) -> list[Figure]:
    return root.figures.get("quantity", [])  # type: ignore[no-any-return]


@strawberry.type(description="A source's claim, quoted, with the quantities it states.")
class Claim:
    id: strawberry.ID = strawberry.field(description="IRI.")
    name: str = strawberry.field(description="English label.")
    quotes: list[str] = strawberry.field(description="The source's words (hw:quote).")
    sources: list[Source] = strawberry.field(resolver=_sources, description=SOURCES_DOC)
    quantity: list[Figure] = strawberry.field(resolver=lambda_quantity,
                                              description="Statements of the quantities claimed.")

    claimed_by: Source = related("sources", "claimed_by_id", "The source making the claim.")

    @strawberry.field(description="IRIs of what the claim is about.")
    def about(self) -> list[strawberry.ID]:
        return [strawberry.ID(i) for i in self.about_ids]  # type: ignore[attr-defined]


@strawberry.type(description="One bill-of-materials line: a chip and how many.")
class Component:
    count: int = strawberry.field(description="How many of the chip.")
    role: Concept | None = strawberry.field(description="AcceleratorRole, HostCPURole, PartRole.")

    chip: ChipRef = related("chips", "chip_id", "The chip.")


@strawberry.type(description="Memory figures of a chip.")
class Memory:
    capacity: Figure | None = strawberry.field(description="Preferred capacity per package (GB).")
    capacity_per_die: Figure | None = strawberry.field(description="Preferred capacity per die.")
    bandwidth: Figure | None = strawberry.field(description="Preferred bandwidth (GB/s or TB/s).")
    bus_width: Figure | None = strawberry.field(description="Bus width (bit).")
    gpu_usable: Figure | None = strawberry.field(description="GPU-usable share of unified memory.")
    type: Concept | None = strawberry.field(description="Memory technology, e.g. HBM3.")
    unified: bool | None = strawberry.field(description="Shared between CPU and GPU.")


