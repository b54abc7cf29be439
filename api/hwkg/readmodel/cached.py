"""The catalog of each served snapshot: read from its store folder, else built; cached by
version.

A snapshot's catalog is made once per graph version, in whichever process first asks: read
from the store folder when :mod:`hwkg.readmodel.saved` has it, otherwise built from the
store (:func:`hwkg.readmodel.catalog.of_store`) and saved there, best effort, for the next
process. At most four versions are kept (a reload keeps the old one while requests finish).
"""

from __future__ import annotations

import threading

import pyoxigraph as ox

from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import catalog, saved
from hwkg.readmodel.catalog import Catalog

_CACHE: dict[str, Catalog] = {}
_LOCK = threading.Lock()


def _made(snapshot: Snapshot) -> Catalog:
    """Read from the store's folder when saved there (:mod:`hwkg.readmodel.saved`), else built
    (and then saved there, best effort, for the next process)."""
    folder = snapshot.saved_in
    if folder is None:
        return catalog.of_store(snapshot.store, snapshot.version)
    found = saved.read(folder, snapshot.version)
    if found is not None:
        return found
    made = catalog.of_store(snapshot.store, snapshot.version)
    saved.write(folder, made)
    return made


def save(snapshot: Snapshot) -> None:
    """Make sure ``snapshot``'s catalog is saved in its store folder, building it from the
    store if needed, without keeping it in this process (for a parent process that serves
    nothing itself)."""
    folder = snapshot.saved_in
    if folder is None or saved.saved(folder, snapshot.version):
        return
    saved.write(folder, catalog.of_store(snapshot.store, snapshot.version))


def for_snapshot(snapshot: Snapshot) -> Catalog:
    """The catalog of ``snapshot``, made on first use and cached by its version."""
    cached = _CACHE.get(snapshot.version)
    if cached is not None:
        return cached
    with _LOCK:
        if snapshot.version not in _CACHE:
            made = _made(snapshot)
            if len(_CACHE) >= 4:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[snapshot.version] = made
        return _CACHE[snapshot.version]


def warm(snapshot: Snapshot) -> bool:
    """Make ``snapshot``'s catalog now (the app's lifespan calls it, so a 200 from
    ``/health`` means GraphQL is ready); False when the snapshot has no Oxigraph store."""
    if not isinstance(snapshot.store, ox.Store):
        return False
    for_snapshot(snapshot)
    return True
