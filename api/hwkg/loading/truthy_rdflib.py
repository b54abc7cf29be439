"""Materialising the "truthy" shortcut triples: one best value per figure, canonical unit.

For each subject and figure property, the best statement among those that are not
deprecated, not per die and not about one interconnect (hw:via) becomes
``?s hwt:<property> ?value`` in the property's hw:canonicalUnit. Two qualifiers change what
a number means, so they get their own shortcut: sparse rates go to ``hwt:<property>Sparse``
and per-direction bandwidths to ``hwt:<property>PerDirection`` (the plain shortcut is
dense and, for links, the bidirectional aggregate). Best means: preferred over normal,
published over derived, newer hw:pointInTime, then the statement's IRI (stable).
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from hwkg.core.namespaces import HW, HWT, HWUNIT

_RANK_ORDER = {HW.PreferredRank: 0, HW.NormalRank: 1}


def multipliers(ontology: Graph) -> dict[URIRef, Decimal]:
    """Each unit's factor to its quantity kind's base unit, read from the unit vocabulary."""
    out = {}
    for unit, factor in ontology.subject_objects(HWUNIT.multiplier):
        if isinstance(unit, URIRef) and isinstance(factor, Literal):
            out[unit] = Decimal(str(factor))
    return out


def _qualifies(data: Graph, st: URIRef) -> bool:
    if data.value(st, HW.rank) not in _RANK_ORDER or data.value(st, HW.scope) == HW.PerDie:
        return False
    return data.value(st, HW.via) is None


def _suffix(data: Graph, st: URIRef) -> str:
    """Which shortcut a statement feeds: "", "Sparse" or "PerDirection"."""
    if data.value(st, HW.sparsity) == HW.Sparse:
        return "Sparse"
    return "PerDirection" if data.value(st, HW.direction) == HW.PerDirection else ""


def _sort_key(data: Graph, st: URIRef) -> tuple[int, int, str, str]:
    rank = _RANK_ORDER[data.value(st, HW.rank)]  # type: ignore[index]
    derived = 1 if data.value(st, HW.derivation) is not None else 0
    when = data.value(st, HW.pointInTime)
    # Newer first: invert the ISO date's characters so ascending sort puts it first.
    newest = ("".join(chr(0x10FFFF - ord(c)) for c in str(when)) if when is not None
              else "\U0010ffff")
    return (rank, derived, newest, str(st))


def materialise(data: Graph, ontology: Graph) -> Graph:
    """Return the truthy triples of ``data`` (skolemised) as a new graph."""
    factors = multipliers(ontology)
    canonical = {
        p: u for p, u in ontology.subject_objects(HW.canonicalUnit) if isinstance(u, URIRef)
    }
    truthy = Graph()
    for prop in ontology.subjects(RDF.type, HW.FigureProperty):
        target = canonical.get(prop)
        if target is None or target not in factors:
            continue
        best: dict[tuple[Node, str], URIRef] = {}
        for subject, st in data.subject_objects(prop):
            if not isinstance(st, URIRef) or not _qualifies(data, st):
                continue
            key = (subject, _suffix(data, st))
            if key not in best or _sort_key(data, st) < _sort_key(data, best[key]):
                best[key] = st
        local = str(prop).rsplit("#", 1)[-1]
        for (subject, suffix), st in best.items():
            value, unit = data.value(st, HW.value), data.value(st, HW.unit)
            if not isinstance(value, Literal) or unit not in factors:
                continue
            converted = Decimal(str(value)) * factors[unit] / factors[target]  # type: ignore[index]
            literal = Literal(format(converted.normalize(), "f"), datatype=XSD.decimal)
            truthy.add((subject, HWT[local + suffix], literal))
    return truthy
