"""The fast load path (hwkg.loading.staging) writes the same store as the rdflib reference path.

Compared on the bundled graph and on a generated 1,000-chip graph: the data and truthy
graphs quad for quad, the ontology and shapes graphs (which keep blank nodes) as
isomorphic graphs, and the recorded version. Validation does not change what is written,
so both paths run without it here; tests/test_store_persistence.py covers validation.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from hwkg.core import resources
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_TRUTHY
from hwkg.serving import stores as persistence
from hwkg.turtle.terms import n3, normal

ROOT = Path(__file__).resolve().parents[1]


def generated_home(chips: int, folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen
    spec.loader.exec_module(gen)
    gen.write_home(gen.generate(chips, seed=3), folder)
    return folder


def quads(store: ox.Store, graph: str) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def rdflib_graph(store: ox.Store, graph: str) -> Graph:
    payload = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    return Graph().parse(data=payload, format="nt")


def assert_same_store(home: Path, tmp_path: Path) -> None:
    ref_path, fast_path = tmp_path / "reference", tmp_path / "fast"
    ref_meta = persistence.build(ref_path, home, check=False, fast=False, with_catalog=False)
    fast_meta = persistence.build(fast_path, home, check=False, fast=True, with_catalog=False)
    assert fast_meta.version == ref_meta.version
    ref, fast = ox.Store.read_only(str(ref_path)), ox.Store.read_only(str(fast_path))
    for graph in (GRAPH_DATA, GRAPH_TRUTHY):
        expected, got = quads(ref, graph), quads(fast, graph)
        assert expected, graph
        assert got == expected, (graph, sorted(map(str, expected - got))[:5],
                                 sorted(map(str, got - expected))[:5])
    for graph in (GRAPH_ONTOLOGY, GRAPH_SHAPES):
        assert isomorphic(rdflib_graph(ref, graph), rdflib_graph(fast, graph)), graph


def test_the_bundled_graph_gives_the_same_quads_on_both_paths(tmp_path: Path) -> None:
    assert_same_store(resources.home(), tmp_path)


def test_a_generated_graph_gives_the_same_quads_on_both_paths(tmp_path: Path) -> None:
    home = generated_home(1000, tmp_path / "home")
    assert_same_store(home, tmp_path)


@pytest.mark.parametrize(("lexical", "datatype", "expected"), [
    ("01", "integer", "1"), ("1e3", "double", "1000.0"), ("1.50", "decimal", "1.50"),
    ("2023-01-01T00:00:00Z", "dateTime", "2023-01-01T00:00:00+00:00"), ("1", "boolean", "true"),
])
def test_literals_get_rdflib_lexical_forms(lexical: str, datatype: str, expected: str) -> None:
    xsd = ox.NamedNode("http://www.w3.org/2001/XMLSchema#" + datatype)
    assert normal(ox.Literal(lexical, datatype=xsd)).value == expected


def test_n3_writes_literals_as_rdflib_does() -> None:
    from rdflib import Literal

    for text in ('plain', 'with "quotes"', 'two\nlines', 'back\\slash', 'ends in "'):
        assert n3(ox.Literal(text)) == Literal(text).n3()
    assert n3(ox.Literal("x", language="en")) == Literal("x", lang="en").n3()


def test_the_dump_reloaded_in_small_chunks_keeps_every_quad_and_blank_node(tmp_path: Path) -> None:
    from hwkg.loading import staging as bulk

    staging = bulk.Staging()
    bulk.write(staging.memory, resources.home())
    expected = {str(q) for q in staging.memory}
    staged = {g: rdflib_graph(staging.memory, g) for g in (GRAPH_ONTOLOGY, GRAPH_SHAPES)}
    assert any(isinstance(q.object, ox.BlankNode) for q in staging.memory)  # shapes' lists
    dump = staging.dump(tmp_path / "dump")
    assert GRAPH_SHAPES in dump.blank and GRAPH_DATA not in dump.blank
    store = ox.Store(str(tmp_path / "disk"))
    bulk.persist(dump, store, chunk=4096)
    got = {str(q) for q in store}
    assert {q for q in got if "_:" not in q} == {q for q in expected if "_:" not in q}
    for graph in (GRAPH_ONTOLOGY, GRAPH_SHAPES):  # blank nodes renamed by the loader
        assert isomorphic(rdflib_graph(store, graph), staged[graph])
