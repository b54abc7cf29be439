"""Many server processes over one on-disk store: ``hwkg serve --workers N``.

uvicorn starts each worker process from an import string, so the app is made by
:func:`hwkg.app.create_app_from_env` (:data:`FACTORY`, ``factory=True``) from the
``HWKG_*`` environment the parent sets; this module never imports the app itself. The parent builds
or refreshes the store once
(:func:`hwkg.serving.stores.ensure`) before any worker starts; workers only open it read-only
and never rebuild it, so N processes never write one store. The parent also makes sure the
GraphQL catalog is saved in the store folder (:mod:`hwkg.readmodel.saved`), so each worker reads
it at start instead of scanning the store. With ``HWKG_SPARQL_ENDPOINT``
each worker reads the graph from that SPARQL server instead (:mod:`hwkg.serving.remote_backend`).
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import socket
import tempfile
from pathlib import Path

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess

from hwkg.core.problems import InvalidGraph
from hwkg.core.settings import Settings
from hwkg.readmodel import cached
from hwkg.serving import stores as persistence
from hwkg.serving.reload import PROCESSES_ENV

log = logging.getLogger("uvicorn.error")  # where the supervisor itself logs
FACTORY = "hwkg.app:create_app_from_env"  # imported by uvicorn in each worker


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
    _save_catalog(settings.store_path, settings)
    _environment(settings, workers)
    config = uvicorn.Config(FACTORY, factory=True, host=host, port=port, workers=workers,
                            log_level=log_level)
    Supervisor(config, sockets=[config.bind_socket()], settings=settings).run()
    return 0


def _save_catalog(path: Path, settings: Settings) -> None:
    """Save the catalog in the store folder if missing, so the N workers read it instead of
    each building it (this process keeps none: it serves nothing)."""
    cached.save(persistence.open_snapshot(path, settings.home, rebuild=False))


class Supervisor(Multiprocess):
    """uvicorn's process supervisor, with a reload on ``SIGHUP``.

    The files are built and validated into a store generation beside the served store
    (:func:`hwkg.serving.stores.build_generation`, catalog saved) in this process while the
    workers keep answering; only if that succeeds are the workers replaced one at a time
    (uvicorn brings each replacement into service before stopping the worker it replaces), and
    each new worker opens the newest up-to-date store (:func:`hwkg.serving.stores.serving_path`).
    When the files do not parse or conform, the problems are logged and nothing changes.
    """

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket],
                 settings: Settings) -> None:
        super().__init__(config, sockets=sockets)
        self.settings = settings
        assert settings.store_path is not None
        self.base: Path = settings.store_path
        #: The newest store the workers were told to serve, and every store a worker may
        #: still read (the previous one too, for requests in flight).
        self.serving: Path = self.base
        self.in_use: set[Path] = {self.base}

    def handle_hup(self) -> None:
        log.info("SIGHUP: reloading the graph files")
        try:
            target = persistence.next_generation(self.base, self.serving, self.settings.home)
            if target is None:
                log.info("reload: the files are unchanged")
                return
            _save_catalog(target, self.settings)
        except InvalidGraph as exc:
            for problem in exc.problems:
                log.error("reload failed: %s", problem)
            log.error("reload failed: %d problem(s); the served graph is unchanged",
                      len(exc.problems))
            return
        except Exception:  # noqa: BLE001 - any failure leaves the served graph as it is
            log.exception("reload failed; the served graph is unchanged")
            return
        before = {process.pid for process in self.processes}
        super().handle_hup()  # stops early, keeping old workers, if a new one is not ready
        kept_old = any(process.pid in before for process in self.processes)
        persistence.discard_generations(self.base, keep=(target, *self.in_use))
        self.in_use = {target, *self.in_use} if kept_old else {target, self.serving}
        self.serving = target
        if kept_old:
            log.error("reload: not every worker was replaced (a new one was not ready in "
                      "time); some still serve an older store")
        else:
            log.info("reload: workers now serve %s", target.name)
