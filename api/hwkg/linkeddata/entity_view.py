"""What an entity's HTML page shows, computed from its description.

Figures are grouped by property; each statement shows value, unit, rank, qualifiers,
sources and notes, and a property with several statements is marked as disputed when the
values differ. Other triples are listed as facts, and triples pointing at the entity as
"referenced by" (a link from a node another entity owns names that entity), so a reader can
follow links in both directions. Prices, sourced absences and benchmark results come from
the read model (:mod:`hwkg.linkeddata.entity_summary`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from hwkg.linkeddata import entity_summary as S
from hwkg.linkeddata.entities import (
    HW,
    HWT,
    RDF_TYPE,
    RDFS_LABEL,
    Labels,
    Link,
    href,
    incoming,
    owned,
    values,
)
from hwkg.readmodel import catalog as C
from hwkg.web.representation import SUFFIXES

STATEMENT = HW + "Statement"
PROV_SOURCE = "http://www.w3.org/ns/prov#wasDerivedFrom"
DETAILS = {HW + "note", HW + "derivation", HW + "rankReason"}
CORE = {HW + "value", HW + "unit", HW + "rank", RDF_TYPE, PROV_SOURCE} | DETAILS


@dataclass
class StatementView:
    iri: str
    href: str | None
    value: str
    unit: str
    rank: str
    qualifiers: list[tuple[str, Link]] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class FigureView:
    prop: Link
    statements: list[StatementView]

    @property
    def disputed(self) -> bool:
        """True when statements with the same qualifiers give different values."""
        claims: dict[tuple[tuple[str, str], ...], set[tuple[str, str]]] = defaultdict(set)
        for s in self.statements:
            key = tuple(sorted((name, q.text) for name, q in s.qualifiers))
            claims[key].add((s.value, s.unit))
        return any(len(v) > 1 for v in claims.values())


class View:
    """Builds the template context for one entity."""

    def __init__(self, store: ox.Store, iri: str, triples: list[ox.Triple], base: str) -> None:
        self.store, self.iri, self.triples, self.base = store, iri, triples, base
        self.node = ox.NamedNode(iri)
        self.label = Labels(store)

    def link(self, term: object) -> Link:
        if isinstance(term, ox.Literal):
            return Link(term.value)
        return Link(self.label(term), href(term, self.base))

    def statement(self, node: ox.NamedNode) -> StatementView:
        own = [t for t in self.triples if t.subject == node]
        first = {t.predicate.value: t.object for t in reversed(own)}
        rank = first.get(HW + "rank")
        view = StatementView(
            iri=node.value, href=href(node, self.base),
            value=self.label(first.get(HW + "value", ox.Literal(""))),
            unit=self.label(first[HW + "unit"]) if HW + "unit" in first else "",
            rank=rank.value.removeprefix(HW) if isinstance(rank, ox.NamedNode) else "",
        )
        for t in own:
            p = t.predicate.value
            if p == PROV_SOURCE:
                view.sources.append(self.link(t.object))
            elif p in DETAILS:
                view.details.append((self.label(t.predicate), self.label(t.object)))
            elif p not in CORE:
                view.qualifiers.append((self.label(t.predicate), self.link(t.object)))
        return view

    def is_statement(self, term: object) -> bool:
        return owned(term) and any(
            t.subject == term and t.predicate.value == RDF_TYPE
            and t.object == ox.NamedNode(STATEMENT)
            for t in self.triples
        )

    def figures(self) -> list[FigureView]:
        groups: dict[ox.NamedNode, list[StatementView]] = defaultdict(list)
        for t in self.triples:
            if t.subject == self.node and self.is_statement(t.object):
                groups[t.predicate].append(self.statement(t.object))  # type: ignore[arg-type]
        order = {"PreferredRank": 0, "NormalRank": 1, "DeprecatedRank": 2}
        return [
            FigureView(self.link(p), sorted(s, key=lambda v: (order.get(v.rank, 3), v.iri)))
            for p, s in sorted(groups.items(), key=lambda kv: self.label(kv[0]))
        ]

    def nested(self, node: ox.NamedNode) -> str:
        parts = [f"{self.label(t.predicate)}: {self.label(t.object)}"
                 for t in self.triples if t.subject == node and t.predicate.value != RDF_TYPE]
        return "; ".join(sorted(parts))

    def facts(self) -> list[tuple[Link, list[Link]]]:
        rows: dict[ox.NamedNode, list[Link]] = defaultdict(list)
        for t in self.triples:
            if t.subject != self.node or self.is_statement(t.object):
                continue
            if t.predicate.value.startswith(HWT):
                continue
            if owned(t.object):
                rows[t.predicate].append(Link(self.nested(t.object), href(t.object, self.base)))  # type: ignore[arg-type]
            else:
                rows[t.predicate].append(self.link(t.object))
        ordered = sorted(rows.items(), key=lambda kv: self.label(kv[0]))
        return [(self.link(p), v) for p, v in ordered]

    def truthy(self) -> list[tuple[Link, str]]:
        rows = [t for t in self.triples
                if t.subject == self.node and t.predicate.value.startswith(HWT)]
        return [(self.link(t.predicate), f"{self.label(t.object)} {self.unit_of(t.predicate)}")
                for t in sorted(rows, key=lambda t: t.predicate.value)]

    def unit_of(self, truthy: ox.NamedNode) -> str:
        """The canonical unit's symbol of the figure property behind a truthy property."""
        figure = ox.NamedNode(HW + truthy.value.removeprefix(HWT))
        for quad in self.store.quads_for_pattern(figure, ox.NamedNode(HW + "canonicalUnit"),
                                                 None, None):
            return self.label(quad.object)
        return ""

    def owner(self, node: ox.NamedNode, depth: int = 3) -> tuple[ox.NamedNode, ox.NamedNode] | None:
        """The entity that owns ``node`` (a component, statement or skolem node) and the
        predicate that links it there, following up to ``depth`` owned nodes."""
        for t in incoming(self.store, node.value, limit=5):
            if not isinstance(t.subject, ox.NamedNode):
                continue
            if not owned(t.subject):
                return t.subject, t.predicate
            if depth > 1 and (found := self.owner(t.subject, depth - 1)) is not None:
                return found
        return None

    def gist(self, node: ox.NamedNode) -> str:
        """A few words on an owned node: ``8 × accelerator``, ``3.35 TB/s``."""
        own = {q.predicate.value: q.object
               for q in self.store.quads_for_pattern(node, None, None, None)}
        parts = []
        if (count := own.get(HW + "count")) is not None:
            parts.append(f"{self.label(count)} ×")
        if (role := own.get(HW + "role")) is not None:
            parts.append(self.label(role))
        if (value := own.get(HW + "value")) is not None:
            unit = own.get(HW + "unit")
            parts.append(f"{self.label(value)} {self.label(unit) if unit else ''}".strip())
        return " ".join(parts)

    def referenced_by(self) -> list[tuple[Link, Link]]:
        """Entities pointing at this one; a link from a node an entity owns (a system's
        component, a statement's interconnect) names that entity, with the owned node's gist."""
        rows = []
        for t in incoming(self.store, self.iri):
            found = self.owner(t.subject) if owned(t.subject) else None  # type: ignore[arg-type]
            if found is None:
                rows.append((self.link(t.subject), self.link(t.predicate)))
                continue
            who, via = found
            gist = self.gist(t.subject)  # type: ignore[arg-type]
            text = f"{self.label(via)}: {gist}" if gist else self.label(via)
            rows.append((self.link(who), Link(text, href(t.subject, self.base))))
        return sorted(rows, key=lambda row: (row[0].text.casefold(), row[1].text))

    def summary(self, cat: C.Catalog | None) -> dict[str, Any]:
        """Prices, sourced absences and benchmark results from the read model; ``chip``
        names the chip whose derived figures the page's script asks GraphQL for."""
        if cat is None:
            return {}
        chip = cat.chips.get(self.iri)
        return {
            "chip": chip.slug if chip else None,
            "offers": S.offers(cat, self.iri, self.base),
            "absences": S.absences(cat, self.iri, self.base),
            "results": S.results(cat, self.store, self.iri, self.base),
        }

    def context(self, doc_path: str, cat: C.Catalog | None = None) -> dict[str, Any]:
        labels = [t.object for t in self.triples
                  if t.subject == self.node and t.predicate.value == RDFS_LABEL]
        return {
            "iri": self.iri,
            "title": self.label(self.node),
            "labels": [(lit.value, lit.language) for lit in labels if isinstance(lit, ox.Literal)],
            "types": [self.link(o) for o in values(self.triples, self.node, RDF_TYPE)],
            "figures": self.figures(),
            "truthy": self.truthy(),
            "facts": self.facts(),
            "incoming": self.referenced_by(),
            "formats": [(ext, f"{doc_path}.{ext}") for ext in SUFFIXES],
            "alternates": [(SUFFIXES[ext], f"{doc_path}.{ext}") for ext in SUFFIXES],
            "triples": len(self.triples),
            **self.summary(cat),
        }
