"""``hwkg import mlperf PATH``: an MLPerf Training v3.0 results repository as systems and results.

Reads the layout MLCommons publishes: ``<submitter>/systems/<system>.json`` and
``<submitter>/results/<system>/<benchmark>/result_N.txt``. Generates, under the graph folder:

- ``sources/mlperf-training-v3.0.ttl`` (the results repository) and
  ``sources/mlperf-training-rules.ttl`` (the rules and the summarizer the scores follow);
- ``benchmarks/mlperf-training-v3.0-<benchmark>.ttl``, one per benchmark (minutes,
  lower is better);
- ``systems/mlperf-training-v3.0-<submitter>-<system>.ttl``, **one file per system**
  holding the system (accelerators and host CPUs matched to chips by
  :mod:`hwkg.importers.matching`, with counts, interconnects, software stack), the source
  for its description and logs, each of its benchmark results (score per
  :mod:`hwkg.importers.scoring`, division, category, method, date, software version) and
  the conflicting claims where the system file and the logs disagree;
- ``stacks/<stack>-<version>.ttl`` for software versions of stacks the graph has.

A system whose accelerator (or, with no accelerator, host CPU) matches no chip is rejected
with its results; an unmatched host CPU beside a matched accelerator is left out of the
bill of materials and named in the system's note and the report.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from rdflib import Graph

from hwkg.importers import terms as t
from hwkg.importers.mlperf_systems import (
    REPO_URL,
    ROUND,
    InputError,
    Lookup,
    System,
    link_system,
    read_system,
    slug,
    system_blocks,
    version_output,
)
from hwkg.importers.report import Progress, Report
from hwkg.importers.scoring import LogError, Run, read_run, score
from hwkg.importers.writer import Output

BENCHMARKS: dict[str, tuple[str, str]] = {
    "resnet": ("ResNet-50", "image classification, ResNet-50 v1.5 on ImageNet"),
    "bert": ("BERT", "NLP, BERT-large on Wikipedia 2020/01/01"),
    "ssd": ("RetinaNet", "light-weight object detection, RetinaNet on an Open Images subset"),
    "maskrcnn": ("Mask R-CNN", "heavy-weight object detection, Mask R-CNN on COCO"),
    "rnnt": ("RNN-T", "speech recognition, RNN-T on LibriSpeech"),
    "unet3d": ("3D U-Net", "medical image segmentation, 3D U-Net on KiTS19"),
    "dlrm_dcnv2": ("DLRM-dcnv2", "recommendation, DLRM-dcnv2 on Criteo 4TB multi-hot"),
    "gpt3": ("GPT-3", "large language model, GPT-3 175B on C4"),
}

#: a system file's or log's status -> the MLPerf category it means.



CATEGORY: dict[str, str] = {
    "available": "hw:Available", "onprem": "hw:Available", "cloud": "hw:Available",
    "available on-premise": "hw:Available", "available cloud": "hw:Available",
    "preview": "hw:Preview", "research": "hw:Research", "rdi": "hw:Research",
}



DIVISION = {"closed": "hw:Closed", "open": "hw:Open"}



def read_results(folder: Path) -> list[Run]:
    files = sorted(folder.glob("result_*.txt"),
                   key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    return [read_run(p) for p in files]



def _claim(iri: str, label: str, quote: str, result: str, source: str) -> t.Block:
    return (t.Block(iri).add("a", "hw:Claim").add("rdfs:label", t.text(label, "en"))
            .add("hw:claimedBy", source).add("hw:about", result)
            .add("hw:quote", t.text(quote)).add("prov:wasDerivedFrom", source))



def _agrees(declared: str, logged: str, meaning: dict[str, str]) -> bool:
    """Same value, or the same category where one side is the generic 'available'."""
    a, b = declared.lower(), logged.lower()
    generic = {"available", "available on-premise"}
    return a == b or (meaning.get(a) == meaning.get(b) is not None and bool({a, b} & generic))



def _conflict(system: System, bench: str, runs: list[Run], result: str,
              source: str) -> tuple[list[t.Block], str | None]:
    """Claims where the system file and the logs disagree (status or division)."""
    blocks: list[t.Block] = []
    notes = []
    who = f"{system.submitter} {system.name}, {bench}"
    base = f"claim:{slug(result.split(':', 1)[1])}"
    for name, key, meaning in (("status", "submission_status", CATEGORY),
                               ("division", "submission_division", DIVISION)):
        declared = system.text(name)
        logged = Counter(str(r.events.get(key, "")).strip() for r in runs)
        disagree = [(v, n) for v, n in sorted(logged.items())
                    if v and not _agrees(declared, v, meaning)]
        if not disagree:
            continue
        blocks.append(_claim(f"{base}-{name}-system", f"{who}: the system description gives "
                             f"{name} '{declared}'", f'"{name}": "{declared}"', result, source))
        for value, n in disagree:
            blocks.append(_claim(f"{base}-{name}-logs-{slug(value)}", f"{who}: result logs "
                                 f"give {key} '{value}'", f"{key}: {value} ({n} of {len(runs)} "
                                 "result logs)", result, source))
            notes.append(f"the system description says {name} '{declared}' but {n} of "
                         f"{len(runs)} result logs say {key} '{value}'")
    if not notes:
        return blocks, None
    return blocks, ("The source disagrees with itself: " + "; ".join(notes) + ". The "
                    "division and category here follow the system description, as MLCommons' "
                    "result summarizer does; both claims are kept.")



def result_blocks(system: System, bench: str, runs: list[Run],
                  report: Report) -> list[t.Block]:
    """The result (and any conflict claims) of one benchmark of one system."""
    logged = {str(r.events.get("submission_benchmark", bench)) for r in runs}
    if logged != {bench}:
        raise InputError(f"the logs name benchmark {sorted(logged)}, the folder {bench!r}")
    computed = score(bench, runs)
    result = f"result:{system.slug}-{slug(bench)}"
    category = CATEGORY.get(system.text("status").lower())
    division = DIVISION.get(system.text("division").lower())
    if category is None or division is None:
        raise InputError(f"{system.path}: status {system.text('status')!r} or division "
                         f"{system.text('division')!r} is not an MLPerf value")
    claims, note = _conflict(system, bench, runs, result, system.source)
    block = (t.Block(result).add("a", "hw:BenchmarkResult")
             .add("rdfs:label", t.text(f"MLPerf Training v3.0 {BENCHMARKS[bench][0]}: "
                                       f"{system.submitter} {system.name}", "en"))
             .add("hw:system", system.iri).add("hw:benchmark", f"bench:{ROUND}-{slug(bench)}")
             .add("hw:result", t.Node().add("a", "hw:Statement")
                  .add("hw:value", t.number(computed.minutes)).add("hw:unit", "unit:MIN")
                  .add("hw:rank", "hw:PreferredRank").add("prov:wasDerivedFrom", system.source))
             .add("hw:division", division).add("hw:category", category)
             .add("hw:method", t.text(computed.method))
             .add("hw:resultTime", t.day(computed.last_stop))
             .add("hw:softwareVersion", *[v[0] for v in system.versions])
             .add("prov:wasDerivedFrom", system.source))
    if note:
        block.add("hw:note", t.text(note))
        report.conflicting.append(result)
    return [block, *claims]



def round_outputs(retrieved: date, source: str = f"src:{ROUND}") -> list[Output]:
    """The round's and the rules' sources and the eight benchmarks."""
    repo = (t.Block(f"src:{ROUND}").add("a", "hw:Source")
            .add("rdfs:label", t.text("MLPerf Training v3.0 results repository", "en"))
            .add("dcterms:title", t.text("mlcommons/training_results_v3.0 (commit 63e326c)"))
            .add("schema:url", t.uri(REPO_URL)).add("dcterms:publisher", t.text("MLCommons"))
            .add("hw:retrieved", t.day(retrieved)).add("hw:sourceKind", "hw:PrimarySource"))
    rules = (t.Block("src:mlperf-training-rules").add("a", "hw:Source")
             .add("rdfs:label", t.text("MLPerf Training rules", "en"))
             .add("dcterms:title", t.text("MLPerf Training Rules (training_rules.adoc), "
                                          "section Benchmark Results"))
             .add("schema:url", t.uri("https://github.com/mlcommons/training_policies/blob/"
                                      "master/training_rules.adoc"))
             .add("dcterms:publisher", t.text("MLCommons"))
             .add("hw:retrieved", t.day(retrieved)).add("hw:sourceKind", "hw:PrimarySource"))
    outputs = [Output("sources/mlperf-training-rules.ttl", t.render([rules], "The rules MLPerf "
                      "Training scores are formed by (hwkg import mlperf)."))]
    if source == f"src:{ROUND}":  # no contributor described the repository yet
        outputs.append(Output(f"sources/{ROUND}.ttl", t.render(
            [repo], "The MLPerf Training v3.0 results repository (hwkg import mlperf).")))
    for bench, (label, task) in BENCHMARKS.items():
        block = (t.Block(f"bench:{ROUND}-{slug(bench)}").add("a", "hw:Benchmark")
                 .add("rdfs:label", t.text(f"MLPerf Training v3.0 {label} time-to-train", "en"))
                 .add("hw:note", t.text(f"Closed-division task: {task}. Score: minutes to "
                                        "train to the quality target (olympic mean of the "
                                        "required runs)."))
                 .add("hw:metricUnit", "unit:MIN").add("hw:lowerIsBetter", t.boolean(True))
                 .add("prov:wasDerivedFrom", source, "src:mlperf-training-rules"))
        outputs.append(Output(f"benchmarks/{ROUND}-{slug(bench)}.ttl", t.render([block])))
    return outputs



def _system_output(path: Path, root: Path, lookup: Lookup, report: Report,
                   progress: Progress, versions: dict[str, Output]) -> Output | None:
    try:
        system = read_system(path)
        link_system(system, lookup, report)
    except InputError as exc:
        report.reject(str(path.relative_to(root)), str(exc).replace(f"{path}: ", ""))
        for _ in _benchmark_dirs(path):
            progress.step()
        return None
    blocks = system_blocks(system, lookup)
    for folder in _benchmark_dirs(path):
        progress.step(f"{system.name}/{folder.name}")
        try:
            blocks += result_blocks(system, folder.name, read_results(folder), report)
        except (InputError, LogError, ValueError) as exc:
            report.reject(str(folder.relative_to(root)), str(exc))
    for iri, stack, version, name in system.versions:
        if lookup.writes_version(iri):
            versions[iri] = version_output(iri, stack, version, name, lookup.round_source)
    return Output(f"systems/{system.slug}.ttl", t.render(
        blocks, f"{system.submitter} {system.name}: MLPerf Training v3.0 system, its results "
        f"and conflicting claims (generated by hwkg import mlperf from {system.path.name})."))



def _benchmark_dirs(system_file: Path) -> list[Path]:
    folder = system_file.parent.parent / "results" / system_file.stem
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []



def system_files(root: Path) -> list[Path]:
    return sorted(root.glob("*/systems/*.json"))



def import_round(root: Path, graph: Graph, graph_dir: Path, report: Report,
                 retrieved: date) -> list[Output]:
    """Every output file for the round under ``root``; problems go to ``report``."""
    lookup = Lookup.of(graph, retrieved, graph_dir)
    files = system_files(root)
    if not files:
        raise InputError(f"{root}: no <submitter>/systems/*.json here (not an MLPerf results "
                         "repository)")
    for results in sorted(root.glob("*/results/*")):
        if results.is_dir() and not (results.parent.parent / "systems"
                                     / f"{results.name}.json").exists():
            report.reject(str(results.relative_to(root)), "no system description "
                          f"systems/{results.name}.json for these results")
    progress = Progress("mlperf results", sum(len(_benchmark_dirs(f)) for f in files))
    outputs = round_outputs(retrieved, lookup.round_source)
    versions: dict[str, Output] = {}
    for path in files:
        output = _system_output(path, root, lookup, report, progress, versions)
        if output is not None:
            outputs.append(output)
    return outputs + [versions[k] for k in sorted(versions)]
