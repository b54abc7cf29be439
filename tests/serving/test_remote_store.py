"""``hwkg load --sparql-endpoint``: the graph loaded into a real Oxigraph server (PyPI
``oxigraph``, ``oxigraph serve`` on 127.0.0.1) answers like the embedded store."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import remote_support
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_TRUTHY
from hwkg.loading.snapshot import load_snapshot
from hwkg.serving.remote_store import RemoteStore

_bench = remote_support.bench_module


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gen = _bench("generate")
    folder = tmp_path_factory.mktemp("remote-home")
    gen.write_home(gen.generate(40, seed=5), folder)
    return folder


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """An in-memory ``oxigraph serve`` (union default graph) on a free loopback port; yields
    its base URL."""
    with remote_support.oxigraph(union=True) as running:
        yield running.query_url.removesuffix("/query")


def hwkg_load(url: str, home: Path) -> subprocess.CompletedProcess[str]:
    return remote_support.hwkg_load(remote_support.Server(url + "/query", url + "/update"), home)


def _rows(result: ox.QuerySolutions) -> list[tuple[str, ...]]:
    names = [v.value for v in result.variables]
    return sorted(tuple("" if s[n] is None else s[n].value for n in names)  # type: ignore[union-attr]
                  for s in result)


def test_load_into_an_oxigraph_server_answers_like_the_embedded_store(
    server: str, home: Path
) -> None:
    first = hwkg_load(server, home)
    assert first.returncode == 0, first.stderr
    assert "loaded" in first.stderr
    again = hwkg_load(server, home)
    assert again.returncode == 0 and "up to date" in again.stderr
    loaded = load_snapshot(home)
    remote = RemoteStore(server + "/query", server + "/update")
    assert remote.version() == loaded.version
    embedded = loaded.store
    for graph in (GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_DATA, GRAPH_TRUTHY):
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        expected = next(iter(embedded.query(count)))["n"].value  # type: ignore[index]
        assert remote.select(count)[0]["n"] == expected, graph
    suite = _bench("suite")
    pick = suite.P + "SELECT ?c WHERE { ?c a hw:GPU } ORDER BY ?c LIMIT 1"
    chip = next(iter(embedded.query(pick, use_default_graph_as_union=True)))["c"].value  # type: ignore
    checked = 0
    for name, template in suite.QUERIES.items():
        query = template.replace("{chip}", chip)
        mine = _rows(embedded.query(query, use_default_graph_as_union=True))  # type: ignore[arg-type]
        theirs = remote.select(query)
        variables = [v.value for v in embedded.query(  # type: ignore[union-attr]
            query, use_default_graph_as_union=True).variables]
        assert sorted(tuple(r.get(v, "") for v in variables) for r in theirs) == mine, name
        checked += bool(mine)
    assert checked >= 5
