"""Ctrl-C that code in between cannot swallow.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the main thread happens to be. Code
with a bare ``except:`` there (MLCommons' compliance checker has several) swallows it, and a
long import then runs on to the end as if the user had not asked it to stop. Inside
:func:`latched`, a SIGINT raises as usual and is also remembered; :func:`checkpoint`, called
between the steps of a long run, raises it again if it was swallowed.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_seen = threading.Event()


@contextmanager
def latched() -> Iterator[None]:
    """Remember any SIGINT while the block runs (main thread only; elsewhere a no-op)."""

    def remember(signum: int, frame: FrameType | None) -> None:
        _seen.set()
        signal.default_int_handler(signum, frame)

    _seen.clear()
    try:
        previous = signal.signal(signal.SIGINT, remember)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _seen.clear()


def checkpoint() -> None:
    """Raise ``KeyboardInterrupt`` if a SIGINT came inside :func:`latched` and was swallowed."""
    if _seen.is_set():
        raise KeyboardInterrupt
