"""MLPerf Training scores, formed by MLCommons' own scorer (the ``mlperf-logging`` package).

A benchmark's score is what ``mlperf_logging.result_summarizer`` computes for it:

- each ``result_*.txt`` is parsed by the package's log parser (``mlp_parser.parse_file``)
  and timed by its ``_query_run_start_stop`` (run_stop − run_start, in minutes);
- each run goes through the package's compliance checker (``mlp_compliance``: quality
  target reached, hyper-parameters logged, initialisation within its time limit …); a run
  that fails it or has no ``run_stop`` is dropped and counted, as the summarizer drops it
  (at most 1 may be, 4 for ``unet3d``, else the result is invalid);
- the package's ``_compute_olympic_average`` drops the fastest and the slowest (the
  dropped runs count as the slowest) and averages the rest;
- the package's ``_get_scaling_factor`` reads ``scaling.json`` (the review committee's
  RCP scaling factor), which multiplies the mean.

The staged copies of the results trees lost high-volume progress events (``block_start``,
``epoch_stop``, ``cache_clear`` … see each round's SOURCE.md); the checker's complaints
that name only those events are disregarded, and where the trimming removed a line an
accuracy rule needs (Stable Diffusion's FID), the run's own ``run_stop`` status decides.
On a complete tree neither case arises. The checker parses its YAML rule files once per
import instead of once per log (the same rules; 20× faster).

Only these functions are called. The summarizer's RCP checker (which rewrites or deletes
``scaling.json`` in the tree it reads) and its power scoring (which divides by zero on
some submitters' power logs; time-to-train does not need power) are never run, so the
tree is only read. ``tests/importers/test_mlperf_scoring.py`` compares every stored score with the
package's ``summarize_results`` (run on a copy) on the fixture trees of several rounds.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from importlib.metadata import version
from pathlib import Path

import yaml
from mlperf_logging.benchmark_meta import get_result_file_counts
from mlperf_logging.compliance_checker import mlp_compliance
from mlperf_logging.compliance_checker.mlp_compliance import rule_choices
from mlperf_logging.compliance_checker.mlp_parser import parse_file
from mlperf_logging.result_summarizer.result_summarizer import (
    _compute_olympic_average,
    _get_scaling_factor,
    _query_run_start_stop,
)

#: Score precision in minutes (5 decimals = 0.6 ms): rounding, not truncation.
PRECISION = Decimal("0.00001")
#: Runs a result may drop (non-converged ones first), as mlperf-logging's scorer sets it.
MAX_DROPPED = {"unet3d": 4}
PACKAGE = f"mlperf-logging {version('mlperf-logging')}"
#: Events the staged copies removed from every log (their SOURCE.md lists them).
TRIMMED = frozenset({"weights_initialization", "block_start", "block_stop", "throughput",
                     "eval_start", "eval_stop", "epoch_start", "epoch_stop", "current_lr",
                     "cache_clear", "tracked_stats", "train_loss"})
_QUOTED = re.compile(r"'([a-z_0-9]+)'")


class _RuleFiles:
    """``yaml`` as the compliance checker uses it, parsing each rule file once."""

    BaseLoader = yaml.BaseLoader

    def __init__(self) -> None:
        self.parsed: dict[str, object] = {}

    def load(self, stream: object, Loader: type) -> object:  # noqa: N803 (yaml's name)
        name = str(getattr(stream, "name", ""))
        if name not in self.parsed:
            self.parsed[name] = yaml.load(stream, Loader=Loader)  # type: ignore[arg-type]  # noqa: S506
        return copy.deepcopy(self.parsed[name])


_RULES = _RuleFiles()


@contextmanager
def _cached_rules() -> Iterator[None]:
    previous = mlp_compliance.yaml
    mlp_compliance.yaml = _RULES  # type: ignore[assignment]
    try:
        yield
    finally:
        mlp_compliance.yaml = previous


def _trimming_only(message: str) -> bool:
    keys = _QUOTED.findall(message.splitlines()[0] if message else "")
    return bool(keys) and all(k in TRIMMED for k in keys)


def _version(ruleset: str) -> tuple[int, ...]:
    return tuple(int(p) for p in ruleset.split("."))


def has_rules(ruleset: str, benchmark: str) -> bool:
    """Whether the package has compliance rules for ``benchmark`` in ``ruleset`` (a round
    or benchmark newer than the installed package has none: rules of another round would
    reject valid logs, so none are applied)."""
    rules = Path(mlp_compliance.__file__).parent / f"training_{ruleset}"
    return ruleset in rule_choices() and (rules / f"closed_{benchmark}.yaml").is_file()


def compliance(path: Path, ruleset: str) -> list[str] | None:
    """The package checker's complaints about a log, less those the trimming causes; None
    when the checker cannot judge it (a rule needs a line the trimming removed, or the
    package has no rules for the benchmark)."""
    if not has_rules(ruleset, path.parent.name):
        return None
    checker = mlp_compliance.make_checker("training", ruleset, True, False)
    logging.disable(logging.WARNING)
    try:
        with _cached_rules():
            checker.check_file(str(path), f"training_{ruleset}/common.yaml")
    except (KeyError, TypeError, FileNotFoundError):
        return None
    finally:
        logging.disable(logging.NOTSET)
    messages = [*checker.overwritable.values(), *checker.not_overwritable]
    return [_first(m) for m in messages if not _trimming_only(m)]


def _first(message: str) -> str:
    """A complaint's first line, with the failed test where the checker names one."""
    lines = message.splitlines()
    test = next((x.strip() for x in lines if x.startswith("failed test:")), "")
    return (lines[0].rstrip(":") + (f" ({test})" if test else "")) if lines else message


class LogError(ValueError):
    """A result log that cannot be read: names the file, the line and what is wrong."""


@dataclass
class Run:
    """One timed run from one ``result_N.txt`` (``stop_ms`` None: no run_stop)."""

    path: Path
    start_ms: float
    stop_ms: float | None
    status: str
    events: dict[str, object] = field(default_factory=dict)
    #: the compliance checker's complaints (None: it could not judge the trimmed log).
    complaints: list[str] | None = field(default_factory=list)

    @property
    def converged(self) -> bool:
        """Counted by the scorer: timed, and compliant (or, where the checker cannot judge
        the trimmed log, stopped with status success)."""
        if self.stop_ms is None:
            return False
        return self.status == "success" if self.complaints is None else not self.complaints

    @property
    def minutes(self) -> float:
        """The package's time-to-train of a converged run (ms ÷ 60 ÷ 1000, as it computes)."""
        assert self.stop_ms is not None
        return (self.stop_ms - self.start_ms) / 60 / 1000


def ruleset_for(wanted: str) -> str:
    """``wanted`` if mlperf-logging knows it, else the latest ruleset it knows (the log
    format has been the same since v1.0; the caller warns)."""
    known = rule_choices()
    return wanted if wanted in known else max(known, key=_version)


def _failed_line(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text(encoding="latin-1").splitlines(), start=1):
        if line.strip() == text:
            return number
    return 0


def read_run(path: Path, ruleset: str, checked: str | None = None) -> Run:
    """Parse a result log with mlperf-logging's parser (``ruleset``) and check it with its
    compliance rules of ``checked`` (None: no rules apply, the run_stop status decides);
    LogError for a line it cannot read."""
    try:
        loglines, failed = parse_file(str(path), ruleset)
    except OSError as exc:
        raise LogError(f"{path}: cannot be read ({exc})") from exc
    if failed:
        text, error = failed[0]
        raise LogError(f"{path}:{_failed_line(path, text)}: the event is not valid JSON "
                       f"({error}); the copy of this log is damaged")
    events: dict[str, object] = {}
    for line in loglines:
        events.setdefault(line.key, line.value.get("value"))
    try:
        start, stop = _query_run_start_stop(loglines)
    except ValueError as exc:
        if "run_start" in str(exc):
            raise LogError(f"{path}: no run_start event, so the run has no time") from exc
        start = next(ll.timestamp for ll in loglines if ll.key == "run_start")
        return Run(path, float(start), None, "no run_stop", events)
    meta = next(ll.value.get("metadata") for ll in loglines if ll.key == "run_stop")
    status = meta.get("status") if isinstance(meta, dict) else None
    complaints = compliance(path, checked) if checked else None
    return Run(path, start, stop, str(status or "unknown"), events, complaints)


@dataclass
class Score:
    """A benchmark score in minutes, how it was formed, and the day of its last run."""

    minutes: Decimal
    method: str
    last_stop: date
    scaling: float


def required_runs(benchmark: str) -> int | None:
    """Result files the rules require (mlperf-logging's table); None for a benchmark it
    does not know yet."""
    return get_result_file_counts("training").get(benchmark)


def _method(label: str, runs: list[Run], dropped: int, kept: int, scaling: float) -> str:
    scaled = "" if scaling == 1.0 else (f"; times the scaling factor {scaling} the review "
                                        "committee set (scaling.json)")
    why = sorted({c for r in runs if not r.converged for c in (r.complaints or [r.status])})
    reasons = f" ({'; '.join(why[:3])})" if why else ""
    return (f"{label} time-to-train scored by MLCommons' {PACKAGE} (result_summarizer): "
            f"{len(runs)} runs, each timed run_stop − run_start; {dropped} that did not "
            f"converge or failed its compliance check dropped and counted as the slowest"
            f"{reasons}; olympic mean of the {kept} "
            f"remaining after dropping the fastest and slowest{scaled}; minutes rounded to "
            "5 decimals")


def score(label: str, benchmark: str, runs: list[Run], folder: Path) -> Score:
    """The official score of one benchmark folder's ``runs``; ValueError when the rules
    make it invalid (too few logs, too many runs that did not converge)."""
    required = required_runs(benchmark)
    if required is not None and len(runs) < required:
        raise ValueError(f"{len(runs)} result logs; the rules require {required} runs")
    limit = MAX_DROPPED.get(benchmark, 1)
    times = [r.minutes for r in runs if r.converged]
    dropped = len(runs) - len(times)
    if dropped > limit:
        why = sorted({c for r in runs if not r.converged for c in (r.complaints or [r.status])})
        raise ValueError(f"{dropped} runs did not converge or failed {PACKAGE}'s compliance "
                         f"check ({'; '.join(why[:3])}); at most {limit} may")
    mean = _compute_olympic_average(times, dropped, limit)
    if mean is None:
        raise ValueError(f"{len(runs)} runs leave none to average after dropping {limit} "
                         "fastest and slowest")
    scaling = _scaling(folder)
    minutes = Decimal(repr(mean * scaling)).quantize(PRECISION, rounding=ROUND_HALF_UP)
    kept = len(times) - limit - (limit - dropped)
    last = max((r.stop_ms or r.start_ms) for r in runs)
    return Score(minutes, _method(label, runs, dropped, kept, scaling),
                 datetime.fromtimestamp(last / 1000, UTC).date(), scaling)


#: The largest scaling factor read from ``scaling.json`` (the review committee's factors are
#: close to 1).
MAX_SCALING = 100.0


def _scaling(folder: Path) -> float:
    """The review committee's scaling factor for ``folder`` (1 without ``scaling.json``), read
    by the package; ValueError naming the file when it is not a positive number the package
    can read (a truncated file made the package raise TypeError)."""
    path = folder / "scaling.json"
    if path.is_file():
        try:
            contents = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}: not readable JSON ({exc})") from None
        factor = contents.get("scaling_factor") if isinstance(contents, dict) else None
        if (isinstance(factor, bool) or not isinstance(factor, int | float)
                or not 0 < factor <= MAX_SCALING):
            raise ValueError(f"{path}: scaling_factor is {factor!r}, not a number in "
                             f"(0, {MAX_SCALING:g}]")
    return float(_get_scaling_factor(str(folder)))
