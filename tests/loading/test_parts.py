"""Staging in worker processes (hwkg.loading.parts) gives the store one process gives: the
same quads in every graph, the same entity → file record (one process also notes each
statement's file, for messages; the workers of a large load do not), the same syntax
problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import generated_home
from hwkg.core import resources
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_TRUTHY, HWT, SKOLEM_PREFIXES
from hwkg.core.problems import InvalidGraph
from hwkg.loading import parts, staging

ROOT = Path(__file__).resolve().parents[2]

#: A figure whose statement is an IRI described in another file: its link and its
#: qualifiers reach different workers, so the parent has to join them.
LINK = """@prefix hw: <https://w3id.org/hwkg/ontology#> .
@prefix chip: <https://w3id.org/hwkg/id/chip/> .
chip:loose-figure-chip hw:memoryCapacity <https://example.org/loose-statement> .
"""
QUALIFIERS = """@prefix hw: <https://w3id.org/hwkg/ontology#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
<https://example.org/loose-statement> a hw:Statement ; hw:value 96 ;
    hw:unit unit:GigaBYTE ; hw:rank hw:PreferredRank .
"""


def _both(home: Path) -> tuple[tuple[ox.Store, staging.Loaded], tuple[ox.Store, staging.Loaded]]:
    runs = []
    for parallel in (False, True):
        store = ox.Store()
        runs.append((store, staging.write(store, home, parallel=parallel)))
    return runs[0], runs[1]


def _entities(loaded: staging.Loaded) -> dict[str, str]:
    """The entity → file record without the statements' (and components') files."""
    return {iri: path for iri, path in loaded.files.items() if not iri.startswith(SKOLEM_PREFIXES)}


def _quads(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, None))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic home plus two files that split one figure statement between them, named
    so the run of files is cut between them."""
    folder = generated_home(120, tmp_path_factory.mktemp("parts-home"))
    (folder / "graph" / "aaa-link.ttl").write_text(LINK, encoding="utf-8")
    (folder / "graph" / "zzz-qualifiers.ttl").write_text(QUALIFIERS, encoding="utf-8")
    return folder


def test_workers_stage_the_same_store_as_one_process(home: Path) -> None:
    (serial, serial_loaded), (parallel, parallel_loaded) = _both(home)
    runs = parts.split(resources.turtle_files(home / "graph"),
                       parts.workers() * parts.PARTS_PER_WORKER)
    assert len(runs) > 1, "the home must be cut into several parts for this test to mean much"
    assert _quads(serial) == _quads(parallel)
    assert _entities(serial_loaded) == _entities(parallel_loaded) == parallel_loaded.files
    assert len(serial_loaded.files) > len(parallel_loaded.files)  # and the statements' files
    assert serial_loaded.triples == parallel_loaded.triples > 0
    truthy = list(parallel.quads_for_pattern(
        ox.NamedNode("https://w3id.org/hwkg/id/chip/loose-figure-chip"),
        ox.NamedNode(HWT.memoryCapacity), None, ox.NamedNode(GRAPH_TRUTHY)))
    assert [q.object.value for q in truthy] == ["96"], "the split statement lost its shortcut"


def test_workers_stage_the_bundled_graph_as_one_process() -> None:
    (serial, serial_loaded), (parallel, parallel_loaded) = _both(resources.home())
    data = ox.NamedNode(GRAPH_DATA)
    assert len(list(serial.quads_for_pattern(None, None, None, data))) > 50_000
    assert _quads(serial) == _quads(parallel)
    assert _entities(serial_loaded) == _entities(parallel_loaded) == parallel_loaded.files


def test_a_syntax_error_in_a_worker_names_its_file_and_line(home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "home"
    shutil.copytree(home, copy, symlinks=True)
    broken = copy / "graph" / "broken.ttl"
    broken.write_text("@prefix hw: <https://w3id.org/hwkg/ontology#> .\n\n"
                      "<https://example.org/x> hw:value 1 ;; .\n<x> <y> \n", encoding="utf-8")
    found = []
    for parallel in (False, True):
        with pytest.raises(InvalidGraph) as caught:
            staging.write(ox.Store(), copy, parallel=parallel)
        found.append(caught.value.problems)
    assert found[0] == found[1]
    assert [p.file for p in found[1]] == [str(broken)]
    assert found[1][0].line is not None


def test_a_worker_that_dies_is_an_error_not_a_short_graph(home: Path, tmp_path: Path) -> None:
    files = resources.turtle_files(home / "graph")
    gone = tmp_path / "a-folder.ttl"  # the worker cannot read it: an OSError, not a syntax error
    gone.mkdir()
    collector = staging.truthy_query.Collector.reading(_ontology_store())
    with pytest.raises(RuntimeError, match="load worker failed"):
        parts.write_data(ox.Store(), [*files, gone], collector)


def test_a_worker_that_fails_stops_the_others(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """One worker fails while another is still busy (here: blocked reading a FIFO nobody
    writes): the load fails at once and the busy worker is killed, not waited for."""
    import os
    import threading

    fifo, gone = tmp_path / "blocked.ttl", tmp_path / "a-folder.ttl"
    os.mkfifo(fifo)
    gone.mkdir()
    monkeypatch.setattr(parts, "workers", lambda: 2)
    monkeypatch.setattr(parts, "split", lambda files, count: [[fifo], [gone]])
    collector = staging.truthy_query.Collector.reading(_ontology_store())
    raised: list[BaseException] = []

    def load() -> None:
        try:
            parts.write_data(ox.Store(), [fifo, gone], collector)
        except BaseException as exc:  # noqa: BLE001 - inspected below
            raised.append(exc)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(120)
    if thread.is_alive():  # unblock the worker so the test run can end, then fail
        with open(fifo, "w", encoding="utf-8"):
            pass
        thread.join(60)
        pytest.fail("the load waited for the blocked worker after another one failed")
    assert len(raised) == 1 and isinstance(raised[0], RuntimeError)
    assert "load worker failed" in str(raised[0])


def test_split_cuts_consecutive_runs_of_about_equal_size(tmp_path: Path) -> None:
    files = []
    for i, size in enumerate([5, 1, 1, 1, 9, 2, 2, 3, 1, 1]):
        path = tmp_path / f"{i:02}.ttl"
        path.write_bytes(b"#" * size * 100)
        files.append(path)
    for count in (1, 2, 3, 4, 20):
        runs = parts.split(files, count)
        assert [path for run in runs for path in run] == files
        assert 1 <= len(runs) <= count and all(runs)


def _ontology_store() -> ox.Store:
    store = ox.Store()
    staging.write_graph(store, resources.turtle_files(ROOT / "ontology"), GRAPH_ONTOLOGY)
    return store
