"""An MLPerf Training results tree (``<submitter>/systems``, ``<submitter>/results``) as files.

Generates, under the graph folder, for the round ``rnd``:

- ``systems/<round>-<submitter>-<system>.ttl``, one file per system: the system
  (:mod:`.systems`), the source for its description and logs, each of its benchmark
  results (official score, :mod:`.scoring`; division, category, method, date, software
  versions, round) and the claims where the system file and its logs disagree;
- what :mod:`.shared` adds where the graph lacks it (round, organisations, versions,
  a benchmark first seen in this round).

System IRIs are ``sys:<round>-<submitter>-<system>`` (the description's ``submitter``);
where two submitter folders of one organisation (``smc``, ``smc-ac-power``) hold systems
of the same name, those systems are named by folder instead, so none collide.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from hwkg.importers import terms as t
from hwkg.importers.mlperf import scoring
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

#: a system file's or log's status -> the MLPerf category it means.
CATEGORY: dict[str, str] = {
    "available": "hw:Available", "onprem": "hw:Available", "cloud": "hw:Available",
    "available on-premise": "hw:Available", "available cloud": "hw:Available",
    "preview": "hw:Preview", "research": "hw:Research", "rdi": "hw:Research",
}
DIVISION = {"closed": "hw:Closed", "open": "hw:Open"}


def category_of(status: str) -> str | None:
    """The category a status means; any 'Available …' wording (on premise, in cloud) is
    available, as MLCommons' summarizer maps it."""
    text = " ".join(status.lower().split())
    return CATEGORY.get(text) or ("hw:Available" if text.startswith("available") else None)


def _claim(iri: str, label: str, quote: str, result: str, source: str) -> t.Block:
    return (t.Block(iri).add("a", "hw:Claim").add("rdfs:label", t.text(label, "en"))
            .add("hw:claimedBy", source).add("hw:about", result)
            .add("hw:quote", t.text(quote)).add("prov:wasDerivedFrom", source))


def _agrees(declared: str, logged: str, meaning: dict[str, str]) -> bool:
    """Same value, or the same category where one side is the generic 'available'."""
    a, b = " ".join(declared.lower().split()), " ".join(logged.lower().split())
    if meaning is CATEGORY:
        same = category_of(a) == category_of(b) is not None
        return a == b or (same and (a.startswith("available") or b.startswith("available")))
    return a == b


def conflicts(system: System, bench: str, runs: list[scoring.Run], result: str
              ) -> tuple[list[t.Block], str | None]:
    """Claims where the system file and the logs disagree (status or division)."""
    blocks: list[t.Block] = []
    notes = []
    who = f"{system.title}, {bench}"
    base = f"claim:{result.split(':', 1)[1]}"
    for name, key, meaning in (("status", "submission_status", CATEGORY),
                               ("division", "submission_division", DIVISION)):
        declared = system.text(name)
        logged = Counter(str(r.events.get(key, "")).strip() for r in runs)
        disagree = [(v, n) for v, n in sorted(logged.items())
                    if v and not _agrees(declared, v, meaning)]
        if not disagree:
            continue
        blocks.append(_claim(f"{base}-{name}-system", f"{who}: the system description gives "
                             f"{name} '{declared}'", f'"{name}": "{declared}"', result,
                             system.source))
        for value, n in disagree:
            blocks.append(_claim(f"{base}-{name}-logs-{slug(value)}", f"{who}: result logs "
                                 f"give {key} '{value}'", f"{key}: {value} ({n} of {len(runs)} "
                                 "result logs)", result, system.source))
            notes.append(f"the system description says {name} '{declared}' but {n} of "
                         f"{len(runs)} result logs say {key} '{value}'")
    if not notes:
        return blocks, None
    return blocks, ("The source disagrees with itself: " + "; ".join(notes) + ". The "
                    "division and category here follow the system description, as MLCommons' "
                    "result summarizer does; both claims are kept.")


def read_results(folder: Path, ruleset: str, checked: str | None) -> list[scoring.Run]:
    """The runs of one benchmark folder, parsed with ``ruleset`` and checked with the
    compliance rules of ``checked`` (None: the round is newer than mlperf-logging)."""
    files = sorted(folder.glob("result_*.txt"),
                   key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    return [scoring.read_run(p, ruleset, checked) for p in files]


class Training:
    """One training round's import: systems, results and shared entities."""

    def __init__(self, root: Path, rnd: Round, lookup: Lookup, report: Report) -> None:
        self.root, self.rnd, self.lookup, self.report = root, rnd, lookup, report
        self.ruleset = scoring.ruleset_for(rnd.ruleset)
        self.checked = rnd.ruleset if self.ruleset == rnd.ruleset else None
        if self.checked is None:
            report.warn(f"{rnd.label}: {scoring.PACKAGE} has no ruleset {rnd.ruleset}; logs "
                        f"are parsed with {self.ruleset} (the log format is unchanged) and "
                        "runs count by their run_stop status, without its compliance rules "
                        "(a newer mlperf-logging has them)")
        self.stubs: dict[str, Output] = {}

    def missing(self, folder: Path) -> str:
        """Where the copy says why a folder's logs are absent (its MISSING.txt)."""
        listing = self.root / "MISSING.txt"
        where = str(folder.relative_to(self.root)) + "/"
        if listing.is_file() and where in listing.read_text(encoding="utf-8"):
            return " (MISSING.txt lists them as absent from the copy)"
        return ""

    def reject(self, item: Path, reason: str, kind: str) -> None:
        self.report.reject(str(item.relative_to(self.root)), reason, kind, self.rnd.label)

    def result_blocks(self, system: System, folder: Path) -> list[t.Block]:
        """The result (and any conflict claims) of one benchmark folder of one system."""
        bench = folder.name
        runs = read_results(folder, self.ruleset, self.checked)
        if self.checked and not scoring.has_rules(self.checked, bench):
            self.report.warn(f"{self.rnd.label}: {scoring.PACKAGE} has no compliance rules for "
                             f"{bench!r}; its runs count by their run_stop status")
        if not runs:
            raise InputError("no result_*.txt logs in this copy of the folder"
                             f"{self.missing(folder)}; the score cannot be formed")
        logged = {str(r.events.get("submission_benchmark", bench)) for r in runs}
        if logged != {bench}:
            raise InputError(f"the logs name benchmark {sorted(logged)}, the folder {bench!r}")
        category = category_of(system.text("status"))
        division = DIVISION.get(system.text("division").lower())
        if category is None or division is None:
            raise InputError(f"status {system.text('status')!r} or division "
                             f"{system.text('division')!r} is not an MLPerf value")
        computed = scoring.score(self.rnd.label, bench, runs, folder)
        result = f"result:{system.slug}-{slug(bench)}"
        claims, note = conflicts(system, bench, runs, result)
        block = (t.Block(result).add("a", "hw:BenchmarkResult")
                 .add("rdfs:label", t.text(f"{self.rnd.label} {bench}: {system.title}", "en"))
                 .add("hw:system", system.iri)
                 .add("hw:benchmark", benchmark_iri(self.rnd, bench, self.lookup, self.report,
                                                    self.stubs, "unit:MIN", True))
                 .add("hw:round", self.rnd.iri)
                 .add("hw:result", t.Node().add("a", "hw:Statement")
                      .add("hw:value", t.number(computed.minutes)).add("hw:unit", "unit:MIN")
                      .add("hw:rank", "hw:PreferredRank")
                      .add("prov:wasDerivedFrom", system.source))
                 .add("hw:division", division).add("hw:category", category)
                 .add("hw:method", t.text(computed.method))
                 .add("hw:resultTime", t.day(computed.last_stop))
                 .add("hw:softwareVersion", *[v[0] for v in system.versions])
                 .add("hw:note", *([t.text(note)] if note else []))
                 .add("prov:wasDerivedFrom", system.source))
        if note:
            self.report.conflicting.append(result)
        return [block, *claims]

    def system_output(self, system: System, progress: Progress) -> Output | None:
        folders = benchmark_dirs(system.path)
        try:
            link_system(system, self.lookup, self.report)
        except InputError as exc:
            self.reject(system.path, str(exc).replace(f"{system.path}: ", ""), "system")
            for folder in folders:
                self.reject(folder, "its system was rejected", "result")
                progress.step()
            return None
        blocks = system_blocks(system, self.lookup)
        for folder in folders:
            progress.step(f"{system.name}/{folder.name}")
            try:
                blocks += self.result_blocks(system, folder)
            except (InputError, scoring.LogError, ValueError) as exc:
                self.reject(folder, str(exc), "result")
        return Output(f"systems/{system.slug}.ttl", t.render(
            blocks, f"{system.title}: {self.rnd.label} system, its results and conflicting "
            f"claims (generated by hwkg import mlperf from {system.folder}/systems/"
            f"{system.path.name})."), group=self.rnd.label)

    def systems(self) -> list[System]:
        found = []
        for path in sorted(self.root.glob("*/systems/*.json")):
            try:
                found.append(read_system(path, self.rnd, path.parent.parent.name))
            except InputError as exc:
                self.reject(path, str(exc).replace(f"{path}: ", ""), "system")
        return separate(found)

    def outputs(self) -> list[Output]:
        """Every output file for the round; problems go to the report."""
        for results in sorted(self.root.glob("*/results/*")):
            if results.is_dir() and not (results.parent.parent / "systems"
                                         / f"{results.name}.json").exists():
                self.reject(results, f"no system description systems/{results.name}.json for "
                            "these results", "system")
        systems = self.systems()
        progress = Progress(self.rnd.label, sum(len(benchmark_dirs(s.path)) for s in systems))
        outputs = round_outputs(self.rnd, self.lookup)
        linked = []
        for system in systems:
            output = self.system_output(system, progress)
            if output is not None:
                outputs.append(output)
                linked.append(system)
        return (outputs + organization_outputs(linked, self.lookup, self.rnd)
                + version_outputs(linked, self.lookup, self.rnd)
                + [self.stubs[k] for k in sorted(self.stubs)])


def separate(systems: list[System]) -> list[System]:
    """Systems whose IRIs would collide (one organisation's several folders) named by folder."""
    by_key: dict[str, list[System]] = defaultdict(list)
    for system in systems:
        by_key[system.key].append(system)
    for same in by_key.values():
        if len(same) > 1:
            for system in same:
                system.key = slug(f"{system.folder}-{system.name}")
    return systems


def benchmark_dirs(system_file: Path) -> list[Path]:
    folder = system_file.parent.parent / "results" / system_file.stem
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
