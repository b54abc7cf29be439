"""The killable worker pool on its own: dump-loaded and read-only workers, the time limit."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pyoxigraph as ox
import pytest

from hwkg.sparql.execution import Job
from hwkg.sparql.pool import LANE_S, LONG_S, Busy, Pool, TimeLimit

RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def quads(n: int) -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(str(i)),
                    ox.NamedNode("http://e/g")) for i in range(n)]


def count(body: bytes) -> int:
    solutions = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    return int(next(iter(solutions))["n"].value)  # type: ignore[arg-type, index]


async def exercise(pool: Pool, expected: int) -> None:
    await pool.start()
    try:
        answer = await pool.run(Job("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"), 30)
        assert answer.status == 200 and count(answer.body) == expected
        with pytest.raises(TimeLimit):
            await pool.run(Job(RUNAWAY), 1.0)
        again = await pool.run(Job("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"), 60)
        assert count(again.body) == expected
    finally:
        await pool.aclose()


def test_dump_workers(tmp_path: Path) -> None:
    store = ox.Store()
    store.extend(quads(300))
    dump = tmp_path / "store.nq"
    store.dump(str(dump), ox.RdfFormat.N_QUADS)
    asyncio.run(exercise(Pool(dump, 1), 300))


def test_read_only_workers_on_a_persisted_store(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = ox.Store(str(path))
    store.extend(quads(200))
    store.flush()
    del store
    asyncio.run(exercise(Pool(path, 1, read_only=True), 200))


async def standby_race(pool: Pool) -> tuple[bool, int, bool]:
    """One runaway from a client, then a short query from the same client: is the short one
    answered while the runaway still holds the only main worker?"""
    await pool.start()
    try:
        runaway = asyncio.ensure_future(pool.run(Job(RUNAWAY), 8.0, "10.0.0.1"))
        await asyncio.sleep(0.6)  # the runaway has run long on the main worker by now
        short = await pool.run(Job("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"), 8.0, "10.0.0.1")
        still_running = not runaway.done()
        with pytest.raises(TimeLimit):
            await runaway
        return still_running, count(short.body), True
    finally:
        await pool.aclose()


def test_standby_lane_answers_short_queries_behind_a_runaway(tmp_path: Path) -> None:
    """With the main worker held by a runaway from the same address, a short query is
    answered by the standby worker before the runaway ends; without the lane it waits."""
    store = ox.Store()
    store.extend(quads(300))
    dump = tmp_path / "store.nq"
    store.dump(str(dump), ox.RdfFormat.N_QUADS)
    still_running, n, _ = asyncio.run(standby_race(Pool(dump, 1, standby=1)))
    assert still_running and n == 300

    async def without_lane() -> bool:
        pool = Pool(dump, 1, standby=0)
        await pool.start()
        try:
            runaway = asyncio.ensure_future(pool.run(Job(RUNAWAY), 3.0, "10.0.0.1"))
            await asyncio.sleep(0.6)
            with pytest.raises(Busy):  # it waits behind the runaway until its wait is over
                await pool.run(Job("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"), 1.0, "10.0.0.1")
            with pytest.raises(TimeLimit):
                await runaway
            return True
        finally:
            await pool.aclose()

    assert asyncio.run(without_lane())


def test_standby_lane_answers_a_client_whose_share_is_taken(tmp_path: Path) -> None:
    """Two main workers, one client (one address, as behind a proxy): the runaway holds the
    one main worker the client may use and the other may not take its queries (fairness), so
    only the standby lane can answer its short query before the runaway ends. Before the lane
    also took queries stuck this way, the short query waited out its limit (found with
    bench/load.py --runaway-from 127.0.0.1: every short SPARQL query answered 503)."""
    store = ox.Store()
    store.extend(quads(300))
    dump = tmp_path / "store.nq"
    store.dump(str(dump), ox.RdfFormat.N_QUADS)
    pool = Pool(dump, 2, standby=1)
    assert pool.share == 1  # a client may run on one main worker of the two
    still_running, n, _ = asyncio.run(standby_race(pool))
    assert still_running and n == 300


async def repeated_runaways(pool: Pool, learn_first: bool) -> tuple[int, int]:
    """A runaway holds the only main worker while the same text waits behind it: does the
    standby lane take the waiting copy (and hand it back after LANE_S), or leave it to the
    main worker? Returns the lane's hand-backs and the short query's row count."""
    await pool.start()
    try:
        if learn_first:  # killed at its limit once: the pool knows this text is long
            with pytest.raises(TimeLimit):
                await pool.run(Job(RUNAWAY), 1.0, "10.0.0.1")
        first = asyncio.ensure_future(pool.run(Job(RUNAWAY), 2.5, "10.0.0.1"))
        await asyncio.sleep(0.4)  # on the main worker, and long by now
        second = asyncio.ensure_future(pool.run(Job(RUNAWAY), 2.5, "10.0.0.1"))
        await asyncio.sleep(LONG_S + LANE_S + 0.3)  # the lane would have taken it and given up
        short = await pool.run(Job("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"), 8.0, "10.0.0.1")
        await asyncio.gather(first, second, return_exceptions=True)
        return pool.lane["handed_back"], count(short.body)
    finally:
        await pool.aclose()


def test_a_query_known_to_run_long_stays_off_the_standby_lane(tmp_path: Path) -> None:
    """A query text once killed at its limit goes to the main workers only when it comes
    again, so the standby lane stays free for short queries (found with bench/load.py
    --runaway-from 127.0.0.1: each repeated runaway held the lane for LANE_S)."""
    store = ox.Store()
    store.extend(quads(300))
    dump = tmp_path / "store.nq"
    store.dump(str(dump), ox.RdfFormat.N_QUADS)
    handed_back, n = asyncio.run(repeated_runaways(Pool(dump, 1, standby=1), learn_first=True))
    assert handed_back == 0 and n == 300
    handed_back, n = asyncio.run(repeated_runaways(Pool(dump, 1, standby=1), learn_first=False))
    assert handed_back >= 1 and n == 300, "without the history the lane takes the runaway"
