"""``hwkg import measured FILE…``: probe measurements (JSON) as results of a one-chip system.

A measured file (``shared/data/measured/*.json``, or what ``hwkg probe --json`` writes)
holds ``measured_at``, the device name and ``figures`` (each ``value``, ``unit``,
``method``). It becomes, under the graph folder:

- ``systems/measured-<chip>-<date>.ttl``: the system (one chip, matched by
  :mod:`hwkg.importers.matching` from the device name), the file as its source, and one
  result per figure (category ``hw:Measured``, the file's method and date);
- ``benchmarks/probe-<figure>.ttl``: the probe benchmarks, each saying which datasheet
  figure it measures (``hw:measures hw:computeBF16`` …) so measured ÷ datasheet can be
  computed; ``sources/hwkg-probe.ttl``: the source defining them;
- ``evidence/measured/<file name>``: the measured file itself, byte for byte (and the
  ``SOURCE.md`` beside it, if there is one), so the source cites a copy the graph ships:
  its URL is :data:`EVIDENCE_BASE` + the file name, in the project's own IRI space, and its
  title keeps the original file name. The loader reads only ``*.ttl``, so these stay data.

The figure names and units this knows are :data:`FIGURES` and :data:`UNITS`; any other
is rejected with its name, never guessed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef

from hwkg.core.namespaces import HW, ID, PROV
from hwkg.importers import terms as t
from hwkg.importers.matching import Index
from hwkg.importers.report import Report
from hwkg.importers.writer import Output, generated


@dataclass(frozen=True)
class Figure:
    """A probe benchmark: its slug, label, the datasheet figure it measures, its unit."""

    slug: str
    label: str
    measures: str | None
    unit: str


FIGURES: dict[str, Figure] = {
    "memory_copy_bandwidth": Figure("probe-memory-copy-bandwidth", "memory copy bandwidth "
                                    "(bytes read + written per second)", "hw:memoryBandwidth",
                                    "unit:GigaBYTE-PER-SEC"),
    "host_to_device_bandwidth": Figure("probe-host-to-device-bandwidth", "host-to-device copy "
                                       "bandwidth", None, "unit:GigaBYTE-PER-SEC"),
    "device_to_host_bandwidth": Figure("probe-device-to-host-bandwidth", "device-to-host copy "
                                       "bandwidth", None, "unit:GigaBYTE-PER-SEC"),
    "gemm_fp64": Figure("probe-matmul-fp64", "FP64 dense matrix-product throughput",
                        "hw:computeFP64", "unit:TeraFLOPS"),
    "gemm_fp32": Figure("probe-matmul-fp32", "FP32 dense matrix-product throughput",
                        "hw:computeFP32", "unit:TeraFLOPS"),
    "gemm_tf32": Figure("probe-matmul-tf32", "TF32 dense matrix-product throughput",
                        "hw:computeTF32", "unit:TeraFLOPS"),
    "gemm_fp16": Figure("probe-matmul-fp16", "FP16 dense matrix-product throughput",
                        "hw:computeFP16", "unit:TeraFLOPS"),
    "gemm_bf16": Figure("probe-matmul-bf16", "BF16 dense matrix-product throughput",
                        "hw:computeBF16", "unit:TeraFLOPS"),
    "gemm_fp8_e4m3": Figure("probe-matmul-fp8", "FP8 (E4M3) dense matrix-product throughput",
                            "hw:computeFP8", "unit:TeraFLOPS"),
    "transformer_train_step": Figure("probe-transformer-train-step", "transformer training-"
                                     "step throughput (tokens per second)", None,
                                     "hwunit:TOKEN-PER-SEC"),
}

#: unit as the files write it -> unit IRI (ontology/units.ttl).
UNITS: dict[str, str] = {
    "TB/s": "hwunit:TeraBYTE-PER-SEC", "GB/s": "unit:GigaBYTE-PER-SEC",
    "MB/s": "unit:MegaBYTE-PER-SEC", "TFLOP/s": "unit:TeraFLOPS", "GFLOP/s": "unit:GigaFLOPS",
    "tokens/s": "hwunit:TOKEN-PER-SEC",
}

PROBE_SOURCE = "src:hwkg-probe"
#: Where an imported measured file is kept, under the graph folder, and the IRI it has there.
EVIDENCE_DIR = "evidence/measured"
EVIDENCE_BASE = "https://w3id.org/hwkg/evidence/measured/"
#: When the probe benchmarks were defined: fixed, so every writer of the source agrees.
PROBE_DEFINED = date(2026, 11, 28)


class MeasuredError(ValueError):
    """A measured file (or one figure in it) that cannot be imported, and why."""


def probe_source_block(retrieved: date = PROBE_DEFINED) -> t.Block:
    return (t.Block(PROBE_SOURCE).add("a", "hw:Source")
             .add("rdfs:label", t.text("hwkg probe benchmarks", "en"))
             .add("dcterms:title", t.text("hwkg probe: the measurement benchmarks hwkg defines "
                                          "(hwkg.importers.probe, hwkg.importers.measured)"))
             .add("schema:url", t.uri("https://w3id.org/hwkg/"))
             .add("dcterms:publisher", t.text("hwkg"))
             .add("hw:retrieved", t.day(retrieved)).add("hw:sourceKind", "hw:PrimarySource"))


def probe_source_output() -> Output:
    return Output("sources/hwkg-probe.ttl", t.render([probe_source_block()], "The source of "
                  "the probe benchmark definitions."))


def benchmark_block(figure: Figure) -> t.Block:
    block = (t.Block(f"bench:{figure.slug}").add("a", "hw:Benchmark")
             .add("rdfs:label", t.text(f"probe: {figure.label}", "en"))
             .add("hw:metricUnit", figure.unit).add("hw:lowerIsBetter", t.boolean(False)))
    if figure.measures:
        block.add("hw:measures", figure.measures)
    return block.add("prov:wasDerivedFrom", PROBE_SOURCE)


def benchmark_output(figure: Figure) -> Output:
    return Output(f"benchmarks/{figure.slug}.ttl", t.render([benchmark_block(figure)]))


def decimal_of(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MeasuredError(f"{where}: value {value!r} is not a number")
    if value <= 0:
        raise MeasuredError(f"{where}: value {value!r} is not positive")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


@dataclass
class Measurement:
    """One figure ready to write: which benchmark, value, unit, method."""

    key: str
    figure: Figure
    value: Decimal
    unit: str
    method: str


def measurement(key: str, raw: object, where: str) -> Measurement:
    """Check one figure of a measured file; raises MeasuredError naming what is wrong."""
    figure = FIGURES.get(key)
    if figure is None:
        raise MeasuredError(f"{where}: figure {key!r} is not a probe benchmark hwkg knows "
                            f"({', '.join(FIGURES)})")
    if not isinstance(raw, dict):
        raise MeasuredError(f"{where}: figure {key!r} is not an object with value/unit/method")
    unit = UNITS.get(str(raw.get("unit")))
    if unit is None:
        raise MeasuredError(f"{where}: figure {key!r} has unit {raw.get('unit')!r}, which "
                            f"hwkg does not know (known: {', '.join(UNITS)})")
    method = raw.get("method")
    if not isinstance(method, str) or len(method.strip()) < 10:
        raise MeasuredError(f"{where}: figure {key!r} has no method saying how it was measured")
    return Measurement(key, figure, decimal_of(raw.get("value"), f"{where} {key}"), unit,
                       method.strip())


def result_blocks(system: str, source: str, when: date,
                  items: list[Measurement], versions: list[str]) -> list[t.Block]:
    """One hw:BenchmarkResult per measurement, on ``system``, from ``source``."""
    blocks = []
    local = system.split(":", 1)[1]
    for item in items:
        blocks.append(
            t.Block(f"result:{local}-{item.figure.slug.removeprefix('probe-')}")
            .add("a", "hw:BenchmarkResult")
            .add("rdfs:label", t.text(f"{item.figure.label}, {local}", "en"))
            .add("hw:system", system).add("hw:benchmark", f"bench:{item.figure.slug}")
            .add("hw:result", t.Node().add("a", "hw:Statement")
                 .add("hw:value", t.number(item.value)).add("hw:unit", item.unit)
                 .add("hw:rank", "hw:PreferredRank").add("prov:wasDerivedFrom", source))
            .add("hw:category", "hw:Measured").add("hw:method", t.text(item.method))
            .add("hw:resultTime", t.day(when)).add("hw:softwareVersion", *versions)
            .add("prov:wasDerivedFrom", source))
    return blocks


def system_block(system: str, label: str, chip: URIRef, count: int, role: str, note: str,
                 source: str, stacks: list[str]) -> t.Block:
    component = (t.Node().add("a", "hw:Component").add("hw:componentChip", t.iri(str(chip)))
                 .add("hw:count", t.number(count)).add("hw:role", role))
    return (t.Block(system).add("a", "hw:System").add("rdfs:label", t.text(label, "en"))
            .add("hw:component", component).add("hw:softwareStack", *stacks)
            .add("hw:note", t.text(note)).add("prov:wasDerivedFrom", source))


def _measured_at(data: dict[str, object], where: str) -> datetime:
    try:
        return datetime.fromisoformat(str(data["measured_at"]))
    except (KeyError, ValueError) as exc:
        raise MeasuredError(f"{where}: no ISO 8601 'measured_at' ({exc})") from None


def _device_name(data: dict[str, object]) -> str:
    for key in ("device", "nvidia_smi"):
        part = data.get(key)
        if isinstance(part, dict) and isinstance(part.get("name"), str):
            return str(part["name"])
    return ""


def _note(data: dict[str, object]) -> str:
    parts = []
    for key in ("host", "nvidia_smi", "device", "smi_after"):
        part = data.get(key)
        if isinstance(part, dict):
            parts.append(f"{key}: " + ", ".join(f"{k} {v}" for k, v in part.items()))
    return "Measurement machine as the file describes it: " + "; ".join(parts) + "."


def cuda_version(data: dict[str, object], stacks: Index) -> tuple[list[str], t.Block | None]:
    """``(softwareVersion IRIs, StackVersion block)`` for the CUDA version the file names."""
    host = data.get("host")
    version = host.get("cuda") if isinstance(host, dict) else None
    stack = stacks.slugs.get("cuda")
    if not isinstance(version, str) or stack is None or not re.fullmatch(r"[\d.]+", version):
        return [], None
    local = f"cuda-{version.replace('.', '-')}"
    block = (t.Block(f"stackver:{local}").add("a", "hw:StackVersion")
             .add("rdfs:label", t.text(f"CUDA {version}", "en"), t.text(f"CUDA {version}", "zh"))
             .add("hw:stack", "stack:cuda")
             .add("hw:versionString", t.text(version)).add("prov:wasDerivedFrom", PROBE_SOURCE))
    return [f"stackver:{local}"], block


@dataclass
class Parts:
    """What one measurement run becomes: its blocks, the benchmarks and a stack version."""

    system: str
    blocks: list[t.Block]
    figures: list[Figure]
    version: t.Block | None


def parts(data: dict[str, object], where: str, chip: URIRef, source: str, url: str,
          retrieved: date, stacks: Index, report: Report, file_name: str = "") -> Parts:
    """System, source and results of a measured run (shared by the importer and the probe).

    ``file_name``, when given, is the measured file's original name, kept in the title."""
    when = _measured_at(data, where)
    name = _device_name(data) or str(chip).rsplit("/", 1)[-1]
    figures = data.get("figures")
    if not isinstance(figures, dict):
        raise MeasuredError(f"{where}: no 'figures' object")
    items = []
    for key, raw in figures.items():
        try:
            items.append(measurement(key, raw, where))
        except MeasuredError as exc:
            report.reject(f"{where} {key}", str(exc).removeprefix(f"{where}: "))
    chip_slug = str(chip).rsplit("/", 1)[-1]
    system = f"sys:measured-{chip_slug.split('-', 1)[-1]}-{when.date().isoformat()}"
    if isinstance(data.get("system_slug"), str):
        system = f"sys:{data['system_slug']}"
    versions, version_file = cuda_version(data, stacks)
    src = (t.Block(source).add("a", "hw:Source")
           .add("rdfs:label", t.text(f"measurement run {source.split(':', 1)[1]}", "en"))
           .add("dcterms:title", t.text(f"Probe measurements on {name}, {data['measured_at']}"
                                        + (f" (file {file_name})" if file_name else "")))
           .add("schema:url", t.uri(url)).add("dcterms:date", t.day(when.date()))
           .add("hw:retrieved", t.day(retrieved)).add("hw:sourceKind", "hw:PrimarySource"))
    label = f"Measurement machine with {name} ({when.date().isoformat()})"
    count = int(str(data.get("chip_count", 1)))
    role = str(data.get("chip_role", "hw:AcceleratorRole"))
    blocks = [system_block(system, label, chip, count, role, _note(data), source,
                           ["stack:cuda"] if versions else []),
              src, *result_blocks(system, source, when.date(), items, versions)]
    return Parts(system, blocks, [i.figure for i in items], version_file)


def import_file(path: Path, graph: Graph, report: Report, graph_dir: Path) -> list[Output]:
    """Outputs for one measured file; raises MeasuredError (file-level) and rejects figures."""
    where = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MeasuredError(f"{where}: not a readable JSON measured file ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("figures"), dict):
        raise MeasuredError(f"{where}: no 'figures' object")
    name = _device_name(data)
    chip = Index.build(graph, "chip").match(name) if name else None
    if chip is None:
        report.unmatched[name or "(no device name)"] += 1
        raise MeasuredError(f"{where}: device {name!r} matches no chip in the graph "
                            "(rule: hwkg.importers.matching)")
    source = f"src:measured-{re.sub(r'[^a-z0-9.]+', '-', path.stem.lower())}"
    retrieved = _retrieved(graph, source) or datetime.fromtimestamp(path.stat().st_mtime,
                                                                    UTC).date()
    made = parts(data, where, chip, source, EVIDENCE_BASE + quote(path.name), retrieved,
                 Index.build(graph, "stack"), report, file_name=path.name)
    system_path = f"systems/{made.system.split(':', 1)[1]}.ttl"
    _not_another_run(graph, made.system, source, where)
    outputs = [Output(system_path, t.render(
        made.blocks, f"Measured on {name} at {data['measured_at']} (hwkg import measured "
        f"{path.name}).")), *evidence_outputs(path, raw, graph_dir, report)]
    for output in outputs[1:]:
        _not_another_file(graph_dir / output.path, output.text, where)
    # A benchmark already described is kept as it is: its file may carry what an editor
    # added since (the model's size, its precision), which a rewrite would drop.
    outputs += [benchmark_output(f) for f in made.figures
                if not (graph_dir / f"benchmarks/{f.slug}.ttl").exists()]
    if made.version is not None:
        version = Output(f"stacks/{made.version.subject.split(':', 1)[1]}.ttl",
                         t.render([made.version], f"A CUDA version named in {path.name} "
                                  "(hwkg import measured)."))
        if _writes(version, graph, graph_dir):
            outputs.append(version)
    return outputs


def _retrieved(graph: Graph, source: str) -> date | None:
    """When the run's source was first retrieved, if the graph has it already: importing the
    same file again (from a fresh copy, whose modification time is today) changes nothing."""
    found = graph.value(ID[f"source/{source.split(':', 1)[1]}"], HW.retrieved)
    value = found.toPython() if isinstance(found, Literal) else None
    return value if isinstance(value, date) else None


def _not_another_run(graph: Graph, system: str, source: str, where: str) -> None:
    """MeasuredError when the graph already has ``system`` from another run's source: a
    second run of the same chip on the same day would replace the first, its results and
    source."""
    local = system.split(":", 1)[1]
    earlier = set(graph.objects(ID[f"system/{local}"], PROV.wasDerivedFrom))
    if earlier and ID[f"source/{source.split(':', 1)[1]}"] not in earlier:
        raise MeasuredError(
            f"{where}: {system} (graph/systems/{local}.ttl) already holds another measured "
            "run of this chip on this day, from another file; give this run its own system "
            "with a \"system_slug\" field in the file (e.g. the day and time), or remove that "
            "run first")


def _not_another_file(existing: Path, text: str, where: str) -> None:
    """MeasuredError when the published evidence file ``existing`` has other content: a
    different file of the same name would replace what earlier results cite."""
    if existing.is_file() and existing.read_text(encoding="utf-8") != text:
        raise MeasuredError(
            f"{where}: graph/{EVIDENCE_DIR}/{existing.name} is already published with other "
            "content (earlier results cite it); rename the file")


def evidence_outputs(path: Path, raw: str, graph_dir: Path | None = None,
                     report: Report | None = None) -> list[Output]:
    """The measured file (and a ``SOURCE.md`` beside it) as shipped evidence, unchanged. A
    published ``SOURCE.md`` with other notes (it describes the files published before) is
    kept, with a warning to merge the notes by hand."""
    outputs = [Output(f"{EVIDENCE_DIR}/{path.name}", raw)]
    notes = path.parent / "SOURCE.md"
    if not notes.is_file():
        return outputs
    text = notes.read_text(encoding="utf-8")
    published = graph_dir / EVIDENCE_DIR / "SOURCE.md" if graph_dir is not None else None
    if published is not None and published.is_file() and \
            published.read_text(encoding="utf-8") != text:
        if report is not None:
            report.warn(f"graph/{EVIDENCE_DIR}/SOURCE.md is kept: it differs from {notes}, "
                        "whose notes about the new file should be merged into it by hand")
        return outputs
    outputs.append(Output(f"{EVIDENCE_DIR}/SOURCE.md", text))
    return outputs


def _writes(output: Output, graph: Graph, graph_dir: Path) -> bool:
    """False when a file no importer wrote already describes the entity (it is reused)."""
    local = Path(output.path).stem
    known = Index.build(graph, "stack-version").slugs
    return local not in known or generated(graph_dir / output.path)


def import_files(paths: list[Path], graph: Graph, report: Report,
                 graph_dir: Path) -> list[Output]:
    """Outputs for every measured file; a file that cannot be read is rejected whole."""
    outputs: dict[str, Output] = {}
    for path in paths:
        try:
            for output in import_file(path, graph, report, graph_dir):
                outputs[output.path] = output
        except MeasuredError as exc:
            report.reject(str(path), str(exc).removeprefix(f"{path}: "))
    if outputs:
        source = probe_source_output()
        outputs[source.path] = source
    return [outputs[k] for k in sorted(outputs)]
