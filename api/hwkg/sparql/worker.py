"""A query worker: a child process holding its own copy of the store, killable at any time.

Neither rdflib nor pyoxigraph can cancel a running query, so the server sends each query
to a worker (``python -m hwkg.sparql.worker DUMP.nq``) over a pipe and kills the process
when the time limit passes; :mod:`hwkg.sparql.pool` starts a fresh one in its place.

Child side: load the N-Quads dump (or open a persisted store read-only: ``--read-only DIR``),
say ``ready``, then answer one job frame at a time.
"""

from __future__ import annotations

import ctypes
import signal
import sys

import pyoxigraph as ox

from . import framing
from .execution import Job, run


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the server that started it dies."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def open_store(source: list[str]) -> ox.Store:
    """``[DUMP.nq]`` loads a dump into memory; ``["--read-only", DIR]`` opens a store on disk."""
    if source[0] == "--read-only":
        return ox.Store.read_only(source[1])
    store = ox.Store()
    store.bulk_load(path=source[0], format=ox.RdfFormat.N_QUADS)
    return store


def serve(source: list[str]) -> int:
    """The worker loop: answer jobs from stdin on stdout until stdin closes."""
    _die_with_parent()
    store = open_store(source)
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    out.write(framing.encode({"ready": True, "quads": len(store)}))
    out.flush()
    while (frame := framing.read(inp)) is not None:
        answer = run(store, Job(**frame[0]))
        out.write(framing.encode(answer.header(), answer.body))
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1:]))
