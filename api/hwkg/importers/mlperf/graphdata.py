"""What the graph already holds that an MLPerf import links to, read once per import.

Chips (with their ``skos:altLabel``/``skos:hiddenLabel`` aliases), stacks, stack versions,
interconnects and vendors are :class:`hwkg.importers.matching.Index` es; benchmarks are
found by ``(hw:suite, hw:benchmarkId)``; rounds, organisations and systems by their IRIs.
Nothing here writes: :mod:`.shared` decides which missing entities an import adds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, URIRef

from hwkg.core.namespaces import HW, ID, SCHEMA
from hwkg.importers import terms as t
from hwkg.importers.matching import Index
from hwkg.importers.mlperf.rounds import Round


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _locals(graph: Graph, cls: URIRef, kind: str) -> set[str]:
    prefix = f"{ID}{kind}/"
    return {str(s)[len(prefix):] for s in graph.subjects(RDF.type, cls)
            if str(s).startswith(prefix)}


def _benchmarks(graph: Graph) -> dict[tuple[str, str], str]:
    found = {}
    for bench in graph.subjects(RDF.type, HW.Benchmark):
        suite, bid = graph.value(bench, HW.suite), graph.value(bench, HW.benchmarkId)
        if suite is not None and bid is not None:
            found[(str(suite), str(bid))] = t.iri(str(bench))
    return found


@dataclass
class Lookup:
    """The entities of the existing graph an MLPerf import links to."""

    graph: Graph
    retrieved: date
    graph_dir: Path
    chips: Index = field(init=False)
    stacks: Index = field(init=False)
    links: Index = field(init=False)
    versions: Index = field(init=False)
    vendors: Index = field(init=False)
    benchmarks: dict[tuple[str, str], str] = field(init=False)
    rounds: set[str] = field(init=False)
    orgs: set[str] = field(init=False)
    systems: set[str] = field(init=False)

    def __post_init__(self) -> None:
        g = self.graph
        self.chips, self.stacks = Index.build(g, "chip"), Index.build(g, "stack")
        self.links, self.versions = Index.build(g, "interconnect"), Index.build(g, "stack-version")
        self.vendors = Index.build(g, "vendor")
        self.benchmarks = _benchmarks(g)
        self.rounds = _locals(g, HW.BenchmarkRound, "round")
        self.orgs = _locals(g, HW.Organization, "organization")
        self.systems = _locals(g, HW.System, "system")

    def round_source(self, rnd: Round) -> str:
        """A source the graph has for the round's results repository (a contributor's is
        reused), else ``src:<round slug>``, which the import then writes."""
        own = f"{ID}source/{rnd.slug}"
        url = Literal(rnd.repository, datatype=XSD.anyURI)
        for subject in sorted(str(s) for s in self.graph.subjects(SCHEMA.url, url)):
            if subject != own:
                return t.iri(subject)
        return f"src:{rnd.slug}"

    def earlier(self, rnd: Round, key: str) -> str | None:
        """The latest system of an earlier round of the suite whose IRI ends in ``key``
        (same submitter and system name), or None."""
        best: tuple[tuple[int, ...], str] | None = None
        prefix = f"mlperf-{rnd.suite}-v"
        for local in self.systems:
            if not (local.startswith(prefix) and local.endswith(f"-{key}")):
                continue
            version = local[len(prefix):len(local) - len(key) - 1]
            if version.count(".") == 1 and version.replace(".", "").isdigit() and \
                    _version_key(version) < _version_key(rnd.version):
                if best is None or _version_key(version) > best[0]:
                    best = (_version_key(version), local)
        return None if best is None else f"sys:{best[1]}"
