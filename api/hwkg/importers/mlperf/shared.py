"""Entities several rounds share, written by an import only where the graph lacks them.

Organisations (submitters), stack versions, a round, its repository source and a
benchmark the graph does not describe yet are each written once, by the first import
that needs them, and never rewritten: so importing one round never changes a file another
round's import wrote, and importing the same round twice changes nothing. A benchmark
or round the importer had to add says so in its note, and the report warns about it: a
person then describes it (model, dataset, quality target, the round that introduced it).
"""

from __future__ import annotations

from hwkg.importers import terms as t
from hwkg.importers.mlperf.graphdata import Lookup
from hwkg.importers.mlperf.rounds import Round
from hwkg.importers.mlperf.systems import System, slug, submitters
from hwkg.importers.report import Report
from hwkg.importers.writer import Output

HEADER = "(hwkg import mlperf: written once, when the graph first needed it)"


def _absent(lookup: Lookup, path: str, known: set[str], local: str) -> bool:
    return local not in known and not (lookup.graph_dir / path).exists()


def round_outputs(rnd: Round, lookup: Lookup) -> list[Output]:
    """The round entity and its repository source, where the graph has neither."""
    outputs = []
    source = lookup.round_source(rnd)
    if source == f"src:{rnd.slug}" and not (lookup.graph_dir / f"sources/{rnd.slug}.ttl").exists():
        repo = (t.Block(source).add("a", "hw:Source")
                .add("rdfs:label", t.text(f"{rnd.label} results repository", "en"))
                .add("dcterms:title", t.text(f"mlcommons/{rnd.suite}_results_v{rnd.version}"))
                .add("schema:url", t.uri(rnd.repository))
                .add("dcterms:publisher", t.text("MLCommons"))
                .add("hw:retrieved", t.day(lookup.retrieved))
                .add("hw:sourceKind", "hw:PrimarySource"))
        outputs.append(Output(f"sources/{rnd.slug}.ttl", t.render(
            [repo], f"The {rnd.label} results repository {HEADER}."), group=rnd.label))
    if _absent(lookup, f"rounds/{rnd.slug}.ttl", lookup.rounds, rnd.slug):
        zh = "训练" if rnd.suite == "training" else "推理"
        block = (t.Block(rnd.iri).add("a", "hw:BenchmarkRound")
                 .add("rdfs:label", t.text(rnd.label, "en"), t.text(f"MLPerf {zh} v{rnd.version}",
                                                                    "zh"))
                 .add("hw:roundVersion", t.text(rnd.version)).add("hw:suite", t.text(rnd.suite))
                 .add("prov:wasDerivedFrom", source))
        outputs.append(Output(f"rounds/{rnd.slug}.ttl", t.render(
            [block], f"The {rnd.label} round {HEADER}."), group=rnd.label))
    return outputs


def benchmark_iri(rnd: Round, bid: str, lookup: Lookup, report: Report,
                  stubs: dict[str, Output], unit: str, lower: bool) -> str:
    """The graph's benchmark for ``bid`` in the round's suite; one the graph lacks is added
    (once) with a warning that names it."""
    known = lookup.benchmarks.get((rnd.suite, bid))
    if known is not None:
        return known
    local = f"mlperf-{rnd.suite}-{slug(bid).replace('.', '-')}"
    if local not in stubs:
        report.warn(f"{rnd.label}: benchmark {bid!r} is not in the graph yet; added as "
                    f"bench:{local} (describe its model, dataset, quality target and the round "
                    "that introduced it in graph/benchmarks/)")
        block = (t.Block(f"bench:{local}").add("a", "hw:Benchmark")
                 .add("rdfs:label", t.text(f"MLPerf {rnd.suite.title()} {bid}", "en"))
                 .add("hw:benchmarkId", t.text(bid)).add("hw:suite", t.text(rnd.suite))
                 .add("hw:note", t.text(f"Added by hwkg import mlperf when {rnd.label} named "
                                        "it; not described yet."))
                 .add("hw:metricUnit", unit).add("hw:lowerIsBetter", t.boolean(lower))
                 .add("prov:wasDerivedFrom", lookup.round_source(rnd)))
        stubs[local] = Output(f"benchmarks/{local}.ttl", t.render([block], f"MLPerf "
                              f"{rnd.suite} benchmark '{bid}' {HEADER}."), group=rnd.label)
    return f"bench:{local}"


def organization_outputs(systems: list[System], lookup: Lookup, rnd: Round) -> list[Output]:
    """An organisation for each submitter the graph lacks, linked to its vendor."""
    found: dict[str, Output] = {}
    for system in systems:
        for name in submitters(system.submitter):
            local = slug(name)
            if local in found or not _absent(lookup, f"organizations/{local}.ttl",
                                             lookup.orgs, local):
                continue
            vendor = lookup.vendors.match(name)
            block = (t.Block(f"org:{local}").add("a", "hw:Organization")
                     .add("rdfs:label", t.text(name, "en"))
                     .add("hw:isVendor", *([t.iri(str(vendor))] if vendor else []))
                     .add("prov:wasDerivedFrom", lookup.round_source(rnd)))
            found[local] = Output(f"organizations/{local}.ttl", t.render(
                [block], f"{name}, an MLPerf submitter {HEADER}."), group=rnd.label)
    return [found[k] for k in sorted(found)]


def version_outputs(systems: list[System], lookup: Lookup, rnd: Round) -> list[Output]:
    """A stack version for each version the systems name and the graph lacks."""
    found: dict[str, Output] = {}
    for system in systems:
        for iri, stack, version, name in system.versions:
            local = iri.split(":", 1)[1]
            if local in found or not _absent(lookup, f"stacks/{local}.ttl",
                                             set(lookup.versions.slugs), local):
                continue
            block = (t.Block(iri).add("a", "hw:StackVersion")
                     .add("rdfs:label", t.text(f"{name} {version}", "en"),
                          t.text(f"{name} {version}", "zh"))
                     .add("hw:stack", stack).add("hw:versionString", t.text(version))
                     .add("prov:wasDerivedFrom", lookup.round_source(rnd)))
            found[local] = Output(f"stacks/{local}.ttl", t.render(
                [block], f"{name} {version}: a version named in {rnd.label} system "
                f"descriptions {HEADER}."), group=rnd.label)
    return [found[k] for k in sorted(found)]
