"""The server side of the query workers: a pool of killable processes, a fair bounded queue
and a time limit.

Contract of :meth:`Pool.run` (``timeout`` is the endpoint's time limit):

- a query first **waits** for a free worker, at most ``timeout`` s, in a queue of at most
  ``max_waiting`` queries (``HWKG_SPARQL_QUEUE``, default 128) of which one client (its
  address) may hold at most half; past either bound the answer is :class:`Busy` at once,
  past the wait :class:`Busy` after it (the endpoint answers 503 with ``Retry-After``);
- it then **runs** for at most ``timeout`` s: past that its worker is killed (the query
  really stops) and the answer is :class:`TimeLimit` (the endpoint counts it in
  ``hwkg_query_timeouts_total``); a fresh worker takes the killed one's place;
- fairness: a free worker takes the oldest query of the client with the fewest queries
  running, and no client runs queries on more than ``size - 1`` workers at once (when
  ``size > 1``), so one client's runaway queries cannot hold every worker;
- a query that needs more memory than a worker may use (``HWKG_SPARQL_QUERY_MEMORY_MB``,
  :mod:`hwkg.sparql.worker`) is :class:`MemoryLimit` (the endpoint answers 503);
- a query that kills its worker otherwise (an engine crash, e.g. a stack overflow) answers
  400;
- a cancelled request (client gone) withdraws its query, or kills the worker running it;
- **standby lane**: beside the ``size`` main workers, ``standby`` more (``HWKG_SPARQL_STANDBY``,
  default 1) are started and kept idle. A standby worker takes a waiting query only while
  every main worker holds a query that has already run longer than :data:`LONG_S`, or once a
  query has waited :data:`LONG_S` without a main worker taking it (the main workers are busy,
  or the free ones may not take it: its client already runs its share), and gives
  it at most :data:`LANE_S` s: a query still running then is stopped there and goes back to
  the queue for a main worker (it keeps its place and its own limits). So runaway queries —
  even from the same address as everyone else, where per-client fairness cannot tell them
  apart — hold the main workers, while short queries keep getting answered by the standby
  lane instead of waiting behind them. This trades memory (each standby worker holds a copy of
  the store) and more processes than cores while runaways run, for short-query latency.
- **known long queries** (admission by the cost a query text has shown): a query the standby
  lane had to stop, or that was killed at its time limit, is remembered (its text and
  dataset, the last :data:`KNOWN_LONG` of them); when it comes again it goes to the main
  workers only, so a client repeating a runaway no longer holds the standby lane for
  :data:`LANE_S` each time while short queries wait behind it. A remembered query that then
  finishes within :data:`LONG_S` on a main worker is forgotten. The standby lane also takes
  a query at once, without waiting :data:`LONG_S`, when its client's share of the main
  workers is held only by queries that have already run long.

Each worker process is owned by one thread of this process that does the blocking pipe
I/O and enforces the time limit (:mod:`hwkg.sparql.process`), so a worker is free again
as soon as its answer is read, however busy the event loop is. :class:`Engines` keeps one
pool per graph version and replaces it when the served snapshot changes; the old pool
finishes the queries it holds, then stops.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import itertools
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from hwkg.core.telemetry import record_rejected
from hwkg.sparql.execution import Answer, Job
from hwkg.sparql.process import Expired, Lost, Process

log = logging.getLogger("hwkg.sparql")
START_TIMEOUT_S = 600.0
#: A main worker's query counts as long once it has run this long (s).
LONG_S = 0.25
#: The most a standby worker gives one query before handing it back to the queue (s).
LANE_S = 0.5
RESTART_PAUSE_S = 1.0
#: How many query texts the pool remembers as long.
KNOWN_LONG = 1024
CRASHED = ("The query stopped the engine's worker process before it answered (it may be too "
           "deeply nested or too large for the engine to evaluate); simplify it.\n")


class TimeLimit(Exception):
    """The query ran past its limit and its worker was killed."""


class MemoryLimit(Exception):
    """The query needed more memory than its worker may use; the worker was replaced."""

    def __init__(self, budget_mb: int) -> None:
        super().__init__(budget_mb)
        self.budget_mb = budget_mb


class Busy(Exception):
    """No worker became free in time, or the queue is full; try again later."""


_SEQUENCE = itertools.count()


@dataclass(eq=False)
class _Ticket:
    """One query on its way through the pool."""

    job: Job
    client: str
    timeout: float
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Answer]
    seq: int = field(default_factory=lambda: next(_SEQUENCE))
    slot: _Slot | None = None
    cancelled: bool = False
    #: Stopped once in the standby lane, or known long: only a main worker may take it.
    demoted: bool = False
    arrived: float = field(default_factory=time.monotonic)

    @property
    def fingerprint(self) -> str:
        """What makes two queries the same work: the text and the dataset."""
        job = self.job
        text = "\x00".join([job.query, *job.default_graphs, "\x01", *job.named_graphs])
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def settle(self, outcome: Answer | BaseException) -> None:
        """Hand ``outcome`` to the waiting coroutine (from any thread)."""
        def put() -> None:
            if self.future.done():
                return
            if isinstance(outcome, BaseException):
                self.future.set_exception(outcome)
            else:
                self.future.set_result(outcome)

        try:
            self.loop.call_soon_threadsafe(put)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass


class _Slot:
    """One worker process and the thread that owns it."""

    def __init__(self, pool: Pool, standby: bool = False) -> None:
        self.pool = pool
        self.standby = standby
        self.process: Process | None = None
        self.ticket: _Ticket | None = None
        self.started = 0.0
        self.interrupted = False
        self.ready = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._main, daemon=True, name="hwkg-sparql-worker")

    def _main(self) -> None:
        try:
            self.process = Process.start(self.pool.source, START_TIMEOUT_S)
        except BaseException as exc:  # noqa: BLE001 - reported to Pool.start
            self.failure = exc
            self.ready.set()
            self.pool._slot_ended(self)
            return
        self.ready.set()
        while (ticket := self.pool._next(self)) is not None:
            outcome, broken = self._answer(ticket)
            if isinstance(outcome, _HandBack | TimeLimit):
                self.pool._learn(ticket, long=True)
            elif not self.standby and time.monotonic() - self.started < LONG_S:
                self.pool._learn(ticket, long=False)
            if isinstance(outcome, _HandBack):
                self.pool._hand_back(self, ticket)
            else:
                ticket.settle(outcome)
            if self.pool._done(self, ticket) or broken:
                self._restart()
        if self.process is not None:
            self.process.stop()
        self.pool._slot_ended(self)

    def _answer(self, ticket: _Ticket) -> tuple[Answer | BaseException, bool]:
        """The ticket's outcome, and whether the process must be replaced."""
        assert self.process is not None
        own = self.started + ticket.timeout
        deadline = min(own, self.started + LANE_S) if self.standby else own
        try:
            return self.process.ask(ticket.job, deadline), False
        except Expired:
            if self.standby and deadline < own and not ticket.cancelled:
                return _HandBack(), True
            return TimeLimit(), True
        except Lost:
            if ticket.cancelled:
                return asyncio.CancelledError(), True
            if self.pool.closed:
                return Busy("The query workers have stopped; try again."), True
            if self.process.ran_out_of_memory():
                return MemoryLimit(int(self.process.info["query_memory_mb"])), True
            return Answer(400, "text/plain; charset=utf-8", CRASHED.encode()), True
        except Exception as exc:  # noqa: BLE001 - a bug: the request answers 500, logged
            return RuntimeError(f"the query worker's answer was unreadable: {exc!r}"), True

    def _restart(self) -> None:
        """Kill this slot's process and start a fresh one (unless the pool is closing)."""
        assert self.process is not None
        self.process.kill()
        self.process = None
        while not self.pool.closed:
            try:
                self.process = Process.start(self.pool.source, START_TIMEOUT_S)
                return
            except Exception as exc:  # noqa: BLE001 - logged, retried
                log.error("a SPARQL worker did not start; retrying", exc_info=exc)
                time.sleep(RESTART_PAUSE_S)

    def interrupt(self) -> None:
        """Kill the process now, from another thread holding the pool's lock; the owner
        thread replaces it once its current query is settled."""
        self.interrupted = True
        process = self.process
        if process is not None:
            try:
                process.popen.kill()
            except ProcessLookupError:
                pass


class _HandBack(Exception):
    """A standby worker's time for a query is up: the query goes back to the queue."""


class Pool:
    """``size`` main workers and ``standby`` idle ones over one N-Quads dump of a store (or
    one persisted store, read-only)."""

    def __init__(self, dump: Path, size: int, read_only: bool = False,
                 max_waiting: int | None = None, standby: int | None = None) -> None:
        self.dump = dump
        self.source = ["--read-only", str(dump)] if read_only else [str(dump)]
        self.size = size
        self.standby = standby if standby is not None else standby_count()
        self.max_waiting = max_waiting if max_waiting is not None else queue_bound()
        self.share = max(1, size - 1)
        self.closed = False
        self._cond = threading.Condition()
        self._pending: list[_Ticket] = []
        self._running: Counter[str] = Counter()
        self._slots: set[_Slot] = set()
        self._long: OrderedDict[str, None] = OrderedDict()
        #: Queries the standby lane handed back, and known long ones kept off it (counts).
        self.lane: Counter[str] = Counter()

    async def start(self) -> None:
        """Start every worker; raises what the first worker that failed to start raised."""
        slots = ([_Slot(self) for _ in range(self.size)]
                 + [_Slot(self, standby=True) for _ in range(self.standby)])
        with self._cond:
            self._slots.update(slots)
        for slot in slots:
            slot.thread.start()
        for slot in slots:
            await asyncio.to_thread(slot.ready.wait)
        failed = [slot.failure for slot in slots if slot.failure is not None]
        if failed:
            self.close(now=True)
            raise failed[0]

    async def run(self, job: Job, timeout: float, client: str = "") -> Answer:
        """The job's answer; see the module's contract for :class:`Busy` and
        :class:`TimeLimit`. ``client`` names who asks (their address), for fairness."""
        loop = asyncio.get_running_loop()
        ticket = _Ticket(job, client, timeout, loop, loop.create_future())
        self._enqueue(ticket)
        # A timer, not wait_for + shield: each extra future hop costs one turn of a busy loop.
        timer = loop.call_later(timeout, self._expire, ticket)
        try:
            return await ticket.future
        except asyncio.CancelledError:
            self._abandon(ticket)
            raise
        finally:
            timer.cancel()

    def _expire(self, ticket: _Ticket) -> None:
        """The wait is over: a ticket still queued answers :class:`Busy` (a running one is
        left to its slot, which enforces the time limit)."""
        if self._withdraw(ticket) and not ticket.future.done():
            record_rejected("wait")
            ticket.future.set_exception(Busy(
                f"Every query worker stayed busy for {ticket.timeout:g} s; try again."))

    def _enqueue(self, ticket: _Ticket) -> None:
        with self._cond:
            refusal = self._refusal(ticket)
            if refusal is None:
                if self._long and ticket.fingerprint in self._long:
                    ticket.demoted = True
                    self.lane["known_long"] += 1
                self._pending.append(ticket)
                self._cond.notify_all()
                return
        record_rejected(refusal[0])
        raise Busy(refusal[1])

    def _refusal(self, ticket: _Ticket) -> tuple[str, str] | None:
        """Why ``ticket`` may not wait (a reason label and a message), or None."""
        if self.closed:
            return "reloading", "The graph is being reloaded; try again."
        if len(self._pending) >= self.max_waiting:
            return "queue_full", (f"{len(self._pending)} queries are already waiting for a "
                                  f"worker (the limit is {self.max_waiting}); try again.")
        mine = sum(1 for t in self._pending if t.client == ticket.client)
        if mine >= max(1, self.max_waiting // 2):
            return "client_queue_full", (f"This client already has {mine} queries waiting "
                                         f"(the limit is {max(1, self.max_waiting // 2)}); "
                                         "try again.")
        return None

    def _withdraw(self, ticket: _Ticket) -> bool:
        """Take ``ticket`` out of the queue; False when a worker has already taken it."""
        with self._cond:
            if ticket in self._pending:
                self._pending.remove(ticket)
                return True
            return False

    def _abandon(self, ticket: _Ticket) -> None:
        ticket.future.cancel()
        with self._cond:
            ticket.cancelled = True
            if ticket in self._pending:
                self._pending.remove(ticket)
            elif ticket.slot is not None and ticket.slot.ticket is ticket:
                ticket.slot.interrupt()

    def _pick(self, slot: _Slot) -> _Ticket | None:
        if slot.standby:
            ready = [t for t in self._pending if not t.demoted]
            if not self._main_held_long():
                # A query no main worker took within LONG_S is stuck behind long ones too,
                # even while a main worker is free: one client (one address, e.g. everyone
                # behind a proxy) may not run on every main worker, so its short queries
                # would wait behind its own runaway on the one main worker it may use. When
                # that share is held only by long queries, it is stuck at once.
                now = time.monotonic()
                held = self._held_long_by()
                ready = [t for t in ready if now - t.arrived >= LONG_S or t.client in held]
            return min(ready, key=lambda t: t.seq, default=None)
        ready = [t for t in self._pending if self._running[t.client] < self.share]
        return min(ready, key=lambda t: (self._running[t.client], t.seq), default=None)

    def _main_held_long(self) -> bool:
        """Whether every main worker holds a query that has run longer than LONG_S."""
        main = [s for s in self._slots if not s.standby]
        now = time.monotonic()
        return bool(main) and all(s.ticket is not None and now - s.started > LONG_S
                                  for s in main)

    def _held_long_by(self) -> set[str]:
        """Clients whose share of the main workers is taken, all by queries run long."""
        now = time.monotonic()
        long_by: Counter[str] = Counter()
        short_by: set[str] = set()
        for slot in self._slots:
            ticket = slot.ticket
            if slot.standby or ticket is None:
                continue
            if now - slot.started > LONG_S:
                long_by[ticket.client] += 1
            else:
                short_by.add(ticket.client)
        return {client for client, n in long_by.items()
                if n >= self.share and client not in short_by}

    def _learn(self, ticket: _Ticket, *, long: bool) -> None:
        """Remember ``ticket``'s query as long, or forget it once it ran short."""
        if not long and not self._long:
            return
        with self._cond:
            key = ticket.fingerprint
            if long:
                self._long[key] = None
                self._long.move_to_end(key)
                while len(self._long) > KNOWN_LONG:
                    self._long.popitem(last=False)
            else:
                self._long.pop(key, None)

    def _hand_back(self, slot: _Slot, ticket: _Ticket) -> None:
        """Put a query the standby lane stopped back in the queue, for a main worker."""
        with self._cond:
            self.lane["handed_back"] += 1
            ticket.demoted = True
            ticket.slot = None
            if not ticket.cancelled and not ticket.future.done():
                self._pending.append(ticket)
            self._cond.notify_all()

    def _next(self, slot: _Slot) -> _Ticket | None:
        """Block until a ticket is ready for ``slot``; None once the pool is closed and
        nothing is left to run (or the slot has lost its process)."""
        with self._cond:
            while True:
                if slot.process is None or (self.closed and not self._pending):
                    return None
                ticket = self._pick(slot)
                if ticket is not None:
                    self._pending.remove(ticket)
                    self._running[ticket.client] += 1
                    ticket.slot, slot.ticket = slot, ticket
                    slot.started = time.monotonic()
                    return ticket
                # a standby slot looks again soon: "held long" changes without a notify
                self._cond.wait(LONG_S / 2 if slot.standby and self._pending else None)

    def _done(self, slot: _Slot, ticket: _Ticket) -> bool:
        """Release ``slot``; True when its process was interrupted meanwhile."""
        with self._cond:
            self._running[ticket.client] -= 1
            if self._running[ticket.client] <= 0:
                del self._running[ticket.client]
            slot.ticket = None
            interrupted, slot.interrupted = slot.interrupted, False
            self._cond.notify_all()
            return interrupted

    def _slot_ended(self, slot: _Slot) -> None:
        with self._cond:
            self._slots.discard(slot)
            orphans = [] if self._slots else list(self._pending)
            if not self._slots:
                self._pending.clear()
        for ticket in orphans:
            ticket.settle(Busy("The query workers have stopped; try again."))

    @property
    def waiting(self) -> int:
        """Queries waiting for a worker now."""
        with self._cond:
            return len(self._pending)

    def close(self, now: bool = False) -> None:
        """Take no new queries; the workers finish the ones they hold, then stop. With
        ``now``, kill every worker at once (their queries answer :class:`Busy`)."""
        with self._cond:
            self.closed = True
            slots = list(self._slots)
            orphans = list(self._pending) if now else []
            if now:
                self._pending.clear()
            self._cond.notify_all()
        for ticket in orphans:
            ticket.settle(Busy("The query workers have stopped; try again."))
        if now:
            with self._cond:
                for slot in slots:
                    slot.interrupt()

    def discard_dump(self) -> None:
        """Delete the dump this pool's workers were loaded from (never a persisted store)."""
        if self.source[0] != "--read-only":
            shutil.rmtree(self.dump.parent, ignore_errors=True)

    async def aclose(self) -> None:
        """Kill every worker and wait until their threads have ended."""
        self.close(now=True)
        with self._cond:
            threads = [slot.thread for slot in self._slots]
        for thread in threads:
            await asyncio.to_thread(thread.join)


def worker_count() -> int:
    """Workers per pool: ``HWKG_SPARQL_WORKERS``, default 2."""
    return max(1, int(os.environ.get("HWKG_SPARQL_WORKERS", "2")))


def standby_count() -> int:
    """Standby workers per pool: ``HWKG_SPARQL_STANDBY``, default 1 (0 turns the lane off)."""
    return max(0, int(os.environ.get("HWKG_SPARQL_STANDBY", "1")))


def queue_bound() -> int:
    """Queries that may wait for a worker: ``HWKG_SPARQL_QUEUE``, default 128."""
    return max(1, int(os.environ.get("HWKG_SPARQL_QUEUE", "128")))


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
            self.pool.close(now=True)
            self.pool.discard_dump()


def _dump(store: ox.Store) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="hwkg-sparql-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "store.nq"
    store.dump(str(path), ox.RdfFormat.N_QUADS)
    return path
