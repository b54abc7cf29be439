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
    """Fed every data triple once (:meth:`add`); :meth:`quads` gives the truthy graph."""

    SLOTS = ("rank", "scope", "via", "derivation", "pointInTime", "sparsity", "direction",
             "value", "unit")

    def __init__(self, store: ox.Store) -> None:
        """Read figure properties, canonical units and factors from ``store``'s ontology."""
        self.units = factors(store)
        self.canonical = {row["prop"]: row["target"].value  # type: ignore[union-attr]
                          for row in store.query(CANONICAL)}  # type: ignore[union-attr]
        self.slots = {ox.NamedNode(HW[name]): i for i, name in enumerate(self.SLOTS)}
        self.links: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]] = []
        self.attrs: dict[object, list[object]] = {}

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

    def _qualifying(self) -> dict[tuple[object, ox.NamedNode, str], tuple[Key, list[object]]]:
        best: dict[tuple[object, ox.NamedNode, str], tuple[Key, list[object]]] = {}
        for s, prop, st in self.links:
            a = self.attrs.get(st)
            if a is None or _text(a[0]) not in _RANK_ORDER or _text(a[1]) == _PER_DIE:
                continue
            if a[2] is not None:
                continue
            key = (s, prop, _suffix(a))
            rank = _sort_key(st, a)
            if key not in best or rank < best[key][0]:
                best[key] = (rank, a)
        return best

    def quads(self) -> list[ox.Quad]:
        """The truthy triples of everything added, in the truthy graph."""
        graph = ox.NamedNode(GRAPH_TRUTHY)
        out = []
        for (s, prop, suffix), (_rank, a) in self._qualifying().items():
            target, value, unit = self.canonical[prop], a[7], _text(a[8])
            if target not in self.units or not isinstance(value, ox.Literal):
                continue
            if unit is None or unit not in self.units:
                continue
            try:
                converted = Decimal(value.value) * self.units[unit] / self.units[target]
            except ArithmeticError:  # not a number: the shapes report it, nothing to convert
                continue
            literal = normal(ox.Literal(format(converted.normalize(), "f"), datatype=_DECIMAL))
            local = prop.value.rsplit("#", 1)[-1]
            out.append(ox.Quad(s, ox.NamedNode(HWT[local + suffix]), literal, graph))  # type: ignore[arg-type]
        return out


Key = tuple[int, int, str, str]
_PER_DIE = str(HW.PerDie)


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
