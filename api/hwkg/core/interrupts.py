"""Ctrl-C that code in between cannot swallow.

Python turns SIGINT into ``KeyboardInterrupt`` wherever the main thread happens to be. Code
with a bare ``except:`` there (MLCommons' compliance checker has several) swallows it, and a
long import then runs on to the end as if the user had not asked it to stop. Inside
:func:`latched`, a SIGINT raises as usual and is also remembered; :func:`checkpoint`, called
between the steps of a long run, raises it again if it was swallowed. :func:`deferred`
holds a SIGINT until a block that must not stop half-way has finished.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

_seen = threading.Event()


@contextmanager
def _handling(handler: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    """Run the block with ``handler`` for SIGINT, then put the previous one back. Only the
    main thread can handle signals: elsewhere the block runs as it is."""
    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def latched() -> Iterator[None]:
    """Remember any SIGINT while the block runs (main thread only; elsewhere a no-op)."""

    def remember(signum: int, frame: FrameType | None) -> None:
        _seen.set()
        signal.default_int_handler(signum, frame)

    _seen.clear()
    try:
        with _handling(remember):
            yield
    finally:
        _seen.clear()


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT until the block ends, then raise ``KeyboardInterrupt`` if one came: for
    work that must not stop half-way (writing files into place)."""
    caught: list[int] = []
    with _handling(lambda signum, _frame: caught.append(signum)):
        yield
    if caught:
        raise KeyboardInterrupt


def checkpoint() -> None:
    """Raise ``KeyboardInterrupt`` if a SIGINT came inside :func:`latched` and was swallowed."""
    if _seen.is_set():
        raise KeyboardInterrupt
