"""The on-disk store: built once from the Turtle files, reopened on restart without parsing.

``hwkg load --store PATH`` parses and validates the files (:func:`hwkg.bundle.load`) and
writes the same named graphs :func:`hwkg.store.build` makes into a persistent Oxigraph store
at ``PATH``, plus a meta graph recording the graph's version (the fingerprint of the
files, :func:`hwkg.bundle.fingerprint`) and a cheap signature of the files (names, sizes,
modification times). :func:`open_snapshot` reopens it read-only when the files still match,
and rebuilds it first when they do not, so a restart parses nothing unless the graph changed.

A rebuild writes to ``PATH.building`` and swaps it in with renames, so a failed rebuild
(a syntax error, a shape violation) leaves the old store as it was. Only one process may
write a store; any number may open it read-only once it is built (``hwkg serve --workers``).
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from . import bundle as bundle_module
from . import resources
from . import store as store_module
from .bundle import Bundle
from .namespaces import BASE, GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_TRUTHY
from .state import Snapshot

GRAPH_META = BASE + "graph/meta"
_META = ox.NamedNode(GRAPH_META)
_SUBJECT = ox.NamedNode(GRAPH_DATA)
VERSION = ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
SIGNATURE = ox.NamedNode(GRAPH_META + "#filesSignature")
BUILT = ox.NamedNode("http://purl.org/dc/terms/modified")


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
        """The content fingerprint, equal to the version :func:`hwkg.bundle.load` gives."""
        return bundle_module.fingerprint(self.files)

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
    """What the meta graph of a built store says."""

    version: str
    signature: str


def read_meta(store: ox.Store) -> Meta | None:
    """The store's recorded version and signature; None when it has none (not built by hwkg)."""
    def one(predicate: ox.NamedNode) -> str | None:
        for quad in store.quads_for_pattern(_SUBJECT, predicate, None, _META):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
        return None

    version, signature = one(VERSION), one(SIGNATURE)
    return Meta(version, signature or "") if version else None


def _write_meta(store: ox.Store, version: str, signature: str) -> None:
    built = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    store.extend([
        ox.Quad(_SUBJECT, VERSION, ox.Literal(version), _META),
        ox.Quad(_SUBJECT, SIGNATURE, ox.Literal(signature), _META),
        ox.Quad(_SUBJECT, BUILT, ox.Literal(built, datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#dateTime")), _META),
    ])


def build(path: Path, home: Path | None = None, *, check: bool = True) -> Meta:
    """Parse (and with ``check`` validate) the files and write a fresh store at ``path``.

    Raises :class:`hwkg.problems.InvalidGraph` before touching ``path`` when the files do
    not parse or conform.
    """
    inputs = Inputs.of(home)
    signature = inputs.signature
    loaded = bundle_module.load(inputs.home, check=check)
    building = path.with_name(path.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    store = store_module.build(loaded, building)
    _write_meta(store, loaded.version, signature)
    store.flush()
    del store
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        path.rename(old)
    building.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return Meta(loaded.version, signature)


def current(path: Path, home: Path | None = None) -> Meta | None:
    """The store's meta when it was built from the files as they are now, else None.

    The stat signature is checked first; only when it differs are the files hashed.
    """
    if not path.is_dir():
        return None
    try:
        meta = read_meta(ox.Store.read_only(str(path)))
    except OSError:
        return None
    if meta is None:
        return None
    inputs = Inputs.of(home)
    if meta.signature == inputs.signature or meta.version == inputs.version:
        return meta
    return None


def ensure(path: Path, home: Path | None = None, *, check: bool = True) -> tuple[Meta, bool]:
    """The meta of an up-to-date store at ``path``, building it if needed; True if it was built."""
    meta = current(path, home)
    if meta is not None:
        return meta, False
    return build(path, home, check=check), True


class StoredBundle(Bundle):
    """A :class:`Bundle` whose rdflib graphs are read back from the store on first use.

    Everything served reads the Oxigraph store; these graphs exist for code that still wants
    rdflib. ``files`` (subject → file) and ``warnings`` are not persisted and are empty.
    """

    def __init__(self, store: ox.Store, version: str) -> None:  # noqa: D107
        self._store = store
        self._graphs: dict[str, Graph] = {}
        self.files = {}
        self.version = version
        self.warnings = []

    def _graph(self, name: str) -> Graph:
        if name not in self._graphs:
            payload = self._store.dump(format=ox.RdfFormat.N_TRIPLES,
                                       from_graph=ox.NamedNode(name))
            self._graphs[name] = Graph().parse(data=payload, format="nt")
        return self._graphs[name]

    @property
    def ontology(self) -> Graph:  # type: ignore[override]
        return self._graph(GRAPH_ONTOLOGY)

    @property
    def shapes(self) -> Graph:  # type: ignore[override]
        return self._graph(GRAPH_SHAPES)

    @property
    def data(self) -> Graph:  # type: ignore[override]
        return self._graph(GRAPH_DATA)

    @property
    def truthy(self) -> Graph:  # type: ignore[override]
        return self._graph(GRAPH_TRUTHY)

    def __len__(self) -> int:
        names = (GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_TRUTHY)
        return sum(1 for g in names
                   for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(g)))


def open_snapshot(path: Path, home: Path | None = None, *, rebuild: bool = True,
                  check: bool = True) -> Snapshot:
    """A snapshot served from the store at ``path``, opened read-only.

    With ``rebuild`` the store is (re)built first when the files changed; without it a
    missing or stale store raises FileNotFoundError (what a worker process wants: the
    parent built it).
    """
    if rebuild:
        meta, _built = ensure(path, home, check=check)
    else:
        found = current(path, home)
        if found is None:
            raise FileNotFoundError(f"no up-to-date hwkg store at {path}; run hwkg load")
        meta = found
    store = ox.Store.read_only(str(path))
    return Snapshot(bundle=StoredBundle(store, meta.version), store=store, version=meta.version,
                    store_path=path)
