"""The GraphQL catalog saved inside an on-disk store's folder, so restarts do not rebuild it.

Building the catalog (:func:`hwkg.readmodel.catalog.build`) scans the whole data graph in Python: 5
s
at 431k triples, over a minute at 4.3M. ``hwkg load --store PATH`` builds it once and saves it
as ``PATH/hwkg-catalog.bin``; every ``hwkg serve --store`` process (``--workers`` ones too)
reads it instead, and a server that finds none builds it and saves it (best effort).

Format: one JSON header line ``{"format", "hwkg", "python", "version"}`` — the file format,
the hwkg release, the Python ``major.minor`` that wrote it (``marshal``'s format may change
between Python versions) and the graph version it was built for — then the catalog's columns
(:mod:`hwkg.readmodel.codec`) written with :mod:`marshal`. The file is read only when all four
match the running hwkg, the running Python and the store's graph version, so a store from
another release or a rebuilt graph never gets a stale or incompatible catalog. Reading it at
4.3M triples takes under a second, where unpickling the same catalog took 5–11 s.

Trust: ``marshal`` runs no code from the file (unlike pickle) but is not hardened against
crafted input either, so this module only ever reads the file it wrote itself, at a fixed
name inside a store folder that hwkg created and that only hwkg writes (the same trust as
the RocksDB files beside it). Writes go to a temporary file renamed into place, so a reader
sees the old file or the whole new one.
"""

from __future__ import annotations

import json
import marshal
import os
import sys
import tempfile
from pathlib import Path

from hwkg import __version__
from hwkg.core import gc_pause
from hwkg.readmodel import codec as catalog_codec
from hwkg.readmodel.catalog import Catalog

NAME = "hwkg-catalog.bin"
#: Names earlier releases used; removed when a new catalog is written.
OLD_NAMES = ("hwkg-catalog.pickle",)
FORMAT = 3


def path_of(store_path: Path) -> Path:
    """Where the catalog of the store at ``store_path`` lives."""
    return store_path / NAME


def _header(version: str) -> bytes:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return json.dumps({"format": FORMAT, "hwkg": __version__, "python": python,
                       "version": version}, sort_keys=True).encode() + b"\n"


def write(store_path: Path, catalog: Catalog) -> bool:
    """Save ``catalog`` for the store at ``store_path``; False when the folder is not writable.

    Raises ValueError when the catalog holds a value :mod:`marshal` cannot write (a bug in
    :mod:`hwkg.readmodel.codec`, not a property of the data).
    """
    payload = marshal.dumps(catalog_codec.encode(catalog))
    try:
        handle, temp = tempfile.mkstemp(dir=store_path, prefix=".catalog-", suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(_header(catalog.version))
            stream.write(payload)
        os.replace(temp, path_of(store_path))
    except OSError:
        Path(temp).unlink(missing_ok=True)
        return False
    for old in OLD_NAMES:
        (store_path / old).unlink(missing_ok=True)
    return True


def saved(store_path: Path, version: str) -> bool:
    """Whether a catalog of graph ``version`` written by this hwkg and Python is saved for
    the store at ``store_path`` (its header only is read)."""
    try:
        with path_of(store_path).open("rb") as stream:
            return stream.readline() == _header(version)
    except OSError:
        return False


def read(store_path: Path, version: str) -> Catalog | None:
    """The saved catalog of graph ``version``, or None when absent, stale, damaged or not ours."""
    try:
        with path_of(store_path).open("rb") as stream:
            if stream.readline() != _header(version):
                return None
            payload = stream.read()
    except OSError:
        return None
    try:
        with gc_pause.paused():  # ~1M new objects, none of them garbage
            found = catalog_codec.decode(marshal.loads(payload))
    except (EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return found if found.version == version else None
