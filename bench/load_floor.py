"""What the load targets cost the engine alone: holding a store in memory, and validating it
in memory or on disk, with no hwkg Python pass.

    .venv/bin/python bench/load_floor.py STORE_DIR HOME [--runs 1]

``STORE_DIR`` is a store ``hwkg load --store`` built from ``HOME`` (e.g. ``bench/suite.py
--sizes 100000``'s ``/tmp/hwkg-bench/store-100000`` and ``home-100000``). Prints:

- the store's quads bulk-loaded from an N-Quads file into a fresh in-memory Oxigraph store, in
  a child process: seconds, peak and resident memory (what validating in memory must hold);
- the set-based SHACL-SPARQL constraints ``hwkg load`` runs
  (:mod:`hwkg.validation.constraints`, over the data and ontology graphs) on that in-memory
  store and on the on-disk store itself (read-only), memory first and last so a noisy machine
  shows in the two memory rows;
- the SHACL core constraints compiled to SPARQL (:mod:`hwkg.validation.components`), on the
  in-memory store: planning (which literals rdflib accepts, each class's subclasses) and the
  queries, on one thread and on as many as ``hwkg load`` uses
  (:func:`hwkg.validation.constraints.threads`), alone and with the SHACL-SPARQL ones.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from hwkg.core import resources
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY
from hwkg.validation import components, constraints
from hwkg.validation.check import read

_CHILD = """
import resource, sys, time
import pyoxigraph as ox
started = time.perf_counter()
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with open("/proc/self/status", encoding="ascii") as status:
    rss = next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024
print(f"{len(store)} {took:.1f} {peak:.0f} {rss:.0f}")
"""


def in_memory_cost(dump: Path) -> tuple[int, float, float, float]:
    """Quads, seconds, peak MB and resident MB of a fresh process loading ``dump``."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(dump)], check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), float(out[3])


def validation_s(store: ox.Store, checks: list[constraints.Constraint],
                 workers: int = 1) -> tuple[float, int]:
    """Seconds to run ``checks`` over the data and ontology graphs on ``workers`` threads,
    and the violations."""
    started = time.perf_counter()
    found = constraints.run(checks, store, [GRAPH_DATA, GRAPH_ONTOLOGY], workers)
    return time.perf_counter() - started, len(found)


def main(argv: list[str] | None = None) -> int:
    cmd = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cmd.add_argument("store", type=Path)
    cmd.add_argument("home", type=Path)
    cmd.add_argument("--skip-disk", action="store_true",
                     help="leave out the on-disk validation rows (minutes at 4.26M quads)")
    args = cmd.parse_args(argv)
    disk = ox.Store.read_only(str(args.store))
    with tempfile.TemporaryDirectory(prefix="hwkg-floor-") as work:
        dump = Path(work) / "all.nq"
        disk.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
        quads, took, peak, rss = in_memory_cost(dump)
        print(f"in-memory store of {quads:,} quads: {took:.1f} s to bulk-load, "
              f"peak {peak:,.0f} MB, resident {rss:,.0f} MB", flush=True)
        memory = ox.Store()
        memory.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    shapes, _, _ = read(resources.turtle_files(args.home / "shapes"))
    checks = constraints.collect(shapes)
    rows = [("in memory", memory), ("on disk", disk), ("in memory", memory)]
    for name, store in rows[:1] if args.skip_disk else rows:
        seconds, found = validation_s(store, checks)
        print(f"{len(checks)} SHACL-SPARQL constraints {name}, 1 thread: {seconds:.1f} s, "
              f"{found} violations", flush=True)
    started = time.perf_counter()
    plan = components.compiled(shapes, memory, [GRAPH_DATA, GRAPH_ONTOLOGY])
    planned = time.perf_counter() - started
    parts = sum(len(c.parts) or 1 for c in plan.constraints)
    print(f"planning the core constraints: {planned:.1f} s", flush=True)
    for workers in sorted({1, constraints.threads()}):
        seconds, found = validation_s(memory, plan.constraints, workers)
        print(f"{parts} SHACL core constraint components in {len(plan.constraints)} queries in "
              f"memory, {workers} thread(s): {seconds:.1f} s, {found} violations", flush=True)
        seconds, found = validation_s(memory, plan.constraints + checks, workers)
        print(f"  both, as hwkg load runs them, {workers} thread(s): {seconds:.1f} s, "
              f"{found} violations", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
