"""Adding one benchmark result to a large graph: what an import's validation costs.

    .venv/bin/python bench/increment.py --store /tmp/hwkg-bench/store-100000 \\
        --home /tmp/hwkg-bench/home-100000 [--runs 7]

Builds one new hw:BenchmarkResult (with its statement and source) for a system and a
benchmark already in the store, and times ``hwkg.importers.writer.check(..., store=...)``:
parse the new file, fetch its neighbours from the on-disk store (the touched entities with
their statements, the types of what it points to: :func:`hwkg.validation.neighbourhood.around`), and
validate that small graph (pyshacl core + set-based SHACL-SPARQL). Prints one JSON object:
median and max seconds of ``--runs`` runs after one warm-up, the context's size and the
problems found (0 expected). What it does not time: the importers' own matching, which
still reads the existing graph folder (``hwkg.importers.writer.existing``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from hwkg.core.namespaces import sparql_prefixes
from hwkg.importers.writer import Output, check
from hwkg.validation import neighbourhood

TEMPLATE = """@prefix hw: <https://w3id.org/hwkg/ontology#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/hwkg/id/result/bench-new-{n}> a hw:BenchmarkResult ;
    rdfs:label "A new result {n}"@en ;
    hw:benchmark <{bench}> ; hw:system <{sys}> ;
    hw:result [ a hw:Statement ; hw:value {value} ; hw:unit unit:MIN ;
                hw:rank hw:PreferredRank ; prov:wasDerivedFrom <{src}> ] ;
    hw:method "median of five runs" ; hw:resultTime "2025-01-01"^^xsd:date ;
    hw:division hw:Closed ; hw:category hw:Available ;
    prov:wasDerivedFrom <{src}> .
"""
PICK = """SELECT ?sys ?bench ?src WHERE { ?r a hw:BenchmarkResult ; hw:system ?sys ;
    hw:benchmark ?bench ; prov:wasDerivedFrom ?src } LIMIT 1"""


def one_result(store: ox.Store, n: int) -> Output:
    """A new result of an existing system and benchmark, citing an existing source."""
    found = store.query(sparql_prefixes() + PICK, use_default_graph_as_union=True)
    row = next(iter(found))  # type: ignore[arg-type]
    terms = {k: row[k].value for k in ("sys", "bench", "src")}  # type: ignore[union-attr]
    return Output(f"results/bench-new-{n}.ttl", TEMPLATE.format(n=n, value=40 + n, **terms))


def measure(store_path: Path, home: Path, runs: int) -> dict[str, object]:
    """Time ``runs`` incremental validations of one new result (after one warm-up)."""
    store = ox.Store.read_only(str(store_path))
    times, problems = [], []
    for n in range(runs + 1):
        output = one_result(store, n)
        started = time.perf_counter()
        problems = check([output], Graph(), home, store=store)
        if n:
            times.append(time.perf_counter() - started)
    parsed = Graph().parse(data=one_result(store, 0).text, format="turtle")
    context = neighbourhood.around(store, neighbourhood.iris(parsed))
    return {"median_s": round(statistics.median(times), 4), "max_s": round(max(times), 4),
            "runs": runs, "context_triples": len(context), "problems": len(problems),
            "store_quads": len(store)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.store, args.home, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
