"""Many server processes over one on-disk store: ``hwkg serve --workers N``.

uvicorn starts each worker process from an import string, so the app is made by
:func:`create_app_from_env` (``hwkg.workers:create_app_from_env``, ``factory=True``) from the
``HWKG_*`` environment the parent sets. The parent builds or refreshes the store once
(:func:`hwkg.persistence.ensure`) before any worker starts; workers only open it read-only
and never rebuild it, so N processes never write one store. The parent also makes sure the
GraphQL catalog is saved in the store folder (:mod:`hwkg.catalog_file`), so each worker reads
it at start instead of scanning the store. With ``HWKG_SPARQL_ENDPOINT``
each worker reads the graph from that SPARQL server instead (:mod:`hwkg.remote_backend`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from . import catalog, persistence, remote_backend, remote_store
from .app import create_app
from .reload import PROCESSES_ENV
from .settings import Settings

FACTORY = "hwkg.workers:create_app_from_env"


def create_app_from_env() -> Starlette:
    """The app of one worker: settings from ``HWKG_*``, graph from the store at ``HWKG_STORE``."""
    settings = Settings.from_env()
    if settings.sparql_endpoint:
        remote = remote_store.RemoteStore.from_settings(settings)
        return create_app(settings, remote_backend.open_snapshot(remote))
    if settings.store_path is None:
        return create_app(settings)
    snapshot = persistence.open_snapshot(settings.store_path, settings.home, rebuild=False)
    return create_app(settings, snapshot)


def _environment(settings: Settings, processes: int) -> None:
    """Pass ``settings`` to the worker processes through the environment they inherit."""
    values = {
        "HWKG_HOME": str(settings.home) if settings.home else None,
        "HWKG_STORE": str(settings.store_path) if settings.store_path else None,
        "HWKG_BASE_IRI": settings.base_iri,
        "HWKG_SPARQL_TIMEOUT": str(settings.sparql_timeout_s),
        "HWKG_SPARQL_ENDPOINT": settings.sparql_endpoint,
        "HWKG_SPARQL_UPDATE_URL": settings.sparql_update_url,
        "HWKG_SPARQL_USER": settings.sparql_user,
        "HWKG_SPARQL_PASSWORD": settings.sparql_password,
        "HWKG_SPARQL_UNION_DEFAULT": "1" if settings.sparql_union_default else None,
        PROCESSES_ENV: str(processes),
    }
    os.environ.update({k: v for k, v in values.items() if v is not None})


def serve(settings: Settings, host: str, port: int, workers: int, log_level: str) -> int:
    """Build the store if needed, then run ``workers`` uvicorn processes over it.

    Without a store path the store goes in a temporary folder removed at exit.
    """
    if settings.sparql_endpoint:  # the graph is on a SPARQL server: no store to build
        _environment(settings, workers)
        uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers,
                    log_level=log_level)
        return 0
    if settings.store_path is None:
        folder = Path(tempfile.mkdtemp(prefix="hwkg-store-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        settings = Settings.from_env(home=settings.home, base_iri=settings.base_iri,
                                     sparql_timeout_s=settings.sparql_timeout_s,
                                     store_path=folder / "store")
    assert settings.store_path is not None
    persistence.ensure(settings.store_path, settings.home)
    # Saved in the store folder if missing, so the N workers read it instead of each building it.
    catalog.for_snapshot(persistence.open_snapshot(settings.store_path, settings.home,
                                                   rebuild=False))
    _environment(settings, workers)
    uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers,
                log_level=log_level)
    return 0
