"""The validated store of each graph, built once per graph version and shared by every hwkg
command on this machine (``hwkg query``, ``hwkg export``, ``hwkg serve``).

The cache lives in the platform's user cache folder (``$XDG_CACHE_HOME/hwkg``, else
``~/.cache/hwkg``), or in ``HWKG_CACHE_DIR``. Each graph home (a checkout, an installed
package, ``--home``) has its own folder there, named by a hash of its path, holding one
on-disk store (:mod:`hwkg.serving.stores`) that records the version of the files it was built
from. Opening checks the files' stat signature (hashing them only when it changed); any
change rebuilds the store, validated exactly as a load validates, so a graph that does not
conform is never served or exported from the cache either. A rebuild writes a folder of its
own and renames it into place, and holds an exclusive lock on the home's folder while it
builds, so two processes never build the same store at once: the second waits, then finds
it current.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from hwkg.core import resources
from hwkg.loading.snapshot import Snapshot
from hwkg.serving import stores

ENV = "HWKG_CACHE_DIR"


def root() -> Path:
    """The cache folder: ``HWKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/hwkg``, else
    ``~/.cache/hwkg``."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hwkg"


def folder(home: Path | None = None) -> Path:
    """The cache folder of graph ``home`` (default: the bundled graph)."""
    path = (home or resources.home()).resolve()
    return root() / hashlib.sha256(str(path).encode()).hexdigest()[:16]


@contextlib.contextmanager
def locked(place: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``place/lock`` (created) for the block."""
    place.mkdir(parents=True, exist_ok=True)
    with open(place / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def store_path(home: Path | None = None) -> Path:
    """The up-to-date cached store of ``home``, built (and validated) first when the files
    changed. Raises :class:`hwkg.core.problems.InvalidGraph` when they do not conform."""
    place = folder(home)
    path = place / "store"
    if stores.current(path, home) is not None:
        return path
    with locked(place):
        if stores.current(path, home) is None:
            print(f"hwkg: building the validated store of this graph version in {place} "
                  "(once per version) …", file=sys.stderr)
            started = time.perf_counter()
            quiet, stores.VERBOSE["on"] = stores.VERBOSE["on"], False
            try:
                stores.ensure(path, home)
            finally:
                stores.VERBOSE["on"] = quiet
            print(f"hwkg: built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return path


def open_snapshot(home: Path | None = None, *, in_memory: bool = False) -> Snapshot:
    """The cached graph of ``home`` as a snapshot: the on-disk store opened read-only, or,
    with ``in_memory``, copied into an in-memory store (faster scans; the catalog is still
    read from the cache folder)."""
    for _attempt in range(3):  # the files may change between building and opening
        try:
            return stores.open_snapshot(store_path(home), home, rebuild=False, memory=in_memory)
        except FileNotFoundError:
            continue
    return stores.open_snapshot(store_path(home), home, rebuild=False, memory=in_memory)
