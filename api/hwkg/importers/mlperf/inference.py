"""An MLPerf Inference results table (``summary_results.json``) as systems and results.

One result per row: a system, a model with its accuracy target (``llama2-70b-99.9`` is
benchmark ``llama2-70b`` at 99.9 % of the reference accuracy), a scenario (which sets
the metric: tokens/s, samples/s, queries/s, or latency in ms), the division (closed or
open: never comparable) and the availability (available, preview, RDI). The system comes
from ``<division>/<submitter>/systems/<system>.json`` beside the table (accelerators and
their count, host CPUs, software, :mod:`.systems`); the result's source is that
submission's folder in the results repository. The value is the table's, unchanged.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from hwkg.importers import terms as t
from hwkg.importers.mlperf.graphdata import Lookup
from hwkg.importers.mlperf.rounds import Round
from hwkg.importers.mlperf.shared import (
    benchmark_iri,
    organization_outputs,
    round_outputs,
    version_outputs,
)
from hwkg.importers.mlperf.systems import (
    InputError,
    System,
    link_system,
    read_system,
    slug,
    system_blocks,
)
from hwkg.importers.report import Progress, Report
from hwkg.importers.writer import Output

UNITS = {"tokens/s": "hwunit:TOKEN-PER-SEC", "samples/s": "hwunit:SAMPLE-PER-SEC",
         "queries/s": "hwunit:QUERY-PER-SEC", "latency (ms)": "unit:MilliSEC"}
SCENARIOS = {"offline": "hw:Offline", "server": "hw:Server", "interactive": "hw:Interactive",
             "singlestream": "hw:SingleStream", "multistream": "hw:MultiStream"}
AVAILABILITY = {"available": "hw:Available", "preview": "hw:Preview", "rdi": "hw:Research"}
DIVISION = {"closed": "hw:Closed", "open": "hw:Open"}
_TARGET = re.compile(r"^(.+)-(99(?:\.9)?)$")


def model_and_target(model: str) -> tuple[str, Decimal | None]:
    """``llama2-70b-99.9`` → (``llama2-70b``, 99.9); a model with no suffix has no target."""
    match = _TARGET.match(model)
    return (match.group(1), Decimal(match.group(2))) if match else (model, None)


def _field(row: dict[str, Any], key: str, table: dict[str, str]) -> str:
    value = str(row.get(key, "")).strip()
    if value.lower() not in table:
        raise InputError(f"{key} {value!r} is not one of {', '.join(sorted(table))}")
    return table[value.lower()]


def _value(row: dict[str, Any]) -> Decimal:
    try:
        value = Decimal(str(row["Performance_Result"]))
    except (KeyError, InvalidOperation):
        raise InputError(f"Performance_Result {row.get('Performance_Result')!r} is not a "
                         "number") from None
    if not value.is_finite() or value <= 0:
        raise InputError(f"Performance_Result {value} is not a positive number")
    return value


class Inference:
    """One inference round's import from its results table and system descriptions."""

    def __init__(self, root: Path, rnd: Round, lookup: Lookup, report: Report) -> None:
        self.root, self.rnd, self.lookup, self.report = root, rnd, lookup, report
        self.stubs: dict[str, Output] = {}

    def rows(self) -> list[dict[str, Any]]:
        rows = json.loads((self.root / "summary_results.json").read_text(encoding="utf-8"))
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(f"{self.root}/summary_results.json: not a list of result rows")
        return rows

    def reject(self, item: str, reason: str, kind: str) -> None:
        self.report.reject(item, reason, kind, self.rnd.label)

    def result_block(self, system: System, row: dict[str, Any]) -> t.Block:
        """One row as a result of ``system``; InputError naming what is wrong."""
        model = str(row.get("Model", "")).strip()
        bid, target = model_and_target(model)
        scenario = _field(row, "Scenario", SCENARIOS)
        unit = _field(row, "Performance_Units", UNITS)
        bench = benchmark_iri(self.rnd, bid, self.lookup, self.report, self.stubs, unit,
                              unit == "unit:MilliSEC")
        suite = str(row.get("Suite", "")).strip()
        used = str(row.get("UsedModel") or model)
        shown = model if used == model else f"{model} (open division: {used})"
        label = (f"{self.rnd.label} {shown} {row.get('Scenario')} ({suite}, "
                 f"{row.get('Category')}): {system.title}")
        method = (f"{self.rnd.label} {row.get('Scenario')} result as MLCommons' results table "
                  f"(summary_results.json, row {row.get('ID')}) publishes it: "
                  f"{row.get('Performance_Units')}; model run: {used}; {suite} suite; "
                  "accuracy reached: "
                  f"{row.get('Accuracy') or 'not stated'}; software: "
                  f"{row.get('Software') or 'not stated'}")
        folder = str(row.get("Location", "")).rstrip("/").split("/")[-2:-1] or [model]
        return (t.Block(f"result:{system.slug}-{slug(folder[0])}-{slug(str(row['Scenario']))}")
                .add("a", "hw:BenchmarkResult").add("rdfs:label", t.text(label, "en"))
                .add("hw:system", system.iri).add("hw:benchmark", bench)
                .add("hw:round", self.rnd.iri).add("hw:scenario", scenario)
                .add("hw:accuracyTarget", *([t.number(target)] if target else []))
                .add("hw:result", t.Node().add("a", "hw:Statement")
                     .add("hw:value", t.number(_value(row))).add("hw:unit", unit)
                     .add("hw:rank", "hw:PreferredRank")
                     .add("prov:wasDerivedFrom", system.source))
                .add("hw:division", _field(row, "Category", DIVISION))
                .add("hw:category", _field(row, "Availability", AVAILABILITY))
                .add("hw:method", t.text(method))
                .add("hw:softwareVersion", *[v[0] for v in system.versions])
                .add("prov:wasDerivedFrom", system.source))

    def system(self, location: str) -> System:
        parts = location.split("/")
        if len(parts) < 4 or parts[2] != "results":
            raise InputError(f"Location {location!r} is not <division>/<submitter>/results/"
                             "<system>/…")
        division, folder, name = parts[0], parts[1], parts[3]
        path = self.root / division / folder / "systems" / f"{name}.json"
        system = read_system(path, self.rnd, folder, division)
        link_system(system, self.lookup, self.report)
        return system

    def grouped(self) -> dict[str, list[dict[str, Any]]]:
        by_system: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows():
            location = str(row.get("Location", ""))
            by_system["/".join(location.split("/")[:4])].append(row)
        return by_system

    def system_output(self, where: str, rows: list[dict[str, Any]],
                      progress: Progress) -> tuple[Output, System] | None:
        try:
            system = self.system(where + "/")
        except InputError as exc:
            self.reject(where, str(exc), "system")
            for row in rows:
                self.reject(str(row.get("Location")), "its system was rejected", "result")
                progress.step()
            return None
        blocks, seen = system_blocks(system, self.lookup), set()
        for row in rows:
            progress.step(str(row.get("Location", ""))[-40:])
            try:
                block = self.result_block(system, row)
            except InputError as exc:
                self.reject(str(row.get("Location")), str(exc), "result")
                continue
            if block.subject in seen:
                self.reject(str(row.get("Location")), f"a second row for {block.subject}",
                            "result")
                continue
            seen.add(block.subject)
            blocks.append(block)
        described = where.replace("/results/", "/systems/")
        return Output(f"systems/{system.slug}.ttl", t.render(
            blocks, f"{system.title}: {self.rnd.label} system and its results (generated by "
            f"hwkg import mlperf from summary_results.json and {described}.json)."),
            group=self.rnd.label), system

    def outputs(self) -> list[Output]:
        grouped = self.grouped()
        progress = Progress(self.rnd.label, sum(len(r) for r in grouped.values()))
        outputs = round_outputs(self.rnd, self.lookup)
        systems = []
        for where in sorted(grouped):
            done = self.system_output(where, grouped[where], progress)
            if done is not None:
                outputs.append(done[0])
                systems.append(done[1])
        return (outputs + organization_outputs(systems, self.lookup, self.rnd)
                + version_outputs(systems, self.lookup, self.rnd)
                + [self.stubs[k] for k in sorted(self.stubs)])
