"""Why on-disk SPARQL is slower than in-memory, and what hwkg serves: the suite's queries on
one graph held four ways, medians of 5 after a warm-up, ratios against the in-memory store
measured in the same run.

- **memory**: an in-memory ``pyoxigraph.Store`` holding the store's quads (what ``hwkg serve``
  serves from when the store fits: ``HWKG_STORE_IN_MEMORY=auto``, the default, up to
  ``HWKG_MEMORY_QUADS`` quads);
- **disk, as bulk-loaded**: the RocksDB store written by Oxigraph's bulk loader, not compacted
  (what ``hwkg load`` wrote before it called ``optimize()``), opened read-only;
- **disk, compacted**: the same after ``Store.optimize()`` (what ``hwkg load`` writes now),
  opened read-only (what ``hwkg serve --store`` opens above the memory limit);
- **disk, compacted, read-write**: the same store opened read-write.

    .venv/bin/python bench/generate.py --chips 10000 --seed 1 --out /tmp/hwkg-10k
    .venv/bin/python bench/disk_store.py --home /tmp/hwkg-10k
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from hwkg.loading import staging
from hwkg.serving import stores

HERE = Path(__file__).resolve().parent


def _queries() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("suite", HERE / "suite.py")
    assert spec is not None and spec.loader is not None
    suite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suite)
    return {k: v for k, v in suite.QUERIES.items() if "{" not in k and "Q3" not in k}


def median_ms(store: Any, query: str, runs: int = 5) -> float:
    """Median wall time of ``query`` with its results serialised to SPARQL JSON."""
    times = []
    for i in range(runs + 1):
        started = time.perf_counter()
        result = store.query(query, use_default_graph_as_union=True)
        result.serialize(format=ox.QueryResultsFormat.JSON)
        if i:
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def stores_of(home: Path, folder: Path) -> dict[str, Any]:
    """The four ways to hold the graph of ``home`` (stores written under ``folder``)."""
    compacted = folder / "compacted"
    stores.build(compacted, home, check=False, with_catalog=False)
    raw = folder / "raw"
    staged = staging.Staging()
    staging.write(staged.memory, home)
    staging.persist(staged.dump(folder / "dump"), ox.Store(str(raw)))
    disk = ox.Store.read_only(str(compacted))
    memory = ox.Store()
    memory.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    return {"memory": memory, "disk, as bulk-loaded": ox.Store.read_only(str(raw)),
            "disk, compacted": disk, "disk, compacted, read-write": ox.Store(str(compacted))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a graph home (generate.py)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hwkg-disk-bench-") as temp:
        held = stores_of(args.home, Path(temp))
        print(f"{len(held['memory']):,} quads")
        names = list(held)
        print("| query | " + " | ".join(names) + " |")
        print("|---" * (len(names) + 1) + "|")
        for name, query in _queries().items():
            times = {k: median_ms(s, query) for k, s in held.items()}
            base = times["memory"]
            cells = [f"{base:.1f} ms"] + [f"{t:.1f} ms ({t / base:.1f}×)" for k, t in
                                          times.items() if k != "memory"]
            print(f"| {name} | " + " | ".join(cells) + " |")
        del held
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
