"""``hwkg load`` stages the shapes and truthy graphs aside, so validation reads a store of the
data and ontology graphs only and queries their union (Oxigraph answers it faster than a list
naming the two graphs); the quads and the problems found are the same as with one store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from conftest import generated_home
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY
from hwkg.loading import staging
from hwkg.validation import check

CASES = Path(__file__).parents[1] / "cases"
#: Invalid shape cases caught by SHACL-SPARQL constraints.
SPARQL_CASES = ("sparse-below-dense", "two-preferred")
#: Invalid shape cases caught by SHACL core constraints (compiled to SPARQL); their focus
#: nodes differ (the cases share one test chip, whose triples merge).
CORE_CASES = ("offer-unknown-kind", "no-rank", "launch-date-as-text", "source-without-url")


def _quads(store: ox.Store) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, None))


def test_validation_of_the_store_without_shapes_and_truthy_finds_the_same_problems(
    tmp_path: Path
) -> None:
    home = generated_home(40, tmp_path / "home")
    shutil.copy(CASES / "context.ttl", home / "graph" / "zz-context.ttl")
    for case in SPARQL_CASES:
        shutil.copy(CASES / "invalid" / f"{case}.ttl", home / "graph" / f"zz-{case}.ttl")
    one = ox.Store()
    loaded_one = staging.write(one, home)
    main, aside = ox.Store(), ox.Store()
    loaded_two = staging.write(main, home, aside=aside)
    assert _quads(one) == _quads(main) | _quads(aside)
    assert {g.value for g in main.named_graphs()} == {GRAPH_DATA, GRAPH_ONTOLOGY}  # type: ignore[union-attr]
    assert check.scope(main) is None
    assert check.scope(one) == [GRAPH_DATA, GRAPH_ONTOLOGY]
    found = [check.check(store, home, loaded.files, loaded.triples, core_max=0).problems
             for store, loaded in ((one, loaded_one), (main, loaded_two))]
    keys = [sorted((p.file, p.focus or "", p.shape or "", p.message) for p in problems
                   if p.severity == "Violation") for problems in found]
    assert keys[0] == keys[1]
    shapes = {shape for _file, _focus, shape, _message in keys[0]}
    assert {"hwsh:QA-sparseAtLeastDense", "hwsh:QA-onePreferred"} <= shapes, shapes


def test_a_graph_above_core_max_still_gets_every_core_constraint(tmp_path: Path) -> None:
    """``hwkg load`` above ``--core-max`` used to skip the core constraints (pyshacl could not
    finish); compiled to SPARQL they run at any size, and nothing is reported skipped."""
    home = generated_home(40, tmp_path / "home")
    shutil.copy(CASES / "context.ttl", home / "graph" / "zz-context.ttl")
    for case in CORE_CASES:
        shutil.copy(CASES / "invalid" / f"{case}.ttl", home / "graph" / f"zz-{case}.ttl")
    main, aside = ox.Store(), ox.Store()
    loaded = staging.write(main, home, aside=aside)
    outcome = check.check(main, home, loaded.files, loaded.triples, core_max=0)
    assert not outcome.core_skipped
    shapes = {p.shape for p in outcome.problems if p.severity == "Violation"}
    assert {"hwsh:Offer-offerKind", "hwsh:Statement-rank", "hwsh:Chip-launchDate",
            "hwsh:Source-url"} <= shapes, shapes
