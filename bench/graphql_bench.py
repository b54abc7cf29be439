"""GraphQL speed: the "top five by memory per dollar" query against a plain JSON route.

    .venv/bin/python bench/graphql_bench.py            # full run (about a minute)
    .venv/bin/python bench/graphql_bench.py --quick    # a few seconds: checks that it runs
    .venv/bin/python bench/graphql_bench.py --home /tmp/hwkg-1k   # a synthetic graph made by
    .venv/bin/python bench/generate.py --chips 1000 --out /tmp/hwkg-1k

It starts one ``hwkg`` server process on 127.0.0.1 with one extra route, ``/bench/plain``,
a plain Starlette endpoint that returns the very bytes the GraphQL query returns. Then:

* requests/s of the repeated (cached) GraphQL query and of the plain route, measured in
  alternating rounds with ``wrk`` (Debian: ``apt-get install wrk``; macOS: ``brew install
  wrk``) or, without wrk, a bounded Python keep-alive loop; medians and their ratio;
* uncached latency, sent one at a time over a keep-alive connection (p50 and p99), three ways:
  only the variables new (a response-cache miss), a new query text for the same document (a
  trailing comment), and a new document (a new alias: parsed and validated anew).

Everything stays on 127.0.0.1 and every load phase is bounded in time. Targets from the
issue: ratio ≥ 0.5, uncached p50 ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUERY = """{ chips(orderBy: [{memoryPerDollar: DESC}], first: 5) { nodes { name
  memoryPerDollar { value unit inputs { role value unit offer { sources { title url } } } } } } }"""
BODY = json.dumps({"query": QUERY}).encode()
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


# ----------------------------------------------------------------- the server side


def serve(port: int, home: str | None) -> None:
    """Run the app plus ``/bench/plain`` (same bytes as the GraphQL answer) on 127.0.0.1."""
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from hwkg.app import create_app
    from hwkg.core.settings import Settings

    app = create_app(Settings.from_env(home=Path(home) if home else None))
    payload: dict[str, bytes] = {}

    async def plain(request: Request) -> Response:
        if "body" not in payload:  # filled by the bench client before any timing
            payload["body"] = await request.body()
        return Response(payload["body"], media_type="application/json")

    app.router.routes.append(Route("/bench/plain", plain, methods=["GET", "POST"]))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the bench server did not start")


# ----------------------------------------------------------------- the client side


def request(conn: http.client.HTTPConnection, path: str, body: bytes) -> bytes:
    conn.request("POST", path, body=body, headers=HEADERS)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status}: {data[:200]!r}")
    return data


def wrk_rate(port: int, path: str, body: bytes, seconds: float, connections: int) -> float:
    """Requests/s from wrk (one thread: the server gets the other core)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                     f"wrk.body = {json.dumps(body.decode())}\n")
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", script.name,
             f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
            timeout=seconds + 30, check=True).stdout
    finally:
        os.unlink(script.name)
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"wrk saw errors on {path}:\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise RuntimeError(f"could not read wrk's output:\n{out}")
    return float(found.group(1))


def loop_rate(port: int, path: str, body: bytes, seconds: float, connections: int) -> float:
    """Requests/s from Python threads on keep-alive connections (fallback without wrk)."""
    counts = [0] * connections
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            request(conn, path, body)
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - start)


#: How each uncached request differs from the ones before it.
MODES = {
    "variables": "response-cache miss: an unused variable changes only the cache key",
    "comment": "new query text: a trailing comment (the same document, so validated once)",
    "alias": "new document: a new alias each time (parsed and validated anew)",
}


def uncached_latencies(port: int, n: int, mode: str, query: str = QUERY,
                       seconds: float | None = None) -> list[float]:
    """Milliseconds per request for ``n`` response-cache misses of ``query``, one at a time
    (fewer when ``seconds`` run out first); ``mode`` is one of :data:`MODES`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    stamp = time.time_ns()
    deadline = time.perf_counter() + seconds if seconds is not None else None
    out: list[float] = []
    for i in range(n):
        if deadline is not None and time.perf_counter() > deadline:
            break
        if mode == "comment":
            body = json.dumps({"query": f"{query}\n# {stamp}-{i}"}).encode()
        elif mode == "alias":
            text = query.replace("{ chips(", f"{{ a{stamp}_{i}: chips(", 1)
            body = json.dumps({"query": text}).encode()
        else:
            body = json.dumps({"query": query, "variables": {"nonce": f"{stamp}-{i}"}}).encode()
        start = time.perf_counter()
        request(conn, "/graphql", body)
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds, to check it runs")
    parser.add_argument("--home", help="a graph home (ontology/, shapes/, graph/)")
    parser.add_argument("--seconds", type=float, default=5.0, help="per load round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--latency-requests", type=int, default=500)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.home)
        return 0
    if args.quick:
        args.seconds, args.rounds, args.latency_requests = 1.0, 1, 20
    port = free_port()
    cmd = [sys.executable, __file__, "--serve", str(port)]
    cmd += ["--home", args.home] if args.home else []
    server = subprocess.Popen(cmd, cwd=REPO)
    try:
        return run(args, port)
    finally:
        server.terminate()
        server.wait(timeout=15)


def run(args: argparse.Namespace, port: int) -> int:
    wait_ready(port)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    answer = request(conn, "/graphql", BODY)
    assert request(conn, "/bench/plain", answer) == answer  # the plain route now serves it
    rate = wrk_rate if shutil.which("wrk") else loop_rate
    tool = "wrk" if rate is wrk_rate else "python keep-alive loop (install wrk for better numbers)"
    gql_rates, plain_rates = [], []
    for _ in range(args.rounds):
        gql_rates.append(rate(port, "/graphql", BODY, args.seconds, args.connections))
        plain_rates.append(rate(port, "/bench/plain", BODY, args.seconds, args.connections))
    latencies = {mode: uncached_latencies(port, args.latency_requests, mode) for mode in MODES}
    gql, plain = statistics.median(gql_rates), statistics.median(plain_rates)
    print(f"graph: {args.home or 'bundled'}; payload {len(answer)} bytes; load tool: {tool}")
    print(f"rounds: {args.rounds} × {args.seconds:g} s, {args.connections} connections")
    print(f"GraphQL top-5 memory/$ (cached)  req/s median {gql:9.1f}  rounds {gql_rates}")
    print(f"plain Starlette JSON, same bytes req/s median {plain:9.1f}  rounds {plain_rates}")
    print(f"ratio GraphQL / plain: {gql / plain:.2f}  (target ≥ 0.5)")
    for mode, lat in latencies.items():
        print(f"uncached, {MODES[mode]}: {len(lat)} sequential requests, "
              f"p50 {percentile(lat, 0.5):.2f} ms, p99 {percentile(lat, 0.99):.2f} ms"
              "  (target p50 ≤ 5 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
