"""The server side of the query workers: a pool of killable processes and a time limit.

:meth:`Pool.run` hands a job to an idle worker and waits without blocking the event loop;
when the limit passes it kills that worker (the query really stops), starts a fresh one in
the background and raises :class:`TimeLimit`. :class:`Engines` keeps one pool per graph
version and replaces it when the served snapshot changes.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import framing
from .execution import Answer, Job

START_TIMEOUT_S = 600.0


class TimeLimit(Exception):
    """The query ran past its limit and its worker was killed."""


class Busy(Exception):
    """No worker became free within the limit."""


class Worker:
    """One child process and its pipes."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, source: list[str]) -> Worker:
        """A worker over ``source`` (a dump path, or ``--read-only`` and a store folder)."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hwkg.sparql.worker", *source,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(proc)
        try:
            await asyncio.wait_for(worker.receive(), START_TIMEOUT_S)
        except BaseException:
            worker.kill()
            raise
        return worker

    async def receive(self) -> tuple[dict[str, object], bytes]:
        assert self.proc.stdout is not None
        prefix = await self.proc.stdout.readexactly(framing.PREFIX.size)
        head_len, body_len = framing.PREFIX.unpack(prefix)
        header = json.loads(await self.proc.stdout.readexactly(head_len))
        body = await self.proc.stdout.readexactly(body_len)
        return header, body

    async def ask(self, job: Job) -> Answer:
        assert self.proc.stdin is not None
        self.proc.stdin.write(framing.encode(job.to_dict()))
        await self.proc.stdin.drain()
        header, body = await self.receive()
        return Answer(body=body, **header)  # type: ignore[arg-type]

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()


class Pool:
    """``size`` workers over one N-Quads dump of a store (or one persisted store, read-only)."""

    def __init__(self, dump: Path, size: int, read_only: bool = False) -> None:
        self.dump = dump
        self.source = ["--read-only", str(dump)] if read_only else [str(dump)]
        self.size = size
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()
        self.closed = False

    async def start(self) -> None:
        workers = await asyncio.gather(*(Worker.start(self.source) for _ in range(self.size)))
        for worker in workers:
            self._add(worker)

    def _add(self, worker: Worker) -> None:
        if self.closed:
            worker.kill()
            return
        self.workers.add(worker)
        self.idle.put_nowait(worker)

    async def _replace(self, dead: Worker) -> None:
        dead.kill()
        self.workers.discard(dead)
        with contextlib.suppress(ProcessLookupError):
            await dead.proc.wait()
        if not self.closed:
            self._add(await Worker.start(self.source))

    async def run(self, job: Job, timeout: float) -> Answer:
        """The job's answer; raises :class:`TimeLimit` or :class:`Busy` after ``timeout`` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            worker = await asyncio.wait_for(self.idle.get(), timeout)
        except TimeoutError as exc:
            raise Busy() from exc
        try:
            answer = await asyncio.wait_for(worker.ask(job), max(deadline - loop.time(), 0.001))
        except TimeoutError as exc:
            _background(self._replace(worker))
            raise TimeLimit() from exc
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            _background(self._replace(worker))
            raise
        except BaseException:  # cancelled (client gone): the worker's state is unknown
            _background(self._replace(worker))
            raise
        self.idle.put_nowait(worker)
        return answer

    def close(self) -> None:
        """Kill every worker now (their processes are reaped by the event loop)."""
        self.closed = True
        for worker in self.workers:
            worker.kill()

    def discard_dump(self) -> None:
        """Delete the dump this pool's workers were loaded from (never a persisted store)."""
        if self.source[0] != "--read-only":
            shutil.rmtree(self.dump.parent, ignore_errors=True)

    async def aclose(self) -> None:
        """Kill every worker and wait for them to exit."""
        self.close()
        for worker in list(self.workers):
            await worker.proc.wait()


_TASKS: set[asyncio.Task[None]] = set()


def _background(coro: Coroutine[Any, Any, None]) -> None:
    task = asyncio.ensure_future(coro)
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


def worker_count() -> int:
    """Workers per pool: ``HWKG_SPARQL_WORKERS``, default 2."""
    return max(1, int(os.environ.get("HWKG_SPARQL_WORKERS", "2")))


class Engines:
    """One pool per graph version; a new version replaces (and closes) the old pool."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or worker_count()
        self.version: str | None = None
        self.pool: Pool | None = None
        self.lock: asyncio.Lock | None = None
        atexit.register(self.close)

    async def for_store(self, store: ox.Store, version: str,
                        store_path: Path | None = None) -> Pool:
        """The pool serving ``store`` (started on first use). A store persisted at
        ``store_path`` is opened read-only by the workers; otherwise they load a dump."""
        if self.pool is not None and self.version == version:
            return self.pool
        self.lock = self.lock or asyncio.Lock()
        async with self.lock:
            if self.pool is None or self.version != version:
                if store_path is not None:
                    pool = Pool(Path(store_path), self.size, read_only=True)
                else:
                    pool = Pool(await asyncio.to_thread(_dump, store), self.size)
                await pool.start()
                old, self.pool, self.version = self.pool, pool, version
                if old is not None:
                    old.close()
                    old.discard_dump()
        assert self.pool is not None
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.discard_dump()


def _dump(store: ox.Store) -> Path:
    path = Path(tempfile.mkdtemp(prefix="hwkg-sparql-")) / "store.nq"
    store.dump(str(path), ox.RdfFormat.N_QUADS)
    return path
