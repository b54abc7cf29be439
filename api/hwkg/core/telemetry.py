"""Service counters and their Prometheus text format (served by :mod:`hwkg.web.service_metrics`).

Not to be confused with :mod:`hwkg.formulas.hardware` (the derived hardware figures). Counters
live in this process (with ``hwkg serve --workers N`` each worker counts its own requests):

- ``hwkg_http_requests_total{method,route,status}`` and
  ``hwkg_http_request_duration_seconds{route}`` (a histogram), fed by
  :class:`hwkg.web.request_log.RequestLog`; ``route`` is the route's template
  (``/id/{kind}/{slug}``), never the raw path, so the label set stays small;
- ``hwkg_query_timeouts_total{endpoint}``: queries stopped by a time limit, counted by
  whoever stops them through :func:`record_query_timeout`;
- ``hwkg_sparql_rejected_total{reason}``: SPARQL queries answered 503 + ``Retry-After``
  without running (``queue_full``, ``client_queue_full``, ``wait``: no worker came free in
  time, ``reloading``), counted by :mod:`hwkg.sparql.pool` through :func:`record_rejected`;
- ``hwkg_reloads_total{result}``: graph reloads by outcome (:mod:`hwkg.serving.reload`);
- ``hwkg_graph_triples``, ``hwkg_graph_info{version}``, ``hwkg_graph_loaded_timestamp_seconds``
  read from the served snapshot at scrape time, and ``process_resident_memory_bytes``.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Iterable

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS: tuple[float, ...] = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                              2.5, 5.0, 10.0, 30.0)

Labels = tuple[tuple[str, str], ...]


class Registry:
    """Counters and histograms of one process; every method is thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters: dict[str, dict[Labels, float]] = defaultdict(lambda: defaultdict(float))
        self.histograms: dict[str, dict[Labels, list[float]]] = defaultdict(dict)
        self.gauges: dict[str, dict[Labels, float]] = defaultdict(lambda: defaultdict(float))

    def inc(self, name: str, labels: Labels = (), amount: float = 1.0) -> None:
        with self._lock:
            self.counters[name][labels] += amount

    def add(self, name: str, labels: Labels, amount: float) -> None:
        """Move a gauge by ``amount`` (negative to decrease)."""
        with self._lock:
            self.gauges[name][labels] += amount

    def observe(self, name: str, labels: Labels, value: float) -> None:
        """Record ``value`` in a histogram: per-bucket counts, then sum and count."""
        with self._lock:
            row = self.histograms[name].setdefault(labels, [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if value <= bound:
                    row[i] += 1
            row[-2] += value
            row[-1] += 1

    def value(self, name: str, labels: Labels = ()) -> float:
        """A counter's current value (0 when never incremented)."""
        with self._lock:
            return self.counters.get(name, {}).get(labels, 0.0)


REGISTRY = Registry()

HELP: dict[str, tuple[str, str]] = {
    "hwkg_http_requests_total": ("counter", "HTTP requests answered, by method, route, status."),
    "hwkg_http_request_duration_seconds": ("histogram", "Time to answer a request, seconds."),
    "hwkg_http_requests_in_flight": ("gauge", "Requests being answered now."),
    "hwkg_query_timeouts_total": ("counter", "Queries stopped by their time limit."),
    "hwkg_query_memory_limit_total": ("counter", "SPARQL queries stopped because they "
                                      "needed more memory than a query may use."),
    "hwkg_sparql_rejected_total": ("counter", "SPARQL queries refused without running "
                                   "(queue full, no worker free in time), by reason."),
    "hwkg_reloads_total": ("counter", "Graph reloads, by result (ok, unchanged, failed)."),
}


def record_query_timeout(endpoint: str = "sparql") -> None:
    """Count one query stopped by its time limit (call it where the limit fires)."""
    REGISTRY.inc("hwkg_query_timeouts_total", (("endpoint", endpoint),))


def record_query_memory_limit() -> None:
    """Count one SPARQL query stopped by the workers' memory cap."""
    REGISTRY.inc("hwkg_query_memory_limit_total", ())


def record_rejected(reason: str) -> None:
    """Count one SPARQL query refused without running, with its ``reason``."""
    REGISTRY.inc("hwkg_sparql_rejected_total", (("reason", reason),))


def record_reload(result: str) -> None:
    """Count one graph reload with its ``result``."""
    REGISTRY.inc("hwkg_reloads_total", (("result", result),))


def record_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration."""
    REGISTRY.inc("hwkg_http_requests_total",
                 (("method", method), ("route", route), ("status", str(status))))
    REGISTRY.observe("hwkg_http_request_duration_seconds", (("route", route),), seconds)


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: str = "") -> str:
    parts = [f'{k}="{escape(v)}"' for k, v in labels]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def header_lines(name: str, kind: str, text: str) -> list[str]:
    return [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]


def _histogram_lines(name: str, rows: dict[Labels, list[float]]) -> Iterable[str]:
    for labels, row in sorted(rows.items()):
        bounds = [*(str(b) for b in BUCKETS), "+Inf"]
        counts = [*row[: len(BUCKETS)], row[-1]]
        for bound, count in zip(bounds, counts, strict=True):
            le = 'le="' + bound + '"'
            yield f"{name}_bucket{_labels(labels, le)} {_number(count)}"
        yield f"{name}_sum{_labels(labels)} {row[-2]!r}"
        yield f"{name}_count{_labels(labels)} {_number(row[-1])}"


def render(registry: Registry = REGISTRY) -> str:
    """The registry's metrics in the Prometheus text exposition format."""
    lines: list[str] = []
    with registry._lock:
        for name, (kind, text) in HELP.items():
            lines += header_lines(name, kind, text)
            if kind == "histogram":
                lines += _histogram_lines(name, registry.histograms.get(name, {}))
                continue
            source = registry.gauges if kind == "gauge" else registry.counters
            for labels, value in sorted(source.get(name, {}).items()):
                lines.append(f"{name}{_labels(labels)} {_number(value)}")
    return "\n".join(lines) + "\n"


def resident_bytes() -> int | None:
    """This process's resident set size in bytes (Linux ``/proc``), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
