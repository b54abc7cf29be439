"""MLPerf Training scores: reading ``:::MLLOG`` result logs and combining runs into a score.

The rule as the MLPerf Training rules state it (https://github.com/mlcommons/training_policies,
``training_rules.adoc``, section "Benchmark Results"; the copy read for this was the v1.0
text) and as MLCommons' own result summarizer computes it for the v3.0 round
(https://github.com/mlcommons/logging, ``mlperf_logging/result_summarizer/result_summarizer.py``:
``_compute_olympic_average`` and ``_compute_strong_scaling_scores``; the v3.0 benchmarks and
their run counts from ``mlperf_logging/benchmark_meta.py``):

- a run's time is ``run_stop.time_ms − run_start.time_ms``, in minutes;
- each benchmark needs a fixed number of runs (:data:`RUNS_REQUIRED`: v3.0 gpt3 3,
  bert 10, dlrm_dcnv2 10, rnnt 10, resnet 5, ssd 5, maskrcnn 5, unet3d 40);
- the score drops the fastest and the slowest run and takes the arithmetic mean of the
  rest ("olympic average"); for unet3d the 4 fastest and 4 slowest are dropped;
- a run that did not converge (its ``run_stop`` status is not ``success``) counts as
  the slowest and is one of the dropped runs; at most one such run is allowed (four for
  unet3d), otherwise the benchmark result is invalid.

Published scores may additionally carry a review-committee scaling factor (a
``scaling.json`` beside the logs, e.g. for a convergence penalty); that file is not part of
the trimmed copy this reads, so such scores are not reproduced exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

#: Runs each v3.0 benchmark needs (mlcommons/logging benchmark_meta.py, training).
RUNS_REQUIRED: dict[str, int] = {
    "bert": 10, "dlrm_dcnv2": 10, "gpt3": 3, "maskrcnn": 5, "resnet": 5, "ssd": 5,
    "rnnt": 10, "unet3d": 40,
}

#: Score precision in minutes (5 decimals = 0.6 ms): rounding, not truncation.
PRECISION = Decimal("0.00001")


class LogError(ValueError):
    """A result log that cannot be read: names the file, the line and what is wrong."""


@dataclass
class Run:
    """One timed run from one ``result_N.txt``."""

    path: Path
    start_ms: int
    stop_ms: int
    status: str
    events: dict[str, object] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        return self.status == "success"

    @property
    def ms(self) -> int:
        return self.stop_ms - self.start_ms


def _event(line: str, path: Path, number: int) -> dict[str, object]:
    if not line.startswith(":::MLLOG "):
        raise LogError(f"{path}:{number}: not an :::MLLOG event line")
    try:
        event = json.loads(line[len(":::MLLOG "):])
    except json.JSONDecodeError as exc:
        raise LogError(f"{path}:{number}: the event is not valid JSON ({exc.msg})") from exc
    if not isinstance(event, dict) or "key" not in event or "time_ms" not in event:
        raise LogError(f"{path}:{number}: the event has no 'key' or 'time_ms'")
    return event


def read_run(path: Path) -> Run:
    """Parse a result log; raises :class:`LogError` for any malformed line or missing event."""
    events: dict[str, dict[str, object]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LogError(f"{path}: cannot be read ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if line.strip():
            event = _event(line, path, number)
            events.setdefault(str(event["key"]), event)
    for key in ("run_start", "run_stop"):
        if key not in events:
            raise LogError(f"{path}: no {key} event, so the run has no time")
    metadata = events["run_stop"].get("metadata")
    status = metadata.get("status") if isinstance(metadata, dict) else None
    if not isinstance(status, str):
        raise LogError(f"{path}: run_stop has no status in its metadata")
    start, stop = events["run_start"]["time_ms"], events["run_stop"]["time_ms"]
    if not isinstance(start, int) or not isinstance(stop, int) or stop < start:
        raise LogError(f"{path}: run_start/run_stop times are not increasing integers")
    values = {key: event.get("value") for key, event in events.items()}
    return Run(path, start, stop, status, values)


@dataclass
class Score:
    """A benchmark score in minutes and the sentence saying how it was formed."""

    minutes: Decimal
    method: str
    last_stop: date


def score(benchmark: str, runs: list[Run]) -> Score:
    """The benchmark score of ``runs``; raises ValueError when the rules make it invalid."""
    required = RUNS_REQUIRED.get(benchmark)
    if required is None:
        raise ValueError(f"benchmark {benchmark!r} is not in MLPerf Training v3.0")
    if len(runs) != required:
        raise ValueError(f"{len(runs)} result logs; the rules require {required} runs")
    drop = 4 if benchmark == "unet3d" else 1
    failed = [r for r in runs if not r.converged]
    if len(failed) > drop:
        raise ValueError(f"{len(failed)} runs did not converge; at most {drop} may")
    times = sorted(r.ms for r in runs if r.converged)
    kept = times[drop:len(times) - (drop - len(failed))]
    mean = Fraction(sum(kept), len(kept) * 60000)
    minutes = (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(
        PRECISION, rounding=ROUND_HALF_UP)
    slow = f"{drop} slowest" if not failed else (
        f"{len(failed)} non-converged run(s) counted as the slowest"
        + (f" and the {drop - len(failed)} slowest converged" if drop > len(failed) else ""))
    method = (f"MLPerf Training v3.0 time-to-train: {len(runs)} runs, each timed "
              f"run_stop − run_start; dropped the {drop} fastest and {slow}; "
              f"mean of the remaining {len(kept)} (olympic average, MLPerf Training rules "
              f"'Benchmark Results'), in minutes rounded to 5 decimals")
    last = max(r.stop_ms for r in runs)
    return Score(minutes, method, datetime.fromtimestamp(last / 1000, UTC).date())
