"""The truthy properties (``hwt:``, ontology/truthy.ttl) agree with the figure properties
they shortcut: every figure property with a canonical unit (what the loader converts to) has
its shortcut, each shortcut names a figure property
and carries that property's canonical unit. (That every shortcut the loader writes is declared
is the verify query ``tests/verify/no-undeclared-truthy-property.rq``.)"""

from __future__ import annotations

import pyoxigraph as ox

from hwkg.core.namespaces import GRAPH_ONTOLOGY, HW, HWT
from hwkg.loading.snapshot import Snapshot

SHORTCUTS = f"""PREFIX hw: <{HW}>
SELECT ?shortcut ?figure ?unit ?figureUnit WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{
  ?shortcut hw:shortcutOf ?figure .
  OPTIONAL {{ ?shortcut hw:canonicalUnit ?unit }}
  OPTIONAL {{ ?figure a hw:FigureProperty ; hw:canonicalUnit ?figureUnit }} }} }}"""
FIGURES = f"""PREFIX hw: <{HW}>
SELECT ?figure WHERE {{ GRAPH <{GRAPH_ONTOLOGY}> {{
  ?figure a hw:FigureProperty ; hw:canonicalUnit ?unit }} }}"""


def _rows(snapshot: Snapshot, query: str) -> list[dict[str, str | None]]:
    result = snapshot.store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names}  # type: ignore[union-attr]
            for row in result]


def test_each_shortcut_names_a_figure_property_and_its_unit(snapshot: Snapshot) -> None:
    shortcuts = _rows(snapshot, SHORTCUTS)
    assert len(shortcuts) >= 30
    for row in shortcuts:
        assert str(row["shortcut"]).startswith(str(HWT)), row
        assert row["figureUnit"] is not None, f"{row['figure']} is not a figure property"
        assert row["unit"] == row["figureUnit"], row
        name = str(row["shortcut"]).removeprefix(str(HWT))
        assert name.removesuffix("Sparse").removesuffix("PerDirection") == str(
            row["figure"]).rsplit("#", 1)[1], row


def test_every_figure_property_has_its_shortcut(snapshot: Snapshot) -> None:
    declared = {row["figure"] for row in _rows(snapshot, SHORTCUTS)
                if str(row["shortcut"]).removeprefix(str(HWT)) ==
                str(row["figure"]).rsplit("#", 1)[1]}
    figures = {row["figure"] for row in _rows(snapshot, FIGURES)}
    assert figures and figures <= declared, sorted(str(f) for f in figures - declared)
