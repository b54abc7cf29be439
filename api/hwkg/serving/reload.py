"""Safe reloads: re-read the graph's files without a restart, swap only a graph that conforms.

Two triggers, one code path (:meth:`Reloader.reload`):

- ``SIGHUP`` to the server process (installed by :func:`running` in the app's lifespan);
- ``POST /admin/reload`` with ``Authorization: Bearer <HWKG_ADMIN_TOKEN>``. Answers
  ``200`` (reloaded, or unchanged), ``422`` (the files do not parse or conform: the old graph
  keeps serving; ``problems`` lists each ``file:line: message`` or shape violation),
  ``409`` (reloading is not possible in this mode), ``401`` without a bearer token,
  ``403`` with a wrong one, and ``403`` when no admin token is configured at all.

The new graph is parsed, validated and indexed in a thread (the event loop keeps answering)
and installed with :meth:`hwkg.loading.snapshot.GraphHolder.swap` only if it loaded cleanly.
Requests in
flight keep the snapshot they took from ``holder.current``. When the files' fingerprint is the
served version nothing is parsed and the result is ``unchanged``. A server on an external
SPARQL store (``hwkg serve --sparql-endpoint``) re-reads the version the store records
instead: a new version (after ``hwkg load --sparql-endpoint``) gives a new snapshot. A server
on an on-disk store (``--store PATH``) builds the new store beside the one it serves
(``PATH.gen-<version>``, :mod:`hwkg.serving.stores`) and serves that; with several processes
(``--workers``) a worker refuses (409: it would serve another graph than the others) and
``SIGHUP`` goes to their parent (:class:`hwkg.serving.workers.Supervisor`). One reload runs at a
time; the last result is kept for ``/health``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from hwkg.core import gc_pause
from hwkg.core import telemetry as metrics_endpoint
from hwkg.core.problems import InvalidGraph
from hwkg.core.settings import Settings
from hwkg.loading.snapshot import GraphHolder, Snapshot
from hwkg.serving import cache, readiness, remote_backend
from hwkg.serving import stores as persistence

log = logging.getLogger("hwkg.serving.reload")
#: Set by ``hwkg serve --workers N`` (:mod:`hwkg.serving.workers`) for its processes: N.
PROCESSES_ENV = "HWKG_SERVER_PROCESSES"
STATUS_CODES = {"ok": 200, "unchanged": 200, "failed": 422, "unsupported": 409}


@dataclass
class ReloadResult:
    """What one reload did. ``status``: ok, unchanged, failed or unsupported."""

    status: str
    trigger: str
    version: str
    previous: str
    triples: int
    started_at: float
    duration_s: float
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Reloader:
    """Reloads the graph served by ``app`` from ``settings.home``."""

    def __init__(self, app: Starlette, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.last: ReloadResult | None = None
        self._lock = asyncio.Lock()

    @property
    def holder(self) -> GraphHolder:
        return self.app.state.graph  # type: ignore[no-any-return]

    async def reload(self, trigger: str) -> ReloadResult:
        """Load the files again and swap the new graph in if it conforms."""
        async with self._lock:
            started, old = time.time(), self.holder.current
            old_version = old.version
            status, snapshot, problems = await self._attempt(old)
            del old
            if snapshot is not None:
                self.holder.swap(snapshot)
                del snapshot  # the new graph's objects settle; the old one's are collected
                await asyncio.to_thread(gc_pause.settle, True)
            current = self.holder.current
            result = ReloadResult(status, trigger, current.version, old_version,
                                  current.triples, started, round(time.time() - started, 3),
                                  problems)
            self.last = result
        metrics_endpoint.record_reload(status)
        level = logging.WARNING if status in ("failed", "unsupported") else logging.INFO
        log.log(level, "reload", extra={"fields": result.as_json()})
        return result

    async def _attempt(self, old: Snapshot) -> tuple[str, Snapshot | None, list[str]]:
        if remote_backend.of(old) is not None:  # the graph lives on a SPARQL server
            return await asyncio.to_thread(remote_backend.refresh, old)
        if old.store_path is not None or self.settings.store_path is not None:
            if int(os.environ.get(PROCESSES_ENV, "1")) > 1:
                return "unsupported", None, [
                    "this is one of several server processes (--workers): send SIGHUP to "
                    f"their parent (pid {os.getppid()}), which rebuilds the store and "
                    "replaces every process"]
            return await asyncio.to_thread(self._store_attempt, old)
        try:
            version = await asyncio.to_thread(
                lambda: persistence.Inputs.of(self.settings.home).version)
            if version == old.version:
                return "unchanged", None, []
            snapshot = await asyncio.to_thread(
                lambda: cache.open_snapshot(self.settings.home, in_memory=True))
            await asyncio.to_thread(readiness.prepare, snapshot)
        except InvalidGraph as exc:
            return "failed", None, [str(problem) for problem in exc.problems]
        except Exception as exc:  # noqa: BLE001 - any failure leaves the old graph serving
            return "failed", None, [f"{type(exc).__name__}: {exc}"]
        if snapshot.version == old.version:
            return "unchanged", None, []
        return "ok", snapshot, []

    def _store_attempt(self, old: Snapshot) -> tuple[str, Snapshot | None, list[str]]:
        """A reload of a server on an on-disk store: the new graph is built and validated
        beside the served store (:func:`hwkg.serving.stores.next_generation`), opened, and its
        catalog made, all before the swap. The generation served before stays (requests in
        flight may read it); older ones are removed."""
        base = self.settings.store_path or old.store_path
        assert base is not None
        try:
            target = persistence.next_generation(base, old.store_path or base,
                                                 self.settings.home)
            if target is None:
                return "unchanged", None, []
            snapshot = persistence.open_snapshot(target, self.settings.home, rebuild=False)
            readiness.prepare(snapshot)
        except InvalidGraph as exc:
            return "failed", None, [str(problem) for problem in exc.problems]
        except Exception as exc:  # noqa: BLE001 - any failure leaves the old graph serving
            return "failed", None, [f"{type(exc).__name__}: {exc}"]
        persistence.discard_generations(base, keep=(target, old.store_path or base))
        return "ok", snapshot, []


def reloader_of(app: Starlette) -> Reloader | None:
    return getattr(app.state, "reloader", None)


def health_fields(app: Starlette) -> dict[str, Any]:
    """What ``/health`` adds: ``loaded`` and ``last_reload`` (null before the first reload)."""
    reloader = reloader_of(app)
    last = reloader.last if reloader is not None else None
    return {"loaded": True, "last_reload": last.as_json() if last else None}


@contextlib.asynccontextmanager
async def running(app: Starlette, settings: Settings) -> AsyncIterator[Reloader]:
    """Keep a :class:`Reloader` on ``app.state.reloader`` and reload on SIGHUP meanwhile.

    Enter it after ``app.state.graph`` is set. Outside the main thread (a test client) no
    signal handler can be installed, and only the admin call reloads.
    """
    reloader = Reloader(app, settings)
    app.state.reloader = reloader
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task[ReloadResult]] = set()

    def on_hangup() -> None:
        task = loop.create_task(reloader.reload("signal"))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    installed = False
    with contextlib.suppress(ValueError, RuntimeError, NotImplementedError, AttributeError):
        loop.add_signal_handler(signal.SIGHUP, on_hangup)
        installed = True
    try:
        yield reloader
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGHUP)


def _refusal(status: int, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="hwkg-admin"'} if status == 401 else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def authorised(request: Request, token: str | None) -> JSONResponse | None:
    """None when the request carries the admin bearer token, else the refusal to send."""
    if not token:
        return _refusal(403, "the admin API is disabled: no admin token is configured "
                             "(set HWKG_ADMIN_TOKEN)")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return _refusal(401, "admin calls need 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return _refusal(403, "the bearer token is not the admin token")
    return None


def routes(settings: Settings) -> list[BaseRoute]:
    """``POST /admin/reload``."""

    async def admin_reload(request: Request) -> JSONResponse:
        refused = authorised(request, settings.admin_token)
        if refused is not None:
            return refused
        reloader = reloader_of(request.app)
        if reloader is None:
            return _refusal(503, "the graph is still loading")
        result = await reloader.reload("admin")
        return JSONResponse(result.as_json(), status_code=STATUS_CODES[result.status],
                            headers={"Cache-Control": "no-store"})

    return [Route("/admin/reload", admin_reload, methods=["POST"], name="admin-reload")]
