"""Serving modes side by side: ``hwkg serve`` on its embedded store vs ``hwkg serve
--sparql-endpoint`` over an Oxigraph server (and Virtuoso, when installed and asked for).

Everything runs on 127.0.0.1: an ``oxigraph serve --location DIR --union-default-graph``
server, the graph loaded into it with ``hwkg load --sparql-endpoint``, and the ``hwkg serve``
processes: ``embedded``, ``oxigraph`` (every query names the hwkg dataset), ``oxigraph-union``
(``--union-default-graph``: union queries go without a dataset) and ``virtuoso``.
Per item, the median of ``--repeat`` requests over one keep-alive connection per server,
the servers taking turns each round so that a noisy machine hits them alike:

- SPARQL Q1–Q6 of ``bench/suite.py`` through ``/sparql`` (SPARQL JSON), and the same query
  sent straight to the Oxigraph server (the engine alone: what forwarding adds on top);
  first a floor, ``ASK {}``, which reads no data: each endpoint's own cost per request.
  Each twice: the same text every time (the embedded endpoint answers it again from the
  answers it keeps per graph version) and a new text each time (a new comment: run anew);
- GraphQL: the top-five memory-per-dollar example, cached (same text) and uncached (a new
  alias each time); both modes answer GraphQL from the in-memory catalog;
- linked data: one chip's page in Turtle and HTML (each a few dozen pattern lookups, which
  are remote requests in remote mode, then kept by the backend), the HTML page of a
  different chip each time (first views), the home page, ``/health``;
- start: process start → ``/health`` 200 and → first GraphQL answer (the catalog is built
  from the store: two full-graph reads, remote in remote mode), median of ``--starts``.

    .venv/bin/python bench/remote_bench.py [--repeat 21] [--starts 3] [--chips N] [--virtuoso]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import httpx

from hwkg.sparql.client import Dataset, form, headers

BENCH = Path(__file__).resolve().parent
CHIP = "nvidia-h100-sxm5-80gb"  # or the first chip of a synthetic graph
ID = "https://w3id.org/hwkg/id/chip/"
TOP_FIVE = """{ %s chips(orderBy: [{memoryPerDollar: DESC}], where: {memoryPerDollar: {gt: 0}},
  first: 5) { nodes { id name memoryPerDollar(currency: "USD") { value unit
  inputs { role value unit offer { id amount currency sources { title url } } } } } } }"""


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait(url: str, proc: subprocess.Popen[bytes], seconds: float = 300,
         body: dict[str, str] | None = None) -> float:
    """Seconds until ``url`` answers 200 (POSTing ``body`` when given)."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            response = (httpx.post(url, json=body, timeout=60) if body
                        else httpx.get(url, params={"query": "ASK {}"}, timeout=5))
            if response.status_code == 200:
                return time.perf_counter() - started
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


@contextlib.contextmanager
def running(cmd: list[str], env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def hwkg(*args: str) -> list[str]:
    return [sys.executable, "-m", "hwkg", *args]


def start_times(serve_args: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median seconds from process start to /health and to the first GraphQL answer."""
    health, first = [], []
    for _ in range(runs):
        port = free_port()
        started = time.perf_counter()
        with running(hwkg("serve", "--port", str(port), "--log-level", "warning",
                          *serve_args), env) as proc:
            wait(f"http://127.0.0.1:{port}/health", proc)
            health.append(time.perf_counter() - started)
            wait(f"http://127.0.0.1:{port}/graphql", proc,
                 body={"query": "{ chips(first: 1) { totalCount } }"})
            first.append(time.perf_counter() - started)
    return statistics.median(health), statistics.median(first)


#: The floor: a query that touches no data, so its time is the endpoint's own cost per
#: request (HTTP, protocol, and for ``hwkg serve`` the hop to a killable worker process).
FLOOR = {"Q0 floor: ASK {}": "ASK {}"}


def queries(suite: ModuleType) -> dict[str, str]:
    """The timed SPARQL queries: the floor, then ``bench/suite.py``'s Q1–Q6."""
    return {**FLOOR, **suite.QUERIES}


def items(chip: str, suite: ModuleType,
          chips: list[str]) -> dict[str, Callable[[httpx.Client, int], object]]:
    """What is timed: name → one request on a client to an hwkg server."""
    def sparql(query: str, fresh: bool) -> Callable[[httpx.Client, int], object]:
        return lambda c, i: c.post("/sparql", data={"query": text(query, i, fresh)},
                                   headers={"accept": "application/sparql-results+json"})

    out: dict[str, Callable[[httpx.Client, int], object]] = {}
    for name, q in queries(suite).items():
        out[f"SPARQL {name}"] = sparql(q.replace("{chip}", ID + chip), False)
        out[f"SPARQL {name} (new text)"] = sparql(q.replace("{chip}", ID + chip), True)
    out["GraphQL top-5 mem/$ (cached)"] = lambda c, i: c.post(
        "/graphql", json={"query": TOP_FIVE % ""})
    out["GraphQL top-5 mem/$ (uncached)"] = lambda c, i: c.post(
        "/graphql", json={"query": TOP_FIVE % f"a{i}_{time.monotonic_ns()}: __typename"})
    out["entity page .ttl"] = lambda c, i: c.get(f"/data/chip/{chip}.ttl")
    out["entity page .html"] = lambda c, i: c.get(f"/data/chip/{chip}.html")
    out["entity page .html, each chip once"] = lambda c, i: c.get(
        f"/data/chip/{chips[i % len(chips)]}.html")
    out["home page /"] = lambda c, i: c.get("/", headers={"accept": "text/html"})
    out["/health"] = lambda c, i: c.get("/health")
    return out


def text(query: str, i: int, fresh: bool) -> str:
    """``query``, or (``fresh``) the same query with a new comment each time: a text the
    embedded endpoint has not answered before, so its kept answers cannot serve it."""
    return f"{query}\n# {i} {time.monotonic_ns()}" if fresh else query


def direct(query_url: str, query: str,
           fresh: bool = False) -> Callable[[httpx.Client, int], object]:
    """The same SPARQL query sent straight to the server, as the forwarder sends it."""
    def send(c: httpx.Client, i: int) -> object:
        sent = text(query, i, fresh)
        return c.post(query_url, content=form(sent, Dataset()), headers=headers(sent))

    return send


def timed(client: httpx.Client, run: Callable[[httpx.Client, int], object], i: int) -> float:
    started = time.perf_counter()
    response = run(client, i)
    elapsed = time.perf_counter() - started
    assert isinstance(response, httpx.Response) and response.status_code == 200, response
    return elapsed * 1000


def measure(servers: dict[str, str], todo: dict[str, Callable[[httpx.Client, int], object]],
            extra: dict[str, dict[str, Callable[[httpx.Client, int], object]]],
            repeat: int) -> dict[str, dict[str, float]]:
    """Median ms per item and server; ``extra[item][label]`` adds more columns."""
    clients = {name: httpx.Client(base_url=url, timeout=120) for name, url in servers.items()}
    plain = httpx.Client(timeout=120)
    samples: dict[str, dict[str, list[float]]] = {k: {} for k in todo}
    for item, run in todo.items():
        columns = [(n, c, run) for n, c in clients.items()]
        columns += [(label, plain, f) for label, f in extra.get(item, {}).items()]
        for _name, client, f in columns:
            timed(client, f, -1)  # warm-up (and the first worker start / dump)
        for i in range(repeat):
            for name, client, f in columns:
                samples[item].setdefault(name, []).append(timed(client, f, i))
    return {item: {n: statistics.median(v) for n, v in cols.items()}
            for item, cols in samples.items()}


def table(results: dict[str, dict[str, float]], names: list[str]) -> str:
    base = names[0]
    head = ["item", *[f"{n} ms" for n in names], *[f"{n} ÷ {base}" for n in names[1:]]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for item, row in results.items():
        cells = [f"{row[n]:.2f}" if n in row else "–" for n in names]
        ratios = [f"{row[n] / row[base]:.2f}×" if n in row else "–" for n in names[1:]]
        lines.append("| " + " | ".join([item, *cells, *ratios]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    cmd = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cmd.add_argument("--repeat", type=int, default=21)
    cmd.add_argument("--starts", type=int, default=3)
    cmd.add_argument("--chips", type=int, help="a synthetic graph of N chips (bench/generate.py)")
    cmd.add_argument("--virtuoso", action="store_true", help="add Virtuoso (virtuoso-t)")
    args = cmd.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="hwkg-remote-bench-"))
    env: dict[str, str] = {}
    try:
        if args.chips:
            gen = _module("generate")
            gen.write_home(gen.generate(args.chips, seed=1), work / "home")
            env["HWKG_HOME"] = str(work / "home")
        return run(args, work, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _remote_servers(args: argparse.Namespace, work: Path,
                    stack: contextlib.ExitStack) -> dict[str, tuple[str, str, dict[str, str]]]:
    """Started SPARQL servers: name → (query URL, update URL, extra hwkg load arguments)."""
    oxi = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    proc = stack.enter_context(running([oxi, "serve", "--location", str(work / "oxigraph"),
                                        "--bind", f"127.0.0.1:{port}", "--timeout-s", "60",
                                        "--union-default-graph"]))
    wait(f"http://127.0.0.1:{port}/query", proc)
    out = {"oxigraph": (f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/update", {})}
    if args.virtuoso and shutil.which("virtuoso-t"):
        sys.path.insert(0, str(BENCH.parent / "tests"))
        remote_support = importlib.import_module("remote_support")
        (work / "virtuoso").mkdir()
        server = stack.enter_context(remote_support.virtuoso(work / "virtuoso"))
        out["virtuoso"] = (server.query_url, server.update_url,
                           {"user": "dba", "HWKG_SPARQL_PASSWORD": "dba"})
    return out


def run(args: argparse.Namespace, work: Path, env: dict[str, str]) -> int:
    suite = _module("suite")
    with contextlib.ExitStack() as stack:
        remotes = _remote_servers(args, work, stack)
        serve_args: dict[str, list[str]] = {"embedded": []}
        serve_env: dict[str, dict[str, str]] = {"embedded": env}
        for name, (query_url, update_url, auth) in remotes.items():
            user = ["--user", auth["user"]] if auth.get("user") else []
            secret = {k: v for k, v in auth.items() if k.startswith("HWKG_")}
            started = time.perf_counter()
            subprocess.run(hwkg("load", "--sparql-endpoint", query_url, "--update-url",
                                update_url, *user), env={**os.environ, **env, **secret},
                           check=True, capture_output=True)
            print(f"hwkg load --sparql-endpoint ({name}): "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
            serve_args[name] = ["--sparql-endpoint", query_url]
            serve_env[name] = {**env, **secret}
            if name == "oxigraph":  # the same server, its own union default graph
                serve_args["oxigraph-union"] = [*serve_args[name], "--union-default-graph"]
                serve_env["oxigraph-union"] = serve_env[name]
        starts = {name: start_times(serve_args[name], serve_env[name], args.starts)
                  for name in serve_args}
        servers = {}
        for name in serve_args:
            port = free_port()
            proc = stack.enter_context(running(hwkg(
                "serve", "--port", str(port), "--log-level", "warning", *serve_args[name]),
                serve_env[name]))
            servers[name] = f"http://127.0.0.1:{port}"
            wait(servers[name] + "/health", proc)
        listing = httpx.post(servers["embedded"] + "/sparql", headers={"accept": "text/csv"},
                             data={"query": "SELECT ?c WHERE { ?c a/rdfs:subClassOf* hw:Chip }"})
        chips = sorted({line.rsplit("/", 1)[-1] for line in listing.text.split()[1:]})
        chip = CHIP if CHIP in chips else chips[0]
        todo = items(chip, suite, chips)
        extra = {f"SPARQL {n}{tag}": {f"{r} direct": direct(remotes[r][0],
                                                              q.replace("{chip}", ID + chip),
                                                              fresh)
                                      for r in remotes}
                 for n, q in queries(suite).items()
                 for tag, fresh in (("", False), (" (new text)", True))}
        results = measure(servers, todo, extra, args.repeat)
    for name, (health, first) in starts.items():
        results.setdefault("start → /health (s→ms)", {})[name] = health * 1000
        results.setdefault("start → 1st GraphQL answer (s→ms)", {})[name] = first * 1000
    names = [*servers, *[f"{r} direct" for r in remotes]]
    print(table(results, names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
