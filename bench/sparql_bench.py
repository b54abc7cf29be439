"""SPARQL endpoint overhead over in-process Oxigraph, on the bundled and a synthetic graph.

For each graph and query, three medians from one run:

- ``inproc``: ``store.query(...)`` + Oxigraph's own JSON serialisation, in this process;
- ``pool``:   the same job through the killable worker pool (pipe + child process);
- ``http``:   a real server (``hwkg serve`` / ``hwkg.web.sparql_standalone``) over HTTP/1.1
  keep-alive, what a client sees.

Ratios are ``pool/inproc`` and ``http/inproc`` (target ≤ 1.2×). The synthetic graph follows
the project's model (chips with statements, sources, truthy shortcuts) at ~350k triples.

    .venv/bin/python bench/sparql_bench.py [--chips 6000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

from hwkg.core.namespaces import BASE, GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_TRUTHY, PREFIXES
from hwkg.sparql.execution import Job, run
from hwkg.sparql.pool import Pool

ROOT = Path(__file__).resolve().parents[1]
HW, HWT, ID = BASE + "ontology#", BASE + "truthy/", BASE + "id/"
FIGURES = [("memoryCapacity", "http://qudt.org/vocab/unit/GigaBYTE", 8, 192),
           ("memoryBandwidth", "http://qudt.org/vocab/unit/GigaBYTE-PER-SEC", 100, 8000),
           ("maxPower", "http://qudt.org/vocab/unit/W", 15, 1200),
           ("computeFP32", "http://qudt.org/vocab/unit/TeraFLOPS", 1, 150),
           ("computeBF16", "http://qudt.org/vocab/unit/TeraFLOPS", 10, 2500)]

QUERIES = {
    "lookup-one-chip": "SELECT ?p ?o WHERE {{ <{chip}> ?p ?o }}",
    "top10-bandwidth": """SELECT ?chip ?label ?bw WHERE {{ ?chip hwt:memoryBandwidth ?bw ;
        rdfs:label ?label FILTER(lang(?label) = "en") }} ORDER BY DESC(?bw) LIMIT 10""",
    "statements-per-property": """SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?s ?p ?st .
        ?st a hw:Statement }} GROUP BY ?p""",
    "figures-with-sources": """SELECT ?chip ?v ?u ?src WHERE {{ ?chip hw:memoryCapacity ?st .
        ?st hw:value ?v ; hw:unit ?u ; hw:rank hw:PreferredRank ; prov:wasDerivedFrom ?src }}
        LIMIT 1000""",
    "ask-deprecated": "ASK {{ ?st hw:rank hw:DeprecatedRank }}",
}


def synthetic(chips: int, ontology: list[ox.Quad]) -> ox.Store:
    """A store in the project's model: chips with ranked, sourced statements + truthy."""
    rnd = random.Random(7)
    N, L = ox.NamedNode, ox.Literal
    data, truthy = N(GRAPH_DATA), N(GRAPH_TRUTHY)
    rdf_type, label = N(PREFIXES["rdf"] + "type"), N(PREFIXES["rdfs"] + "label")
    derived = N("http://www.w3.org/ns/prov#wasDerivedFrom")
    quads = list(ontology)
    sources = [N(f"{ID}source/s{i}") for i in range(200)]
    for s in sources:
        quads += [ox.Quad(s, rdf_type, N(HW + "Source"), data),
                  ox.Quad(s, label, L(f"Source {s.value[-4:]}", language="en"), data)]
    for i in range(chips):
        chip = N(f"{ID}chip/synthetic-{i}")
        quads += [ox.Quad(chip, rdf_type, N(HW + "GPU"), data),
                  ox.Quad(chip, label, L(f"Synthetic GPU {i}", language="en"), data),
                  ox.Quad(chip, label, L(f"合成 GPU {i}", language="zh"), data),
                  ox.Quad(chip, N(HW + "vendor"), N(f"{ID}vendor/v{i % 20}"), data),
                  ox.Quad(chip, derived, sources[i % len(sources)], data)]
        for name, unit, low, high in FIGURES:
            for k, rank in enumerate(("PreferredRank", "NormalRank")):
                st = N(f"{ID}statement/{i:06d}{name}{k}")
                value = round(rnd.uniform(low, high), 1)
                quads += [ox.Quad(chip, N(HW + name), st, data),
                          ox.Quad(st, rdf_type, N(HW + "Statement"), data),
                          ox.Quad(st, N(HW + "value"), L(str(value), datatype=N(
                              PREFIXES["xsd"] + "decimal")), data),
                          ox.Quad(st, N(HW + "unit"), N(unit), data),
                          ox.Quad(st, N(HW + "rank"), N(HW + rank), data),
                          ox.Quad(st, derived, sources[(i + k) % len(sources)], data)]
                if k == 0:
                    quads.append(ox.Quad(chip, N(HWT + name), L(str(value), datatype=N(
                        PREFIXES["xsd"] + "decimal")), truthy))
    store = ox.Store()
    store.bulk_extend(quads)
    return store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(cmd: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([*cmd, "--port", str(port)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("server did not start")


async def measure(store: ox.Store, dump: Path, url: str, jobs: dict[str, Job],
                  repeat: int) -> dict[str, tuple[float, float, float]]:
    """Medians (ms) of in-process, pool and HTTP runs, interleaved so drift hits all three."""
    pool = Pool(dump, 1)
    await pool.start()
    out = {}
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        async def http(job: Job) -> None:
            response = await client.post("/sparql", data={"query": job.query},
                                         headers={"accept": "application/sparql-results+json"})
            assert response.status_code == 200, response.text

        for name, job in jobs.items():
            run(store, job), await pool.run(job, 60), await http(job)  # warm up
            times: list[list[float]] = [[], [], []]
            for _ in range(repeat):
                t0 = time.perf_counter()
                run(store, job)
                t1 = time.perf_counter()
                await pool.run(job, 60)
                t2 = time.perf_counter()
                await http(job)
                t3 = time.perf_counter()
                for slot, value in zip(times, (t1 - t0, t2 - t1, t3 - t2), strict=True):
                    slot.append(value * 1000)
            out[name] = (statistics.median(times[0]), statistics.median(times[1]),
                         statistics.median(times[2]))
    await pool.aclose()
    return out


def bench(title: str, store: ox.Store, server_cmd: list[str], repeat: int) -> None:
    chip = next(q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(HW + "GPU"), None))
    jobs = {name: Job(q.format(chip=chip), prefixes=PREFIXES) for name, q in QUERIES.items()}
    folder = Path(tempfile.mkdtemp(prefix="hwkg-bench-"))
    dump = folder / "store.nq"
    store.dump(str(dump), ox.RdfFormat.N_QUADS)
    extra = ["--graph", str(dump)] if "standalone" in server_cmd[2] else []
    proc, url = start([*server_cmd, *extra])
    try:
        medians = asyncio.run(measure(store, dump, url, jobs, repeat))
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n== {title}: {len(store)} quads; medians of {repeat} interleaved runs (ms)")
    print(f"{'query':26} {'inproc':>9} {'pool':>9} {'http':>9} {'pool/in':>8} {'http/in':>8}")
    for name, (a, b, c) in medians.items():
        print(f"{name:26} {a:9.3f} {b:9.3f} {c:9.3f} {b / a:7.2f}x {c / a:7.2f}x")
    total = [sum(m[i] for m in medians.values()) for i in range(3)]
    print(f"{'sum of medians':26} {total[0]:9.3f} {total[1]:9.3f} {total[2]:9.3f} "
          f"{total[1] / total[0]:7.2f}x {total[2] / total[0]:7.2f}x")


def main() -> int:
    cmd = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    cmd.add_argument("--chips", type=int, default=5000, help="synthetic chips (~70 triples each)")
    cmd.add_argument("--repeat", type=int, default=30)
    args = cmd.parse_args()
    from hwkg.loading.snapshot import load_snapshot

    snapshot = load_snapshot()
    print(f"load average (1, 5, 15 min): {os.getloadavg()}; cpus: {os.cpu_count()}")
    os.environ.setdefault("HWKG_SPARQL_WORKERS", "1")
    bench("bundled graph", snapshot.store,
          [sys.executable, "-m", "hwkg", "serve", "--log-level", "warning"], args.repeat)
    ontology = list(snapshot.store.quads_for_pattern(None, None, None,
                                                     ox.NamedNode(GRAPH_ONTOLOGY)))
    big = synthetic(args.chips, ontology)
    bench("synthetic graph", big, [sys.executable, "-m", "hwkg.web.sparql_standalone"], args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
