"""Matching names in imported sources (accelerators, CPUs, stacks, links) to entities in the graph.

The rule, in order; the first step that gives exactly one entity wins, and a name that
no step matches (or that two entities match equally) is reported as unmatched — never
guessed, never turned into a new chip:

1. **Normalise** the name: lower case; ``(R)``, ``(TM)``, ``®``, ``™`` become spaces; a
   trailing clock (``CPU @ 2.00GHz``, ``@ 1.90GHz``), ``NN-Core``, ``Processor`` and
   ``CPU`` are dropped; ``+`` becomes ``plus``; every other run of non-alphanumerics is one
   hyphen. ``Intel(R) Xeon(R) Platinum 8462Y+`` → ``intel-xeon-platinum-8462y-plus``.
2. **Alias table** (:data:`ALIASES`, below): a reviewed map from a normalised source
   spelling to a chip slug, for spellings that name one product differently from its
   graph slug (``habana-gaudi2`` → ``intel-gaudi2``; MLPerf's ``nvidia-h100-sxm-80gb`` is
   the SXM5 part). Each entry says why. The target must exist in the graph.
3. **Labels**: the normalised ``rdfs:label`` (@en) or ``skos:altLabel`` of an entity of the
   wanted kind equals the normalised name.
4. **Slug**: the entity's local name equals the normalised name.

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

#: normalised source spelling -> graph slug, with the reason for each entry.
ALIASES: dict[str, str] = {
    # MLPerf v3.0 system files write the SXM5 H100 as "H100-SXM-80GB"; the only 80 GB SXM H100.
    "nvidia-h100-sxm-80gb": "nvidia-h100-sxm5-80gb",
    # nvidia-smi's name for the H100 SXM5 80GB (the PCIe card reports "NVIDIA H100 PCIe").
    "nvidia-h100-80gb-hbm3": "nvidia-h100-sxm5-80gb",
    # MLPerf: "NVIDIA H100-PCIe" without memory; H100 PCIe ships only with 80 GB.
    "nvidia-h100-pcie": "nvidia-h100-pcie-80gb",
    # A100 SXM modules are SXM4. Dell writes "A100-SXM-80GB CTS" (its hw_notes say
    # "GPU TDP:500W"); the suffix names a configuration of the same 80 GB SXM4 part.
    "nvidia-a100-sxm-80gb-cts": "nvidia-a100-sxm4-80gb",
    "nvidia-a100-sxm-80gb": "nvidia-a100-sxm4-80gb",
    "nvidia-a100-sxm-40gb": "nvidia-a100-sxm4-40gb",
    # Habana Labs is Intel's; the graph files Gaudi2 under Intel.
    "habana-gaudi2": "intel-gaudi2",
    "intel-gaudi2": "intel-gaudi2",
    # nvidia-smi's name for the H200 SXM 141GB (the NVL card reports "NVIDIA H200 NVL");
    # the measured file states 141 GB and a 700 W limit, the SXM part's.
    "nvidia-h200": "nvidia-h200-sxm-141gb",
    # xFusion's MLPerf v3.0 system files write "Platinum 6458Q"; Intel sells the 6458Q only as
    # Xeon Gold 6458Q (its ARK row: 32 cores, 3.10 GHz base, as xFusion's files state).
    "intel-xeon-platinum-6458q": "intel-xeon-gold-6458q",
}

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


def normalise(name: str) -> str:
    """The comparable form of a product name (see the module docstring, step 1)."""
    text = name.lower()
    for mark in ("(r)", "(tm)", "®", "™"):
        text = text.replace(mark, " ")
    text = _CLOCK.sub(" ", text)
    text = _CORES.sub(" ", text)
    text = re.sub(r"\b(processor|cpu)\b", " ", text)
    text = text.replace("+", " plus ")
    return "-".join(re.findall(r"[a-z0-9]+", text))


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
                for prop in (RDFS.label, SKOS.altLabel):
                    for label in graph.objects(subject, prop):
                        if isinstance(label, Literal) and label.language in (None, "en"):
                            index.labels[normalise(str(label))].add(subject)
        return index

    def match(self, name: str) -> URIRef | None:
        """The one entity ``name`` names by the module's rule, or None."""
        key = normalise(name)
        if not key:
            return None
        alias = ALIASES.get(key)
        if alias is not None:
            return self.slugs.get(alias)
        by_label = self.labels.get(key, set())
        if len(by_label) == 1:
            return next(iter(by_label))
        if len(by_label) > 1:
            return None
        return self.slugs.get(key)


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
