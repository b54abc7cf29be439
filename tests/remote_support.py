"""External SPARQL servers for the tests: the Oxigraph server (PyPI ``oxigraph``) and, when
installed, Virtuoso (Debian ``virtuoso-opensource-7-bin``), each started on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from conftest import ROOT, free_port

VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/db.db
ErrorLogFile = {dir}/db.log
TransactionFile = {dir}/db.trx
xa_persistent_file = {dir}/db.pxa
[TempDatabase]
DatabaseFile = {dir}/temp.db
TransactionFile = {dir}/temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = {dir}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 10
"""


@dataclass(frozen=True)
class Server:
    """A running SPARQL server: its query URL, update URL and credentials."""

    query_url: str
    update_url: str
    user: str | None = None
    password: str | None = None
    name: str = "oxigraph"

    def load_args(self) -> list[str]:
        """``--sparql-endpoint … --update-url …`` (and ``--user``) for hwkg load/serve."""
        args = ["--sparql-endpoint", self.query_url, "--update-url", self.update_url]
        return args + (["--user", self.user] if self.user else [])

    def env(self) -> dict[str, str]:
        """The environment that carries the password (never the command line)."""
        return {"HWKG_SPARQL_PASSWORD": self.password} if self.password else {}


def missing(what: str, how: str) -> None:
    """Skip for lack of ``what``; in CI its absence is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed ({how})")
    pytest.skip(f"{what} not installed ({how})")


def _wait(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the SPARQL server exited with {proc.returncode}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the SPARQL server at {url} did not start within {seconds:g} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary of the venv (skips, or fails in CI, without it)."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        missing("the oxigraph server", "pip install oxigraph")
    return binary


@contextmanager
def oxigraph(location: Path | None = None, *, union: bool = False,
             timeout_s: float | None = None) -> Iterator[Server]:
    """``oxigraph serve`` on a free loopback port (in memory, or stored at ``location``);
    ``union`` makes its default graph the union of its graphs."""
    port = free_port()
    cmd = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--location", str(location)] if location is not None else []
    cmd += ["--union-default-graph"] if union else []
    cmd += ["--timeout-s", f"{timeout_s:g}"] if timeout_s else []
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + "/query", proc)
        yield Server(url + "/query", url + "/update")
    finally:
        _stop(proc)


def virtuoso_binary() -> str | None:
    """Debian's ``virtuoso-t``, when installed."""
    return shutil.which("virtuoso-t")


@contextmanager
def virtuoso(folder: Path) -> Iterator[Server]:
    """A fresh Virtuoso in ``folder`` on free loopback ports. Queries go to ``/sparql``
    (anonymous), updates to ``/sparql-auth`` as ``dba`` (HTTP Digest)."""
    binary = virtuoso_binary()
    assert binary is not None
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=free_port(), http_port=http_port))
    proc = subprocess.Popen([binary, "-f", "-c", str(ini)], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http_port}"
    try:
        _wait(url + "/sparql", proc)
        yield Server(url + "/sparql", url + "/sparql-auth", "dba", "dba", "virtuoso")
    finally:
        _stop(proc)


def hwkg_load(server: Server, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``hwkg load --sparql-endpoint`` into ``server`` (the bundled graph, or ``home``'s)."""
    env = {**os.environ, **server.env()}
    if home is not None:
        env["HWKG_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "hwkg", "load", *server.load_args()],
                          env=env, capture_output=True, text=True, timeout=600, check=False)


def bench_module(name: str) -> ModuleType:
    """``bench/<name>.py`` imported as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
