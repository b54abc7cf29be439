"""A query worker: a child process holding its own copy of the store, killable at any time.

Neither rdflib nor pyoxigraph can cancel a running query, so the server sends each query
to a worker (``python -m hwkg.sparql.worker DUMP.nq``) over a pipe and kills the process
when the time limit passes; :mod:`hwkg.sparql.pool` starts a fresh one in its place.

Child side: load the N-Quads dump (or open a persisted store read-only: ``--read-only DIR``),
say ``ready``, then answer one job frame at a time. Jobs run on a thread with a
:data:`STACK_BYTES` stack (address space, touched only as used): Oxigraph parses and
evaluates recursively, and long operator chains (``?a + ?a + …``, ``{…} UNION {…} UNION …``,
``:p/:p/…``) tens of thousands of terms long overflow an 8 MiB stack, which kills the process.
Network: before anything else the worker moves into a network namespace of its own (Linux
``unshare``; a user namespace too when not root), where no host can be reached, so a query
can make no outbound connection even if a ``SERVICE`` clause got past the endpoint's check
(pyoxigraph does evaluate ``SERVICE`` over HTTP). Its ready frame says ``"network":
"isolated"``, or ``"shared"`` where the system forbids namespaces.
Workers run at a lower CPU priority (:data:`NICE`) than the server, so queries that burn CPU
until their time limit slow the HTTP side (GraphQL, linked data) as little as possible.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading

import pyoxigraph as ox

from . import framing
from .execution import Job, run

STACK_BYTES = 512 << 20
NICE = 5


CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000


def isolate_network() -> str:
    """Leave the host's network (call it while the process has one thread): "isolated", or
    "shared" when the kernel refuses."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return "shared"
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return "isolated"
    return "shared"


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


def serve(source: list[str], network: str = "shared") -> int:
    """The worker loop: answer jobs from stdin on stdout until stdin closes."""
    _die_with_parent()
    store = open_store(source)
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    out.write(framing.encode({"ready": True, "quads": len(store), "network": network}))
    out.flush()
    while (frame := framing.read(inp)) is not None:
        answer = run(store, Job(**frame[0]))
        out.write(framing.encode(answer.header(), answer.body))
        out.flush()
    return 0


def main(source: list[str]) -> int:
    """Leave the network, then run :func:`serve` on a thread with a :data:`STACK_BYTES`
    stack; its exit status."""
    status = [1]
    network = isolate_network()
    os.nice(NICE)
    threading.stack_size(STACK_BYTES)
    thread = threading.Thread(target=lambda: status.__setitem__(0, serve(source, network)),
                              name="hwkg-sparql-jobs")
    thread.start()
    thread.join()
    return status[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
