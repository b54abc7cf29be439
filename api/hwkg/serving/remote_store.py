"""An external SPARQL 1.1 server as the store: loading the graph into it over the protocol.

``hwkg load --sparql-endpoint URL --update-url URL`` sends the same named graphs as
:func:`hwkg.loading.store.build` (ontology, shapes, data, truthy) with SPARQL 1.1 Update
(``DROP SILENT GRAPH`` then ``INSERT DATA`` in chunks) and records the graph's version in
the meta graph last, as :mod:`hwkg.serving.stores` writes its record last on disk. The
version is removed first, so a load that fails half-way leaves a server that says it holds
no version, never a stale one. Works with any SPARQL 1.1 Protocol + Update server (tested
with Oxigraph server).

Graphs go in chunks of about :data:`CHUNK` triples. The data and truthy graphs hold no blank
nodes (the loader skolemises them); the ontology and shapes do (lists, ``sh:declare``): the
triples that share a blank node always go in the same request, as ``INSERT {…} WHERE {}``,
so every blank node keeps its identity.

Credentials: ``user`` and ``password`` are sent as HTTP Basic, or as Digest when the server
asks for it (Virtuoso's ``/sparql-auth``). :mod:`hwkg.serving.remote_backend` reads the graph back.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

from hwkg.core.namespaces import (
    GRAPH_DATA,
    GRAPH_META,
    GRAPH_ONTOLOGY,
    GRAPH_SHAPES,
    GRAPH_TRUTHY,
)
from hwkg.core.settings import Settings
from hwkg.loading.snapshot import Snapshot, load_snapshot
from hwkg.serving.stores import Inputs

VERSION_IRI = "http://www.w3.org/2002/07/owl#versionInfo"
CHUNK = 2_500  # triples per request (Virtuoso 7's parser gives up near 5,000 lines)


class Credentials(httpx.Auth):
    """HTTP Basic, switching to Digest when the server refuses Basic without asking for it
    again (Virtuoso answers a Basic attempt with a bare 401, then challenges for Digest)."""

    requires_request_body = True
    requires_response_body = True

    def __init__(self, user: str, password: str) -> None:
        self.basic = httpx.BasicAuth(user, password)
        self.digest = httpx.DigestAuth(user, password)
        self.use_digest = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.use_digest:
            yield from self.digest.auth_flow(request)
            return
        response = yield next(self.basic.auth_flow(request))
        challenge = response.headers.get("www-authenticate", "")
        if response.status_code == 401 and not challenge.lower().startswith("basic"):
            self.use_digest = True
            request.headers.pop("Authorization", None)
            yield from self.digest.auth_flow(request)


@dataclass(frozen=True)
class RemoteStore:
    """A SPARQL 1.1 server: its query and update URLs and optional credentials."""

    query_url: str
    update_url: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout_s: float = 300.0
    #: The server's default graph is already the union of its graphs (serving only).
    union_default: bool = False

    def auth(self) -> httpx.Auth | None:
        """The credentials to send, or None without a user."""
        return Credentials(self.user, self.password or "") if self.user else None

    def _client(self) -> httpx.Client:
        return httpx.Client(auth=self.auth(), timeout=self.timeout_s)

    def select(self, query: str) -> list[dict[str, str]]:
        """Rows of a SELECT query, each variable's value as a string."""
        with self._client() as client:
            response = client.post(self.query_url, data={"query": query}, headers={
                "Accept": "application/sparql-results+json"})
        response.raise_for_status()
        bindings = response.json()["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in bindings]

    def update(self, client: httpx.Client, update: str) -> None:
        if not self.update_url:
            raise RuntimeError(f"no SPARQL Update URL given for {self.query_url}")
        response = client.post(self.update_url, content=update.encode("utf-8"),
                               headers={"Content-Type": "application/sparql-update"})
        if response.status_code >= 300:
            raise RuntimeError(f"{self.update_url} answered {response.status_code}: "
                               f"{response.text[:300]}")

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        """The server ``settings.sparql_endpoint`` names, with its update URL and credentials."""
        assert settings.sparql_endpoint, "no SPARQL endpoint configured"
        return cls(settings.sparql_endpoint, settings.sparql_update_url, settings.sparql_user,
                   settings.sparql_password, union_default=settings.sparql_union_default)

    def version(self) -> str | None:
        """The graph version recorded on the server, or None."""
        rows = self.select(f"SELECT ?v WHERE {{ GRAPH <{GRAPH_META}> {{ "
                           f"<{GRAPH_DATA}> <{VERSION_IRI}> ?v }} }}")
        return rows[0]["v"] if rows else None


def _components(payload: bytes) -> list[list[str]]:
    """N-Triples ``payload`` as lines, grouped so that every triple mentioning a blank node is
    in the same group as every other triple mentioning it."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = label = parent[parent[label]]
        return label

    plain: list[list[str]] = []
    linked: list[tuple[str, str]] = []
    for quad in ox.parse(payload, ox.RdfFormat.N_TRIPLES):
        line = f"{quad.subject} {quad.predicate} {quad.object} ."
        blanks = [t.value for t in (quad.subject, quad.object) if isinstance(t, ox.BlankNode)]
        if not blanks:
            plain.append([line])
            continue
        for other in blanks[1:]:
            parent[root(other)] = root(blanks[0])
        linked.append((blanks[0], line))
    groups: dict[str, list[str]] = {}
    for label, line in linked:
        groups.setdefault(root(label), []).append(line)
    return plain + list(groups.values())


def _chunks(payload: bytes, size: int) -> Iterator[tuple[str, bool]]:
    """N-Triples text of at most ``size`` triples (more only for one large blank-node
    group), and whether it holds blank nodes."""
    batch: list[str] = []
    blank = False
    for group in _components(payload):
        if batch and len(batch) + len(group) > size:
            yield "\n".join(batch), blank
            batch, blank = [], False
        batch += group
        blank = blank or len(group) > 1 or "_:" in group[0]
    if batch:
        yield "\n".join(batch), blank


def _insert(graph: str, triples: str, blank: bool) -> str:
    """The update adding ``triples`` to ``graph``. With blank nodes it is
    ``INSERT {…} WHERE {}`` (Virtuoso refuses blank nodes in ``INSERT DATA``)."""
    if blank:
        return f"INSERT {{ GRAPH <{graph}> {{\n{triples}\n}} }} WHERE {{}}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{triples}\n}} }}"


def load(snapshot: Snapshot, remote: RemoteStore, chunk: int = CHUNK) -> int:
    """Replace the hwkg graphs on ``remote`` with ``snapshot``'s; returns the triples sent."""
    sent = 0
    with remote._client() as client:
        remote.update(client, f"DROP SILENT GRAPH <{GRAPH_META}>")
        for name in (GRAPH_ONTOLOGY, GRAPH_SHAPES, GRAPH_DATA, GRAPH_TRUTHY):
            remote.update(client, f"DROP SILENT GRAPH <{name}>")
            payload = snapshot.store.dump(format=ox.RdfFormat.N_TRIPLES,
                                          from_graph=ox.NamedNode(name))
            for text, blank in _chunks(payload, chunk):
                remote.update(client, _insert(name, text, blank))
                sent += text.count("\n") + 1
        version = snapshot.version.replace('"', "")
        remote.update(client, f'INSERT DATA {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_DATA}> '
                              f'<{VERSION_IRI}> "{version}" }} }}')
    return sent


def ensure(remote: RemoteStore, home: Path | None = None, *, force: bool = False,
           check: bool = True) -> tuple[str, int | None]:
    """Load the files of ``home`` (default: the bundled graph) into ``remote`` unless it
    already holds their version; returns the version and the triples sent (None when it was
    up to date). Raises :class:`hwkg.core.problems.InvalidGraph` before sending anything when the
    files do not parse or conform."""
    version = Inputs.of(home).version
    if not force and remote.version() == version:
        return version, None
    loaded = load_snapshot(home, check_shapes=check)
    return loaded.version, load(loaded, remote)
