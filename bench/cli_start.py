"""How fast the command line answers: ``hwkg query`` and ``hwkg serve`` → first ``/health``, cold
(an empty validated-store cache: parse, validate, build) and warm (the cache holds this graph
version), medians of several runs, with ratios against baselines measured in the same run:
the Python interpreter starting (``python -c pass``) and Oxigraph answering the same query
in-process on the cached store.

    .venv/bin/python bench/cli_start.py            # the bundled graph
    .venv/bin/python bench/cli_start.py --runs 7

Targets (issue: the command line answers at once): warm ``hwkg query`` ≤ 1 s wall, warm
``hwkg serve`` → first ``/health`` 200 ≤ 2 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
HWKG = [sys.executable, "-m", "hwkg"]
QUERY = "SELECT ?chip ?gb WHERE { ?chip hwt:memoryCapacity ?gb } ORDER BY DESC(?gb) LIMIT 5"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-2000:]}")
    return took


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_to_health(env: dict[str, str]) -> float:
    """Seconds from spawning ``hwkg serve`` to its first 200 on /health."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([*HWKG, "serve", "--port", str(port), "--log-level", "warning"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 300:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
        raise SystemExit("hwkg serve did not answer /health within 300 s")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def in_process_query_ms(env: dict[str, str]) -> float:
    os.environ.update(env)
    from hwkg.core.namespaces import PREFIXES
    from hwkg.serving import cache

    store = cache.open_snapshot().store
    times = []
    for _ in range(7):
        started = time.perf_counter()
        list(store.query(QUERY, prefixes=PREFIXES, use_default_graph_as_union=True))
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="hwkg-cli-bench-")
    env = {**os.environ, "HWKG_CACHE_DIR": folder}
    try:
        python = statistics.median(timed([sys.executable, "-c", "pass"], env)
                                   for _ in range(args.runs))
        cold_query = timed([*HWKG, "query", QUERY], env)
        warm_query = statistics.median(timed([*HWKG, "query", QUERY], env)
                                       for _ in range(args.runs))
        shutil.rmtree(folder)
        cold_serve = serve_to_health(env)
        warm_serve = statistics.median(serve_to_health(env) for _ in range(max(3, args.runs // 2)))
        engine_ms = in_process_query_ms(env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = [
        ("python -c pass (baseline)", python, ""),
        ("hwkg query, cold cache", cold_query, f"{cold_query / warm_query:.1f}× warm"),
        ("hwkg query, warm cache", warm_query,
         f"{warm_query / python:.1f}× python start; "
         f"target ≤ 1 s: {'met' if warm_query <= 1 else 'MISSED'}"),
        ("hwkg serve → /health, cold cache", cold_serve, f"{cold_serve / warm_serve:.1f}× warm"),
        ("hwkg serve → /health, warm cache", warm_serve,
         f"target ≤ 2 s: {'met' if warm_serve <= 2 else 'MISSED'}"),
    ]
    print(f"{'':38} {'median s':>9}  ratio")
    for name, seconds, note in rows:
        print(f"{name:38} {seconds:9.2f}  {note}")
    print(f"{'Oxigraph in-process, same query':38} {engine_ms / 1000:9.4f}  "
          f"(the command's wall is {warm_query * 1000 / engine_ms:,.0f}× the engine's answer)")


if __name__ == "__main__":
    main()
