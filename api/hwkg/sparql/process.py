"""The server's handle on one query worker process, used from one thread at a time.

Blocking and deadline-bound: :meth:`Process.ask` writes a job frame to the worker's stdin
and reads the answer frame from its stdout, polling the pipe so that a deadline that
passes raises :class:`Expired` (the caller then kills the process: the only way to stop
an Oxigraph query). A worker that dies or closes its pipe mid-answer raises :class:`Lost`.
The worker is started from the calling thread, and Linux kills it when that thread ends
(``PR_SET_PDEATHSIG`` in :mod:`hwkg.sparql.worker`), so call :meth:`start` from the thread
that will own the process for its whole life.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from typing import Any

from hwkg.sparql import framing
from hwkg.sparql.execution import Answer, Job
from hwkg.sparql.worker import OUT_OF_MEMORY

START_TIMEOUT_S = 600.0
CHUNK = 1 << 20


class Expired(Exception):
    """The deadline passed before the worker's answer was complete."""


class Lost(Exception):
    """The worker process died, or closed its pipe, before answering."""


class Process:
    """One ``python -m hwkg.sparql.worker`` child and its pipes."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self.popen = popen
        self.info: dict[str, Any] = {}
        assert popen.stdout is not None
        self.fd = popen.stdout.fileno()
        self.poller = select.poll()
        self.poller.register(self.fd, select.POLLIN | select.POLLHUP | select.POLLERR)

    @classmethod
    def start(cls, source: list[str], timeout: float = START_TIMEOUT_S) -> Process:
        """A ready worker over ``source`` (a dump path, or ``--read-only`` and a store folder);
        raises :class:`Expired` or :class:`Lost` when it is not ready within ``timeout`` s."""
        popen = subprocess.Popen([sys.executable, "-m", "hwkg.sparql.worker", *source],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        process = cls(popen)
        try:
            process.info = process.receive(time.monotonic() + timeout)[0]
        except BaseException:
            process.kill()
            raise
        return process

    @property
    def pid(self) -> int:
        return self.popen.pid

    def _read(self, size: int, deadline: float) -> bytes:
        """Exactly ``size`` bytes from the worker, before ``deadline`` (monotonic seconds)."""
        data = bytearray()
        while len(data) < size:
            left_ms = (deadline - time.monotonic()) * 1000
            if left_ms <= 0 or not self.poller.poll(max(1, int(left_ms))):
                raise Expired()
            try:
                chunk = os.read(self.fd, min(size - len(data), CHUNK))
            except OSError as exc:
                raise Lost() from exc
            if not chunk:
                raise Lost()
            data += chunk
        return bytes(data)

    def receive(self, deadline: float) -> tuple[dict[str, Any], bytes]:
        """The next frame (header, body) from the worker."""
        head_len, body_len = framing.PREFIX.unpack(self._read(framing.PREFIX.size, deadline))
        header = json.loads(self._read(head_len, deadline))
        return header, self._read(body_len, deadline)

    def ask(self, job: Job, deadline: float) -> Answer:
        """The worker's answer to ``job``; :class:`Expired` past ``deadline``, :class:`Lost`
        when the worker is gone."""
        assert self.popen.stdin is not None
        try:
            self.popen.stdin.write(framing.encode(job.to_dict()))
        except OSError as exc:
            raise Lost() from exc
        header, body = self.receive(deadline)
        return Answer(body=body, **header)

    def ran_out_of_memory(self, wait_s: float = 2.0) -> bool:
        """After :class:`Lost`: whether the worker died of its memory cap (a Rust allocation
        failure's abort, or its MemoryError exit), waiting up to ``wait_s`` for its status."""
        if not self.info.get("query_memory_mb"):
            return False
        try:
            status = self.popen.wait(wait_s)
        except subprocess.TimeoutExpired:
            return False
        return status in (-signal.SIGABRT, OUT_OF_MEMORY)

    def kill(self) -> None:
        """Kill the worker now and reap it."""
        with contextlib.suppress(ProcessLookupError):
            self.popen.kill()
        self.popen.wait()
        self._close_pipes()

    def stop(self, grace_s: float = 5.0) -> None:
        """Close the worker's stdin (it exits after its current job), kill it after
        ``grace_s`` seconds."""
        with contextlib.suppress(OSError):
            assert self.popen.stdin is not None
            self.popen.stdin.close()
        try:
            self.popen.wait(grace_s)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.popen.stdin, self.popen.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
