"""Reading data files for a load, the one loop the serial load (:mod:`hwkg.loading.staging`)
and the load workers (:mod:`hwkg.loading.parts`) share: parse each file in order, note which
file first describes each entity, count the triples and skolemise them (a blank node never
crosses a file, so this is per file)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from hwkg.core.problems import InvalidGraph, Problem
from hwkg.turtle.parsing import triples_of as parse
from hwkg.turtle.skolem import Triple, skolemised


def read(paths: Iterable[Path], files: dict[str, str], problems: list[Problem], *,
         owned: bool = True) -> Iterator[tuple[int, Iterator[Triple]]]:
    """For each file of ``paths`` that parses, in order: note in ``files`` the first file of
    each entity IRI (a named subject) and, with ``owned``, the file of each statement,
    component or other blank node (its skolem IRI: a problem of a statement written in
    another file than its subject's names that file), then yield the file's number of triples
    and its triples with normal literal forms and skolem IRIs. A file that does not parse
    adds its problems to ``problems`` and yields nothing, so every syntax error of a load is
    reported at once. (The load workers of large graphs pass ``owned=False``: a million
    statements' file names are not worth their memory.)"""
    for path in paths:
        try:
            triples = parse(path)
        except InvalidGraph as exc:
            problems += exc.problems
            continue
        where = str(path)
        for s, _p, _o in triples:
            if isinstance(s, ox.NamedNode):
                files.setdefault(s.value, where)

        def note(minted: Iterable[ox.NamedNode], where: str = where) -> None:
            for iri in minted:
                files.setdefault(iri.value, where)
        yield len(triples), skolemised(triples, note if owned else None)
