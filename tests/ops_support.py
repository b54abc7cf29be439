"""Helpers for the operations tests: a small home folder of our own and a logged live server.

The graph is ``tests/cases/context.ttl`` + ``tests/cases/valid/chip-complete.ttl`` with the
real ontology/ and shapes/ symlinked, so these tests never depend on the bundled graph/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
CHIP_FILE = "chip-complete.ttl"
CHIP_DOC = "/data/chip/test-gpu.nt"
TOKEN = "test-admin-token-0123456789"


def make_home(folder: Path) -> Path:
    """A home with ontology/ and shapes/ linked and a two-file graph/ copied; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "shapes"):
        (folder / name).symlink_to(ROOT / name)
    graph = folder / "graph"
    graph.mkdir()
    shutil.copy(CASES / "context.ttl", graph / "context.ttl")
    shutil.copy(CASES / "valid" / CHIP_FILE, graph / CHIP_FILE)
    return folder


@dataclass
class Server:
    """A running ``hwkg serve`` and where its (JSON) log goes."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start(home: Path, log: Path, *extra: str, env: dict[str, str] | None = None,
          log_level: str = "info") -> Server:
    """Start ``hwkg serve --home home`` on a free port with its stderr in ``log``."""
    from conftest import free_port

    port = free_port()
    cmd = [sys.executable, "-m", "hwkg", "serve", "--home", str(home), "--port", str(port),
           "--log-level", log_level, *extra]
    sink = log.open("ab")
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=ROOT, stderr=sink,
                            stdout=sink)
    sink.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hwkg serve exited with {proc.returncode}: {log.read_text()}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return Server(proc, url, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("hwkg serve did not answer /health within 90 s")


def wait_for(predicate, timeout: float = 60.0, every: float = 0.2):  # type: ignore[no-untyped-def]
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout} s")


def no_stack_trace(text: str) -> bool:
    """True when ``text`` carries nothing that looks like a Python traceback."""
    return "Traceback (most recent call last)" not in text and 'File "/' not in text
