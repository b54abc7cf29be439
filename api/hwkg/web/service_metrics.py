"""``GET /metrics``: the service counters of :mod:`hwkg.core.telemetry` in the Prometheus text
format, plus gauges read from the served snapshot at scrape time (triples, version, load
time) and the process's resident memory.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hwkg.core.telemetry import CONTENT_TYPE, escape, header_lines, render, resident_bytes


def graph_lines(request: Request) -> list[str]:
    """Gauges read from the served snapshot (none while the graph is loading)."""
    holder = getattr(request.app.state, "graph", None)
    lines: list[str] = []
    if holder is not None:
        snap = holder.current
        lines += header_lines("hwkg_graph_triples", "gauge", "Quads in the served store.")
        lines.append(f"hwkg_graph_triples {snap.triples}")
        lines += header_lines("hwkg_graph_info", "gauge", "The served graph's version (always 1).")
        lines.append(f'hwkg_graph_info{{version="{escape(snap.version)}"}} 1')
        lines += header_lines("hwkg_graph_loaded_timestamp_seconds", "gauge",
                         "When the served graph was loaded, Unix time.")
        lines.append(f"hwkg_graph_loaded_timestamp_seconds {snap.loaded_at!r}")
    rss = resident_bytes()
    if rss is not None:
        lines += header_lines("process_resident_memory_bytes", "gauge", "Resident memory, bytes.")
        lines.append(f"process_resident_memory_bytes {rss}")
    return lines


async def metrics(request: Request) -> Response:
    """``GET /metrics``: every metric of this process, never cached."""
    body = render() + "\n".join(graph_lines(request)) + "\n"
    return Response(body, media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def routes() -> list[BaseRoute]:
    """``/metrics``."""
    return [Route("/metrics", metrics, methods=["GET", "HEAD"], name="metrics")]
