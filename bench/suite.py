"""The benchmark suite: one command, one table, sizes from 10^2 to 10^5 synthetic chips.

    .venv/bin/python bench/suite.py                      # 100 and 1,000 chips (minutes)
    .venv/bin/python bench/suite.py --sizes 100,1000,10000
    .venv/bin/python bench/suite.py --full               # 10^2 … 10^5 chips (about an hour)
    .venv/bin/python bench/suite.py --quick              # 100 chips, one short run: smoke test

For each size it generates a graph (bench/generate.py, fixed seed) and measures, each in
its own process where memory matters:

* ``hwkg load``: the fast path (Oxigraph parse, skolemise, truthy, staged and validated in
  memory, GraphQL catalog saved, Oxigraph bulk load to disk); wall time and peak RSS
  (``os.wait4``: the largest of the process and its forked catalog child, which run one
  after the other). The row says whether every shape ran or only the SHACL-SPARQL
  constraints (above ``--core-max``).
* adding one benchmark result: bench/increment.py's incremental validation on the store.
* full validation (what ``hwkg.loading.snapshot.load_snapshot`` adds): pyshacl core + set-based
  SHACL-SPARQL, timed alone after parsing.
* Oxigraph's own bulk loader on the same Turtle files: the engine's floor for loading.
* restart on the persisted store: ``hwkg serve --store`` spawned → first ``/health`` and
  first GraphQL answer.
* a fixed set of SPARQL queries, in-process (pyoxigraph on the same store, results
  serialised to SPARQL JSON) and through ``/sparql`` over HTTP; medians and ratios.
* GraphQL: requests/s of the repeated example query against a plain Starlette route that
  serves the same bytes from the same process (``wrk`` when installed, else a bounded
  Python loop; bench/graphql_bench.py's client), and uncached p50/p99.

Every server listens on 127.0.0.1 only; every phase is bounded in time. Figures are
medians of ``--runs`` runs; every ratio compares numbers from the same run.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PY = sys.executable
P = ("PREFIX hw: <https://w3id.org/hwkg/ontology#>\nPREFIX hwt: <https://w3id.org/hwkg/truthy/>\n"
     "PREFIX cur: <http://qudt.org/vocab/currency/>\n"
     "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")

#: The fixed SPARQL set: name → query (``{chip}`` is replaced by one chip's IRI).
QUERIES: dict[str, str] = {
    "Q1 top-10 memory per US$": P + """SELECT ?chip ?gb ?usd (?gb / ?usd AS ?perUsd) WHERE {
  ?chip hwt:memoryCapacity ?gb .
  ?offer hw:offerFor ?chip ; hw:currency cur:USD ; hw:amount ?usd ; hw:rank hw:PreferredRank .
} ORDER BY DESC(?perUsd) LIMIT 10""",
    "Q2 chips >= 1 TB/s per stack": P + """SELECT ?name (COUNT(?chip) AS ?n) WHERE {
  ?chip hw:softwareStack ?stack ; hwt:memoryBandwidth ?bw . FILTER (?bw >= 1000)
  ?stack rdfs:label ?name . FILTER (LANG(?name) = "en")
} GROUP BY ?name ORDER BY DESC(?n)""",
    "Q3 one chip's statements": P + """SELECT ?p ?v ?unit ?rank ?src WHERE {
  <{chip}> ?p ?s . ?s a hw:Statement ; hw:value ?v ; hw:unit ?unit ; hw:rank ?rank ;
  <http://www.w3.org/ns/prov#wasDerivedFrom> ?src .
}""",
    "Q4 statements per rank": P + """SELECT ?rank (COUNT(?s) AS ?n) WHERE {
  ?s a hw:Statement ; hw:rank ?rank } GROUP BY ?rank""",
    "Q5 system accelerator memory": P + """SELECT ?sys (SUM(?n * ?gb) AS ?total) WHERE {
  ?sys hw:component ?c . ?c hw:role hw:AcceleratorRole ; hw:count ?n ; hw:componentChip ?chip .
  ?chip hwt:memoryCapacity ?gb } GROUP BY ?sys ORDER BY DESC(?total) LIMIT 10""",
    "Q6 foreign prices in US$": P + """SELECT ?offer ?amount ?rate (?amount / ?rate AS ?usd) WHERE {
  ?offer hw:currency ?cur ; hw:amount ?amount ; hw:offerDate ?d . FILTER (?cur != cur:USD)
  ?r hw:fromCurrency cur:USD ; hw:toCurrency ?cur ; hw:rate ?rate ; hw:rateDate ?rd .
  FILTER (YEAR(?rd) = YEAR(?d) && MONTH(?rd) = MONTH(?d))
} ORDER BY DESC(?usd) LIMIT 10""",
}
PHASES = ("load", "validate", "bulk", "restart", "increment", "sparql", "graphql")
FIRST_ANSWER = json.dumps({"query": "{ chips(first: 1) { totalCount } }"}).encode()


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def graphql_built() -> bool:
    return (importlib.util.find_spec("hwkg.graphql") is not None
            and (BENCH / "graphql_bench.py").exists())


# ----------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measured(cmd: list[str], timeout: float, env: dict[str, str] | None = None
             ) -> tuple[float, float, int, str]:
    """Run ``cmd``: (seconds, peak RSS in MB, exit status, stderr tail); -9 when it timed out."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            status = -9
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    code = status if status == -9 else os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, code, err[-2000:]


def wait_http(port: int, path: str, deadline: float, body: bytes | None = None) -> bool:
    while time.perf_counter() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if body is None:
                conn.request("GET", path)
            else:
                conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            if conn.getresponse().status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.02)
    return False


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# ----------------------------------------------------------------- phases


def phase_load(home: Path, store: Path, check: bool, timeout: float) -> dict[str, str]:
    """``hwkg load`` (the fast path, validating, saving the GraphQL catalog) in its own process."""
    cmd = [PY, "-m", "hwkg", "load", "--store", str(store), "--home", str(home), "--force"]
    seconds, peak, code, err = measured(cmd + ([] if check else ["--no-check"]), timeout)
    if code != 0:
        what = f"> {timeout:.0f} s" if code == -9 else f"failed ({code})"
        print(err, file=sys.stderr)
        return {"hwkg load (s)": what, "hwkg load peak RSS (MB)": "n/a"}
    note = " (no validation)" if not check else (
        " (SPARQL constraints only)" if "were not checked" in err else " (all shapes)")
    return {"hwkg load (s)": f"{seconds:.1f}{note}", "hwkg load peak RSS (MB)": f"{peak:.0f}"}


def phase_increment(home: Path, store: Path, timeout: float) -> dict[str, str]:
    """bench/increment.py: validate one new benchmark result against the store (median of 7)."""
    cmd = [PY, str(BENCH / "increment.py"), "--store", str(store), "--home", str(home)]
    try:
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout,
                              check=True)
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError) as exc:
        return {"add one result: incremental validation (s)": f"failed ({exc})"[:80]}
    return {"add one result: incremental validation (s)":
            f"{found['median_s']:.3f} (max {found['max_s']:.3f}, "
            f"{found['context_triples']} context triples, {found['problems']} problems)"}


VALIDATE = """
import sys, time
from pathlib import Path
from hwkg.core import resources
from hwkg.turtle import parsing
from hwkg.turtle.skolem import skolemize
from hwkg.validation.shacl import validate
home = Path(sys.argv[1])
ontology, _, _ = parsing.read(resources.turtle_files(home / "ontology"))
shapes, _, _ = parsing.read(resources.turtle_files(home / "shapes"))
graph, files, _ = parsing.read(parsing.data_files(home))
data = skolemize(graph)
started = time.perf_counter()
problems = [p for p in validate(data, shapes, ontology, files) if p.severity == "Violation"]
print(f"{time.perf_counter() - started:.3f} {len(problems)}", file=sys.stderr)
"""

BULK = """
import sys, tempfile, time
from pathlib import Path
import pyoxigraph as ox
from hwkg.core import resources
home = Path(sys.argv[1])
files = [f for part in ("ontology", "shapes", "graph") for f in resources.turtle_files(home / part)]
with tempfile.TemporaryDirectory() as folder:
    started = time.perf_counter()
    store = ox.Store(folder)
    for f in files:
        store.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE)
    store.flush()
    print(f"{time.perf_counter() - started:.3f} {len(store)}", file=sys.stderr)
    del store
"""


def phase_validate(home: Path, timeout: float) -> dict[str, str]:
    _s, _peak, code, err = measured([PY, "-c", VALIDATE, str(home)], timeout)
    if code != 0:
        return {"full validation (s)": f"> {timeout:.0f} s" if code == -9 else "failed"}
    seconds, violations = err.strip().splitlines()[-1].split()
    return {"full validation (s)": f"{float(seconds):.1f} ({violations} violations)"}


def phase_bulk(home: Path, timeout: float) -> dict[str, str]:
    _s, peak, code, err = measured([PY, "-c", BULK, str(home)], timeout)
    if code != 0:
        return {"Oxigraph bulk load (s)": f"> {timeout:.0f} s" if code == -9 else "failed"}
    seconds, _triples = err.strip().splitlines()[-1].split()
    return {"Oxigraph bulk load (s)": f"{float(seconds):.1f}",
            "Oxigraph bulk load peak RSS (MB)": f"{peak:.0f}"}


def phase_restart(home: Path, store: Path, runs: int) -> dict[str, str]:
    health, first = [], []
    for _ in range(runs):
        port = free_port()
        started = time.perf_counter()
        proc = subprocess.Popen(
            [PY, "-m", "hwkg", "serve", "--store", str(store), "--home", str(home), "--port",
             str(port), "--log-level", "warning"], cwd=REPO)
        try:
            ok = wait_http(port, "/health", started + 120)
            health.append(time.perf_counter() - started)
            if ok and graphql_built() and wait_http(port, "/graphql", started + 300, FIRST_ANSWER):
                first.append(time.perf_counter() - started)
        finally:
            stop(proc)
    out = {"restart on store → /health (s)": f"{statistics.median(health):.2f}"}
    out["restart on store → 1st GraphQL answer (s)"] = (
        f"{statistics.median(first):.2f}" if first else "n/a (GraphQL not built)")
    return out


def _timed(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def phase_sparql(store: Path, port: int, runs: int) -> dict[str, str]:
    import pyoxigraph as ox

    disk = ox.Store.read_only(str(store))
    local = ox.Store()  # in memory, as the endpoint's query workers hold it
    local.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    pick = P + "SELECT ?c WHERE { ?c a hw:GPU } ORDER BY ?c LIMIT 1"
    chip = next(iter(local.query(pick, use_default_graph_as_union=True)))["c"].value  # type: ignore
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Content-Type": "application/sparql-query",
               "Accept": "application/sparql-results+json"}

    def over_http(query: str) -> bytes:
        conn.request("POST", "/sparql", body=query.encode(), headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"/sparql answered {response.status}: {body[:200]!r}")
        return body

    try:
        over_http(QUERIES["Q4 statements per rank"])  # starts the endpoint's workers
        endpoint = True
    except (RuntimeError, OSError) as exc:
        print(f"SPARQL endpoint unavailable: {exc}", file=sys.stderr)
        endpoint = False
    out: dict[str, str] = {}
    for name, template in QUERIES.items():
        query = template.replace("{chip}", chip)

        def in_process(q: str = query, on: ox.Store = local) -> bytes:
            found = on.query(q, use_default_graph_as_union=True)
            return found.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore

        in_process()  # warm-up, untimed (as for HTTP below)
        inproc = _timed(in_process, runs)
        in_process(on=disk)
        on_disk = _timed(lambda q=query: in_process(q, disk), runs)  # type: ignore[misc]
        cell = f"{inproc:.1f} · {on_disk:.1f} · "
        if endpoint:
            conn.close()  # idle while timing in-process: the server may have dropped it
            over_http(query)
            http_ms = _timed(lambda q=query: over_http(q), runs)  # type: ignore[misc]
            out[f"SPARQL {name} (ms)"] = cell + (
                f"{http_ms:.1f} · {http_ms / inproc:.2f}× · {http_ms / on_disk:.2f}×")
        else:
            out[f"SPARQL {name} (ms)"] = cell + "n/a (endpoint not built)"
    return out


#: The top-5 query with a metric filter and a relation filter (a new text each time).
FILTERED = """{ chips(orderBy: [{memoryPerDollar: DESC}], first: 5,
  where: {memoryPerDollar: {gt: 0}, memoryCapacity: {gte: 16}, vendor: {name: {contains: "a"}}})
  { totalCount excludedMissing nodes { name memoryPerDollar { value unit } } } }"""


def phase_graphql(port: int, runs: int, seconds: float, latency_s: float,
                  q1_ms: float | None) -> dict[str, str]:
    if not graphql_built():
        return {"GraphQL": "n/a (GraphQL not built)"}
    gb = _module("graphql_bench")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    answer = gb.request(conn, "/graphql", gb.BODY)
    assert gb.request(conn, "/bench/plain", answer) == answer
    rate = gb.wrk_rate if shutil.which("wrk") else gb.loop_rate
    gql, plain = [], []
    for _ in range(runs):
        gql.append(rate(port, "/graphql", gb.BODY, seconds, 8))
        plain.append(rate(port, "/bench/plain", gb.BODY, seconds, 8))
    latencies = gb.uncached_latencies(port, 500, "alias", gb.QUERY, latency_s)
    filtered = gb.uncached_latencies(port, 500, "alias", FILTERED, latency_s)
    g, p = statistics.median(gql), statistics.median(plain)
    p50, p99 = gb.percentile(latencies, 0.5), gb.percentile(latencies, 0.99)
    out = {
        "GraphQL req/s: cached top-5 mem/$ · plain route · ratio":
            f"{g:.0f} · {p:.0f} · {g / p:.2f}",
        "GraphQL uncached top-5 mem/$ p50 · p99 (ms)":
            f"{p50:.1f} · {p99:.1f} (n={len(latencies)})",
        "GraphQL uncached filtered top-5 p50 · p99 (ms)":
            f"{gb.percentile(filtered, 0.5):.1f} · {gb.percentile(filtered, 0.99):.1f} "
            f"(n={len(filtered)})",
    }
    if q1_ms:
        out["GraphQL uncached p50 ÷ in-process Q1"] = f"{p50 / q1_ms:.2f}×"
    return out


# ----------------------------------------------------------------- the bench server


def serve(port: int, store: str, home: str) -> None:
    """``hwkg``'s app on the persisted store plus ``/bench/plain`` (the same bytes)."""
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from hwkg.app import create_app
    from hwkg.core.settings import Settings
    from hwkg.serving import stores as persistence

    settings = Settings.from_env(home=Path(home), store_path=Path(store), sparql_timeout_s=120.0)
    app = create_app(settings, persistence.open_snapshot(Path(store), Path(home), rebuild=False))
    payload: dict[str, bytes] = {}

    async def plain(request: Request) -> Response:
        if "body" not in payload:  # filled by the client before any timing
            payload["body"] = await request.body()
        return Response(payload["body"], media_type="application/json")

    app.router.routes.append(Route("/bench/plain", plain, methods=["GET", "POST"]))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def triples(store: Path) -> int:
    import pyoxigraph as ox

    return len(ox.Store.read_only(str(store)))


def one_size(chips: int, args: argparse.Namespace) -> dict[str, str]:
    gen = _module("generate")
    home = args.work / f"home-{chips}"
    marker = home / ".bench-params"
    params = f"{chips} {args.seed}"
    row: dict[str, str] = {}
    if not (marker.exists() and marker.read_text() == params):
        shutil.rmtree(home, ignore_errors=True)
        started = time.perf_counter()
        gen.write_home(gen.generate(chips, args.seed), home)
        marker.write_text(params)
        row["generate (s)"] = f"{time.perf_counter() - started:.1f}"
    else:
        row["generate (s)"] = "reused"
    store = args.work / f"store-{chips}"
    check = chips <= args.validate_max
    reuse = args.reuse_store and store.exists()
    phases = set(args.phases.split(","))
    if not reuse and "load" in phases:
        row.update(phase_load(home, store, True, args.timeout))
    if not store.exists():
        return row
    row = {"triples in store": f"{triples(store):,}", **row}
    if not reuse and "validate" in phases:
        row.update(phase_validate(home, args.timeout) if check else
                   {"full validation (s)": f"skipped (> {args.validate_max:,} chips)"})
    if not reuse and "bulk" in phases:
        row.update(phase_bulk(home, args.timeout))
    if "restart" in phases:
        row.update(phase_restart(home, store, args.runs))
    if "increment" in phases:
        row.update(phase_increment(home, store, args.timeout))
    if not phases & {"sparql", "graphql"}:
        return row
    port = free_port()
    server = subprocess.Popen([PY, __file__, "--serve", str(port), "--store", str(store),
                               "--home", str(home)], cwd=REPO)
    try:
        if not wait_http(port, "/health", time.perf_counter() + 300):
            raise RuntimeError("the bench server did not start")
        if "sparql" in phases:
            guarded(row, "SPARQL", lambda: phase_sparql(store, port, args.query_runs))
        q1 = row.get("SPARQL Q1 top-10 memory per US$ (ms)", "").split(" · ")[0]
        if "graphql" in phases:
            guarded(row, "GraphQL", lambda: phase_graphql(
                port, args.runs, args.seconds, args.latency_seconds, float(q1) if q1 else None))
    finally:
        stop(server)
    return row


def guarded(row: dict[str, str], name: str, phase: Callable[[], dict[str, str]]) -> None:
    """Run one phase into ``row``; a failure is recorded in the row, not raised."""
    try:
        row.update(phase())
    except Exception as exc:  # noqa: BLE001 - one broken phase must not hide the others
        row[f"{name} (failed)"] = f"{type(exc).__name__}: {exc}"[:120]
        print(f"{name} phase failed: {exc!r}", file=sys.stderr)


def header(args: argparse.Namespace) -> str:
    tool = "wrk" if shutil.which("wrk") else "python keep-alive loop (wrk not installed)"
    return (f"hwkg benchmark suite — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — "
            f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()} — "
            f"sizes {', '.join(f'{n:,}' for n in args.sizes)} chips — seed {args.seed} — "
            f"runs {args.runs} — HTTP load: {tool}")


def table(rows: dict[int, dict[str, str]]) -> str:
    metrics: list[str] = []
    for row in rows.values():
        metrics += [m for m in row if m not in metrics]
    cols = [f"{n:,} chips" for n in rows]
    lines = ["| metric | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for metric in metrics:
        cells = [row.get(metric, "").replace("|", "/") for row in rows.values()]
        metric = metric.replace("|", "/")
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="chip counts, comma-separated")
    parser.add_argument("--full", action="store_true", help="10^2, 10^3, 10^4 and 10^5 chips")
    parser.add_argument("--quick", action="store_true", help="100 chips, one short run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--query-runs", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=5.0, help="per HTTP load round")
    parser.add_argument("--latency-seconds", type=float, default=15.0)
    parser.add_argument("--validate-max", type=int, default=10_000,
                        help="above this many chips, load without validation")
    parser.add_argument("--timeout", type=float, default=1200.0, help="per load phase, seconds")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help=f"comma-separated subset of {','.join(PHASES)}")
    parser.add_argument("--work", type=Path, default=Path("/tmp/hwkg-bench"))
    parser.add_argument("--reuse-store", action="store_true",
                        help="keep a store built by an earlier run: skip the load phases")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.store, args.home)
        return 0
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if args.full:
        args.sizes = [100, 1_000, 10_000, 100_000]
    if args.quick:
        args.sizes, args.runs, args.query_runs = [100], 1, 2
        args.seconds, args.latency_seconds = 1.0, 2.0
    args.work.mkdir(parents=True, exist_ok=True)
    print(header(args), flush=True)
    rows: dict[int, dict[str, str]] = {}
    for chips in args.sizes:
        rows[chips] = one_size(chips, args)
        print(f"\n{chips:,} chips: " + json.dumps(rows[chips], ensure_ascii=False, indent=1),
              flush=True)
    print("\nSPARQL cells (ms): in-process in-memory store · in-process on-disk store · "
          "HTTP /sparql · HTTP ÷ in-memory · HTTP ÷ on-disk\n")
    print(table(rows), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
