"""The same SPARQL queries over an explicit list of hwkg's published graphs and over the
union of the store's graphs, in-process, on one store (on disk, read-only, or copied into
memory): what naming the default graph costs in Oxigraph.

    .venv/bin/python bench/graph_scope.py STORE_DIR [--runs 5] [--memory]

Prints, per query of ``bench/suite.py`` (Q1–Q6), the median of ``--runs`` for each scope and
their ratio. The union equals the published dataset only when the store holds nothing else
(an hwkg store keeps its record in a file beside it, ``hwkg-store.json``).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from hwkg.core.namespaces import published_dataset

BENCH = Path(__file__).resolve().parent


def _suite_queries() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("bench_suite", BENCH / "suite.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return dict(module.QUERIES)


def _median_ms(store: ox.Store, query: str, scope: dict[str, Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        found = store.query(query, **scope)
        if not isinstance(found, bool | ox.QueryBoolean):
            for _row in found:  # type: ignore[union-attr]
                pass
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    cmd = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cmd.add_argument("store", type=Path)
    cmd.add_argument("--runs", type=int, default=5)
    cmd.add_argument("--memory", action="store_true", help="copy the store into memory first")
    args = cmd.parse_args(argv)
    store = ox.Store.read_only(str(args.store))
    if args.memory:
        copy = ox.Store()
        copy.bulk_load(store.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
        store = copy
    pick = ("SELECT ?c WHERE { ?c <https://w3id.org/hwkg/ontology#vendor> ?v } "
            "ORDER BY ?c LIMIT 1")
    chip = next(iter(store.query(pick, use_default_graph_as_union=True)))["c"].value  # type: ignore
    union: dict[str, Any] = {"use_default_graph_as_union": True}
    print("| query | explicit list (ms) | union (ms) | list ÷ union |\n|---|---|---|---|")
    for name, template in _suite_queries().items():
        query = template.replace("{chip}", chip)
        listed = _median_ms(store, query, published_dataset(), args.runs)
        merged = _median_ms(store, query, union, args.runs)
        print(f"| {name} | {listed:,.1f} | {merged:,.1f} | {listed / merged:.2f}× |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
