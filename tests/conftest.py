"""Shared fixtures: the bundled graph, a live ``hwkg serve`` on 127.0.0.1, Chromium."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hwkg.core import resources
from hwkg.loading.snapshot import Snapshot, load_snapshot

#: Fixture modules shared by tests in several folders.
pytest_plugins = ["pricing_support"]

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """Every process the tests start shares one validated-store cache in a fresh temporary
    folder (never the user's own ``~/.cache/hwkg``), removed when the session ends."""
    if "HWKG_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="hwkg-test-cache-")
        os.environ["HWKG_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(scope="session")
def snapshot() -> Snapshot:
    """The bundled graph, loaded once per test session (per xdist worker). Not validated
    here: that is what ``tests/cli/test_validate.py::test_bundled_graph_conforms`` and the
    served stores' builds check; the tests that read this snapshot ask other questions."""
    return load_snapshot(check_shapes=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(*extra: str, env: dict[str, str] | None = None
                 ) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``hwkg serve`` on a free loopback port; returns the process and its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "hwkg", "serve", "--port", str(port), "--log-level", "warning",
           *extra]
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hwkg serve exited with {proc.returncode}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError("hwkg serve did not answer /health within 90 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """Base URL of a real ``hwkg serve`` process on the bundled graph."""
    proc, url = start_server()
    try:
        yield url
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path to a headless-capable Chromium; in CI its absence is a failure, not a skip."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; scripts/setup --test installs it")
    pytest.skip("chromium not installed (run scripts/setup --test)")


def chromium_dump_dom(chromium: str, url: str, wait_ms: int = 8000) -> str:
    """Load ``url`` in headless Chromium offline-safe flags; return the DOM after scripts ran."""
    args = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir=/tmp/hwkg-chromium-{os.getpid()}-{time.monotonic_ns()}",
        f"--virtual-time-budget={wait_ms}", "--dump-dom", url,
    ]
    done = subprocess.run(args, capture_output=True, timeout=120, check=False)
    return done.stdout.decode("utf-8", "replace")


@pytest.fixture(scope="session")
def home() -> Path:
    return resources.home()


FIXTURE_GRAPH = ROOT / "tests" / "fixtures" / "graphql-graph" / "graph"


@pytest.fixture(scope="session")
def fixture_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder with the real ontology/ and shapes/ and the tiny fixture graph/."""
    folder = tmp_path_factory.mktemp("fixture-home")
    for name in ("ontology", "shapes"):
        (folder / name).symlink_to(ROOT / name)
    (folder / "graph").symlink_to(FIXTURE_GRAPH)
    return folder


@pytest.fixture(scope="session")
def fixture_server(fixture_home: Path) -> Iterator[str]:
    """Base URL of a real ``hwkg serve`` process on the fixture graph (tests/fixtures/)."""
    proc, url = start_server("--home", str(fixture_home))
    try:
        yield url
    finally:
        stop_server(proc)


def generated_home(chips: int, folder: Path) -> Path:
    """A synthetic graph of ``chips`` chips written by bench/generate.py into ``folder``."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen
    spec.loader.exec_module(gen)
    gen.write_home(gen.generate(chips, seed=3), folder)
    return folder
