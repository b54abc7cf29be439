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
Memory: once the store is open, the worker caps its data segment (``RLIMIT_DATA``) at what it
uses then plus ``HWKG_SPARQL_QUERY_MEMORY_MB`` (default :data:`QUERY_MEMORY_MB`; ``0``: no
cap), so one query cannot take the machine's memory: an allocation past the cap aborts the
engine (Rust) or raises MemoryError (Python, then the worker exits with
:data:`OUT_OF_MEMORY`), and the pool answers that the query needed too much memory.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
import threading

import pyoxigraph as ox

from hwkg.sparql import framing
from hwkg.sparql.execution import Job, run

STACK_BYTES = 512 << 20
NICE = 5
QUERY_MEMORY_MB = 1024
#: Exit status of a worker whose query raised MemoryError (a Rust allocation failure
#: aborts: SIGABRT).
OUT_OF_MEMORY = 3


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


def _data_bytes() -> int | None:
    """This process's data segment now (``VmData``), or None where /proc does not say."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def limit_memory() -> int | None:
    """Cap the data segment at its size now plus the per-query budget; the budget in MiB, or
    None when there is no cap (budget 0, or the system does not say or allow it)."""
    budget_mb = int(os.environ.get("HWKG_SPARQL_QUERY_MEMORY_MB", str(QUERY_MEMORY_MB)))
    now = _data_bytes()
    if budget_mb <= 0 or now is None:
        return None
    cap = now + (budget_mb << 20)
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    if hard != resource.RLIM_INFINITY and hard < cap:
        return None
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    except (ValueError, OSError):
        return None
    return budget_mb


def serve(source: list[str], network: str = "shared") -> int:
    """The worker loop: answer jobs from stdin on stdout until stdin closes."""
    _die_with_parent()
    store = open_store(source)
    budget_mb = limit_memory()
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    out.write(framing.encode({"ready": True, "quads": len(store), "network": network,
                              "query_memory_mb": budget_mb}))
    out.flush()
    while (frame := framing.read(inp)) is not None:
        try:
            answer = run(store, Job(**frame[0]))
        except MemoryError:
            os._exit(OUT_OF_MEMORY)  # the pool answers and starts a fresh worker
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
