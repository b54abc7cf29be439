"""Matching names in imported sources (accelerators, CPUs, stacks, links) to entities in the graph.

The rule, in order; the first step that gives exactly one entity wins, and a name that
no step matches (or that two entities match equally) is reported as unmatched — never
guessed, never turned into a new chip:

1. **Normalise** the name: lower case; ``(R)``, ``(TM)``, ``®``, ``™`` become spaces; a
   trailing clock (``CPU @ 2.00GHz``, ``@ 1.90GHz``), ``NN-Core``, ``Processor`` and
   ``CPU`` are dropped; ``+`` becomes ``plus``; every other run of non-alphanumerics is one
   hyphen; runs of CJK ideographs are kept (a run of them, or of ASCII letters and digits,
   is one part). ``Intel(R) Xeon(R) Platinum 8462Y+`` → ``intel-xeon-platinum-8462y-plus``.
2. **Labels and aliases**, kept as data on the entity: the normalised ``rdfs:label``
   (in any language: the @zh label 华为昇腾910B matches too), ``skos:altLabel`` (another
   spelling of the same product, e.g. MLPerf's ``NVIDIA H100-SXM5-80GB``) or
   ``skos:hiddenLabel`` (a submitter's wrong name, with an ``rdfs:comment`` on the chip
   saying why) of an entity of the wanted kind equals the
   normalised name. No table in code: a new spelling is one line in the chip's file.
3. **Slug**: the entity's local name equals the normalised name.

:func:`parts` splits a composite name (``A (x32), B (x16)``) into names with counts
where the string states them.

Interconnects are matched by :data:`LINK_PATTERNS` (a generation must be explicit:
"NVLink" alone matches nothing), and only to interconnects present in the graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from hwkg.core.namespaces import ID

#: regular expression over the lower-cased text -> interconnect slug.
LINK_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"nvlink\s*(gen\s*)?4(\.0)?\b", "nvlink-4"),
    (r"nvlink\s*(gen\s*)?3(\.0)?\b", "nvlink-3"),
    (r"nvswitch\s*(gen\s*)?3(\.0)?\b", "nvswitch-3"),
    (r"\bndr\b", "infiniband-ndr"),
    (r"\bhdr\b", "infiniband-hdr"),
    (r"pcie\s*(gen\s*)?5(\.0)?\s*x16", "pcie-5-x16"),
    (r"pcie\s*(gen\s*)?4(\.0)?\s*x16", "pcie-4-x16"),
)

_CLOCK = re.compile(r"(\bcpu\b)?\s*@\s*[\d.]+\s*ghz")
_CORES = re.compile(r"\b\d+-core\b")


#: The runs a normalised name keeps: ASCII letters and digits, and CJK ideographs (a Chinese
#: label, 华为昇腾910B, gives 华为昇腾-910b, as 华为昇腾 910B does).
_TOKEN = re.compile(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def normalise(name: str) -> str:
    """The comparable form of a product name (see the module docstring, step 1)."""
    text = name.lower()
    for mark in ("(r)", "(tm)", "®", "™"):
        text = text.replace(mark, " ")
    text = _CLOCK.sub(" ", text)
    text = _CORES.sub(" ", text)
    text = re.sub(r"\b(processor|cpu)\b", " ", text)
    text = text.replace("+", " plus ")
    return "-".join(_TOKEN.findall(text))


@dataclass
class Index:
    """Entities of one kind (``chip``, ``stack`` …) by slug and by normalised label."""

    kind: str
    slugs: dict[str, URIRef] = field(default_factory=dict)
    labels: dict[str, set[URIRef]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def build(cls, graph: Graph, kind: str) -> Index:
        index = cls(kind)
        namespace = f"{ID}{kind}/"
        for subject in set(graph.subjects()):
            if isinstance(subject, URIRef) and str(subject).startswith(namespace):
                index.slugs[str(subject)[len(namespace):]] = subject
                for prop in (RDFS.label, SKOS.altLabel, SKOS.hiddenLabel):
                    for label in graph.objects(subject, prop):
                        if isinstance(label, Literal):  # every language: 昇腾 as Ascend
                            index.labels[normalise(str(label))].add(subject)
        return index

    def match(self, name: str) -> URIRef | None:
        """The one entity ``name`` names by the module's rule, or None."""
        key = normalise(name)
        if not key:
            return None
        by_label = self.labels.get(key, set())
        if len(by_label) == 1:
            return next(iter(by_label))
        if len(by_label) > 1:
            return None
        return self.slugs.get(key)


_COUNTED = re.compile(r"^(.*?)\s*\(\s*x\s*(\d+)\s*\)$", re.IGNORECASE)


def parts(name: str) -> list[tuple[str, int | None]] | None:
    """The names in a composite name with the counts it states, or None when it is one name.

    ``"A 192GB (x32), B 256GB (x16)"`` → ``[("A 192GB", 32), ("B 256GB", 16)]``;
    ``"Node1: X, Node2: Y"`` → ``[("X", None), ("Y", None)]`` (no counts stated).
    """
    pieces = [p.strip() for p in name.split(",") if p.strip()]
    if len(pieces) < 2:
        return None
    found: list[tuple[str, int | None]] = []
    for piece in pieces:
        piece = re.sub(r"^node\s*\d+\s*:\s*", "", piece, flags=re.IGNORECASE)
        counted = _COUNTED.match(piece)
        piece = re.sub(r"\s*\((?!\s*x\s*\d)[^)]*\)\s*$", "", piece)  # "(on MI300X node)"
        found.append((counted.group(1), int(counted.group(2))) if counted else (piece, None))
    return found


def links(text: str, index: Index) -> list[URIRef]:
    """Interconnects in the graph that ``text`` names with an explicit generation."""
    found: list[URIRef] = []
    lowered = text.lower()
    for pattern, slug in LINK_PATTERNS:
        if re.search(pattern, lowered) and slug in index.slugs:
            iri = index.slugs[slug]
            if iri not in found:
                found.append(iri)
    return found
