"""``hwkg query`` answers from the cached store without importing the server, the validator
(pyshacl) or the importers: the command line imports only the subcommand being run, and the
cache opens a store without validating it. A fresh interpreter per case, so that modules
other tests imported do not hide an import."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pyshacl", "uvicorn", "hwkg.app", "hwkg.importers", "strawberry", "mlperf_logging")
CASES = {
    "query": "hwkg.cli.main.parser('query'); import hwkg.serving.cache, hwkg.sparql.execution",
    "export": "hwkg.cli.main.parser('export')",
    "coverage": "hwkg.cli.main.parser('coverage')",
}


@pytest.mark.parametrize("command", sorted(CASES))
def test_subcommand_imports_only_what_it_runs(command: str) -> None:
    code = (f"import sys, hwkg.cli.main\n{CASES[command]}\n"
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "", f"hwkg {command} imports {done.stdout.strip()}"


def test_help_lists_every_subcommand() -> None:
    from hwkg.cli.main import COMMANDS, parser

    text = parser().format_help()
    assert all(name in text for name in COMMANDS)
