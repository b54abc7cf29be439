"""Pausing Python's cyclic garbage collector while millions of long-lived objects are made.

Loading a graph or its GraphQL catalog creates millions of tuples, lists and dicts that all
stay alive; each full collection rescans every one of them, so with the collector on, the
time grows faster than the graph (more than half of ``hwkg load``'s Python time at 431k
triples). Nothing made there is cyclic garbage, so the collector is paused and then restored
as it was; reference counting still frees everything dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run the ``with`` body with the collector off; restore its previous state after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle(collect: bool = False) -> None:
    """Exempt every object alive now from later collections (:func:`gc.freeze`).

    Call it once a graph and its catalog are loaded: none of their millions of objects will
    become cyclic garbage while they are served, and without it the collector's first full
    passes rescan all of them during the first requests (~0.25 s at 4.26M triples). With
    ``collect`` (after a reload dropped the previous graph) the frozen objects are first
    returned to the collector and collected, so the old graph's cycles are freed.
    """
    if collect:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
