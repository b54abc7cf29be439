"""The on-disk store: ``hwkg load --store``, ``hwkg serve --store`` and ``--workers``.

Runs on a small synthetic home (bench/generate.py, 40 chips) so the graph does not change
under the test while others edit graph/.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import start_server, stop_server
from hwkg.core.namespaces import PUBLISHED_GRAPHS, sparql_prefixes
from hwkg.loading.snapshot import load_snapshot
from hwkg.serving import stores as persistence

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen
    spec.loader.exec_module(gen)
    folder = tmp_path_factory.mktemp("store-home")
    gen.write_home(gen.generate(40, seed=11), folder)
    return folder


def hwkg(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HWKG_HOME": str(home)}
    env.pop("HWKG_STORE", None)
    return subprocess.run([sys.executable, "-m", "hwkg", *args], env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def built_at(path: Path) -> str:
    meta = persistence.read_meta(path)
    assert meta is not None and meta.built
    return meta.built


def chip_count(store: ox.Store) -> int:
    query = sparql_prefixes() + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a/rdfs:subClassOf* hw:Chip }"
    row = next(iter(store.query(query, use_default_graph_as_union=True)))  # type: ignore[arg-type]
    return int(row["n"].value)


def test_load_records_the_graph_version_and_skips_an_up_to_date_store(
    home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "store"
    first = hwkg("load", "--store", str(path), home=home)
    assert first.returncode == 0, first.stderr
    assert "built" in first.stderr
    meta = persistence.read_meta(path)
    assert meta is not None and meta.version == load_snapshot(home, check_shapes=False).version
    stamp = built_at(path)
    again = hwkg("load", "--store", str(path), home=home)
    assert again.returncode == 0 and "up to date" in again.stderr
    assert built_at(path) == stamp


def test_changed_files_rebuild_and_invalid_files_leave_the_store_alone(
    home: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "home"
    shutil.copytree(home, copy, symlinks=True)
    path = tmp_path / "store"
    assert hwkg("load", "--store", str(path), home=copy).returncode == 0
    old = persistence.read_meta(path)
    target = next((copy / "graph" / "chips").glob("*.ttl"))
    target.write_text(target.read_text("utf-8").replace("Synthetic GPU", "Synthetic G P U", 1),
                      "utf-8")
    rebuilt = hwkg("load", "--store", str(path), home=copy)
    assert rebuilt.returncode == 0 and "built" in rebuilt.stderr
    new = persistence.read_meta(path)
    assert old is not None and new is not None and new.version != old.version
    target.write_text(target.read_text("utf-8").replace("hw:count 2 ;", "hw:count 0 ;"), "utf-8")
    (copy / "graph" / "systems" / "bad.ttl").write_text(
        "@prefix hw: <https://w3id.org/hwkg/ontology#> .\n"
        "<https://w3id.org/hwkg/id/system/bad> a hw:System .\n", "utf-8")
    for how in ([], ["--sequential"]):  # validation beside the disk write, and before it
        failed = hwkg("load", "--store", str(path), "--force", *how, home=copy)
        assert failed.returncode == 1, failed.stderr
        assert "System-component" in failed.stdout
        kept = persistence.read_meta(path)
        assert kept == new
        assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "store"], \
            "a failed load left a half-built store behind"


def test_overlapping_and_sequential_builds_write_the_same_store(home: Path, tmp_path: Path) -> None:
    stores = {}
    for overlap in (True, False):
        path = tmp_path / f"store-{overlap}"
        persistence.build(path, home, overlap=overlap)
        stores[overlap] = ox.Store.read_only(str(path))
    published = [ox.NamedNode(g) for g in PUBLISHED_GRAPHS]
    for graph in published:
        quads = set(stores[True].quads_for_pattern(None, None, None, graph))
        assert quads, f"nothing in {graph}"
        assert quads == set(stores[False].quads_for_pattern(None, None, None, graph))
    # The overlapping build's catalog reads the staged store, the sequential one's the dump
    # read back: the same catalog either way.
    catalogs = [(tmp_path / f"store-{overlap}" / "hwkg-catalog.bin").read_bytes()
                for overlap in (True, False)]
    assert catalogs[0] and catalogs[0] == catalogs[1]


@pytest.mark.server
def test_serve_store_answers_from_the_store_without_rebuilding(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    env = {"HWKG_HOME": str(home)}
    proc, url = start_server("--store", str(path), env=env)  # builds it: there is none yet
    try:
        health = httpx.get(url + "/health", timeout=10).json()
    finally:
        stop_server(proc)
    stamp = built_at(path)
    meta = persistence.read_meta(path)
    assert meta is not None and health["version"] == meta.version
    proc, url = start_server("--store", str(path), env=env)  # restart: opens, does not rebuild
    try:
        answer = httpx.post(url + "/graphql", json={"query": "{ chips { totalCount } }"},
                            timeout=30).json()
    finally:
        stop_server(proc)
    assert built_at(path) == stamp
    expected = chip_count(ox.Store.read_only(str(path)))
    assert expected > 0
    assert answer["data"]["chips"]["totalCount"] == expected


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


@pytest.mark.server
def test_serve_workers_run_several_processes_over_one_store(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    assert hwkg("load", "--store", str(path), home=home).returncode == 0
    proc, url = start_server("--store", str(path), "--workers", "2",
                             env={"HWKG_HOME": str(home)})
    try:
        versions = {httpx.get(url + "/health", timeout=10).json()["version"] for _ in range(20)}
        answers = [httpx.post(url + "/graphql", json={"query": "{ chips { totalCount } }"},
                              timeout=30).json() for _ in range(4)]
        workers = [c for c in _children(proc.pid)
                   if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()]
    finally:
        stop_server(proc)
    meta = persistence.read_meta(path)
    assert meta is not None and versions == {meta.version}
    assert {a["data"]["chips"]["totalCount"] for a in answers} == {chip_count(
        ox.Store.read_only(str(path)))}
    assert len(workers) == 2


def test_a_reopened_store_knows_its_quad_count_without_scanning(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    meta = persistence.build(path, home, check=False, with_catalog=False)
    snapshot = persistence.open_snapshot(path, home, rebuild=False)
    assert "triples" in snapshot.__dict__  # seeded from the recorded count
    store = ox.Store.read_only(str(path))
    assert snapshot.triples == len(store) > 0  # the store holds the published graphs only
    assert persistence.recorded_count(path, "0000000000000000") is None
    assert persistence.recorded_count(path, meta.version) == snapshot.triples


def test_a_store_on_disk_and_its_copy_in_memory_hold_only_the_published_graphs(
    home: Path, tmp_path: Path
) -> None:
    """The store's record is a file beside it, so both the disk store and its in-memory copy
    answer over the union of their graphs (Oxigraph answers an explicit list of the four
    published graphs 1.6–2.8× slower in memory, 1.4–3.9× on disk), and that union is exactly
    the published dataset."""
    from hwkg.sparql.execution import Job, _dataset, run

    path = tmp_path / "store"
    persistence.build(path, home)
    disk = ox.Store.read_only(str(path))
    copy = persistence.open_snapshot(path, home, rebuild=False, memory=True).store
    published = {ox.NamedNode(g) for g in PUBLISHED_GRAPHS}
    for store in (disk, copy):
        assert set(store.named_graphs()) == published
        assert _dataset(Job("ASK {}"), store).get("use_default_graph_as_union") is True
    for name in published:
        quads = set(disk.quads_for_pattern(None, None, None, name))
        assert quads and quads == set(copy.quads_for_pattern(None, None, None, name))
    ask = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    count = [run(store, Job(ask, results_type="text/csv")).body for store in (disk, copy)]
    assert count[0] == count[1] == f"n\r\n{len(disk)}\r\n".encode()


def test_a_store_built_with_the_old_bookkeeping_graph_is_rebuilt_and_never_serves_it(
    home: Path, tmp_path: Path
) -> None:
    """A folder without the record (an earlier hwkg kept it as a graph inside the store, or a
    build died before writing it) is not an up-to-date store: it is rebuilt. Were such a store
    served, its bookkeeping graph would still be left out of the default graph."""
    from hwkg.core.namespaces import GRAPH_META
    from hwkg.sparql.execution import Job, _dataset

    path = tmp_path / "store"
    persistence.build(path, home, with_catalog=False)
    old = ox.Store(str(path))
    old.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"),
                    ox.Literal("v"), ox.NamedNode(GRAPH_META)))
    assert _dataset(Job("ASK {}"), old).get("default_graph")  # the explicit published list
    del old
    (path / persistence.RECORD_FILE).unlink()
    assert persistence.current(path, home) is None
    _meta, built = persistence.ensure(path, home)
    assert built and persistence.current(path, home) is not None
    assert ox.NamedNode(GRAPH_META) not in set(ox.Store.read_only(str(path)).named_graphs())
