"""How many CPUs this process may use, for the work it spreads over processes or threads."""

from __future__ import annotations

import os


def usable(limit: int = 8) -> int:
    """The CPUs this process may run on (its affinity, where the OS says), at most ``limit``."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(limit, cpus))
