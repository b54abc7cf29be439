""":class:`hwkg.serving.remote_backend.RemoteBackend`: the subset of the ``pyoxigraph.Store`` API
the
app uses, over a real Oxigraph server, gives what the embedded store gives for the same graph."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

import remote_support
from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_TRUTHY, PREFIXES
from hwkg.loading.snapshot import Snapshot
from hwkg.serving import remote_backend, remote_store
from hwkg.serving.remote_backend import RemoteBackend, RemoteError
from hwkg.sparql import client

HW = PREFIXES["hw"]
CHIP = ox.NamedNode("https://w3id.org/hwkg/id/chip/nvidia-h100-sxm5-80gb")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def backend(snapshot: Snapshot) -> Iterator[RemoteBackend]:
    """The bundled graph loaded into an in-memory Oxigraph server, read back remotely."""
    with remote_support.oxigraph() as server:
        remote = remote_store.RemoteStore(server.query_url, server.update_url)
        remote_store.load(snapshot, remote)
        opened = remote_backend.open_snapshot(remote)
        assert opened.version == snapshot.version
        backend = remote_backend.of(opened)
        assert backend is not None
        yield backend
        backend.close()


def test_size_and_graphs(backend: RemoteBackend, snapshot: Snapshot) -> None:
    assert len(backend) == len(snapshot.store)
    assert sorted(map(str, backend.named_graphs())) == sorted(
        map(str, snapshot.store.named_graphs()))


@pytest.mark.parametrize("pattern", [
    (CHIP, None, None, None),
    (None, RDF_TYPE, ox.NamedNode(HW + "Vendor"), None),
    (None, None, CHIP, None),
    (None, None, ox.Literal("NVIDIA", language="en"), None),
    (CHIP, None, None, ox.NamedNode(GRAPH_TRUTHY)),
    (None, None, None, ox.NamedNode(GRAPH_ONTOLOGY)),
], ids=["subject", "type", "object-iri", "object-literal", "in-graph", "whole-graph"])
def test_quads_for_pattern(backend: RemoteBackend, snapshot: Snapshot,
                           pattern: tuple[ox.NamedNode | ox.Literal | None, ...]) -> None:
    def named(quads: object) -> set[str]:  # blank node labels are each engine's own
        return {str(q) for q in quads if not isinstance(q.subject, ox.BlankNode)  # type: ignore
                and not isinstance(q.object, ox.BlankNode)}  # type: ignore[attr-defined]

    mine, theirs = backend.quads_for_pattern(*pattern), snapshot.store.quads_for_pattern(*pattern)
    expected = list(theirs)
    assert len(mine) == len(expected)
    assert named(mine) == named(expected)
    assert backend.quads_for_pattern(ox.BlankNode(), None, None) == []
    assert backend.quads_for_pattern(CHIP, None, None, ox.DefaultGraph()) == []


def test_query_forms_and_datasets(backend: RemoteBackend, snapshot: Snapshot) -> None:
    def both(query: str, **options: object) -> tuple[object, object]:
        return (backend.query(query, **options),  # type: ignore[arg-type]
                snapshot.store.query(query, **options))  # type: ignore[arg-type]

    select = "SELECT ?c ?l WHERE { ?c a hw:GPU ; rdfs:label ?l } ORDER BY ?c ?l"
    mine, theirs = both(select, use_default_graph_as_union=True, prefixes=PREFIXES)
    assert isinstance(mine, ox.QuerySolutions)
    assert [tuple(r) for r in mine] == [tuple(r) for r in theirs]  # type: ignore[attr-defined]
    ask, expected = both("ASK { ?s hw:rank hw:DeprecatedRank }", use_default_graph_as_union=True,
                         prefixes=PREFIXES)
    assert isinstance(ask, ox.QueryBoolean) and bool(ask) == bool(expected)
    construct = f"PREFIX hw: <{HW}> CONSTRUCT {{ ?v a hw:Vendor }} WHERE {{ ?v a hw:Vendor }}"
    graph, expected = both(construct, use_default_graph_as_union=True, prefixes=PREFIXES)
    assert isinstance(graph, ox.QueryTriples)
    assert {str(t) for t in graph} == {str(t) for t in expected}  # type: ignore[attr-defined]
    empty, expected = both("SELECT * WHERE { ?s ?p ?o } LIMIT 1")  # the default graph is empty
    assert list(empty) == list(expected) == []  # type: ignore[call-overload]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    mine, theirs = both(count, default_graph=[ox.NamedNode(GRAPH_ONTOLOGY)])
    assert next(iter(mine))[0] == next(iter(theirs))[0]  # type: ignore[call-overload]


def test_dump(backend: RemoteBackend, snapshot: Snapshot) -> None:
    data = ox.NamedNode(GRAPH_DATA)
    mine = backend.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=data)
    theirs = snapshot.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=data)
    assert mine is not None and theirs is not None
    assert set(mine.splitlines()) == set(theirs.splitlines())
    output = io.BytesIO()
    backend.dump(output, ox.RdfFormat.N_QUADS)
    assert output.getvalue().count(b"\n") == len(snapshot.store)


def test_errors(backend: RemoteBackend) -> None:
    with pytest.raises(RemoteError) as refused:
        backend.query("SELECT WHERE {")
    assert refused.value.status == 400
    with pytest.raises(TypeError):
        backend.query("SELECT * WHERE { ?s ?p ?o }", substitutions={ox.Variable("s"): CHIP})
    gone = RemoteBackend(remote_store.RemoteStore("http://127.0.0.1:9/query"), timeout_s=5)
    with pytest.raises(RemoteError) as unreachable:
        len(gone)
    assert unreachable.value.status is None


def test_prologue_and_virtuoso_ask() -> None:
    query = "PREFIX hw: <urn:mine#> SELECT * WHERE { ?s a hw:X }"
    text = client.with_prologue(query, {"hw": "urn:other#", "rdfs": "urn:r#"}, "urn:b")
    assert text.endswith(query) and "urn:other#" not in text
    assert text.startswith("BASE <urn:b> PREFIX rdfs: <urn:r#> ")
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    for value, expected in (("1", True), ("0", False)):
        body = ('{"head":{"vars":["__ASK_RETVAL"]},"results":{"bindings":[{"__ASK_RETVAL":'
                f'{{"type":"typed-literal","datatype":"{integer}","value":"{value}"}}}}]}}}}')
        result = client.decode("application/sparql-results+json", body.encode())
        assert isinstance(result, ox.QueryBoolean) and bool(result) is expected


def test_a_union_default_server_gets_no_dataset(snapshot: Snapshot) -> None:
    """``--union-default-graph``: union queries go without a dataset and answer the same on
    a server whose default graph is the union (it holds only the hwkg graphs and meta)."""
    with remote_support.oxigraph(union=True) as server:
        remote = remote_store.RemoteStore(server.query_url, server.update_url,
                                          union_default=True)
        remote_store.load(snapshot, remote)
        backend = RemoteBackend(remote)
        query = "SELECT ?c (COUNT(*) AS ?n) WHERE { ?c a hw:GPU ; ?p ?o } GROUP BY ?c ORDER BY ?c"
        mine, theirs = (store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
                        for store in (backend, snapshot.store))
        assert [tuple(r) for r in mine] == [tuple(r) for r in theirs]  # type: ignore[union-attr]
        assert remote_backend.union_dataset(remote).params() == []
        assert len(backend) == len(snapshot.store)
        backend.close()
