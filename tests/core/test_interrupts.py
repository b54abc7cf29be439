"""A Ctrl-C swallowed by code in between still stops a latched run at its next checkpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hwkg.core import interrupts

ROOT = Path(__file__).resolve().parents[2]


def _swallowing_step() -> None:
    """What MLCommons' compliance checker does with a bare ``except:``."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs at the next bytecode boundary
            pass
    except:  # noqa: E722 - the point of the test
        pass


def test_swallowed_interrupt_is_raised_again_at_the_checkpoint() -> None:
    with interrupts.latched():
        _swallowing_step()
        with pytest.raises(KeyboardInterrupt):
            interrupts.checkpoint()


def test_checkpoint_is_quiet_without_an_interrupt_and_after_the_block() -> None:
    with interrupts.latched():
        interrupts.checkpoint()
        _swallowing_step()
    interrupts.checkpoint()  # the block is over: nothing is pending any more
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def run_entry(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` (which replaces ``hwkg.cli.main.main`` and calls ``entry``) in a child."""
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


def test_command_exits_130_when_interrupted_as_it_returns(tmp_path: Path) -> None:
    """``python -m hwkg`` goes through :func:`hwkg.cli.main.entry`: a Ctrl-C that lands as
    ``main`` returns is a 130 exit with a line, not a death by signal (-2)."""
    script = ("import os, signal, hwkg.cli.main as m\n"
              "kill = lambda: os.kill(os.getpid(), signal.SIGINT)\n"
              "m.main = lambda: (kill(), [0 for _ in range(999)], 0)[2]\n"
              "m.entry()\n")
    done = run_entry(script)
    assert done.returncode == 130, done.stderr
    assert "hwkg: interrupted" in done.stderr


def test_an_interrupted_command_still_runs_the_exit_handlers(tmp_path: Path) -> None:
    """A command interrupted before its own cleanup (``hwkg serve`` while it starts) has exit
    handlers that stop worker processes and remove temporary folders: they still run."""
    marker = tmp_path / "ran"
    script = ("import atexit, pathlib, hwkg.cli.main as m\n"
              f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
              "def interrupted():\n    raise KeyboardInterrupt\n"
              "m.main = interrupted\n"
              "m.entry()\n")
    done = run_entry(script)
    assert done.returncode == 130, done.stderr
    assert marker.read_text() == "yes"


def test_a_closed_stdout_ends_the_command_without_a_traceback() -> None:
    """``hwkg import measured … | head -2``: the reader goes away while the report is being
    written; 141 (as a shell reports SIGPIPE), no traceback, no error at exit."""
    script = ("import os, sys, hwkg.cli.main as m\n"
              "def main():\n"
              "    read, write = os.pipe()\n"
              "    os.dup2(write, sys.stdout.fileno())\n"
              "    os.close(read)\n"
              "    for _ in range(10_000):\n"
              "        print('x' * 100)\n"
              "    return 0\n"
              "m.main = main\n"
              "m.entry()\n")
    done = run_entry(script)
    assert done.returncode == 141, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
