"""The truthy shortcut triples computed while the data streams into the store.

For each subject and figure property, the best qualifying statement (not deprecated, not per
die, no ``hw:via``; preferred over normal, published over derived, newest ``hw:pointInTime``,
then the statement IRI) becomes ``?s hwt:<property>[Sparse|PerDirection] ?value`` in the
property's canonical unit, converted exactly with :class:`~decimal.Decimal`. A value that is not
a number gets no shortcut (validation reports it). The figure properties, canonical units and
multipliers are read from the stored ontology with SPARQL; the statements are noted as the
loader streams each data triple (:meth:`Collector.add`), which is cheaper than querying them
back (one query with the qualifiers as OPTIONALs took longer than parsing the data).
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from hwkg.core.namespaces import GRAPH_ONTOLOGY, GRAPH_TRUTHY, HW, HWT, HWUNIT
from hwkg.turtle.skolem import is_skolem
from hwkg.turtle.terms import normal

_DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
_RANK_ORDER = {str(HW.PreferredRank): 0, str(HW.NormalRank): 1}

FACTORS = f"""SELECT ?unit ?factor WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{
  ?unit <{HWUNIT.multiplier}> ?factor FILTER (isIRI(?unit) && isLiteral(?factor)) }} }}"""

CANONICAL = f"""PREFIX hw: <{HW}>
SELECT ?prop ?target WHERE {{
  GRAPH <{GRAPH_ONTOLOGY}> {{ ?prop a hw:FigureProperty ; hw:canonicalUnit ?target }}
  FILTER (isIRI(?target)) }}"""


class Collector:
    """Fed every data triple once (:meth:`add`); :meth:`quads` gives the truthy graph.

    A collector can also be fed part of the files (a worker of :mod:`hwkg.loading.parts`):
    :meth:`best` then gives that part's best statement per subject and shortcut, which
    :func:`merge` combines across parts, since the best of a union is the best of the parts'
    bests. A statement's qualifiers must reach the collector that sees its link, which holds
    for statements written as blank nodes (one file each); :meth:`loose` hands the others on.
    """

    SLOTS = ("rank", "scope", "via", "derivation", "pointInTime", "sparsity", "direction",
             "value", "unit")

    def __init__(self, units: dict[str, Decimal], canonical: dict[str, str]) -> None:
        """``units``: each unit IRI's multiplier; ``canonical``: figure property IRI → the IRI
        of its canonical unit (both read from the ontology, :meth:`reading`)."""
        self.units = units
        self.canonical = {ox.NamedNode(prop): unit for prop, unit in canonical.items()}
        self.slots = {ox.NamedNode(HW[name]): i for i, name in enumerate(self.SLOTS)}
        self.links: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]] = []
        self.attrs: dict[object, list[object]] = {}

    @classmethod
    def reading(cls, store: ox.Store) -> Collector:
        """A collector with the figure properties, canonical units and factors of ``store``'s
        ontology graph."""
        canonical = {row["prop"].value: row["target"].value  # type: ignore[index]
                     for row in store.query(CANONICAL)}  # type: ignore[union-attr]
        return cls(factors(store), canonical)

    def add(self, s: object, p: ox.NamedNode, o: object) -> None:
        """Note one data triple (skolemised)."""
        slot = self.slots.get(p)
        if slot is not None:
            attrs = self.attrs.get(s)
            if attrs is None:
                attrs = self.attrs[s] = [None] * len(self.SLOTS)
            if attrs[slot] is None:
                attrs[slot] = o
        elif p in self.canonical and isinstance(o, ox.NamedNode):
            self.links.append((s, p, o))  # type: ignore[arg-type]

    def absorb(self, links: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]],
               attrs: dict[object, list[object]]) -> None:
        """Take another collector's :meth:`loose` links and qualifiers (added after this
        one's: a qualifier this one already holds wins, as if the triples came later)."""
        self.links += links
        for node, values in attrs.items():
            mine = self.attrs.setdefault(node, [None] * len(self.SLOTS))
            for i, value in enumerate(values):
                if mine[i] is None:
                    mine[i] = value

    def loose(self) -> tuple[list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]],
                             dict[object, list[object]]]:
        """The links to statements that are not skolem IRIs (their qualifiers may be in other
        files) and the qualifiers of every subject that is not one."""
        links = [link for link in self.links if not is_skolem(link[2])]
        attrs = {node: values for node, values in self.attrs.items() if not is_skolem(node)}
        return links, attrs

    def best(self, *, skolem_only: bool = False) -> Best:
        """The best qualifying statement per (subject, shortcut property): its sort key and
        the value in the canonical unit (None when it has no number or unit to convert,
        which then gives no shortcut). ``skolem_only``: only links to skolem statements."""
        chosen: dict[tuple[str, str], tuple[Key, list[object], ox.NamedNode]] = {}
        shortcuts: dict[tuple[ox.NamedNode, str], str] = {}
        for s, prop, st in self.links:
            if skolem_only and not is_skolem(st):
                continue
            a = self.attrs.get(st)
            if a is None or _text(a[0]) not in _RANK_ORDER or _text(a[1]) == _PER_DIE:
                continue
            if a[2] is not None or not isinstance(s, ox.NamedNode):
                continue
            suffix = _suffix(a)
            shortcut = shortcuts.get((prop, suffix))
            if shortcut is None:
                shortcut = shortcuts[prop, suffix] = (
                    _TRUTHY + prop.value.rsplit("#", 1)[-1] + suffix)
            key = (s.value, shortcut)
            rank = _sort_key(st, a)
            held = chosen.get(key)
            if held is None or rank < held[0]:
                chosen[key] = (rank, a, prop)
        return {key: (rank, self._converted(self.canonical[prop], a))
                for key, (rank, a, prop) in chosen.items()}

    def _converted(self, target: str, a: list[object]) -> str | None:
        value, unit = a[7], _text(a[8])
        if target not in self.units or not isinstance(value, ox.Literal):
            return None
        if unit is None or unit not in self.units:
            return None
        try:
            converted = Decimal(value.value) * self.units[unit] / self.units[target]
        except ArithmeticError:  # not a number: the shapes report it, nothing to convert
            return None
        return normal(ox.Literal(format(converted.normalize(), "f"), datatype=_DECIMAL)).value

    def quads(self) -> list[ox.Quad]:
        """The truthy triples of everything added, in the truthy graph."""
        return quads_of(self.best())


Key = tuple[int, int, str, str]
#: (subject IRI, shortcut property IRI) → (sort key, canonical lexical value or None).
Best = dict[tuple[str, str], tuple["Key", str | None]]


def merge(into: Best, more: Best) -> None:
    """Keep, per key, the better of ``into``'s and ``more``'s statements."""
    for key, entry in more.items():
        held = into.get(key)
        if held is None or entry[0] < held[0]:
            into[key] = entry


def quads_of(best: Best) -> list[ox.Quad]:
    """The truthy quads of the chosen statements that have a value."""
    graph = ox.NamedNode(GRAPH_TRUTHY)
    return [ox.Quad(ox.NamedNode(s), ox.NamedNode(prop), ox.Literal(value, datatype=_DECIMAL),
                    graph)
            for (s, prop), (_rank, value) in best.items() if value is not None]


_PER_DIE = str(HW.PerDie)
_TRUTHY = str(HWT)


def _text(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


def _sort_key(st: ox.NamedNode, a: list[object]) -> Key:
    when = _text(a[4])
    newest = "".join(chr(0x10FFFF - ord(c)) for c in when) if when is not None else "\U0010ffff"
    return (_RANK_ORDER[_text(a[0]) or ""], 0 if a[3] is None else 1, newest, st.value)


def _suffix(a: list[object]) -> str:
    if _text(a[5]) == str(HW.Sparse):
        return "Sparse"
    return "PerDirection" if _text(a[6]) == str(HW.PerDirection) else ""


def factors(store: ox.Store) -> dict[str, Decimal]:
    """Each unit's ``hwunit:multiplier`` from the stored ontology."""
    return {row["unit"].value: Decimal(row["factor"].value)  # type: ignore[union-attr]
            for row in store.query(FACTORS)}  # type: ignore[union-attr]
