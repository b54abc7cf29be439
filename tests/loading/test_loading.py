"""The one load path (hwkg.loading.staging): stable skolem IRIs, one skolem rule for both entry
points, and truthy shortcuts that never come from a deprecated statement."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from hwkg.core import resources
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_TRUTHY, HW
from hwkg.core.problems import InvalidGraph
from hwkg.loading.snapshot import load_snapshot
from hwkg.turtle.skolem import is_skolem, skolemize

ROOT = Path(__file__).resolve().parents[2]


def _quads(store: ox.Store, graph: str) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def test_loading_twice_gives_the_same_quads_and_version(fixture_home: Path) -> None:
    first, second = load_snapshot(fixture_home), load_snapshot(fixture_home)
    assert first.version == second.version
    for name in (GRAPH_DATA, GRAPH_TRUTHY, GRAPH_ONTOLOGY, GRAPH_SHAPES):
        assert _quads(first.store, name), f"nothing loaded into {name}"
    for graph in (GRAPH_DATA, GRAPH_TRUTHY):
        quads = _quads(first.store, graph)
        assert quads and quads == _quads(second.store, graph)
    assert not any(isinstance(q.object, ox.BlankNode) or isinstance(q.subject, ox.BlankNode)
                   for q in _quads(first.store, GRAPH_DATA)), "a blank node was not skolemised"


def test_an_edit_renames_only_the_statement_it_touches(fixture_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(fixture_home, home)
    before = {q.subject for q in _quads(load_snapshot(home).store, GRAPH_DATA)
              if is_skolem(q.subject)}
    fixture = home / "graph" / "fixture.ttl"
    text = fixture.read_text(encoding="utf-8")
    assert "hw:amount 72000" in text
    fixture.write_text(text.replace("hw:amount 72000", "hw:amount 72001"), encoding="utf-8")
    after = {q.subject for q in _quads(load_snapshot(home).store, GRAPH_DATA)
             if is_skolem(q.subject)}
    assert before == after, "an offer's amount is not a statement: no skolem IRI may change"
    text = fixture.read_text(encoding="utf-8")
    changed = text.replace("hw:value 80 ;", "hw:value 81 ;", 1)
    assert changed != text
    fixture.write_text(changed, encoding="utf-8")
    edited = {q.subject for q in _quads(load_snapshot(home).store, GRAPH_DATA)
              if is_skolem(q.subject)}
    assert len(before - edited) == 1 and len(edited - before) == 1


def test_both_entry_points_give_the_same_skolem_iris(fixture_home: Path) -> None:
    """The loader (file by file, Oxigraph) and :func:`skolemize` (an rdflib graph) share one
    rule: the same file gives the same IRIs."""
    path = fixture_home / "graph" / "fixture.ttl"
    loaded = load_snapshot(fixture_home, check_shapes=False)
    from_loader = {q.subject.value for q in _quads(loaded.store, GRAPH_DATA)
                   if is_skolem(q.subject)}
    from_rdflib = {str(s) for s in skolemize(Graph().parse(path)).subjects()
                   if isinstance(s, URIRef) and is_skolem(s)}
    assert from_loader and from_loader == from_rdflib


def test_truthy_never_comes_from_a_deprecated_statement() -> None:
    """Across the bundled graph: no truthy value equals a figure whose only statements with
    that value are deprecated, for every subject and property that has a deprecated one."""
    store = load_snapshot(resources.home(), check_shapes=False).store
    query = f"""
        PREFIX hw: <{HW}>
        SELECT ?s ?p ?truthy WHERE {{
          GRAPH <{GRAPH_DATA}> {{ ?s ?p ?dep . ?dep hw:rank hw:DeprecatedRank ; hw:value ?dv . }}
          BIND (IRI(CONCAT("https://w3id.org/hwkg/truthy/", STRAFTER(STR(?p), "#"))) AS ?tp)
          GRAPH <{GRAPH_TRUTHY}> {{ ?s ?tp ?truthy }}
          FILTER NOT EXISTS {{ GRAPH <{GRAPH_DATA}> {{
            ?s ?p ?ok . ?ok hw:value ?ov .
            FILTER NOT EXISTS {{ ?ok hw:rank hw:DeprecatedRank }} }} }}
        }}"""
    deprecated_only = list(store.query(query))  # type: ignore[arg-type]
    assert deprecated_only == [], [tuple(str(v) for v in row) for row in deprecated_only]
    count = f"""PREFIX hw: <{HW}> SELECT (COUNT(*) AS ?n) WHERE {{
        GRAPH <{GRAPH_DATA}> {{ ?st hw:rank hw:DeprecatedRank }} }}"""
    assert int(next(iter(store.query(count)))["n"].value) > 0  # type: ignore[index]


def test_a_home_without_shapes_is_refused(tmp_path: Path) -> None:
    """A folder missing ontology/ or shapes/ would load unvalidated: it is an error instead."""
    (tmp_path / "graph").mkdir()
    (tmp_path / "ontology").mkdir()
    try:
        load_snapshot(tmp_path)
    except InvalidGraph as exc:
        assert "shapes" in str(exc.problems[0])
    else:
        raise AssertionError("a home without shapes/ loaded")
