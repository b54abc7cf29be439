"""What an entity page shows beyond its own triples, read from the GraphQL read model.

- :func:`offers`: the prices of a chip or system — amount, currency, how many units the
  amount covers, kind (launch MSRP, street, cloud hourly), date, provider, rank, sources.
- :func:`absences`: a chip's sourced absences (a figure not published, a feature not
  supported), with the note and sources.
- :func:`results`: a summary of the benchmark results of a chip (through the systems it is
  part of), a system or a benchmark: per benchmark, round, scenario and unit, the best
  result — its system, preferred value and unit — and how many results there are (at most
  :data:`MAX_ROWS` rows).

Derived figures (price per unit, memory per dollar, FLOP/s per watt …) are not computed here:
the page's script asks ``/graphql`` for them, so they are the API's own answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from hwkg.core.namespaces import published_dataset
from hwkg.linkeddata.entities import HW, Link, href_of
from hwkg.readmodel import catalog as C

MAX_ROWS = 60
_KIND_ORDER = {"PREFERRED": 0, "NORMAL": 1, "DEPRECATED": 2}


@dataclass
class OfferRow:
    """One price as the page lists it."""

    offer: Link
    amount: str
    currency: str
    units: int
    kind: str
    date: str
    provider: str
    rank: str
    sources: list[Link] = field(default_factory=list)


@dataclass
class AbsenceRow:
    """A figure the graph states has no value, and why."""

    property: Link
    kind: str
    note: str
    sources: list[Link] = field(default_factory=list)


@dataclass
class ResultRow:
    """The best of the results of one benchmark in one round (and scenario): where it was
    published, what, on which system, how much, and of how many results."""

    round: str
    benchmark: Link
    scenario: str
    system: Link
    accelerators: str
    value: str
    unit: str
    result: Link
    count: int


@dataclass
class Results:
    """Summary rows (at most :data:`MAX_ROWS`), how many rows and results there are in all."""

    rows: list[ResultRow]
    groups: int
    total: int


def amount_text(value: float) -> str:
    """``1,234`` for whole amounts, ``1,234.56`` otherwise."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


#: How an offer's amount qualifier (hw:amountQualifier) is shown before the amount.
QUALIFIER_SIGNS = {"Approximate": "≈ ", "LowerBound": "≥ ", "UpperBound": "≤ "}


def offer_amount(offer: C.Offer) -> str:
    """The amount as the source states it: ``≈ 120,000`` when approximate, ``≥`` / ``≤`` for a
    lower / upper bound, plain when exact."""
    qualifier = offer.amount_qualifier.name if offer.amount_qualifier else ""
    return QUALIFIER_SIGNS.get(qualifier, "") + amount_text(offer.amount)


def number_text(value: float) -> str:
    """A figure with up to six significant digits, without a trailing ``.0``."""
    return f"{value:,.6g}" if abs(value) < 1e15 else f"{value:.4g}"


def _sources(cat: C.Catalog, ids: list[str], base: str) -> list[Link]:
    found = [cat.sources[i] for i in ids if i in cat.sources]
    return [Link(s.title or s.name, href_of(s.id, base)) for s in found]


def offers(cat: C.Catalog, iri: str, base: str) -> list[OfferRow]:
    """The offers for ``iri`` (a chip or a system): preferred first, then newest first."""
    found = sorted(cat.offers_for.get(iri, []), key=lambda o: (
        _KIND_ORDER.get(o.rank, 1), -(o.offer_date.toordinal() if o.offer_date else 0), o.id))
    return [OfferRow(
        offer=Link(o.name, href_of(o.id, base)), amount=offer_amount(o),
        currency=o.currency.rsplit("/", 1)[-1], units=o.unit_count,
        kind=o.offer_kind.label if o.offer_kind else "",
        date=o.offer_date.isoformat() if o.offer_date else "",
        provider=", ".join(x for x in (o.provider, o.region, o.instance_type) if x),
        rank=o.rank.lower(), sources=_sources(cat, o.source_ids, base)) for o in found]


def absences(cat: C.Catalog, iri: str, base: str) -> list[AbsenceRow]:
    """The chip's sourced absences (none for other entities)."""
    chip = cat.chips.get(iri)
    if chip is None:
        return []
    kinds = {"NotPublished": "not published", "NotSupported": "not supported",
             "NotFound": "not found in the sources read"}
    return [AbsenceRow(Link(prop, href_of(HW + prop, base)), kinds.get(kind, kind), note,
                       _sources(cat, list(ids), base))
            for prop, kind, note, ids in chip.absences]


def _preferred(result: C.BenchmarkResult) -> C.Figure | None:
    figures = sorted(result.figures.get("result", []), key=C.figure_order)
    usable = [f for f in figures if f.rank != "DEPRECATED"] or figures
    return usable[0] if usable else None


def _related(cat: C.Catalog, iri: str) -> list[tuple[C.BenchmarkResult, int | None]]:
    """(result, how many of the chip its system holds) for a chip, system or benchmark."""
    if iri in cat.chips:
        return [(res, sum(c.count for c in system.components if c.chip_id == iri))
                for system in cat.systems_with.get(iri, [])
                for res in cat.results_of.get(system.id, [])]
    if iri in cat.systems:
        return [(res, None) for res in cat.results_of.get(iri, [])]
    if iri in cat.benchmarks:
        return [(res, None) for res in cat.results.values() if res.benchmark_id == iri]
    return []


def qualifiers(store: Any, iris: list[str]) -> dict[str, tuple[str, str]]:
    """(round, scenario) English labels of each result: the round it (or its system) was
    published in, and its inference scenario; "" where the graph names none. One query."""
    usable = [i for i in iris if not any(c in i for c in '<>" {}|\\^`')]
    if not usable:
        return {}
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    query = (
        "SELECT ?r (SAMPLE(?rl) AS ?round) (SAMPLE(?sl) AS ?scenario) WHERE { VALUES ?r { "
        + " ".join(f"<{i}>" for i in usable) + " } "
        f"OPTIONAL {{ {{ ?r <{HW}round> ?x }} UNION {{ ?r <{HW}system>/<{HW}round> ?x }} "
        f"?x {label} ?rl FILTER(langMatches(lang(?rl), 'en') || lang(?rl) = '') }} "
        f"OPTIONAL {{ ?r <{HW}scenario>/{label} ?sl FILTER(langMatches(lang(?sl), 'en')) }} "
        "} GROUP BY ?r")
    out: dict[str, tuple[str, str]] = {}
    for row in store.query(query, **published_dataset()):
        if isinstance(row["r"], ox.NamedNode):
            found = [str(row[k].value) if row[k] is not None else "" for k in ("round", "scenario")]
            out[row["r"].value] = (found[0], found[1])
    return out


def _best(cat: C.Catalog, group: list[tuple[C.BenchmarkResult, int | None, C.Figure]]
          ) -> tuple[C.BenchmarkResult, int | None, C.Figure]:
    bench = cat.benchmarks.get(group[0][0].benchmark_id)
    lower = bench is not None and bench.lower_is_better
    return min(group, key=lambda row: (row[2].value if lower else -row[2].value, row[0].id))


def results(cat: C.Catalog, store: Any, iri: str, base: str) -> Results:
    """A summary of the benchmark results about ``iri``: per benchmark, round, scenario and
    unit, the best result and how many there are; by benchmark name, newest round first."""
    related = [(res, n, fig) for res, n in _related(cat, iri)
               if (fig := _preferred(res)) is not None]
    extra = qualifiers(store, [res.id for res, _, _ in related])
    groups: dict[tuple[str, str, str, str], list[tuple[C.BenchmarkResult, int | None, C.Figure]]]
    groups = {}
    for row in related:
        round_, scenario = extra.get(row[0].id, ("", ""))
        groups.setdefault((row[0].benchmark_id, round_, scenario, row[2].unit), []).append(row)

    def name(bench_id: str) -> str:
        bench = cat.benchmarks.get(bench_id)
        return bench.name if bench else C.local(bench_id)

    keys = sorted(groups, key=lambda k: (name(k[0]).casefold(), k[1] == "",
                                         [-ord(c) for c in k[1]], k[2], k[3]))
    rows = []
    for key in keys[:MAX_ROWS]:
        res, count, fig = _best(cat, groups[key])
        system = cat.systems.get(res.system_id)
        rows.append(ResultRow(
            round=key[1], benchmark=Link(name(key[0]), href_of(key[0], base)), scenario=key[2],
            system=Link(system.name if system else C.local(res.system_id),
                        href_of(res.system_id, base)),
            accelerators="" if count is None else f"{count} ×",
            value=number_text(fig.value), unit=fig.unit,
            result=Link(res.name, href_of(res.id, base)), count=len(groups[key])))
    return Results(rows, len(groups), len(related))
