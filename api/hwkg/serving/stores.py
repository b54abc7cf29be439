"""On-disk stores: built once per graph version from the Turtle files, reopened without parsing.

:func:`build` runs the one load path (:mod:`hwkg.loading.staging`) into an in-memory store,
validates it there (:mod:`hwkg.validation.check`), and writes it into a persistent Oxigraph
store at ``PATH``, with the GraphQL catalog saved in the same folder
(:mod:`hwkg.readmodel.saved`) and the store's record, ``hwkg-store.json``: the graph's
version (the fingerprint of the files, :func:`hwkg.turtle.parsing.fingerprint`), a cheap
signature of the files (names, sizes, modification times), when it was built and its quad
count (so a restart's first ``/health`` does not scan). The record lives beside the RocksDB
files, not in the store, so the store holds only the published graphs and a query's default
graph is their union: Oxigraph answers an explicit list of graphs 1.6–2.8× slower in memory
and 1.4–3.9× slower on disk (bench/README.md, "On disk, the union"). The record is written last:
a folder without one is not a store. :func:`open_snapshot` reopens it read-only when the files
still match, and rebuilds it first when they do not, so a restart parses nothing unless the
graph changed. The same mechanism is the per-version cache the command line and the default
``hwkg serve`` share (:mod:`hwkg.serving.cache`).

A rebuild writes to a private ``PATH.building-…`` folder and swaps it in with renames, so a
failed rebuild (a syntax error, a shape violation) leaves the old store as it was. Only one
process may write a store (callers that may race hold :func:`locked`); any number may open
it read-only once it is built (``hwkg serve --workers``).

A server reloading while it serves ``PATH`` cannot swap folders under its own open store, so
it builds the new graph beside it, in ``PATH.gen-<version>`` (:func:`build_generation`), and
serves that; the next start on ``PATH`` renames the newest up-to-date generation into place
(nothing serves from it then) and removes the others.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from hwkg.core import gc_pause, memory, resources
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, PUBLISHED_GRAPHS
from hwkg.core.problems import InvalidGraph
from hwkg.loading import staging
from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import catalog
from hwkg.readmodel import saved as catalog_file
from hwkg.turtle import parsing
from hwkg.validation import check as check_module

#: Beside the RocksDB files: the store's record (:class:`Meta`), written last.
RECORD_FILE = "hwkg-store.json"


@dataclass(frozen=True)
class Inputs:
    """The files a graph is built from, with their version and their stat signature."""

    home: Path
    files: list[Path]

    @classmethod
    def of(cls, home: Path | None = None) -> Inputs:
        root = home or resources.home()
        parts = [resources.turtle_files(root / part) for part in resources.PARTS]
        return cls(root, [path for files in parts for path in files])

    @property
    def version(self) -> str:
        """The content fingerprint (:func:`hwkg.turtle.parsing.fingerprint`), the snapshot's
        version."""
        return parsing.fingerprint(self.files)

    @property
    def signature(self) -> str:
        """A hash of each file's path, size and modification time: cheap to recompute."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Meta:
    """A built store's record: graph version, file signature, build time (UTC, ISO 8601) and
    the published quad count."""

    version: str
    signature: str
    built: str = ""
    quads: int | None = None


def read_meta(store_path: Path) -> Meta | None:
    """The record of the store at ``store_path``; None when there is none or it is unreadable
    (not a store hwkg finished building)."""
    try:
        found = json.loads((store_path / RECORD_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(found, dict) or not isinstance(found.get("version"), str):
        return None
    quads = found.get("quads")
    return Meta(found["version"], str(found.get("signature", "")), str(found.get("built", "")),
                quads if isinstance(quads, int) else None)


def _write_meta(store_path: Path, version: str, signature: str, quads: int) -> None:
    """Write the record into the store's folder (a rename: never seen half-written)."""
    built = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    temp = store_path / (RECORD_FILE + ".tmp")
    temp.write_text(json.dumps({"version": version, "signature": signature, "built": built,
                                "quads": quads}), "utf-8")
    os.replace(temp, store_path / RECORD_FILE)


def recorded_count(store_path: Path, version: str) -> int | None:
    """The quad count :func:`build` recorded for graph ``version``; None when absent or for
    another version."""
    meta = read_meta(store_path)
    return meta.quads if meta is not None and meta.version == version else None


def _swap(building: Path, path: Path) -> None:
    old = path.with_name(f"{path.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    building.rename(path)
    shutil.rmtree(old, ignore_errors=True)


#: Whether :func:`build` says what each step took (``hwkg load``: yes; the cache: no).
VERBOSE = {"on": True}


def _report(message: str, since: float) -> float:
    now = time.perf_counter()
    if VERBOSE["on"]:
        print(f"hwkg load: {message} in {now - since:.1f} s ({memory.usage()})",
              file=sys.stderr)
    return now


def _validate(staged: staging.Staging, inputs: Inputs, loaded: staging.Loaded,
              core_max: int) -> str:
    """Raise InvalidGraph on violations; else say what was checked."""
    outcome = check_module.check(staged.memory, inputs.home, loaded.files, loaded.triples,
                                 core_max)
    violations = [p for p in outcome.problems if p.severity == "Violation"]
    if violations:
        raise InvalidGraph(violations)
    if outcome.core_skipped:
        return (f"SHACL-SPARQL constraints checked ({loaded.triples:,} data triples > "
                f"--core-max {core_max:,}: SHACL core constraints that do not compile to SPARQL "
                "were not checked; run hwkg validate for them)")
    return "SHACL core and SHACL-SPARQL constraints checked"


def _save_catalog(read: Callable[[], catalog.Catalog], building: Path, note: Path) -> None:
    """Build the catalog with ``read`` and save it in ``building`` (the child's target).

    The child prints nothing (a lock another thread held at the fork could block it): it
    leaves its memory figures in ``note`` for the parent to report.
    """
    saved = catalog_file.write(building, read())
    note.write_text(memory.usage())
    raise SystemExit(0 if saved else 1)


_CHILD_NOTE = "catalog-child.txt"


def _catalog_start(read: Callable[[], catalog.Catalog], building: Path,
                   note: Path) -> multiprocessing.process.BaseProcess:
    """Start building (``read``, called in the child) and saving the catalog in a forked
    child process.

    The catalog's Python objects (~1 GB at 4M triples, with the index they are built from)
    go back to the system when the child exits; in this process the freed arenas would stay
    mapped. The fork happens before this process starts any thread of its own or opens the
    disk store, so the child may read the staged in-memory store: its copy of the pages, as
    they were at the fork, whatever the parent does with the store afterwards.
    """
    child = multiprocessing.get_context("fork").Process(
        target=_save_catalog, args=(read, building, note), name="hwkg-catalog")
    child.start()
    return child


def _catalog_saved(child: multiprocessing.process.BaseProcess, note: Path) -> bool:
    """Wait for the catalog child; True when it saved the catalog."""
    child.join()
    if note.is_file() and VERBOSE["on"]:
        print(f"hwkg load: GraphQL catalog process: {note.read_text()}", file=sys.stderr)
    return child.exitcode == 0


class _Checking:
    """Validation of the staged store in a thread (Oxigraph releases the GIL while it
    queries), while the disk store is written; :meth:`outcome` waits for it."""

    def __init__(self, staged: staging.Staging, inputs: Inputs, loaded: staging.Loaded,
                 core_max: int) -> None:
        self.said: str | None = None
        self.error: BaseException | None = None
        self.took = 0.0
        self.thread = threading.Thread(target=self._run, args=(staged, inputs, loaded, core_max),
                                       name="hwkg-validation", daemon=True)
        self.thread.start()

    def _run(self, staged: staging.Staging, inputs: Inputs, loaded: staging.Loaded,
             core_max: int) -> None:
        started = time.perf_counter()
        try:
            self.said = _validate(staged, inputs, loaded, core_max)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread by outcome()
            self.error = exc
        self.took = time.perf_counter() - started

    def outcome(self) -> str:
        """What was checked; raises what validation raised (InvalidGraph on violations)."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.said is not None
        return self.said


def _write(inputs: Inputs, version: str, building: Path, check: bool, core_max: int,
           with_catalog: bool, overlap: bool = True) -> ox.Store:
    """Staged in memory, dumped to N-Triples, validated (:mod:`hwkg.validation.check`), the
    catalog built (in a child process) and the disk store written by Oxigraph's bulk loader
    into ``building``, which the caller publishes only after this returns: invalid data is
    never published, however the steps overlap.

    With ``overlap`` (the default) the catalog child, forked as soon as the graph is staged,
    reads its copy of the staged store while this process dumps it; then validation (a
    thread) and the bulk load run beside it: faster on several cores, but the staged store,
    the catalog and the bulk loader are alive together. Without it they run one after the
    other, validation first, and the catalog is read back from the dump once the staged
    store is dropped, for the lowest peak memory."""
    staged = staging.Staging()
    step = time.perf_counter()
    with gc_pause.paused():
        loaded = staging.write(staged.memory, inputs.home, aside=staged.aside)
    step = _report(f"{loaded.triples:,} data triples parsed, skolemised and staged in memory "
                   "with the truthy graph", step)
    if check and not overlap:
        step = _report(_validate(staged, inputs, loaded, core_max), step)
    folder = building.with_name(building.name + ".dump")
    shutil.rmtree(folder, ignore_errors=True)
    note = folder / _CHILD_NOTE
    child, checking = None, None
    try:
        folder.mkdir(parents=True)
        building.mkdir()
        if with_catalog and overlap:
            # The catalog reads the staged store itself (the child's copy at the fork), so
            # it starts now, beside the dump, rather than after it: it is the longest step.
            child = _catalog_start(functools.partial(catalog.of_store, staged.memory, version),
                                   building, note)
        dump = staged.dump(folder, keep=check and overlap)
        if not (check and overlap):
            del staged
            memory.release()
        step = _report("dumped to N-Triples", step)
        if with_catalog and not overlap:
            read = functools.partial(catalog.of_triples, dump.triples(GRAPH_DATA),
                                     dump.triples(GRAPH_ONTOLOGY), version)
            saved = _catalog_saved(_catalog_start(read, building, note), note)
            step = _report(_CATALOG_SAID[saved], step)
        checking = _Checking(staged, inputs, loaded, core_max) if check and overlap else None
        store = ox.Store(str(building))
        staging.persist(dump, store)
        store.optimize()  # compacts what the bulk loads wrote: scans ~1.5× faster afterwards
        step = _report("written to disk (Oxigraph bulk load)", step)
        if checking is not None:
            try:
                said = checking.outcome()
            except BaseException:
                del store  # closed before the caller removes the folder
                raise
            staged = None  # type: ignore[assignment]
            memory.release()
            step = _report(f"{said} (in {checking.took:.1f} s, beside the disk write)", step)
        if child is not None:
            saved, child = _catalog_saved(child, note), None
            _report(_CATALOG_SAID[saved], step)
    finally:
        if child is not None and child.is_alive():  # something failed: not wanted
            child.terminate()
        if child is not None:
            child.join()
        if checking is not None:
            checking.thread.join()
        shutil.rmtree(folder, ignore_errors=True)
    return store


_CATALOG_SAID = {True: "GraphQL catalog built and saved",
                 False: "GraphQL catalog NOT saved (the first server start builds it)"}


def build(path: Path, home: Path | None = None, *, check: bool = True,
          core_max: int = check_module.CORE_MAX, with_catalog: bool = True,
          overlap: bool = True) -> Meta:
    """Parse (and with ``check`` validate) the files and write a fresh store at ``path``.

    Validation runs on the staged in-memory store (:mod:`hwkg.validation.check`: core
    constraints that do not compile to SPARQL only up to ``core_max`` data triples), beside
    the disk write with ``overlap`` and before it without (:func:`_write`); nothing is
    published unless it passes. With ``with_catalog`` the GraphQL catalog is built and saved
    in the store's folder (:mod:`hwkg.readmodel.saved`). Raises
    :class:`hwkg.core.problems.InvalidGraph` and leaves ``path`` as it was when the files do
    not parse or conform. The store is written in a folder of this process's own and renamed
    into place, so a concurrent reader never sees a half-written store.
    """
    inputs = Inputs.of(home)
    signature, version = inputs.signature, inputs.version
    building = path.with_name(f"{path.name}.building-{os.getpid()}-{time.monotonic_ns()}")
    started = time.perf_counter()
    try:
        store = _write(inputs, version, building, check, core_max, with_catalog, overlap)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    published = len(store)
    store.flush()
    del store
    _write_meta(building, version, signature, published)
    _report(f"store written{' and validated' if check else ''}", started)
    _swap(building, path)
    return Meta(version, signature)


def current(path: Path, home: Path | None = None) -> Meta | None:
    """The store's meta when it was built from the files as they are now, else None.

    The stat signature is checked first; only when it differs are the files hashed.
    """
    meta = read_meta(path)
    if meta is None:
        return None
    try:
        ox.Store.read_only(str(path))
    except OSError:  # a damaged store is rebuilt like a stale one
        return None
    inputs = Inputs.of(home)
    if meta.signature == inputs.signature or meta.version == inputs.version:
        return meta
    return None


def ensure(path: Path, home: Path | None = None, *, check: bool = True,
           **options: Any) -> tuple[Meta, bool]:
    """The meta of an up-to-date store at ``path``, building it if needed; True if it was built.

    A generation a reload left beside ``path`` that matches the files is renamed into place
    instead of building; other generations are removed. ``options`` go to :func:`build`.
    """
    meta = current(path, home) or _promote(path, home)
    discard_generations(path)
    if meta is not None:
        return meta, False
    return build(path, home, check=check, **options), True


GENERATION = ".gen-"


def generation_path(path: Path, version: str) -> Path:
    """Where a reload of a server on ``path`` builds graph ``version``."""
    return path.with_name(f"{path.name}{GENERATION}{version}")


def generations(path: Path) -> list[Path]:
    """The complete generation folders beside ``path`` (not their ``.building`` folders),
    oldest first."""
    prefix = path.name + GENERATION
    found = [p for p in path.parent.glob(prefix + "*")
             if p.is_dir() and "." not in p.name[len(prefix):]]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns)


def build_generation(path: Path, home: Path | None = None, *, check: bool = True) -> Path:
    """A store of the files as they are now, built beside ``path`` without touching ``path``
    or any store a server has open; an up-to-date one is reused. Raises InvalidGraph (and
    keeps nothing) when the files do not parse or conform.

    The catalog is not built here (that forks, which a server with threads should not do);
    the caller makes it from the store and it is saved in the folder on first use.
    """
    target = generation_path(path, Inputs.of(home).version)
    if current(target, home) is None:
        build(target, home, check=check, with_catalog=False)
    return target


def next_generation(path: Path, serving: Path, home: Path | None = None) -> Path | None:
    """What a reload of a server on ``path``, now serving ``serving`` (``path`` or one of its
    generations), serves next: None when ``serving`` was built from the files as they are
    (their stat signature is checked first), else the generation :func:`build_generation`
    builds for them. Raises InvalidGraph when they do not parse or conform."""
    if current(serving, home) is not None:
        return None
    return build_generation(path, home)


def serving_path(path: Path, home: Path | None = None) -> Path:
    """The store to serve for the files as they are now: ``path`` when up to date, else the
    newest up-to-date generation beside it, else ``path`` (which then fails to open)."""
    if current(path, home) is not None:
        return path
    for folder in reversed(generations(path)):
        if current(folder, home) is not None:
            return folder
    return path


def discard_generations(path: Path, keep: tuple[Path, ...] = ()) -> None:
    """Remove the generations beside ``path`` except those in ``keep``."""
    for folder in generations(path):
        if folder not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def _promote(path: Path, home: Path | None) -> Meta | None:
    """Rename the newest generation that matches the files into ``path``; its meta, or None."""
    for folder in reversed(generations(path)):
        meta = current(folder, home)
        if meta is not None:
            _swap(folder, path)
            return meta
    return None


#: ``HWKG_STORE_IN_MEMORY``: ``auto`` (default) serves a store of at most
#: :data:`MEMORY_QUADS` quads (``HWKG_MEMORY_QUADS``) from an in-memory copy, a bigger one
#: from disk; ``always`` / ``never`` force either. Measured here (bench/README.md, "On-disk
#: store"): Oxigraph's RocksDB store answers scans 3–14× slower than its in-memory store on
#: the same quads, even compacted, while copying 431k quads into memory takes about a second.
MEMORY_POLICY = "HWKG_STORE_IN_MEMORY"
MEMORY_QUADS = 1_000_000


def serve_in_memory(quads: int | None) -> bool:
    """Whether a store of ``quads`` quads is served from memory under the policy."""
    policy = os.environ.get(MEMORY_POLICY, "auto").strip().lower()
    if policy in ("always", "yes", "1", "true"):
        return True
    if policy in ("never", "no", "0", "false"):
        return False
    limit = int(os.environ.get("HWKG_MEMORY_QUADS", MEMORY_QUADS))
    return quads is not None and quads <= limit


def in_memory(snapshot: Snapshot) -> Snapshot:
    """``snapshot``'s published graphs copied into an in-memory store; its catalog is still
    read from (and saved in) the store's folder, and other processes load a dump of the copy,
    not the folder.

    Only the published graphs are copied (a store built before the record moved to
    :data:`RECORD_FILE` also holds a bookkeeping graph), so the copy's default graph is their
    union (bench/README.md, "In memory, the union").
    """
    memory = ox.Store()
    for graph in PUBLISHED_GRAPHS:
        name = ox.NamedNode(graph)
        memory.bulk_load(snapshot.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name),
                         ox.RdfFormat.N_TRIPLES, to_graph=name)
    copy = Snapshot(store=memory, version=snapshot.version,
                    catalog_folder=snapshot.saved_in)
    if "triples" in snapshot.__dict__:
        copy.__dict__["triples"] = snapshot.triples
    return copy


def open_snapshot(path: Path, home: Path | None = None, *, rebuild: bool = True,
                  check: bool = True, memory: bool | None = None) -> Snapshot:
    """A snapshot served from the store at ``path``: opened read-only, or copied into memory
    (``memory``; None: :func:`serve_in_memory` decides by the store's size).

    With ``rebuild`` the store is (re)built first when the files changed; without it a
    missing or stale store raises FileNotFoundError (what a worker process wants: the
    parent built it). ``triples`` comes from the count recorded at build when there is one
    (the same number ``len(store)`` scans for).
    """
    if rebuild:
        meta, _built = ensure(path, home, check=check)
    else:
        found = current(path, home)
        if found is None:
            raise FileNotFoundError(f"no up-to-date hwkg store at {path}; run hwkg load")
        meta = found
    store = ox.Store.read_only(str(path))
    snapshot = Snapshot(store=store, version=meta.version, store_path=path)
    quads = recorded_count(path, meta.version)
    if quads is not None:  # Snapshot.triples is a cached_property: seed its cache
        snapshot.__dict__["triples"] = quads
    if memory if memory is not None else serve_in_memory(quads):
        return in_memory(snapshot)
    return snapshot
