"""Many server processes over one on-disk store: ``hwkg serve --workers N``.

uvicorn starts each worker process from an import string, so the app is made by
:func:`create_app_from_env` (``hwkg.workers:create_app_from_env``, ``factory=True``) from the
``HWKG_*`` environment the parent sets. The parent builds or refreshes the store once
(:func:`hwkg.persistence.ensure`) before any worker starts; workers only open it read-only
and never rebuild it, so N processes never write one store.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from . import persistence
from .app import create_app
from .settings import Settings

FACTORY = "hwkg.workers:create_app_from_env"


def create_app_from_env() -> Starlette:
    """The app of one worker: settings from ``HWKG_*``, graph from the store at ``HWKG_STORE``."""
    settings = Settings.from_env()
    if settings.store_path is None:
        return create_app(settings)
    snapshot = persistence.open_snapshot(settings.store_path, settings.home, rebuild=False)
    return create_app(settings, snapshot)


def _environment(settings: Settings) -> None:
    """Pass ``settings`` to the worker processes through the environment they inherit."""
    values = {
        "HWKG_HOME": str(settings.home) if settings.home else None,
        "HWKG_STORE": str(settings.store_path) if settings.store_path else None,
        "HWKG_BASE_IRI": settings.base_iri,
        "HWKG_SPARQL_TIMEOUT": str(settings.sparql_timeout_s),
    }
    os.environ.update({k: v for k, v in values.items() if v is not None})


def serve(settings: Settings, host: str, port: int, workers: int, log_level: str) -> int:
    """Build the store if needed, then run ``workers`` uvicorn processes over it.

    Without a store path the store goes in a temporary folder removed at exit.
    """
    if settings.store_path is None:
        folder = Path(tempfile.mkdtemp(prefix="hwkg-store-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        settings = Settings.from_env(home=settings.home, base_iri=settings.base_iri,
                                     sparql_timeout_s=settings.sparql_timeout_s,
                                     store_path=folder / "store")
    assert settings.store_path is not None
    persistence.ensure(settings.store_path, settings.home)
    _environment(settings)
    uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers,
                log_level=log_level)
    return 0
