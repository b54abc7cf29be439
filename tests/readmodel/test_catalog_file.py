"""The GraphQL catalog saved in the store folder: written by hwkg load, read on restart."""

from __future__ import annotations

import marshal
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import generated_home
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY
from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import cached, catalog
from hwkg.readmodel import codec as catalog_codec
from hwkg.readmodel import saved as catalog_file
from hwkg.serving import stores as persistence


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, persistence.Meta]:
    folder = tmp_path_factory.mktemp("catalog")
    home = generated_home(30, folder / "home")
    path = folder / "store"
    return path, persistence.build(path, home)


def opened(path: Path, meta: persistence.Meta) -> Snapshot:
    """A snapshot of the store at ``path`` with an empty catalog cache, as a fresh process has."""
    cached._CACHE.clear()
    return Snapshot(store=ox.Store.read_only(str(path)),
                    version=meta.version, store_path=path)


def test_load_saves_the_catalog_and_a_restart_reads_it_without_scanning(
    store: tuple[Path, persistence.Meta], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, meta = store
    assert catalog_file.path_of(path).is_file()

    def no_scan(*_args: object) -> catalog.Catalog:
        raise AssertionError("the catalog was rebuilt from the store")

    monkeypatch.setattr(catalog, "of_store", no_scan)
    cat = cached.for_snapshot(opened(path, meta))
    assert cat.version == meta.version and len(cat.chips) == 30
    chip = next(iter(cat.chips.values()))
    assert cat.resolve(cat.chips, chip.slug) is chip  # slug index rebuilt after loading


def test_a_catalog_of_another_version_or_a_damaged_file_is_not_used(
    store: tuple[Path, persistence.Meta], tmp_path: Path
) -> None:
    path, meta = store
    assert catalog_file.read(path, meta.version) is not None
    assert catalog_file.read(path, "0000000000000000") is None
    copy = tmp_path / "copy"
    copy.mkdir()
    data = catalog_file.path_of(path).read_bytes()
    catalog_file.path_of(copy).write_bytes(data[: len(data) // 2])
    assert catalog_file.read(copy, meta.version) is None
    header, _, body = data.partition(b"\n")
    catalog_file.path_of(copy).write_bytes(header.replace(b'"hwkg": "', b'"hwkg": "9') + b"\n"
                                           + body)
    assert catalog_file.read(copy, meta.version) is None


def test_a_server_without_a_saved_catalog_builds_and_saves_it(
    store: tuple[Path, persistence.Meta]
) -> None:
    path, meta = store
    catalog_file.path_of(path).unlink()
    assert cached.warm(opened(path, meta))
    assert catalog_file.read(path, meta.version) is not None


def test_save_writes_a_missing_catalog_and_keeps_none_in_the_process(
    store: tuple[Path, persistence.Meta], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``hwkg serve --workers``' parent uses: it serves nothing, so it caches nothing."""
    path, meta = store
    catalog_file.path_of(path).unlink()
    snap = opened(path, meta)
    assert not catalog_file.saved(path, meta.version)
    cached.save(snap)
    assert catalog_file.saved(path, meta.version) and not catalog_file.saved(path, "0" * 16)
    assert cached._CACHE == {}
    saved = catalog_file.read(path, meta.version)
    assert saved is not None and len(saved.chips) == 30

    def no_scan(*_args: object) -> catalog.Catalog:
        raise AssertionError("a saved catalog was built again")

    monkeypatch.setattr(catalog, "of_store", no_scan)
    cached.save(snap)  # already saved: nothing is built


def test_the_saved_catalog_equals_one_built_from_the_store_tables_in_the_same_order(
    store: tuple[Path, persistence.Meta]
) -> None:
    path, meta = store
    saved = catalog_file.read(path, meta.version)
    scanned = catalog.of_store(ox.Store.read_only(str(path)), meta.version)
    assert saved == scanned
    # dataclass equality ignores dict order; the encoded form lists every table's keys
    assert catalog_codec.encode(saved) == catalog_codec.encode(scanned)
    for name in catalog_codec.TABLES:
        assert list(getattr(saved, name)) == list(getattr(scanned, name)), name


def test_decoding_keeps_classes_shared_sources_and_link_tables(
    store: tuple[Path, persistence.Meta]
) -> None:
    path, meta = store
    built = catalog.of_store(ox.Store.read_only(str(path)), meta.version)
    decoded = catalog_codec.decode(marshal.loads(marshal.dumps(catalog_codec.encode(built))))
    assert decoded == built
    assert isinstance(decoded.offers_for, defaultdict) and decoded.offers_for["nothing"] == []
    figures = [f for chip in decoded.chips.values() for fs in chip.figures.values() for f in fs]
    assert figures and all(type(f) is catalog.Figure for f in figures)
    sources = [s for f in figures for s in f.sources]
    assert sources and all(decoded.sources[s.id] is s for s in sources)
    for chip in decoded.chips.values():
        for offer in decoded.offers_for.get(chip.id, []):
            assert decoded.offers[offer.id] is offer


def test_a_catalog_is_the_same_whatever_order_the_quads_come_in(
    store: tuple[Path, persistence.Meta]
) -> None:
    path, meta = store
    store = ox.Store.read_only(str(path))
    data, ontology = (list(store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
                      for g in (GRAPH_DATA, GRAPH_ONTOLOGY))
    forward = catalog.of_triples(data, ontology, meta.version)  # type: ignore[arg-type]
    backward = catalog.of_triples(data[::-1], ontology[::-1], meta.version)  # type: ignore[arg-type]
    assert catalog_codec.encode(forward) == catalog_codec.encode(backward)
