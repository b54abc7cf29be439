"""Safe reloads against a live server on a graph folder of our own (tests/ops_support.py).

A valid change is served after ``POST /admin/reload`` or ``SIGHUP``; a broken file or a shape
violation leaves the old graph serving and the reload reports the file:line or the shape.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ops_support import CASES, CHIP_DOC, CHIP_FILE, TOKEN, Server, make_home, start, wait_for

pytestmark = pytest.mark.server
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FIGURE = re.compile(r'truthy/maxPower> "(\d+)"')


@pytest.fixture(params=["memory", "store"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """A live server with an admin token on a fresh copy of the fixture graph, holding it in
    memory or in an on-disk store (``--store``): every reload test runs against both."""
    home = make_home(tmp_path / "home")
    extra = ("--store", str(tmp_path / "store")) if request.param == "store" else ()
    server = start(home, tmp_path / "server.log", *extra, env={"HWKG_ADMIN_TOKEN": TOKEN})
    try:
        yield server, home
    finally:
        server.stop()


def health(server: Server) -> dict:  # type: ignore[type-arg]
    r = httpx.get(server.url + "/health", timeout=10)
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def served_power(server: Server) -> int:
    """The truthy maxPower the server serves for the fixture chip, in W."""
    r = httpx.get(server.url + CHIP_DOC, timeout=10)
    assert r.status_code == 200, r.text
    found = FIGURE.search(r.text)
    assert found, r.text
    return int(found.group(1))


def change_power(home: Path, watts: int) -> None:
    path = home / "graph" / CHIP_FILE
    text = path.read_text(encoding="utf-8")
    assert "hw:value 700 ; hw:unit unit:W" in text
    path.write_text(text.replace("hw:value 700 ; hw:unit unit:W", f"hw:value {watts} ; "
                                 "hw:unit unit:W"), encoding="utf-8")


def reload_by_signal(server: Server, before: float) -> dict:  # type: ignore[type-arg]
    """Send SIGHUP and wait for /health to report a reload that began after ``before``."""
    server.proc.send_signal(signal.SIGHUP)

    def finished() -> dict | None:  # type: ignore[type-arg]
        last = health(server)["last_reload"]
        return last if last and last["started_at"] >= before else None

    return wait_for(finished, timeout=120)  # type: ignore[no-any-return]


def test_health_says_loaded_version_and_no_reload_yet(served: tuple[Server, Path]) -> None:
    body = health(served[0])
    assert body["loaded"] is True and body["version"] and body["triples"] > 0
    assert body["last_reload"] is None


def test_admin_reload_needs_the_bearer_token(served: tuple[Server, Path]) -> None:
    url = served[0].url + "/admin/reload"
    missing = httpx.post(url, timeout=10)
    assert missing.status_code == 401 and "Bearer" in missing.headers["www-authenticate"]
    wrong = httpx.post(url, headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 403
    basic = httpx.post(url, headers={"Authorization": "Basic dXNlcjpwYXNz"}, timeout=10)
    assert basic.status_code == 401
    assert httpx.get(url, headers=AUTH, timeout=10).status_code == 405
    assert health(served[0])["last_reload"] is None


def test_admin_reload_is_refused_when_no_token_is_configured(tmp_path: Path) -> None:
    server = start(make_home(tmp_path / "home"), tmp_path / "log", env={"HWKG_ADMIN_TOKEN": ""})
    try:
        r = httpx.post(server.url + "/admin/reload", headers=AUTH, timeout=10)
        assert r.status_code == 403 and "HWKG_ADMIN_TOKEN" in r.json()["error"]
    finally:
        server.stop()


def test_unchanged_files_reload_as_unchanged(served: tuple[Server, Path]) -> None:
    server, _ = served
    version = health(server)["version"]
    r = httpx.post(server.url + "/admin/reload", headers=AUTH, timeout=120)
    assert r.status_code == 200 and r.json()["status"] == "unchanged"
    assert r.json()["version"] == version


def test_a_valid_change_is_served_after_the_admin_call(served: tuple[Server, Path]) -> None:
    server, home = served
    before = health(server)["version"]
    assert served_power(server) == 700
    change_power(home, 650)
    r = httpx.post(server.url + "/admin/reload", headers=AUTH, timeout=120)
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["status"] == "ok" and result["previous"] == before
    assert result["version"] != before and result["problems"] == []
    assert health(server)["version"] == result["version"]
    assert health(server)["last_reload"]["status"] == "ok"
    assert served_power(server) == 650


def test_kept_sparql_answers_do_not_outlive_their_graph_version(
        served: tuple[Server, Path]) -> None:
    """The endpoint keeps answers per graph version: after a reload the same query is
    answered anew, from the new graph."""
    server, home = served
    query = ("PREFIX hwt: <https://w3id.org/hwkg/truthy/> SELECT ?w WHERE { "
             f"<https://w3id.org/hwkg/id/chip/{Path(CHIP_DOC).stem}> hwt:maxPower ?w }}")

    def ask() -> httpx.Response:
        r = httpx.post(server.url + "/sparql", data={"query": query}, timeout=60,
                       headers={"accept": "text/csv"})
        assert r.status_code == 200, r.text
        return r

    first, second = ask(), ask()
    assert (first.headers["hwkg-cache"], second.headers["hwkg-cache"]) == ("miss", "hit")
    assert first.text.split()[1:] == ["700"]
    change_power(home, 650)
    r = httpx.post(server.url + "/admin/reload", headers=AUTH, timeout=120)
    assert r.status_code == 200, r.text
    after = ask()
    assert after.headers["hwkg-cache"] == "miss" and after.text.split()[1:] == ["650"]


def test_broken_turtle_keeps_the_old_graph_and_names_the_line(
        served: tuple[Server, Path]) -> None:
    server, home = served
    before = health(server)["version"]
    shutil.copy(CASES / "syntax" / "missing-dot.ttl", home / "graph" / "broken.ttl")
    line = json.loads((CASES / "syntax" / "expected-lines.json").read_text())["missing-dot"]
    r = httpx.post(server.url + "/admin/reload", headers=AUTH, timeout=120)
    assert r.status_code == 422, r.text
    result = r.json()
    assert result["status"] == "failed" and result["version"] == before
    assert any(f"broken.ttl:{line}:" in problem for problem in result["problems"]), result
    assert health(server)["version"] == before
    assert health(server)["last_reload"]["status"] == "failed"
    assert served_power(server) == 700


def test_a_shape_violation_by_sighup_keeps_the_old_graph(served: tuple[Server, Path]) -> None:
    server, home = served
    before = health(server)
    violating = CASES / "invalid" / "memory-zero.ttl"
    shape = re.search(r"# expect: (\S+)", violating.read_text()).group(1)  # type: ignore[union-attr]
    text = violating.read_text(encoding="utf-8").replace("chip:test-gpu", "chip:other-gpu")
    (home / "graph" / "memory-zero.ttl").write_text(text, encoding="utf-8")
    change_power(home, 650)
    last = reload_by_signal(server, time.time())
    assert last["status"] == "failed" and last["trigger"] == "signal"
    assert any("memory-zero.ttl" in p and shape in p for p in last["problems"]), last
    assert health(server)["version"] == before["version"]
    assert served_power(server) == 700
    logged = [json.loads(line) for line in server.log_lines() if '"msg": "reload"' in line]
    assert logged and logged[-1]["status"] == "failed" and logged[-1]["problems"]


def test_a_valid_change_is_served_after_sighup(served: tuple[Server, Path]) -> None:
    server, home = served
    before = health(server)["version"]
    change_power(home, 640)
    last = reload_by_signal(server, time.time())
    assert last["status"] == "ok" and last["trigger"] == "signal"
    assert last["previous"] == before and last["version"] == health(server)["version"]
    assert served_power(server) == 640


def test_a_download_begun_before_a_reload_finishes_on_its_graph(
        served: tuple[Server, Path]) -> None:
    """The N-Triples dump of the old graph streams to the end across a reload."""
    server, home = served
    old_version = health(server)["version"]
    with httpx.stream("GET", server.url + "/dumps/hwkg.nt", timeout=120) as response:
        assert response.status_code == 200
        chunks = response.iter_bytes(4096)
        body = next(chunks)
        change_power(home, 630)
        r = httpx.post(server.url + "/admin/reload", headers=AUTH, timeout=120)
        assert r.status_code == 200 and r.json()["status"] == "ok", r.text
        fresh = httpx.get(server.url + "/dumps/hwkg.nt", timeout=120)  # the new graph's dump
        body += b"".join(chunks)
    assert fresh.status_code == 200 and health(server)["version"] != old_version
    assert FIGURE.search(body.decode()).group(1) == "700"  # type: ignore[union-attr]
    assert FIGURE.search(fresh.text).group(1) == "630"  # type: ignore[union-attr]


def sparql_power(server: Server) -> int:
    """The truthy maxPower of the fixture chip as the SPARQL endpoint (its workers) sees it."""
    query = ("SELECT ?w WHERE { <https://w3id.org/hwkg/id/chip/test-gpu> "
             "<https://w3id.org/hwkg/truthy/maxPower> ?w }")
    r = httpx.get(server.url + "/sparql", params={"query": query}, timeout=60,
                  headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.text
    return int(float(r.text.splitlines()[1]))


def test_a_store_reload_builds_beside_the_store_and_a_restart_adopts_it(tmp_path: Path) -> None:
    """--store: the reload serves ``store.gen-<version>`` (SPARQL workers included) while
    ``store`` stays as it was; the next start renames that generation into place without
    rebuilding, and a failed reload leaves no folder behind."""
    home, store = make_home(tmp_path / "home"), tmp_path / "store"
    server = start(home, tmp_path / "one.log", "--store", str(store),
                   env={"HWKG_ADMIN_TOKEN": TOKEN})
    try:
        assert sparql_power(server) == 700
        change_power(home, 660)
        r = httpx.post(server.url + "/admin/reload", headers=AUTH, timeout=120)
        assert r.status_code == 200 and r.json()["status"] == "ok", r.text
        version = r.json()["version"]
        assert served_power(server) == 660 and sparql_power(server) == 660
        assert [p.name for p in tmp_path.glob("store.gen-*")] == [f"store.gen-{version}"]
        shutil.copy(CASES / "syntax" / "missing-dot.ttl", home / "graph" / "broken.ttl")
        failed = httpx.post(server.url + "/admin/reload", headers=AUTH, timeout=120)
        assert failed.status_code == 422 and health(server)["version"] == version
        assert sorted(p.name for p in tmp_path.glob("store.*")) == [f"store.gen-{version}"]
        (home / "graph" / "broken.ttl").unlink()
    finally:
        server.stop()
    again = start(home, tmp_path / "two.log", "--store", str(store))
    try:
        assert health(again)["version"] == version
        assert served_power(again) == 660 and sparql_power(again) == 660
        assert list(tmp_path.glob("store.*")) == []  # the generation became the store
        assert "hwkg load:" not in (tmp_path / "two.log").read_text()  # nothing rebuilt
    finally:
        again.stop()


def test_several_processes_reload_by_sighup_to_their_parent(tmp_path: Path) -> None:
    """--workers 2: a worker refuses /admin/reload (409, naming the parent); SIGHUP to the
    parent rebuilds the store beside the served one and replaces both workers; a broken file
    then leaves every worker on the graph it serves."""
    home = make_home(tmp_path / "home")
    server = start(home, tmp_path / "log", "--store", str(tmp_path / "store"), "--workers", "2",
                   env={"HWKG_ADMIN_TOKEN": TOKEN})
    try:
        change_power(home, 610)
        r = httpx.post(server.url + "/admin/reload", headers=AUTH, timeout=60)
        assert r.status_code == 409 and r.json()["status"] == "unsupported", r.text
        assert f"pid {server.proc.pid}" in r.json()["problems"][0]
        assert served_power(server) == 700
        server.proc.send_signal(signal.SIGHUP)
        # The parent says so once every worker has been replaced; fresh connections then
        # reach either worker, and all must answer the new figure.
        wait_for(lambda: any("workers now serve" in line for line in server.log_lines()),
                 timeout=120)
        assert all(served_power(server) == 610 for _ in range(8))
        version = health(server)["version"]
        assert sparql_power(server) == 610
        assert [p.name for p in tmp_path.glob("store.gen-*")] == [f"store.gen-{version}"]
        shutil.copy(CASES / "syntax" / "missing-dot.ttl", home / "graph" / "broken.ttl")
        server.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: any("served graph is unchanged" in line for line in server.log_lines()),
                 timeout=120)
        after = [(served_power(server), health(server)["version"]) for _ in range(8)]
        assert after == [(610, version)] * 8, (after, server.log_lines()[-30:])
        assert any("broken.ttl" in line for line in server.log_lines())
    finally:
        server.stop()
