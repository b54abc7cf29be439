"""What an entity's HTML page shows, computed from its description.

Figures are grouped by property; each statement shows value, unit, rank, qualifiers,
sources and notes, and a property with several statements is marked as disputed when the
values differ. Other triples are listed as facts, and triples pointing at the entity as
"referenced by", so a reader can follow links in both directions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from hwkg.core.namespaces import BASE
from hwkg.linkeddata.entities import HW, HWT, RDF_TYPE, RDFS_LABEL, Labels, incoming, owned, values
from hwkg.web.representation import SUFFIXES

STATEMENT = HW + "Statement"
PROV_SOURCE = "http://www.w3.org/ns/prov#wasDerivedFrom"
DETAILS = {HW + "note", HW + "derivation", HW + "rankReason"}
CORE = {HW + "value", HW + "unit", HW + "rank", RDF_TYPE, PROV_SOURCE} | DETAILS


def href(term: object, base: str = BASE) -> str | None:
    """Where a link to ``term`` goes on this server (its IRI for external terms)."""
    if not isinstance(term, ox.NamedNode):
        return None
    iri = term.value
    if iri.startswith(base + "ontology#"):
        return "/ontology#" + iri.removeprefix(base + "ontology#")
    for space in ("unit/", "quantitykind/", "shapes#", "truthy/"):
        if iri.startswith(base + space):
            return "/ontology#" + space.rstrip("/#") + "-" + iri.removeprefix(base + space)
    if iri.startswith(base):
        return "/" + iri.removeprefix(base)
    return iri


@dataclass
class Link:
    text: str
    href: str | None = None


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

    def referenced_by(self) -> list[tuple[Link, Link]]:
        rows = incoming(self.store, self.iri)
        return [(self.link(t.subject), self.link(t.predicate))
                for t in sorted(rows, key=lambda t: (owned(t.subject), str(t)))]

    def context(self, doc_path: str) -> dict[str, Any]:
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
            "triples": len(self.triples),
        }
