"""The worker pool's queue: bounded and shed with Busy, fair between clients, crash-safe.

Runaway queries hold workers with a long limit and are stopped by cancelling their request
(which kills their worker), so nothing here depends on how fast the machine is: only
outcomes and the order of events are asserted, never durations.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from hwkg.core.telemetry import REGISTRY
from hwkg.sparql.execution import MAX_NESTING, Job, nesting, run
from hwkg.sparql.pool import Busy, Pool
from hwkg.sparql.process import Process

RUNAWAY = Job("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }")
SMALL = Job("ASK { ?s ?p ?o }")
LONG = 120.0


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"),
                         ox.Literal(str(i)), ox.NamedNode("http://e/g")) for i in range(300))
    path = tmp_path_factory.mktemp("pool-queue") / "store.nq"
    store.dump(str(path), ox.RdfFormat.N_QUADS)
    return path


async def until(predicate: Callable[[], bool]) -> None:
    """Yield to the loop until ``predicate`` holds (the test's own timeout bounds it)."""
    for _ in range(6000):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")


def running(pool: Pool) -> int:
    return sum(1 for slot in pool._slots if slot.ticket is not None)


async def with_pool(pool: Pool, body: Callable[[Pool], Awaitable[None]]) -> None:
    await pool.start()
    try:
        await body(pool)
    finally:
        await pool.aclose()


def test_a_full_queue_is_shed_at_once_and_the_rest_still_answered(dump: Path) -> None:
    async def body(pool: Pool) -> None:
        runaway = asyncio.ensure_future(pool.run(RUNAWAY, LONG, "a"))
        await until(lambda: running(pool) == 1)
        waiting = [asyncio.ensure_future(pool.run(SMALL, LONG, c)) for c in ("b", "c")]
        await until(lambda: pool.waiting == 2)
        shed = REGISTRY.value("hwkg_sparql_rejected_total", (("reason", "queue_full"),))
        with pytest.raises(Busy, match="limit is 2"):
            await pool.run(SMALL, LONG, "d")
        assert REGISTRY.value("hwkg_sparql_rejected_total",
                              (("reason", "queue_full"),)) == shed + 1
        runaway.cancel()  # the client went away: its worker is killed and replaced
        answers = await asyncio.gather(*waiting)
        assert [a.status for a in answers] == [200, 200]
        with pytest.raises(asyncio.CancelledError):
            await runaway

    asyncio.run(with_pool(Pool(dump, 1, max_waiting=2, standby=0), body))


def test_a_query_that_waits_past_its_limit_is_answered_busy(dump: Path) -> None:
    async def body(pool: Pool) -> None:
        runaway = asyncio.ensure_future(pool.run(RUNAWAY, LONG, "a"))
        await until(lambda: running(pool) == 1)
        with pytest.raises(Busy, match="stayed busy"):
            await pool.run(SMALL, 0.5, "b")
        assert pool.waiting == 0
        runaway.cancel()
        assert (await pool.run(SMALL, LONG, "b")).status == 200

    asyncio.run(with_pool(Pool(dump, 1, standby=0), body))


def test_one_client_may_fill_only_half_the_queue(dump: Path) -> None:
    async def body(pool: Pool) -> None:
        runaway = asyncio.ensure_future(pool.run(RUNAWAY, LONG, "a"))
        await until(lambda: running(pool) == 1)
        mine = [asyncio.ensure_future(pool.run(SMALL, LONG, "greedy")) for _ in range(2)]
        await until(lambda: pool.waiting == 2)
        with pytest.raises(Busy, match="This client"):
            await pool.run(SMALL, LONG, "greedy")
        other = asyncio.ensure_future(pool.run(SMALL, LONG, "polite"))
        await until(lambda: pool.waiting == 3)
        runaway.cancel()
        assert [a.status for a in await asyncio.gather(*mine, other)] == [200, 200, 200]

    asyncio.run(with_pool(Pool(dump, 1, max_waiting=4, standby=0), body))


def test_one_client_cannot_hold_every_worker(dump: Path) -> None:
    async def body(pool: Pool) -> None:
        runaways = [asyncio.ensure_future(pool.run(RUNAWAY, LONG, "abuser")) for _ in range(3)]
        await until(lambda: running(pool) == 2 and pool.waiting == 1)
        answer = await pool.run(SMALL, LONG, "someone else")
        assert answer.status == 200
        assert not any(task.done() for task in runaways), "the others waited for the runaways"
        for task in runaways:
            task.cancel()
        await asyncio.gather(*runaways, return_exceptions=True)

    asyncio.run(with_pool(Pool(dump, 3, standby=0), body))


def test_a_query_that_kills_its_worker_answers_400_and_the_pool_recovers(dump: Path) -> None:
    async def body(pool: Pool) -> None:
        doomed = asyncio.ensure_future(pool.run(RUNAWAY, LONG, "a"))
        await until(lambda: running(pool) == 1)
        (slot,) = pool._slots
        assert slot.process is not None
        os.kill(slot.process.pid, signal.SIGKILL)  # as an engine crash would
        answer = await doomed
        assert answer.status == 400 and b"worker process" in answer.body
        assert (await pool.run(SMALL, LONG, "a")).status == 200

    asyncio.run(with_pool(Pool(dump, 1, standby=0), body))


def test_a_closed_pool_finishes_what_it_holds_and_refuses_new_queries(dump: Path) -> None:
    async def body(pool: Pool) -> None:
        held = asyncio.ensure_future(pool.run(SMALL, LONG, "a"))
        await asyncio.sleep(0)  # it is queued or running
        pool.close()
        assert (await held).status == 200
        with pytest.raises(Busy):
            await pool.run(SMALL, LONG, "a")

    asyncio.run(with_pool(Pool(dump, 1, standby=0), body))


def test_deep_nesting_is_refused_before_the_engine_sees_it() -> None:
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000
    assert nesting(deep) == 5000
    assert nesting('SELECT * { ?s ?p "((({{{" } # ((((') == 1
    assert nesting("SELECT * { ?s <http://a/(> ?o }") == 1
    answer = run(ox.Store(), Job(deep))
    assert answer.status == 400 and f"limit is {MAX_NESTING}".encode() in answer.body
    nested = "SELECT * WHERE " + "{ " * 50 + "?s ?p ?o" + " }" * 50
    assert run(ox.Store(), Job(nested)).status == 200


def test_workers_have_no_network(dump: Path) -> None:
    process = Process.start([str(dump)])
    try:
        assert process.info["network"] == "isolated"
    finally:
        process.stop()
