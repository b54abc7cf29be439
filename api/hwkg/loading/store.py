"""The query engine: an Oxigraph store holding the bundle in named graphs.

Graphs: ontology, shapes, data and truthy (IRIs in :mod:`hwkg.core.namespaces`). Queries see
their union as the default graph unless a request names graphs.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from hwkg.core.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_TRUTHY
from hwkg.loading.bundle import Bundle


def _load_graph(store: ox.Store, graph: Graph, name: str) -> None:
    payload = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(payload, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))


def build(bundle: Bundle, path: Path | None = None) -> ox.Store:
    """A new store (in memory, or on disk at ``path``) holding every part of ``bundle``."""
    store = ox.Store(str(path)) if path is not None else ox.Store()
    for graph, name in (
        (bundle.ontology, GRAPH_ONTOLOGY),
        (bundle.shapes, GRAPH_SHAPES),
        (bundle.data, GRAPH_DATA),
        (bundle.truthy, GRAPH_TRUTHY),
    ):
        _load_graph(store, graph, name)
    return store
