"""What a graph version needs made before it is served, so no request pays for it.

A server calls :func:`prepare` on the snapshot it starts with (before ``/health`` answers
200) and on each reloaded one (before the swap): the GraphQL catalog
(:func:`hwkg.readmodel.cached.warm`) and the home page's coverage report
(:func:`hwkg.derived.coverage.cached_report`; 1.3–3.3 s at 4.26M triples, which the first
visitor after every reload used to wait for). Both are kept per graph version, so the first
request of each reads what is already made.
"""

from __future__ import annotations

from hwkg.derived import coverage
from hwkg.loading.snapshot import Snapshot
from hwkg.readmodel import cached


def prepare(snapshot: Snapshot) -> bool:
    """Make ``snapshot``'s catalog and coverage report now; False when the snapshot has no
    Oxigraph store (a remote SPARQL server: nothing is kept in this process)."""
    if not cached.warm(snapshot):
        return False
    coverage.cached_report(cached.for_snapshot(snapshot))
    return True
