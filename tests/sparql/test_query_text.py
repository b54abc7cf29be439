"""What the endpoint reads in a query's text before the engine does: its own dataset
(``FROM`` / ``FROM NAMED``) and whether it is a DESCRIBE. Each case is checked against
Oxigraph, which reads the same text: the dataset found here must select what Oxigraph's own
reading of the clause selects."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from hwkg.sparql.execution import dataset_clause, declares_dataset, is_describe

G = "http://example.org/g/"
CASES: list[tuple[str, tuple[tuple[str, ...], tuple[str, ...]] | None]] = [
    (f"SELECT * FROM <{G}a> WHERE {{ ?s ?p ?o }}", ((G + "a",), ())),
    (f"select * from named <{G}a> from <{G}b> where {{ ?s ?p ?o }}", ((G + "b",), (G + "a",))),
    (f"PREFIX g: <{G}> SELECT * FROM g:a FROM NAMED g:b {{ ?s ?p ?o }}",
     ((G + "a",), (G + "b",))),
    (f"BASE <{G}> PREFIX : <sub/> SELECT * FROM <a> FROM :c {{ ?s ?p ?o }}",
     ((G + "a", G + "sub/c"), ())),
    (f"# FROM <{G}x>\nSELECT * FROM # a comment\n <{G}a> {{ ?s ?p ?o }}", ((G + "a",), ())),
    (f'SELECT ?from WHERE {{ ?from <{G}p> "FROM <{G}x>" }}', None),
    (f"PREFIX from: <{G}> SELECT * WHERE {{ from:a from:b ?from }}", None),
    (f"SELECT * FROM <{G}a> FROM <{G}a> {{ ?s ?p ?o }}", ((G + "a",), ())),
]


def _store() -> ox.Store:
    store = ox.Store()
    for name in ("a", "b", "sub/c", "x"):
        graph = ox.NamedNode(G + name)
        store.add(ox.Quad(ox.NamedNode(G + "s-" + name), ox.NamedNode(G + "p"),
                          ox.Literal(name), graph))
    return store


def _answer(store: ox.Store, query: str, **options: object) -> list[str]:
    return sorted(str(row) for row in store.query(query, **options))  # type: ignore[arg-type,union-attr]


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_the_dataset_a_query_names(query: str, expected: tuple[tuple[str, ...], tuple[str, ...]]
                                   | None) -> None:
    clause = dataset_clause(query)
    assert declares_dataset(query) is (expected is not None)
    if expected is None:
        assert clause is None
        return
    assert clause is not None and (clause.default, clause.named) == expected
    rest = clause.removed_from(query)
    assert not declares_dataset(rest) and len(rest) == len(query)
    assert _answer(_store(), rest, use_default_graph_as_union=True)  # still a query
    # Oxigraph's own reading of the clause (no dataset passed) selects the same graphs, in
    # the default graph and as named graphs (as sets: Oxigraph repeats the solutions of a
    # graph named twice, where the RDF merge of a graph with itself is that graph)
    query = query.replace("{ ?s ?p ?o }", "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    store = _store()
    named = [ox.NamedNode(g) for g in clause.named]
    default = [ox.NamedNode(g) for g in clause.default]
    mine = _answer(store, query, default_graph=default, named_graphs=named)
    assert mine and set(_answer(store, query)) == set(mine)


def test_an_unresolvable_prefix_leaves_the_clause_to_the_engine() -> None:
    assert declares_dataset("SELECT * FROM nope:a { ?s ?p ?o }")
    assert dataset_clause("SELECT * FROM nope:a { ?s ?p ?o }") is None
    assert dataset_clause("SELECT * FROM p:a { ?s ?p ?o }", {"p": G}) is not None


@pytest.mark.parametrize(("query", "describe"), [
    ("DESCRIBE <http://example.org/a>", True),
    ("PREFIX ex: <http://example.org/> base <http://e/>\n describe ex:a", True),
    ("# DESCRIBE\nSELECT * { ?s ?p ?o }", False),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", False),
    ('SELECT * { ?s ?p "DESCRIBE" }', False),
])
def test_describe_is_recognised(query: str, describe: bool) -> None:
    assert is_describe(query) is describe
