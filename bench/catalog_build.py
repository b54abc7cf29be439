"""Building the GraphQL catalog from a store: this checkout's code against another's.

    .venv/bin/python bench/catalog_build.py STORE_DIR --against /path/to/other/checkout [--runs 3]

Each run is a fresh interpreter (``PYTHONHASHSEED=0``, the garbage collector paused as in
``hwkg load``) that indexes the store's data and ontology graphs, times
:func:`hwkg.readmodel.catalog.build` alone and writes the catalog file; the two checkouts
take turns. Prints the median build time of each and their ratio, and whether the two
catalog files are byte-identical (a speed-up that changes the catalog is not one). Make the
other checkout with ``git worktree add /tmp/hwkg-before <commit>``.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: The child: index the store, time the build, write the catalog, print the seconds.
CHILD = """
import sys, time
from pathlib import Path
import pyoxigraph as ox
from hwkg.core import gc_pause
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY
from hwkg.readmodel import catalog, saved
store = ox.Store.read_only(sys.argv[1])
with gc_pause.paused():
    data = catalog.index_graph(store, GRAPH_DATA)
    ontology = catalog.index_graph(store, GRAPH_ONTOLOGY)
    started = time.perf_counter()
    made = catalog.build(data, ontology, "bench")
    took = time.perf_counter() - started
saved.write(Path(sys.argv[2]), made)
print(f"{took:.3f}")
"""


def _run(checkout: Path, store: Path, out: Path) -> float:
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(checkout / "api"))
    done = subprocess.run([sys.executable, "-c", CHILD, str(store), str(out)], env=env,
                          check=True, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def main(argv: list[str] | None = None) -> int:
    cmd = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cmd.add_argument("store", type=Path)
    cmd.add_argument("--against", type=Path, required=True, help="the other checkout")
    cmd.add_argument("--runs", type=int, default=3)
    args = cmd.parse_args(argv)
    times: dict[str, list[float]] = {"this": [], "other": []}
    with tempfile.TemporaryDirectory(prefix="hwkg-catalog-bench-") as tmp:
        outs = {name: Path(tmp) / name for name in times}
        for path in outs.values():
            path.mkdir()
        for _ in range(args.runs):
            times["other"].append(_run(args.against.resolve(), args.store, outs["other"]))
            times["this"].append(_run(REPO, args.store, outs["this"]))
        files = [next(path.iterdir()) for path in outs.values()]
        same = filecmp.cmp(*files, shallow=False)
    this, other = (statistics.median(times[name]) for name in ("this", "other"))
    print(f"build, this checkout:  median {this:.2f} s of {times['this']}")
    print(f"build, {args.against}: median {other:.2f} s of {times['other']}")
    print(f"this ÷ other: {this / other:.2f}×; catalog files identical: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
