"""An external SPARQL 1.1 server as the store: loading the graph into it over the protocol.

``hwkg load --sparql-endpoint URL --update-url URL`` sends the same named graphs as
:func:`hwkg.store.build` (ontology, shapes, data, truthy) with SPARQL 1.1 Update
(``DROP SILENT GRAPH`` then ``INSERT DATA`` in chunks) and records the graph's version in
the meta graph last, as :mod:`hwkg.persistence` does on disk. The version is removed first,
so a load that fails half-way leaves a server that says it holds no version, never a stale
one. Works with any SPARQL 1.1 Protocol + Update server (tested with Oxigraph server).

Data and truthy graphs hold no blank nodes (the loader skolemises them), so they can be
split into chunks; the ontology and shapes use blank nodes (lists, ``sh:declare``) and go in
one request each, so every blank node keeps its identity.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
from rdflib import Graph

from .bundle import Bundle
from .namespaces import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_TRUTHY
from .persistence import GRAPH_META

VERSION_IRI = "http://www.w3.org/2002/07/owl#versionInfo"
CHUNK = 20_000  # triples per INSERT DATA request


@dataclass(frozen=True)
class RemoteStore:
    """A SPARQL 1.1 server: its query and update URLs and optional basic-auth credentials."""

    query_url: str
    update_url: str
    user: str | None = None
    password: str | None = None
    timeout_s: float = 300.0

    def _client(self) -> httpx.Client:
        auth = (self.user, self.password or "") if self.user else None
        return httpx.Client(auth=auth, timeout=self.timeout_s)

    def select(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT query, each variable's value as a string."""
        with self._client() as client:
            response = client.post(self.query_url, content=query.encode("utf-8"), headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json"})
        response.raise_for_status()
        bindings = response.json()["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in bindings]

    def update(self, client: httpx.Client, update: str) -> None:
        response = client.post(self.update_url, content=update.encode("utf-8"),
                               headers={"Content-Type": "application/sparql-update"})
        if response.status_code >= 300:
            raise RuntimeError(f"{self.update_url} answered {response.status_code}: "
                               f"{response.text[:300]}")

    def version(self) -> str | None:
        """The graph version recorded on the server, or None."""
        rows = self.select(f"SELECT ?v WHERE {{ GRAPH <{GRAPH_META}> {{ "
                           f"<{GRAPH_DATA}> <{VERSION_IRI}> ?v }} }}")
        return rows[0]["v"] if rows else None


def _chunks(graph: Graph, size: int) -> Iterator[str]:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    lines = [line for line in lines if line.strip()]
    for start in range(0, len(lines), size):
        yield "\n".join(lines[start:start + size])


def load(bundle: Bundle, remote: RemoteStore, chunk: int = CHUNK) -> int:
    """Replace the hwkg graphs on ``remote`` with ``bundle``'s; returns the triples sent."""
    sent = 0
    with remote._client() as client:
        remote.update(client, f"DROP SILENT GRAPH <{GRAPH_META}>")
        for graph, name, size in ((bundle.ontology, GRAPH_ONTOLOGY, len(bundle.ontology) + 1),
                                  (bundle.shapes, GRAPH_SHAPES, len(bundle.shapes) + 1),
                                  (bundle.data, GRAPH_DATA, chunk),
                                  (bundle.truthy, GRAPH_TRUTHY, chunk)):
            remote.update(client, f"DROP SILENT GRAPH <{name}>")
            for text in _chunks(graph, size):
                remote.update(client, f"INSERT DATA {{ GRAPH <{name}> {{\n{text}\n}} }}")
            sent += len(graph)
        version = bundle.version.replace('"', "")
        remote.update(client, f'INSERT DATA {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_DATA}> '
                              f'<{VERSION_IRI}> "{version}" }} }}')
    return sent
