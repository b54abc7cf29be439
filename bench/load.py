"""Sustained load on a live ``hwkg serve``: a GraphQL + SPARQL + linked-data mix with wrk.

    .venv/bin/python bench/load.py                      # 64 connections, 60 s, bundled graph
    .venv/bin/python bench/load.py --duration 10        # shorter (bounded: at most 600 s)
    .venv/bin/python bench/load.py --home /tmp/hwkg-1k  # on a synthetic graph (bench/generate.py)
    .venv/bin/python bench/load.py --runaway-duration 0 # skip the runaway-query phase
    .venv/bin/python bench/load.py --repeat-sparql      # let repeated SPARQL texts be kept

Needs ``wrk`` (Debian/Ubuntu: ``apt-get install wrk``; macOS: ``brew install wrk``). Starts one
server on 127.0.0.1 (nothing leaves the machine) and finds which routes exist in the app's
routes list (a missing GraphQL, SPARQL or linked-data route is skipped with a message).

Each SPARQL request ends in a new comment, so that it runs in a worker as before the
endpoint kept its answers per graph version (``--repeat-sparql`` sends the texts as they
are: after the first round they are answered from the kept answers).

Phase 1, the mix: one ``wrk`` per request kind (GraphQL, SPARQL, linked data: entity
documents, entity IRIs' 303s and ``/health``) at the same time, the ``--connections`` split
evenly between them, for ``--duration`` s. Printed per kind and in all: requests/s, p50/p99
latency, errors (socket errors and non-2xx/3xx answers); the server's resident memory (its
own process, and with its SPARQL worker processes) at the start and the end.

Phase 2, runaway queries: the same mix while ``--runaway-clients`` threads of another client
(source address ``--runaway-from``, default 127.0.0.2; 127.0.0.1 when that cannot be bound,
or when asked: then per-client fairness cannot tell them apart) keep sending a SPARQL cross
product that the time limit kills. Printed: the p50/p99 of the normal requests per kind
meanwhile, their errors, and what the runaway queries got (503 when killed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MAX_SECONDS = 600
GRAPHQL = ('{ chips(orderBy: [{memoryPerDollar: DESC}], where: {memoryPerDollar: {gt: 0}}, '
           'first: 5) { nodes { id name memoryPerDollar(currency: "USD") { value unit } } } }')
GRAPHQL_ONE = '{ chip(id: "%s") { name memoryCapacity { value unit } } }'
SPARQL = ("PREFIX hwt: <https://w3id.org/hwkg/truthy/> SELECT ?chip ?gb WHERE "
          "{ ?chip hwt:memoryCapacity ?gb } ORDER BY DESC(?gb) LIMIT 10")
SPARQL_ONE = "SELECT ?p ?o WHERE { <%s> ?p ?o } LIMIT 50"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHIPS = ("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "
         '"https://w3id.org/hwkg/id/chip/")) } LIMIT 8')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path | None, log: Path,
                 timeout_s: float) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "hwkg", "serve", "--port", str(port), "--log-level", "warning",
           "--sparql-timeout", str(timeout_s)]
    if home:
        cmd += ["--home", str(home)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"hwkg serve exited with {proc.returncode}; see {log}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    sys.exit("hwkg serve did not answer /health within 300 s")


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` in KiB (Linux /proc), 0 when gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmRSS:\s+(\d+)", text)
    return int(match.group(1)) if match else 0


def tree_rss_kib(pid: int) -> int:
    """RSS of ``pid`` and its child processes (the SPARQL workers, started by any thread)."""
    kids: list[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += (task / "children").read_text().split()
        except OSError:
            continue
    return rss_kib(pid) + sum(tree_rss_kib(int(kid)) for kid in kids)


def route_paths() -> set[str]:
    from hwkg.app import create_app
    from hwkg.core.settings import Settings

    return {getattr(route, "path", "") for route in create_app(Settings()).routes}


def chip_iris(url: str) -> list[str]:
    found = httpx.get(url + "/sparql", params={"query": CHIPS}, timeout=60,
                      headers={"accept": "application/sparql-results+json"})
    return [row["s"]["value"] for row in found.json()["results"]["bindings"]]


def request_mix(url: str) -> dict[str, list[str]]:
    """GET paths per request kind, for the kinds whose routes exist (says which are skipped)."""
    have = route_paths()
    chips = chip_iris(url) if "/sparql" in have else []
    mix: dict[str, list[str]] = {}
    if "/graphql" in have:
        mix["graphql"] = ["/graphql?" + urllib.parse.urlencode({"query": GRAPHQL})] + [
            "/graphql?" + urllib.parse.urlencode({"query": GRAPHQL_ONE % iri}) for iri in chips]
    else:
        print("skipped: no /graphql route")
    if "/sparql" in have:
        mix["sparql"] = ["/sparql?" + urllib.parse.urlencode({"query": SPARQL})] + [
            "/sparql?" + urllib.parse.urlencode({"query": SPARQL_ONE % iri}) for iri in chips]
    else:
        print("skipped: no /sparql route (and so no entity list for linked data)")
    if "/data/{kind}/{doc}" in have and chips:
        slugs = [iri.rsplit("/", 1)[-1] for iri in chips]
        exts = ["ttl", "jsonld", "html", "nt"] * len(slugs)
        mix["linked data"] = [f"/data/chip/{slug}.{ext}" for slug, ext in
                              zip(slugs, exts, strict=False)]
        mix["linked data"] += [f"/id/chip/{slug}" for slug in slugs[:2]] + ["/health"]
    else:
        print("skipped: no linked-data routes")
    for paths in mix.values():
        for path in paths:
            status = httpx.get(url + path, timeout=60).status_code
            if status >= 400:
                sys.exit(f"{path} answers {status} before the load starts")
    return mix


def lua_script(paths: list[str], folder: Path, name: str, fresh: bool = False) -> Path:
    """wrk's script for one kind: its paths in turn. ``fresh``: each request's query (the
    last parameter) ends in a new comment, so the server cannot answer it from the answers
    it keeps per graph version (``/sparql``) and every request runs the query."""
    script = folder / f"{name.replace(' ', '-')}.lua"
    quoted = ", ".join(json.dumps(p) for p in paths)
    suffix = ' .. "%0A%23+" .. start .. "-" .. n' if fresh else ""
    script.write_text(
        f"local paths = {{{quoted}}}\nlocal i = 0\nlocal n = 0\nlocal start = os.time()\n"
        "request = function()\n  i = i % #paths + 1\n  n = n + 1\n"
        f'  return wrk.format("GET", paths[i]{suffix})\nend\n'
        "done = function(summary, latency, requests)\n"
        '  io.write(string.format("JSON {\\"p50\\": %d, \\"p99\\": %d, \\"requests\\": %d, '
        '\\"non2xx\\": %d, \\"connect\\": %d, \\"read\\": %d, \\"write\\": %d, '
        '\\"timeout\\": %d}\\n", latency:percentile(50), '
        "latency:percentile(99), summary.requests, summary.errors.status, "
        "summary.errors.connect, summary.errors.read, summary.errors.write, "
        "summary.errors.timeout))\nend\n")
    return script


def parse_wrk(out: str) -> dict[str, float]:
    """requests/s, p50/p99 (ms), requests and error counts from wrk's output and our script."""
    stats = json.loads(next(line[5:] for line in out.splitlines() if line.startswith("JSON ")))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    socket_errors = stats["connect"] + stats["read"] + stats["write"] + stats["timeout"]
    return {"rps": float(rate.group(1)) if rate else 0.0, "p50_ms": stats["p50"] / 1000,
            "p99_ms": stats["p99"] / 1000, "requests": stats["requests"],
            "errors": stats["non2xx"] + socket_errors, "non_2xx_3xx": stats["non2xx"],
            "socket_errors": socket_errors}


def split(connections: int, kinds: list[str]) -> dict[str, int]:
    """``connections`` shared evenly between ``kinds`` (the remainder to the last ones)."""
    base, extra = divmod(connections, len(kinds))
    return {kind: base + (1 if i >= len(kinds) - extra else 0) for i, kind in enumerate(kinds)}


def run_mix(url: str, scripts: dict[str, Path], connections: int,
            seconds: int) -> dict[str, dict[str, float]]:
    """One wrk per kind, all at once; each kind's figures and their sum under ``all``."""
    procs = {kind: subprocess.Popen(
        ["wrk", "-t1", f"-c{share}", f"-d{seconds}s", "--timeout", "30s", "-s",
         str(scripts[kind]), url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for kind, share in split(connections, list(scripts)).items()}
    results = {kind: parse_wrk(proc.communicate(timeout=seconds + 120)[0])
               for kind, proc in procs.items()}
    total = {key: sum(r[key] for r in results.values())
             for key in ("rps", "requests", "errors", "non_2xx_3xx", "socket_errors")}
    total["p99_ms"] = max(r["p99_ms"] for r in results.values())
    total["p50_ms"] = max(r["p50_ms"] for r in results.values())
    return {**results, "all": total}


def show(results: dict[str, dict[str, float]]) -> None:
    for kind, r in results.items():
        label = "all (p50/p99: the worst kind's)" if kind == "all" else kind
        print(f"  {label}: {r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, "
              f"p99 {r['p99_ms']:.1f} ms, {r['requests']:.0f} requests, {r['errors']:.0f} errors "
              f"({r['non_2xx_3xx']:.0f} non-2xx/3xx, {r['socket_errors']:.0f} socket)")


def status_counts(url: str) -> dict[tuple[str, str], float]:
    """(route, status) -> requests answered, from the server's /metrics."""
    text = httpx.get(url + "/metrics", timeout=30).text
    found: dict[tuple[str, str], float] = {}
    pattern = r'^hwkg_http_requests_total\{method="\w+",route="([^"]*)",status="(\d+)"\} (\S+)$'
    for route, status, value in re.findall(pattern, text, re.M):
        found[(route, status)] = found.get((route, status), 0.0) + float(value)
    return found


def failures(before: dict[tuple[str, str], float],
             after: dict[tuple[str, str], float]) -> dict[str, int]:
    """Answers of status 400 and above between two /metrics readings, by route and status."""
    return {f"{route} {status}": int(after[key] - before.get(key, 0.0))
            for key in after if (route := key[0]) and (status := key[1]) >= "400"
            and after[key] > before.get(key, 0.0)}


def other_client(address: str) -> httpx.HTTPTransport:
    """A transport whose connections come from ``address`` (127.0.0.2: another client to the
    server; 127.0.0.1: the same address as the mix, so per-client fairness cannot help)."""
    try:
        with socket.socket() as sock:
            sock.bind((address, 0))
        return httpx.HTTPTransport(local_address=address)
    except OSError:
        print(f"note: {address} cannot be bound; the runaway client shares 127.0.0.1")
        return httpx.HTTPTransport()


def runaway_clients(url: str, stop: threading.Event, clients: int,
                    address: str) -> dict[int, int]:
    """Send runaway SPARQL queries from ``address`` until ``stop``; count statuses."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def loop() -> None:
        with httpx.Client(timeout=120, transport=other_client(address)) as client:
            while not stop.is_set():
                try:
                    code = client.get(url + "/sparql", params={"query": RUNAWAY}).status_code
                except httpx.HTTPError:
                    code = 0
                with lock:
                    statuses[code] = statuses.get(code, 0) + 1

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop.wait()
    for thread in threads:
        thread.join(180)
    return statuses


def metric_total(url: str, name: str) -> float:
    """The sum of a counter over its labels, from the server's /metrics."""
    text = httpx.get(url + "/metrics", timeout=30).text
    return sum(map(float, re.findall(rf"^{name}\S* (\S+)$", text, re.M)))


def timeouts(url: str) -> float:
    return metric_total(url, "hwkg_query_timeouts_total")


def rejected(url: str) -> float:
    return metric_total(url, "hwkg_sparql_rejected_total")


def phase2(url: str, scripts: dict[str, Path], args: argparse.Namespace) -> None:
    stop = threading.Event()
    result: dict[str, dict[int, int]] = {}
    thread = threading.Thread(target=lambda: result.update(
        s=runaway_clients(url, stop, args.runaway_clients, args.runaway_from)))
    thread.start()
    time.sleep(1)
    counted, killed, refused = status_counts(url), timeouts(url), rejected(url)
    figures = run_mix(url, scripts, args.connections, min(args.runaway_duration, MAX_SECONDS))
    stop.set()
    thread.join(300)
    print(f"phase 2: the same mix while {args.runaway_clients} threads from {args.runaway_from} "
          f"send runaway SPARQL queries (limit {args.sparql_timeout:g} s); normal requests:")
    show(figures)
    print(f"  runaway answers by status: {result.get('s')}; meanwhile queries killed at the "
          f"limit (hwkg_query_timeouts_total): {timeouts(url) - killed:.0f}, refused without "
          f"running (hwkg_sparql_rejected_total): {rejected(url) - refused:.0f}")
    print(f"  answers of status >= 400 (from /metrics, runaway ones included): "
          f"{failures(counted, status_counts(url)) or 'none'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, help="graph folder (default: the bundled graph)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60, help="seconds of phase 1")
    parser.add_argument("--runaway-duration", type=int, default=30,
                        help="seconds of phase 2 (0 skips it)")
    parser.add_argument("--runaway-clients", type=int, default=2)
    parser.add_argument("--sparql-timeout", type=float, default=2.0)
    parser.add_argument("--repeat-sparql", action="store_true",
                        help="send the SPARQL texts as they are, so that repeats are answered "
                             "from the answers the server keeps (default: a new comment on "
                             "each, so every one runs in a worker)")
    parser.add_argument("--runaway-from", default="127.0.0.2",
                        help="source address of the runaway client (127.0.0.1: the same as "
                        "the mix's)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian/Ubuntu), brew install wrk")
    duration = min(args.duration, MAX_SECONDS)
    folder = Path(tempfile.mkdtemp(prefix="hwkg-load-"))
    proc, url = start_server(args.home, folder / "server.log", args.sparql_timeout)
    try:
        mix = request_mix(url)
        scripts = {kind: lua_script(paths, folder, kind,
                                    fresh=kind == "sparql" and not args.repeat_sparql)
                   for kind, paths in mix.items()}
        print("mix: " + "; ".join(f"{kind}: {len(paths)} GET paths, {share} connections"
                                  for (kind, paths), share in
                                  zip(mix.items(), split(args.connections, list(mix)).values(),
                                      strict=True)))
        run_mix(url, scripts, args.connections, 3)  # warm-up: caches, SPARQL workers
        start = (rss_kib(proc.pid), tree_rss_kib(proc.pid))
        counted = status_counts(url)
        figures = run_mix(url, scripts, args.connections, duration)
        end = (rss_kib(proc.pid), tree_rss_kib(proc.pid))
        print(f"phase 1: {args.connections} connections, {duration} s:")
        show(figures)
        print(f"  answers of status >= 400 (from /metrics): "
              f"{failures(counted, status_counts(url)) or 'none'}")
        print(f"  server RSS: start {start[0] / 1024:.0f} MiB, end {end[0] / 1024:.0f} MiB; "
              f"with SPARQL workers: start {start[1] / 1024:.0f} MiB, "
              f"end {end[1] / 1024:.0f} MiB")
        if args.runaway_duration and "sparql" in mix:
            phase2(url, scripts, args)
        elif args.runaway_duration:
            print("skipped phase 2: no /sparql route")
        print(f"/metrics: hwkg_query_timeouts_total = {timeouts(url):.0f}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
