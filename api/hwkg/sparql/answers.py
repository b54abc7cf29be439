"""Answers the SPARQL endpoint keeps, per graph version, for the same query asked again.

A graph version never changes (a reload makes a new one), so an answer computed once for a
query, its dataset and its negotiated format is the answer for as long as that version is
served: the endpoint hands it back without a worker. The key holds the version, so a reload
cannot serve a stale answer; old versions age out. Only complete answers (status 200) of at
most ``entry_budget`` bytes are kept, within ``budget`` bytes and ``size`` entries in all; a
query stopped by the time or memory limit is never kept, so asking it again runs it again
under the limit.
"""

from __future__ import annotations

from hwkg.core.lru import BoundedLRU
from hwkg.sparql.execution import Answer, Job

Key = tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], int, str]


def key(version: str, job: Job) -> Key:
    """What decides the answer: the graph version, the query text, the negotiated formats,
    the protocol dataset, the row cap and the base IRI."""
    return (version, job.query, job.results_type, job.graph_type, tuple(job.default_graphs),
            tuple(job.named_graphs), job.cap, job.base_iri or "")


class AnswerCache(BoundedLRU[Key, Answer]):
    """``key(version, job)`` → the worker's :class:`Answer`."""

    def __init__(self, size: int = 4096, budget: int = 32 << 20,
                 entry_budget: int = 1 << 20) -> None:
        super().__init__(size, budget, lambda k, a: len(a.body) + len(k[1]))
        self.entry_budget = entry_budget

    def keep(self, cache_key: Key, answer: Answer) -> None:
        """Keep a complete answer small enough to be worth its room."""
        if answer.status == 200 and len(answer.body) <= self.entry_budget:
            self.put(cache_key, answer)
