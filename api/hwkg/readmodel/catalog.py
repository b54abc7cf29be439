"""The in-memory read model the GraphQL API serves: plain dataclasses, built once per graph.

:func:`for_snapshot` reads the snapshot's store in two batched scans (the data graph and
the ontology graph), indexes the triples by subject, and builds chips, statements, offers,
exchange rates, systems, benchmark results, stacks, interconnects, vendors and sources.
The result is cached by the snapshot's version, so resolvers never query the store: they
walk these objects. For an on-disk store it is also saved in the store's folder
(:mod:`hwkg.readmodel.saved`), so another process or a restart reads it instead of rescanning.
Unit factors come from ``hwunit:multiplier`` in the ontology (data).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from hwkg.core import gc_pause
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, HW, HWUNIT, ID

if TYPE_CHECKING:
    pass

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
SKOS_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
DCT = "http://purl.org/dc/terms/"
SCHEMA_URL = "https://schema.org/url"
SCHEMA_ARCHIVED_AT = "https://schema.org/archivedAt"
HWNS = str(HW)
RANKS = {HWNS + "PreferredRank": "PREFERRED", HWNS + "NormalRank": "NORMAL",
         HWNS + "DeprecatedRank": "DEPRECATED"}
_RANK_ORDER = {"PREFERRED": 0, "NORMAL": 1, "DEPRECATED": 2}
T = TypeVar("T")

Index = dict[str, dict[str, list[Any]]]


def local(iri: str) -> str:
    """The part of an IRI after its last '#' or '/'."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Concept:
    """A term of a controlled list (hw:HBM3, hw:Dense, hw:LaunchMSRP …)."""

    id: str
    name: str
    label: str


@dataclass(slots=True)
class Source:
    id: str
    name: str
    title: str | None
    url: str | None
    date: dt.date | None
    retrieved: dt.date | None
    publisher: str | None
    source_kind: Concept | None
    #: Copies it was read through (schema:archivedAt) when not at ``url`` itself.
    archived_at: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Figure:
    """One hw:Statement: a value in a unit, its rank, qualifiers and sources."""

    id: str
    property_name: str
    value: float
    unit: str
    unit_iri: str
    base_value: float | None
    rank: str
    rank_reason: str | None
    sparsity: Concept | None
    scope: Concept | None
    via_id: str | None
    direction: Concept | None
    compute_unit: Concept | None
    accumulate_precision: Concept | None
    point_in_time: dt.date | None
    derivation: str | None
    note: str | None
    sources: list[Source]

    @property
    def source(self) -> Source | None:
        return self.sources[0] if self.sources else None

    @property
    def sparse(self) -> bool:
        return self.sparsity is not None and self.sparsity.name == "Sparse"

    @property
    def per_die(self) -> bool:
        return self.scope is not None and self.scope.name == "PerDie"

    @property
    def per_direction(self) -> bool:
        return self.direction is not None and self.direction.name == "PerDirection"


@dataclass(slots=True)
class Entity:
    """Fields every entity has: IRI, slug, labels, the sources of its non-figure facts."""

    id: str
    slug: str
    name: str
    name_zh: str | None
    source_ids: list[str]
    figures: dict[str, list[Figure]]


@dataclass(slots=True)
class Vendor(Entity):
    url: str | None = None
    exact_match: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Interconnect(Entity):
    vendor_id: str | None = None
    interconnect_kind: Concept | None = None
    generation: str | None = None


@dataclass(slots=True)
class SoftwareStack(Entity):
    vendor_id: str | None = None


@dataclass(slots=True)
class StackVersion(Entity):
    stack_id: str | None = None
    version_string: str | None = None
    release_date: dt.date | None = None


@dataclass(slots=True)
class Framework(Entity):
    vendor_id: str | None = None
    url: str | None = None


@dataclass(slots=True)
class FrameworkBackend(Entity):
    framework_id: str | None = None
    stack_id: str | None = None
    backend_name: str | None = None
    support_level: Concept | None = None
    release_date: dt.date | None = None


@dataclass(slots=True)
class Architecture(Entity):
    vendor_id: str | None = None
    launch_date: dt.date | None = None


@dataclass(slots=True)
class Die(Entity):
    vendor_id: str | None = None
    architecture_id: str | None = None


@dataclass(slots=True)
class Component:
    chip_id: str
    count: int
    role: Concept | None


@dataclass(slots=True)
class Chip(Entity):
    kinds: list[str] = field(default_factory=list)
    vendor_id: str | None = None
    architecture_id: str | None = None
    die_ids: list[str] = field(default_factory=list)
    memory_type: Concept | None = None
    unified_memory: bool | None = None
    process_node: str | None = None
    no_public_price: str | None = None
    form_factor: str | None = None
    launch_date: dt.date | None = None
    #: ``day``, ``month`` or ``year``: how precisely the source gives the launch date.
    launch_precision: str | None = None
    variant_of_ids: list[str] = field(default_factory=list)
    successor_of_ids: list[str] = field(default_factory=list)
    interconnect_ids: list[str] = field(default_factory=list)
    stack_ids: list[str] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    exact_match: list[str] = field(default_factory=list)
    #: Other names (skos:altLabel, e.g. MLPerf spellings), for search.
    alt_labels: list[str] = field(default_factory=list)
    #: Labels of the instruction sets the chip implements (x86-64, AVX2, AMX …).
    instruction_sets: list[str] = field(default_factory=list)
    #: Sourced absences: (figure property, NotPublished/NotSupported/NotFound, note, source IRIs).
    absences: list[tuple[str, str, str, list[str]]] = field(default_factory=list)


@dataclass(slots=True)
class System(Entity):
    vendor_id: str | None = None
    components: list[Component] = field(default_factory=list)
    interconnect_ids: list[str] = field(default_factory=list)
    stack_ids: list[str] = field(default_factory=list)
    round_id: str | None = None
    submitter_ids: list[str] = field(default_factory=list)
    same_configuration_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class BenchmarkRound(Entity):
    round_version: str = ""
    suite: str = ""


@dataclass(slots=True)
class Organization(Entity):
    is_vendor_id: str | None = None


@dataclass(slots=True)
class Offer(Entity):
    offer_for_id: str = ""
    amount: float = 0.0
    currency: str = ""
    offer_date: dt.date | None = None
    offer_kind: Concept | None = None
    rank: str = "NORMAL"
    configuration: str | None = None
    #: How many units of the chip or system the amount covers (a kit of 8: 8).
    unit_count: int = 1
    #: How exactly the source states the amount (Approximate, LowerBound, UpperBound); None:
    #: exactly.
    amount_qualifier: Concept | None = None
    provider: str | None = None
    region: str | None = None
    instance_type: str | None = None


@dataclass(slots=True)
class ExchangeRate(Entity):
    from_currency: str = ""
    to_currency: str = ""
    rate: float = 0.0
    rate_date: dt.date | None = None


@dataclass(slots=True)
class Benchmark(Entity):
    metric_unit: str | None = None
    lower_is_better: bool = False
    measures: str | None = None
    #: Local name of the precision a training benchmark runs in (BF16 …), if stated.
    training_precision: str | None = None
    benchmark_key: str | None = None
    suite: str | None = None
    benchmark_model: str | None = None
    benchmark_dataset: str | None = None
    quality_target: str | None = None
    introduced_in_id: str | None = None


@dataclass(slots=True)
class BenchmarkResult(Entity):
    benchmark_id: str = ""
    system_id: str = ""
    method: str = ""
    result_time: dt.date | None = None
    division: Concept | None = None
    category: Concept | None = None
    software_version_ids: list[str] = field(default_factory=list)
    round_id: str | None = None
    scenario: Concept | None = None
    accuracy_target: float | None = None


@dataclass(slots=True)
class Claim(Entity):
    claimed_by_id: str | None = None
    about_ids: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


@dataclass
class Catalog:
    """Everything the API serves, by IRI, plus the unit and currency vocabulary."""

    version: str
    multipliers: dict[str, float]
    symbols: dict[str, str]
    canonical: dict[str, str]
    chips: dict[str, Chip] = field(default_factory=dict)
    vendors: dict[str, Vendor] = field(default_factory=dict)
    interconnects: dict[str, Interconnect] = field(default_factory=dict)
    stacks: dict[str, SoftwareStack] = field(default_factory=dict)
    stack_versions: dict[str, StackVersion] = field(default_factory=dict)
    architectures: dict[str, Architecture] = field(default_factory=dict)
    frameworks: dict[str, Framework] = field(default_factory=dict)
    backends: dict[str, FrameworkBackend] = field(default_factory=dict)
    dies: dict[str, Die] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    offers: dict[str, Offer] = field(default_factory=dict)
    rates: dict[str, ExchangeRate] = field(default_factory=dict)
    benchmarks: dict[str, Benchmark] = field(default_factory=dict)
    results: dict[str, BenchmarkResult] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    rounds: dict[str, BenchmarkRound] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    offers_for: dict[str, list[Offer]] = field(default_factory=lambda: defaultdict(list))
    systems_with: dict[str, list[System]] = field(default_factory=lambda: defaultdict(list))
    results_of: dict[str, list[BenchmarkResult]] = field(default_factory=lambda: defaultdict(list))
    claims_about: dict[str, list[Claim]] = field(default_factory=lambda: defaultdict(list))
    #: Retired IRI → the IRI that replaced it (``dcterms:isReplacedBy``: merged entities).
    replaced_by: dict[str, str] = field(default_factory=dict)
    _slugs: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)
    #: Derived values computed for this version (it never changes, so they stay valid).
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    def kept(self, group: str, key: Hashable, make: Callable[[], T], limit: int) -> T:
        """The memo entry ``key`` of ``group``, made by ``make()`` on first use.

        A group keeps at most ``limit`` entries, the oldest made going first: keys come from
        request arguments (a model size, a currency), so an unbounded memo would let a client
        grow the server's memory with every distinct argument. Safe across threads: a race
        makes an entry twice, never a wrong one."""
        table: dict[Hashable, Any] = self.memo.setdefault(("kept", group), {})
        found = table.get(key)
        if found is None:
            found = make()
            while len(table) >= limit:
                try:
                    table.pop(next(iter(table)), None)
                except (StopIteration, RuntimeError):  # emptied or resized by another thread
                    break
            table[key] = found
        return found  # type: ignore[no-any-return]

    def convert(self, value: float, unit: str, target: str) -> float | None:
        """``value`` in ``unit`` expressed in ``target``, via hwunit:multiplier; None if unknown."""
        if unit not in self.multipliers or target not in self.multipliers:
            return None
        return value * self.multipliers[unit] / self.multipliers[target]

    def resolve(self, table: dict[str, Any], key: str) -> Any:
        """An entity of ``table`` by full IRI, ``prefix:slug`` or bare slug; None if absent.
        A retired IRI (or its slug) resolves to the entity that replaced it."""
        if key in table:
            return table[key]
        slug = key.split(":", 1)[1] if ":" in key and not key.startswith("http") else key
        index = self._slugs.get(id(table))
        if index is None:
            index = {iri.rsplit("/", 1)[-1]: entity for iri, entity in table.items()}
            self._slugs[id(table)] = index
        found = index.get(slug)
        if found is None:
            for old, new in self.replaced_by.items():
                if new in table and (old == key or old.rsplit("/", 1)[-1] == slug):
                    return table[new]
        return found


# ----------------------------------------------------------------- reading the store


def _python(term: Any) -> Any:
    """A Python value for an Oxigraph term: str for IRIs, float/date/bool/str for literals."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    datatype = term.datatype.value if term.datatype is not None else ""
    text = term.value
    if datatype.endswith(("#integer", "#decimal", "#double", "#float", "#int", "#long")):
        return float(Decimal(text))
    if datatype.endswith("#date"):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    if datatype.endswith(("#gYearMonth", "#gYear")):
        return _partial(text, "month" if datatype.endswith("Month") else "year")
    if datatype.endswith("#boolean"):
        return text in ("true", "1")
    if term.language:
        return (text, term.language)
    return text


class PartialDate(dt.date):
    """A date known only to its month or year (xsd:gYearMonth, xsd:gYear): its first day,
    with ``precision`` ``month`` or ``year``."""

    precision = "day"


def _partial(text: str, precision: str) -> PartialDate | str:
    parts = text.split("-")
    try:
        value = PartialDate(int(parts[0]), int(parts[1]) if precision == "month" else 1, 1)
    except (ValueError, IndexError):
        return text
    value.precision = precision
    return value


def _date_and_precision(value: Any) -> tuple[dt.date | None, str | None]:
    """A plain date and its precision (day, month or year) from a read value."""
    if not isinstance(value, dt.date):
        return None, None
    return dt.date(value.year, value.month, value.day), getattr(value, "precision", "day")


def _absences(r: Reader, s: str) -> list[tuple[str, str, str, list[str]]]:
    """The chip's sourced absences: (property local name, kind, note, source IRIs)."""
    found = []
    for node in r.hws(s, "absence"):
        prop, kind = r.hw(node, "absentProperty"), r.hw(node, "absenceKind")
        if isinstance(prop, str) and isinstance(kind, str):
            found.append((local(prop), local(kind), r.text(r.hw(node, "note")) or "",
                          _ids(r.all(node, PROV_FROM))))
    return sorted(found)


def _new_index() -> Index:
    return defaultdict(lambda: defaultdict(list))


def index_triples(triples: Iterable[ox.Triple | ox.Quad]) -> Index:
    """Subject → predicate → objects of ``triples`` (quads: their graph is not looked at).

    Equal IRIs are one shared ``str`` (the index of 4M triples is about a third smaller).
    The order of subjects and values is the order of ``triples``; :func:`build` does not
    depend on it.
    """
    out = _new_index()
    shared: dict[str, str] = {}
    share = shared.setdefault
    for triple in triples:
        s, p, o = triple.subject, triple.predicate.value, triple.object
        key = share(s.value, s.value) if type(s) is ox.NamedNode else _python(s)
        value = share(o.value, o.value) if type(o) is ox.NamedNode else _python(o)
        out[key][share(p, p)].append(value)
    return out


def index_graph(store: ox.Store, graph: str) -> Index:
    """Subject → predicate → objects of one named graph, read in one scan."""
    return index_triples(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _value_order(value: Any) -> tuple[str, Any]:
    return type(value).__name__, value


def _canonical(index: Index) -> None:
    """Sort each value list of ``index`` in place, so what is read first does not depend on
    the order the triples were read in (a store scan, a file, an in-memory store)."""
    for props in index.values():
        for values in props.values():
            if len(values) > 1:
                values.sort(key=_value_order)


class Reader:
    """Typed access to an indexed graph for building dataclasses."""

    def __init__(self, data: Index, ontology: Index) -> None:
        self.data, self.ontology = data, ontology
        self.concepts: dict[str, Concept] = {}

    def all(self, s: str, p: str) -> list[Any]:
        return list(self.data.get(s, {}).get(p, []))

    def one(self, s: str, p: str) -> Any:
        values = self.data.get(s, {}).get(p)
        return values[0] if values else None

    def hw(self, s: str, name: str) -> Any:
        return self.one(s, HWNS + name)

    def hws(self, s: str, name: str) -> list[Any]:
        return self.all(s, HWNS + name)

    def text(self, value: Any) -> str | None:
        if value is None:
            return None
        return value[0] if isinstance(value, tuple) else str(value)

    def label(self, s: str, lang: str = "en", index: Index | None = None) -> str | None:
        labels = (index or self.data).get(s, {}).get(RDFS_LABEL, [])
        for value in labels:
            if isinstance(value, tuple) and value[1].lower().startswith(lang):
                return value[0]
        plain = [v for v in labels if isinstance(v, str)]
        return plain[0] if plain and lang == "en" else None

    def concept(self, iri: Any) -> Concept | None:
        if not isinstance(iri, str):
            return None
        if iri not in self.concepts:
            name = local(iri)
            self.concepts[iri] = Concept(iri, name, self.label(iri, index=self.ontology) or name)
        return self.concepts[iri]

    def types(self, s: str) -> list[str]:
        return [t for t in self.all(s, RDF_TYPE) if isinstance(t, str)]


def _units(ontology: Index) -> tuple[dict[str, float], dict[str, str], dict[str, str]]:
    mult: dict[str, float] = {}
    sym: dict[str, str] = {}
    canonical: dict[str, str] = {}
    for s, props in sorted(ontology.items()):
        for factor in props.get(str(HWUNIT.multiplier), []):
            mult[s] = float(factor)
        for symbol in props.get(str(HWUNIT.symbol), []):
            sym[s] = symbol[0] if isinstance(symbol, tuple) else str(symbol)
        for unit in props.get(HWNS + "canonicalUnit", []) if s.startswith(HWNS) else ():
            canonical[local(s)] = unit  # a figure property's (not its truthy shortcut's)
    return mult, sym, canonical


def _source(r: Reader, s: str) -> Source:
    publisher = r.one(s, DCT + "publisher")
    if isinstance(publisher, str) and publisher.startswith("http"):
        publisher = r.label(publisher) or publisher
    return Source(
        id=s, name=r.label(s) or local(s), title=r.text(r.one(s, DCT + "title")),
        url=r.text(r.one(s, SCHEMA_URL)), date=r.one(s, DCT + "date"),
        retrieved=r.hw(s, "retrieved"), publisher=r.text(publisher),
        source_kind=r.concept(r.hw(s, "sourceKind")),
        archived_at=sorted(filter(None, (r.text(u) for u in r.all(s, SCHEMA_ARCHIVED_AT)))),
    )


_VALUE, _UNIT, _RANK, _NOTE = HWNS + "value", HWNS + "unit", HWNS + "rank", HWNS + "note"
_RANK_REASON, _SPARSITY, _SCOPE = HWNS + "rankReason", HWNS + "sparsity", HWNS + "scope"
_VIA, _DIRECTION, _COMPUTE_UNIT = HWNS + "via", HWNS + "direction", HWNS + "computeUnit"
_ACCUMULATE, _POINT_IN_TIME = HWNS + "accumulatePrecision", HWNS + "pointInTime"
_DERIVATION = HWNS + "derivation"
_NONE: tuple[Any, ...] = (None,)


def _figure(r: Reader, cat: Catalog, prop: str, st: str) -> Figure | None:
    # The hottest loop of a build (one call per statement): the statement's properties are
    # looked up once, each field read straight from them (Reader.hw would look it up again).
    props = r.data.get(st)
    if props is None:
        return None
    value, unit = (props.get(_VALUE) or _NONE)[0], (props.get(_UNIT) or _NONE)[0]
    if not isinstance(value, float) or not isinstance(unit, str):
        return None

    def first(key: str) -> Any:
        return (props.get(key) or _NONE)[0]

    concept, text, sources = r.concept, r.text, cat.sources
    base = value * cat.multipliers[unit] if unit in cat.multipliers else None
    return Figure(
        id=st, property_name=prop, value=value, unit=cat.symbols.get(unit, local(unit)),
        unit_iri=unit,
        base_value=base, rank=RANKS.get(first(_RANK), "NORMAL"),
        rank_reason=text(first(_RANK_REASON)), sparsity=concept(first(_SPARSITY)),
        scope=concept(first(_SCOPE)), via_id=first(_VIA),
        direction=concept(first(_DIRECTION)),
        compute_unit=concept(first(_COMPUTE_UNIT)),
        accumulate_precision=concept(first(_ACCUMULATE)),
        point_in_time=first(_POINT_IN_TIME), derivation=text(first(_DERIVATION)),
        note=text(first(_NOTE)),
        sources=[sources[x] for x in props.get(PROV_FROM, ()) if x in sources],
    )


def _figures(r: Reader, cat: Catalog, s: str, figure_props: set[str]) -> dict[str, list[Figure]]:
    out: dict[str, list[Figure]] = {}
    for p, objects in sorted(r.data.get(s, {}).items()):
        if p not in figure_props:
            continue
        name = local(p)
        built = [f for st in objects if (f := _figure(r, cat, name, st)) is not None]
        out[name] = sorted(built, key=figure_order)
    return out


def figure_order(f: Figure) -> tuple[int, int, str, str]:
    """Best first: preferred, then published over derived, newest point in time, IRI."""
    when = f.point_in_time.isoformat() if isinstance(f.point_in_time, dt.date) else ""
    newest = "".join(chr(0x10FFFF - ord(c)) for c in when) if when else "\U0010ffff"
    return (_RANK_ORDER.get(f.rank, 1), 1 if f.derivation else 0, newest, f.id)


def _base(r: Reader, cat: Catalog, s: str, props: set[str]) -> dict[str, Any]:
    return {
        "id": s, "slug": s.rsplit("/", 1)[-1], "name": r.label(s) or local(s),
        "name_zh": r.label(s, "zh"), "source_ids": r.all(s, PROV_FROM),
        "figures": _figures(r, cat, s, props),
    }


def _components(r: Reader, s: str) -> list[Component]:
    out = []
    for c in r.hws(s, "component"):
        chip, count = r.hw(c, "componentChip"), r.hw(c, "count")
        if isinstance(chip, str):
            out.append(Component(chip, int(count or 1), r.concept(r.hw(c, "role"))))
    return out


def _ids(values: list[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str)]


def build(data: Index, ontology: Index, version: str) -> Catalog:
    """Build the catalog from an indexed data graph and ontology graph.

    The result does not depend on the order of the indexes (subjects are read sorted, value
    lists are sorted in place first), so a catalog built from a store scan and one built from
    the same quads read another way are equal, tables in the same order.
    """
    _canonical(data)
    _canonical(ontology)
    mult, sym, canonical = _units(ontology)
    cat = Catalog(version=version, multipliers=mult, symbols=sym, canonical=canonical)
    r = Reader(data, ontology)
    figure_props = {s for s, p in ontology.items()
                    if HWNS + "FigureProperty" in p.get(RDF_TYPE, [])}
    chip_classes = {HWNS + "Chip"} | {
        s for s, p in ontology.items() if HWNS + "Chip" in p.get(
            "http://www.w3.org/2000/01/rdf-schema#subClassOf", [])}
    by_type: dict[str, list[str]] = defaultdict(list)
    for s in sorted(data):
        for t in r.types(s):
            by_type["Chip" if t in chip_classes else local(t)].append(s)
    for s in by_type["Source"]:
        cat.sources[s] = _source(r, s)
    cat.replaced_by = {s: new for s in sorted(data)
                       if isinstance(new := r.one(s, DCT + "isReplacedBy"), str)}
    _build_entities(r, cat, by_type, figure_props)
    _build_links(r, cat, by_type, figure_props)
    return cat


def _build_entities(r: Reader, cat: Catalog, by_type: dict[str, list[str]], fp: set[str]) -> None:
    for s in by_type["Vendor"]:
        cat.vendors[s] = Vendor(**_base(r, cat, s, fp), url=r.text(r.one(s, SCHEMA_URL)),
                                exact_match=_ids(r.all(s, SKOS_MATCH)))
    for s in by_type["Interconnect"]:
        cat.interconnects[s] = Interconnect(
            **_base(r, cat, s, fp), vendor_id=r.hw(s, "vendor"),
            interconnect_kind=r.concept(r.hw(s, "interconnectKind")),
            generation=r.text(r.hw(s, "generation")))
    for s in by_type["SoftwareStack"]:
        cat.stacks[s] = SoftwareStack(**_base(r, cat, s, fp), vendor_id=r.hw(s, "vendor"))
    for s in by_type["StackVersion"]:
        cat.stack_versions[s] = StackVersion(
            **_base(r, cat, s, fp), stack_id=r.hw(s, "stack"),
            version_string=r.text(r.hw(s, "versionString")), release_date=r.hw(s, "releaseDate"))
    for s in by_type["Framework"]:
        cat.frameworks[s] = Framework(**_base(r, cat, s, fp), vendor_id=r.hw(s, "vendor"),
                                      url=r.text(r.one(s, SCHEMA_URL)))
    for s in by_type["FrameworkBackend"]:
        cat.backends[s] = FrameworkBackend(
            **_base(r, cat, s, fp), framework_id=r.hw(s, "framework"), stack_id=r.hw(s, "stack"),
            backend_name=r.text(r.hw(s, "backendName")),
            support_level=r.concept(r.hw(s, "supportLevel")), release_date=r.hw(s, "releaseDate"))
    for s in by_type["Architecture"]:
        cat.architectures[s] = Architecture(**_base(r, cat, s, fp), vendor_id=r.hw(s, "vendor"),
                                            launch_date=r.hw(s, "launchDate"))
    for s in by_type["Die"]:
        cat.dies[s] = Die(**_base(r, cat, s, fp), vendor_id=r.hw(s, "vendor"),
                          architecture_id=r.hw(s, "architecture"))
    for s in sorted(set(by_type["Chip"])):
        launch, precision = _date_and_precision(r.hw(s, "launchDate"))
        cat.chips[s] = Chip(
            **_base(r, cat, s, fp), kinds=sorted(local(t) for t in r.types(s)),
            vendor_id=r.hw(s, "vendor"), architecture_id=r.hw(s, "architecture"),
            die_ids=_ids(r.hws(s, "die")), memory_type=r.concept(r.hw(s, "memoryType")),
            unified_memory=r.hw(s, "unifiedMemory"), process_node=r.text(r.hw(s, "processNode")),
            no_public_price=r.text(r.hw(s, "noPublicPrice")),
            form_factor=r.text(r.hw(s, "formFactor")), launch_date=launch,
            launch_precision=precision, variant_of_ids=_ids(r.hws(s, "variantOf")),
            successor_of_ids=_ids(r.hws(s, "successorOf")),
            interconnect_ids=_ids(r.hws(s, "interconnect")),
            stack_ids=_ids(r.hws(s, "softwareStack")), components=_components(r, s),
            exact_match=_ids(r.all(s, SKOS_MATCH)),
            alt_labels=sorted({r.text(v) or "" for v in r.all(s, SKOS_ALT)} - {""}),
            instruction_sets=sorted(c.label for c in map(r.concept, r.hws(s, "instructionSet"))
                                    if c),
            absences=_absences(r, s))
    for s in by_type["System"]:
        cat.systems[s] = System(
            **_base(r, cat, s, fp), vendor_id=r.hw(s, "vendor"), components=_components(r, s),
            interconnect_ids=_ids(r.hws(s, "interconnect")),
            stack_ids=_ids(r.hws(s, "softwareStack")), round_id=r.hw(s, "round"),
            submitter_ids=_ids(r.hws(s, "submitter")),
            same_configuration_ids=_ids(r.hws(s, "sameConfigurationAs")))
    for s in by_type["BenchmarkRound"]:
        cat.rounds[s] = BenchmarkRound(**_base(r, cat, s, fp),
                                       round_version=r.text(r.hw(s, "roundVersion")) or "",
                                       suite=r.text(r.hw(s, "suite")) or "")
    for s in by_type["Organization"]:
        cat.organizations[s] = Organization(**_base(r, cat, s, fp),
                                            is_vendor_id=r.hw(s, "isVendor"))


def _build_links(r: Reader, cat: Catalog, by_type: dict[str, list[str]], fp: set[str]) -> None:
    for s in by_type["Offer"]:
        cat.offers[s] = Offer(
            **_base(r, cat, s, fp), offer_for_id=r.hw(s, "offerFor") or "",
            amount=float(r.hw(s, "amount") or 0), currency=r.hw(s, "currency") or "",
            offer_date=r.hw(s, "offerDate"), offer_kind=r.concept(r.hw(s, "offerKind")),
            rank=RANKS.get(r.hw(s, "rank"), "NORMAL"),
            configuration=r.text(r.hw(s, "configuration")),
            unit_count=int(r.hw(s, "unitCount") or 1),
            amount_qualifier=r.concept(r.hw(s, "amountQualifier")),
            provider=r.text(r.hw(s, "provider")),
            region=r.text(r.hw(s, "region")), instance_type=r.text(r.hw(s, "instanceType")))
        cat.offers_for[cat.offers[s].offer_for_id].append(cat.offers[s])
    for s in by_type["ExchangeRate"]:
        cat.rates[s] = ExchangeRate(
            **_base(r, cat, s, fp), from_currency=r.hw(s, "fromCurrency") or "",
            to_currency=r.hw(s, "toCurrency") or "", rate=float(r.hw(s, "rate") or 0),
            rate_date=r.hw(s, "rateDate"))
    for s in by_type["Benchmark"]:
        cat.benchmarks[s] = Benchmark(
            **_base(r, cat, s, fp), metric_unit=r.hw(s, "metricUnit"),
            lower_is_better=bool(r.hw(s, "lowerIsBetter")), measures=r.hw(s, "measures"),
            training_precision=local(p) if isinstance(p := r.hw(s, "trainingPrecision"), str)
            else None, benchmark_key=r.text(r.hw(s, "benchmarkId")),
            suite=r.text(r.hw(s, "suite")), benchmark_model=r.text(r.hw(s, "benchmarkModel")),
            benchmark_dataset=r.text(r.hw(s, "benchmarkDataset")),
            quality_target=r.text(r.hw(s, "qualityTarget")),
            introduced_in_id=r.hw(s, "introducedIn"))
    for s in by_type["BenchmarkResult"]:
        res = BenchmarkResult(
            **_base(r, cat, s, fp), benchmark_id=r.hw(s, "benchmark") or "",
            system_id=r.hw(s, "system") or "", method=r.text(r.hw(s, "method")) or "",
            result_time=r.hw(s, "resultTime"), division=r.concept(r.hw(s, "division")),
            category=r.concept(r.hw(s, "category")),
            software_version_ids=_ids(r.hws(s, "softwareVersion")), round_id=r.hw(s, "round"),
            scenario=r.concept(r.hw(s, "scenario")),
            accuracy_target=None if (a := r.hw(s, "accuracyTarget")) is None else float(a))
        cat.results[s] = res
        cat.results_of[res.system_id].append(res)
    for s in by_type["Claim"]:
        claim = Claim(**_base(r, cat, s, fp), claimed_by_id=r.hw(s, "claimedBy"),
                      about_ids=_ids(r.hws(s, "about")),
                      quotes=[q for v in r.hws(s, "quote") if (q := r.text(v))])
        cat.claims[s] = claim
        for about in claim.about_ids:
            cat.claims_about[about].append(claim)
    for system in cat.systems.values():
        for chip_id in {c.chip_id for c in system.components}:
            cat.systems_with[chip_id].append(system)


def of_store(store: ox.Store, version: str) -> Catalog:
    """Build the catalog of ``store`` (graph ``version``) from two scans: data and ontology."""
    with gc_pause.paused():
        return build(index_graph(store, GRAPH_DATA), index_graph(store, GRAPH_ONTOLOGY), version)


def of_triples(data: Iterable[ox.Triple], ontology: Iterable[ox.Triple],
               version: str) -> Catalog:
    """Build the catalog of graph ``version`` from the triples of its data and ontology
    graphs, read once. Equal to :func:`of_store` on a store holding the same triples, tables
    in the same order (:func:`build` sorts)."""
    with gc_pause.paused():
        return build(index_triples(data), index_triples(ontology), version)


def entity_iri(kind: str, slug: str) -> str:
    """``{BASE}id/<kind>/<slug>``."""
    return f"{ID}{kind}/{slug}"
