"""``hwkg.core.gc_pause``: the collector is paused and restored; settled objects are not rescanned,
and a reload's ``settle(collect=True)`` still frees cycles of a graph that was dropped."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from hwkg.core import gc_pause


class Node:
    """An object that can be part of a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gc_pause.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_settled_objects_are_left_alone_until_a_collecting_settle() -> None:
    ref = cycle()
    gc_pause.settle()
    assert gc.get_freeze_count() > 0
    gc.collect()
    assert ref() is not None  # frozen: the collector does not look at it
    gc_pause.settle(collect=True)
    assert ref() is None  # a reload's settle frees what the old graph left in cycles


def test_unsettled_cycles_are_collected_as_usual() -> None:
    ref = cycle()
    gc.collect()
    assert ref() is None
