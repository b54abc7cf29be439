"""This process's memory: what it holds now and at most, and handing freed memory back.

Used by ``hwkg load`` to say what each step costs and to return the in-memory store's
freed heap to the system before the next step (glibc keeps freed small blocks for reuse;
the catalog's Python objects live in other arenas and would not reuse them).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import resource
from pathlib import Path

_STATUS = Path("/proc/self/status")


def _status_mb(field: str) -> float | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def usage() -> str:
    """``RSS n MB, peak m MB`` (peak alone where /proc is missing)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    now = _status_mb("VmRSS")
    return f"RSS {now:.0f} MB, peak {peak:.0f} MB" if now is not None else f"peak {peak:.0f} MB"


def release() -> bool:
    """Ask the C allocator to return freed heap memory to the system (glibc's
    ``malloc_trim``); False where there is no such call."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return False
    return bool(trim and trim(0) is not None)
