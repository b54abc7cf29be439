"""Synthetic hardware graphs in hwkg's own model, for the benchmark suite.

``python bench/generate.py --chips 1000 --seed 1 --out /tmp/hwkg-1k`` writes a *home*
folder (``ontology/`` and ``shapes/`` symlinked to this checkout's, ``graph/`` with Turtle
files of 200 entities each) that ``hwkg validate`` / ``hwkg.loading.bundle.load(home=…)`` accept.
``--single FILE.ttl|FILE.nt`` writes all the data into one Turtle or N-Triples file instead.

The graph follows the data conventions: every figure is a ``hw:Statement`` with value,
unit, rank and source(s); compute figures carry sparsity (sparse = 2 × dense, the dense one
marked as derived); some figures have an older normal-rank revision or a deprecated claim
with its reason; chips have offers over time in several currencies, with monthly exchange
rates from USD; systems have components with counts; benchmark results belong to systems.
Every figure is invented: sources point at ``https://example.org/hwkg-bench/…`` and every
label says "Synthetic". The same ``--chips`` and ``--seed`` give the same bytes.

Size: about 40 data triples per chip (10^5 chips ≈ 4M triples, 4.3M with the truthy graph).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHUNK = 200  # entities per Turtle file

PREFIXES = """@prefix hw: <https://w3id.org/hwkg/ontology#> .
@prefix chip: <https://w3id.org/hwkg/id/chip/> .
@prefix vendor: <https://w3id.org/hwkg/id/vendor/> .
@prefix arch: <https://w3id.org/hwkg/id/architecture/> .
@prefix ic: <https://w3id.org/hwkg/id/interconnect/> .
@prefix stack: <https://w3id.org/hwkg/id/stack/> .
@prefix sys: <https://w3id.org/hwkg/id/system/> .
@prefix bench: <https://w3id.org/hwkg/id/benchmark/> .
@prefix result: <https://w3id.org/hwkg/id/result/> .
@prefix offer: <https://w3id.org/hwkg/id/offer/> .
@prefix rate: <https://w3id.org/hwkg/id/rate/> .
@prefix src: <https://w3id.org/hwkg/id/source/> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix hwunit: <https://w3id.org/hwkg/unit/> .
@prefix cur: <http://qudt.org/vocab/currency/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""

MEMORY_TYPES = ("HBM2e", "HBM3", "HBM3e", "GDDR6", "GDDR6X", "GDDR7", "LPDDR5", "DDR5")
CAPACITIES_GB = (16, 24, 32, 40, 48, 64, 80, 96, 128, 141, 192, 256)
CURRENCIES = {"CNY": 7.0, "EUR": 0.92, "JPY": 140.0, "GBP": 0.79}
IC_KINDS = ("ChipToChip", "HostBus", "SwitchFabric", "Network")
RATE_START = dt.date(2019, 1, 1)
RATE_MONTHS = 94  # through 2026-10


@dataclass
class Out:
    """Turtle blocks grouped by folder; each folder is written in chunks of CHUNK blocks."""

    blocks: dict[str, list[str]] = field(default_factory=dict)

    def add(self, folder: str, text: str) -> None:
        self.blocks.setdefault(folder, []).append(text)


def _date(rng: random.Random, start: int = 2016, end: int = 2026) -> dt.date:
    return dt.date(rng.randint(start, end - 1), rng.randint(1, 12), rng.randint(1, 28))


def _lit(value: float) -> str:
    """A Turtle number: integer, or a decimal with up to 2 places."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0")


def _sources(*slugs: str) -> str:
    return " , ".join(f"src:{s}" for s in slugs)


def statement(value: float, unit: str, rank: str, sources: tuple[str, ...], *extra: str) -> str:
    """A ``[ a hw:Statement … ]`` blank node."""
    parts = [f"hw:value {_lit(value)}", f"hw:unit {unit}", f"hw:rank hw:{rank}",
             f"prov:wasDerivedFrom {_sources(*sources)}", *extra]
    return "[ a hw:Statement ; " + " ; ".join(parts) + " ]"


def source(slug: str, title: str, rng: random.Random, primary: bool) -> str:
    kind = "PrimarySource" if primary else "SecondarySource"
    return (
        f"src:{slug} a hw:Source ;\n"
        f'    rdfs:label "{title}"@en ;\n    dcterms:title "{title}" ;\n'
        f'    schema:url "https://example.org/hwkg-bench/{slug}"^^xsd:anyURI ;\n'
        f'    dcterms:publisher "Synthetic publisher" ;\n'
        f'    dcterms:date "{_date(rng).isoformat()}"^^xsd:date ;\n'
        f'    hw:retrieved "2026-11-28"^^xsd:date ;\n    hw:sourceKind hw:{kind} .\n'
    )


@dataclass
class Sizes:
    """How many of each entity kind a graph of ``chips`` chips has."""

    chips: int

    @property
    def vendors(self) -> int:
        return max(3, self.chips // 100)

    @property
    def architectures(self) -> int:
        return max(4, self.chips // 20)

    @property
    def interconnects(self) -> int:
        return max(4, self.chips // 1000)

    @property
    def stacks(self) -> int:
        return max(3, self.chips // 2000)

    @property
    def reviews(self) -> int:
        return max(5, self.chips // 25)

    @property
    def systems(self) -> int:
        return max(2, self.chips // 25)

    @property
    def benchmarks(self) -> int:
        return 8

    @property
    def results(self) -> int:
        return max(4, self.chips // 20)


class Generator:
    """Builds the Turtle blocks of one synthetic graph."""

    def __init__(self, chips: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = Sizes(chips)
        self.out = Out()
        self.cpus: list[str] = []
        self.accels: list[str] = []

    # -------------------------------------------------------------- shared entities
    def vendors(self) -> None:
        for v in range(self.n.vendors):
            slug = f"syn-v{v:04d}"
            self.out.add("sources", source(f"{slug}-site", f"Synthetic vendor {v} site",
                                           self.rng, True))
            self.out.add("vendors", (
                f'vendor:{slug} a hw:Vendor ;\n    rdfs:label "Synthetic Vendor {v}"@en , '
                f'"合成厂商 {v}"@zh ;\n    prov:wasDerivedFrom src:{slug}-site .\n'))

    def architectures(self) -> None:
        for a in range(self.n.architectures):
            vendor = f"syn-v{a % self.n.vendors:04d}"
            self.out.add("sources", source(f"syn-a{a:05d}-datasheet",
                                           f"Synthetic architecture {a} datasheet", self.rng, True))
            self.out.add("architectures", (
                f'arch:syn-a{a:05d} a hw:Architecture ;\n'
                f'    rdfs:label "Synthetic Architecture {a}"@en ;\n'
                f'    hw:vendor vendor:{vendor} ;\n'
                f'    hw:launchDate "{_date(self.rng).isoformat()}"^^xsd:date ;\n'
                f'    prov:wasDerivedFrom src:syn-a{a:05d}-datasheet .\n'))

    def interconnects(self) -> None:
        self.out.add("sources", source("syn-ic-spec", "Synthetic interconnect specification",
                                       self.rng, True))
        for i in range(self.n.interconnects):
            gbps = self.rng.choice((64, 128, 200, 400, 600, 900, 1800))
            link = statement(gbps, "unit:GigaBYTE-PER-SEC", "PreferredRank", ("syn-ic-spec",),
                             "hw:direction hw:Bidirectional")
            self.out.add("interconnects", (
                f'ic:syn-ic{i:04d} a hw:Interconnect ;\n'
                f'    rdfs:label "Synthetic Link {i}"@en , "合成互连 {i}"@zh ;\n'
                f'    hw:interconnectKind hw:{IC_KINDS[i % len(IC_KINDS)]} ;\n'
                f'    hw:linkBandwidth {link} ;\n'
                f'    prov:wasDerivedFrom src:syn-ic-spec .\n'))

    def stacks(self) -> None:
        for s in range(self.n.stacks):
            self.out.add("stacks", (
                f'stack:syn-s{s:04d} a hw:SoftwareStack ;\n'
                f'    rdfs:label "Synthetic Stack {s}"@en , "合成软件栈 {s}"@zh ;\n'
                f'    hw:vendor vendor:syn-v{s % self.n.vendors:04d} ;\n'
                f'    prov:wasDerivedFrom src:syn-v{s % self.n.vendors:04d}-site .\n'))

    def reviews(self) -> None:
        for r in range(self.n.reviews):
            self.out.add("sources", source(f"syn-review-{r:05d}", f"Synthetic review {r}",
                                           self.rng, False))

    # -------------------------------------------------------------- chips
    def _review(self) -> str:
        return f"syn-review-{self.rng.randrange(self.n.reviews):05d}"

    def _srcs(self, sheet: str) -> tuple[str, ...]:
        """The datasheet, and in 25% of cases a review citing the same figure."""
        return (sheet, self._review()) if self.rng.random() < 0.25 else (sheet,)

    def _memory(self, sheet: str) -> list[str]:
        rng = self.rng
        gb = rng.choice(CAPACITIES_GB)
        cap = statement(gb, "unit:GigaBYTE", "PreferredRank", self._srcs(sheet))
        lines = [f"hw:memoryCapacity {cap}"]
        tbps = round(rng.uniform(0.4, 8.0), 2)
        if rng.random() < 0.5:
            bw = statement(tbps, "hwunit:TeraBYTE-PER-SEC", "PreferredRank", self._srcs(sheet))
        else:
            bw = statement(round(tbps * 1000), "unit:GigaBYTE-PER-SEC", "PreferredRank",
                           self._srcs(sheet))
        lines.append(f"hw:memoryBandwidth {bw}")
        if rng.random() < 0.15:  # an older datasheet revision
            old = statement(round(tbps * 0.9, 2), "hwunit:TeraBYTE-PER-SEC", "NormalRank",
                            (self._review(),),
                            f'hw:pointInTime "{_date(rng).isoformat()}"^^xsd:date',
                            'hw:rankReason "Launch-time figure; a later datasheet revision '
                            'raised it."')
            lines.append(f"hw:memoryBandwidth {old}")
        if rng.random() < 0.05:  # a wrong claim kept as deprecated
            bad = statement(gb * 2, "unit:GigaBYTE", "DeprecatedRank", (self._review(),),
                            'hw:rankReason "The review counted memory of two cards."')
            lines.append(f"hw:memoryCapacity {bad}")
        return lines

    def _compute(self, sheet: str) -> list[str]:
        rng = self.rng
        dense = round(rng.uniform(20, 2500), 1)
        if rng.random() < 0.5:
            sparse = statement(dense * 2, "unit:TeraFLOPS", "PreferredRank", (sheet,),
                               "hw:sparsity hw:Sparse", "hw:computeUnit hw:MatrixUnit")
            derived = statement(dense, "unit:TeraFLOPS", "PreferredRank", (sheet,),
                                "hw:sparsity hw:Dense", "hw:computeUnit hw:MatrixUnit",
                                f'hw:derivation "{_lit(dense * 2)} (with sparsity) / 2 per the '
                                f'datasheet footnote"')
            return [f"hw:computeBF16 {sparse}", f"hw:computeBF16 {derived}"]
        only = statement(dense, "unit:TeraFLOPS", "PreferredRank", self._srcs(sheet),
                         "hw:sparsity hw:Dense")
        return [f"hw:computeBF16 {only}"]

    def chip(self, c: int) -> None:
        rng = self.rng
        a = rng.randrange(self.n.architectures)
        vendor = f"syn-v{a % self.n.vendors:04d}"
        sheet = f"syn-a{a:05d}-datasheet"
        is_cpu = c % 10 == 0
        kind = "CPU" if is_cpu else rng.choice(("GPU", "GPU", "AIAccelerator"))
        slug = f"{vendor}-c{c:06d}"
        (self.cpus if is_cpu else self.accels).append(slug)
        props = [
            f'a hw:{kind}',
            f'rdfs:label "Synthetic {kind} {c}"@en , "合成芯片 {c}"@zh',
            f"hw:vendor vendor:{vendor}", f"hw:architecture arch:syn-a{a:05d}",
            f"hw:memoryType hw:{rng.choice(MEMORY_TYPES)}",
            f'hw:launchDate "{_date(rng).isoformat()}"^^xsd:date',
            f"hw:softwareStack stack:syn-s{rng.randrange(self.n.stacks):04d}",
            f"prov:wasDerivedFrom src:{sheet}",
            *self._memory(sheet),
        ]
        if rng.random() < 0.4:
            watts = rng.choice((75, 150, 250, 300, 350, 400, 500, 600, 700, 1000))
            power = statement(watts, "unit:W", "PreferredRank", self._srcs(sheet))
            props.append(f"hw:maxPower {power}")
        if is_cpu:
            cores = rng.choice((16, 32, 48, 64, 96, 128))
            props.append(f"hw:cpuCores {statement(cores, 'unit:NUM', 'PreferredRank', (sheet,))}")
        elif rng.random() < 0.5:
            props += self._compute(sheet)
        if rng.random() < 0.1:
            i = rng.randrange(self.n.interconnects)
            link = statement(rng.choice((100, 300, 450, 900)), "unit:GigaBYTE-PER-SEC",
                             "PreferredRank", (sheet,), "hw:direction hw:Bidirectional",
                             f"hw:via ic:syn-ic{i:04d}")
            props += [f"hw:interconnect ic:syn-ic{i:04d}", f"hw:linkBandwidth {link}"]
        self.out.add("chips", f"chip:{slug} " + " ;\n    ".join(props) + " .\n")
        self.offers(slug, c)

    # -------------------------------------------------------------- prices
    def offers(self, slug: str, c: int) -> None:
        rng = self.rng
        if rng.random() >= 0.35:
            return
        usd = rng.choice((499, 999, 1599, 2999, 4999, 9999, 14999, 24999, 34999))
        when = _date(rng, 2019, 2026)
        rows = [("msrp", usd, "USD", when, "LaunchMSRP", "PreferredRank")]
        if rng.random() < 0.4:
            code = rng.choice(tuple(CURRENCIES))
            later = min(when + dt.timedelta(days=rng.randint(30, 700)), dt.date(2026, 10, 28))
            price = round(usd * CURRENCIES[code] * rng.uniform(0.8, 1.4))
            rows.append((f"street-{later:%Y-%m}", price, code, later, "StreetPrice", "NormalRank"))
        for tag, amount, code, date, kind, rank in rows:
            self.out.add("offers", (
                f"offer:{slug}-{tag} a hw:Offer ;\n"
                f'    rdfs:label "Synthetic chip {c} {kind} ({code}, {date:%Y-%m})"@en ;\n'
                f"    hw:offerFor chip:{slug} ;\n    hw:amount {amount} ;\n"
                f"    hw:currency cur:{code} ;\n"
                f'    hw:offerDate "{date.isoformat()}"^^xsd:date ;\n'
                f"    hw:offerKind hw:{kind} ;\n    hw:rank hw:{rank} ;\n"
                f"    prov:wasDerivedFrom src:{self._review()} .\n"))

    def rates(self) -> None:
        fx = source("syn-fx", "Synthetic monthly exchange rates", self.rng, True)
        self.out.add("sources", fx)
        for code, level in CURRENCIES.items():
            for m in range(RATE_MONTHS):
                level *= self.rng.uniform(0.98, 1.02)
                day = dt.date(RATE_START.year + m // 12, m % 12 + 1, 1)
                self.out.add("rates", (
                    f"rate:usd-{code.lower()}-{day:%Y-%m} a hw:ExchangeRate ;\n"
                    f'    rdfs:label "USD to {code}, {day:%Y-%m} (synthetic)"@en ;\n'
                    f"    hw:fromCurrency cur:USD ;\n    hw:toCurrency cur:{code} ;\n"
                    f"    hw:rate {level:.4f} ;\n"
                    f'    hw:rateDate "{day.isoformat()}"^^xsd:date ;\n'
                    f"    prov:wasDerivedFrom src:syn-fx .\n"))

    # -------------------------------------------------------------- systems and results
    def systems(self) -> None:
        rng = self.rng
        for s in range(self.n.systems):
            accel = rng.choice(self.accels)
            parts = [f"[ a hw:Component ; hw:componentChip chip:{accel} ; "
                     f"hw:count {rng.choice((1, 2, 4, 8))} ; hw:role hw:AcceleratorRole ]"]
            if self.cpus:
                parts.append(f"[ a hw:Component ; hw:componentChip chip:{rng.choice(self.cpus)} ; "
                             "hw:count 2 ; hw:role hw:HostCPURole ]")
            self.out.add("systems", (
                f'sys:syn-sys{s:05d} a hw:System ;\n    rdfs:label "Synthetic system {s}"@en ;\n'
                f"    hw:component {' , '.join(parts)} ;\n"
                f"    prov:wasDerivedFrom src:{self._review()} .\n"))

    def results(self) -> None:
        rng = self.rng
        for b in range(self.n.benchmarks):
            self.out.add("benchmarks", (
                f'bench:syn-b{b:02d} a hw:Benchmark ;\n'
                f'    rdfs:label "Synthetic benchmark {b}"@en ;\n'
                "    hw:metricUnit unit:MIN ;\n    hw:lowerIsBetter true ;\n"
                "    prov:wasDerivedFrom src:syn-review-00000 .\n"))
        for r in range(self.n.results):
            minutes = round(rng.uniform(1, 600), 1)
            src = self._review()
            self.out.add("results", (
                f'result:syn-r{r:06d} a hw:BenchmarkResult ;\n'
                f'    rdfs:label "Synthetic result {r}"@en ;\n'
                f"    hw:benchmark bench:syn-b{rng.randrange(self.n.benchmarks):02d} ;\n"
                f"    hw:system sys:syn-sys{rng.randrange(self.n.systems):05d} ;\n"
                f"    hw:result {statement(minutes, 'unit:MIN', 'PreferredRank', (src,))} ;\n"
                '    hw:method "Synthetic: median time to train of five runs." ;\n'
                f'    hw:resultTime "{_date(rng, 2020).isoformat()}"^^xsd:date ;\n'
                f"    hw:division hw:Closed ;\n    hw:category hw:Available ;\n"
                f"    prov:wasDerivedFrom {_sources(src)} .\n"))

    def run(self) -> Out:
        self.vendors()
        self.architectures()
        self.interconnects()
        self.stacks()
        self.reviews()
        self.rates()
        for c in range(self.n.chips):
            self.chip(c)
        self.systems()
        self.results()
        return self.out


def chunks(blocks: list[str]) -> Iterator[tuple[int, list[str]]]:
    for start in range(0, len(blocks), CHUNK):
        yield start // CHUNK, blocks[start:start + CHUNK]


def write_home(out: Out, home: Path) -> int:
    """Write ``home/graph/<kind>/<kind>-NNNN.ttl`` and link ontology/ and shapes/; returns files."""
    home.mkdir(parents=True, exist_ok=True)
    for part in ("ontology", "shapes"):
        link = home / part
        if not link.exists():
            os.symlink(REPO / part, link)
    count = 0
    for folder, blocks in out.blocks.items():
        target = home / "graph" / folder
        target.mkdir(parents=True, exist_ok=True)
        for i, chunk in chunks(blocks):
            (target / f"{folder}-{i:04d}.ttl").write_text(PREFIXES + "\n".join(chunk), "utf-8")
            count += 1
    return count


def write_single(out: Out, path: Path) -> None:
    """All data in one file: Turtle (``.ttl``) or N-Triples (``.nt``, via Oxigraph)."""
    text = PREFIXES + "\n".join(b for blocks in out.blocks.values() for b in blocks)
    if path.suffix == ".nt":
        import pyoxigraph as ox

        names: dict[ox.BlankNode, ox.BlankNode] = {}

        def stable(term: ox.BlankNode) -> ox.BlankNode:  # parser labels are random
            return names.setdefault(term, ox.BlankNode(f"b{len(names)}"))

        triples = (
            ox.Triple(stable(t.subject) if isinstance(t.subject, ox.BlankNode) else t.subject,
                      t.predicate,
                      stable(t.object) if isinstance(t.object, ox.BlankNode) else t.object)
            for t in ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE)
        )
        ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)
    else:
        path.write_text(text, "utf-8")


def generate(chips: int, seed: int = 1) -> Out:
    """The graph's Turtle blocks for ``chips`` chips; the same arguments give the same blocks."""
    return Generator(chips, seed).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chips", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, help="home folder to write")
    where.add_argument("--single", type=Path, help="one .ttl or .nt file to write")
    args = parser.parse_args(argv)
    out = generate(args.chips, args.seed)
    if args.out:
        files = write_home(out, args.out)
        print(f"wrote {files} files under {args.out}/graph", file=sys.stderr)
    else:
        write_single(out, args.single)
        print(f"wrote {args.single}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
