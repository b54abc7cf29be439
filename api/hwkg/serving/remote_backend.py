"""Serving from an external SPARQL 1.1 server: a read-only stand-in for ``pyoxigraph.Store``.

``hwkg serve --sparql-endpoint URL`` puts a :class:`RemoteBackend` where the embedded store
would be (``snapshot.store``). It implements the part of the :class:`pyoxigraph.Store` API the
app uses — ``query``, ``quads_for_pattern``, ``len``, ``named_graphs``, ``dump`` — over the
SPARQL 1.1 Protocol, and parses the answers with pyoxigraph's own parsers, so callers get real
``QuerySolutions``, ``QueryBoolean``, ``QueryTriples`` and ``Quad`` objects.

Contract:

- The dataset is named explicitly (``default-graph-uri`` / ``named-graph-uri``): the
  union default graph is the hwkg graphs (ontology, shapes, data, truthy), exactly as on the
  embedded store, whatever else the server holds (Virtuoso's system graphs, other datasets)
  and whatever its own default-graph setting is. A server declared ``union_default`` (its
  default graph already is the union of its graphs, ``oxigraph serve --union-default-graph``)
  gets no dataset with union queries: Oxigraph scans twice as fast then, and the meta graph
  and any other graph on the server become part of the answers.
- Blank node labels are only meaningful within one answer: a blank node in a
  ``quads_for_pattern`` pattern matches nothing (the app only looks up IRIs).
- The graph's version is the one ``hwkg load --sparql-endpoint`` records in the meta graph;
  :func:`open_snapshot` refuses (:class:`NoGraph`) a server that holds none.
- Errors from the server raise :class:`RemoteError`.
- Requests and answers go through :mod:`hwkg.sparql.client`, which keeps them portable
  across servers (Virtuoso's quirks included).
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, cast

import httpx
import pyoxigraph as ox

from hwkg.loading.snapshot import Snapshot
from hwkg.serving.remote_store import RemoteStore
from hwkg.sparql.client import (
    GRAPHS,
    Dataset,
    RemoteError,
    Results,
    dataset_for,
    decode,
    form,
    headers,
    with_prologue,
)

LOOKUPS = 20_000  # pattern lookups a backend keeps (entity pages)
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph | None


class NoGraph(RuntimeError):
    """The SPARQL server holds no hwkg graph (no version in the meta graph)."""


def union_dataset(remote: RemoteStore) -> Dataset:
    """The hwkg union dataset on ``remote``: named explicitly, or the server's own when its
    default graph already is the union of its graphs (``remote.union_default``)."""
    return Dataset(server=True) if remote.union_default else Dataset()


def _pattern(term: Term, name: str) -> str | None:
    """The pattern slot for ``term`` (None when it can match nothing remotely)."""
    if term is None:
        return "?" + name
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)
    return None


def _entry(term: Term, row: ox.QuerySolution, name: str) -> Any:
    return term if term is not None else row[name]


@dataclass(eq=False)
class RemoteBackend:
    """The hwkg graphs on a SPARQL 1.1 server, read through the protocol (thread-safe)."""

    remote: RemoteStore
    timeout_s: float = 60.0
    _client: httpx.Client | None = field(default=None, repr=False)
    _async: tuple[asyncio.AbstractEventLoop, httpx.AsyncClient] | None = field(
        default=None, repr=False)
    _size: int | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _lookups: OrderedDict[str, list[ox.Quad]] = field(default_factory=OrderedDict, repr=False)

    @property
    def url(self) -> str:
        return self.remote.query_url

    def client(self) -> httpx.Client:
        """The keep-alive client for blocking calls (made on first use)."""
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(auth=self.remote.auth(), timeout=self.timeout_s)
            return self._client

    def async_client(self) -> httpx.AsyncClient:
        """The keep-alive client for the running event loop (a new loop gets a new one)."""
        loop = asyncio.get_running_loop()
        if self._async is None or self._async[0] is not loop:
            self._async = (loop, httpx.AsyncClient(auth=self.remote.auth(), timeout=None))
        return self._async[1]

    def fetch(self, query: str, dataset: Dataset) -> tuple[str, bytes]:
        """POST ``query`` with ``dataset``; returns the answer's content type and body."""
        try:
            response = self.client().post(self.url, content=form(query, dataset),
                                          headers=headers(query))
        except httpx.HTTPError as exc:
            raise RemoteError(f"the SPARQL server at {self.url} did not answer: {exc}") from exc
        if response.status_code >= 300:
            raise RemoteError(f"the SPARQL server at {self.url} answered "
                              f"{response.status_code}: {response.text[:500]}",
                              response.status_code)
        return response.headers.get("content-type", ""), response.content

    def query(self, query: str, *, use_default_graph_as_union: bool = False,
              default_graph: Any = None, named_graphs: Any = None,
              prefixes: dict[str, str] | None = None, base_iri: str | None = None,
              **unsupported: Any) -> Results:
        """Like :meth:`pyoxigraph.Store.query`. Without ``use_default_graph_as_union`` or
        ``default_graph`` the default graph is empty (the hwkg graphs are all named), as on
        the embedded store. ``substitutions`` and custom functions are not supported."""
        if any(v is not None for v in unsupported.values()):
            raise TypeError(f"not supported on a remote store: {', '.join(unsupported)}")
        if default_graph is not None or named_graphs is not None:
            dataset = dataset_for(_iris(default_graph), _iris(named_graphs) or GRAPHS)
        elif use_default_graph_as_union:
            dataset = union_dataset(self.remote)
        else:
            dataset = Dataset(default=(), named=GRAPHS)
        return decode(*self.fetch(with_prologue(query, prefixes, base_iri), dataset))

    def quads_for_pattern(self, subject: Term, predicate: Term, obj: Term,
                          graph_name: Term = None) -> list[ox.Quad]:
        """The quads matching the pattern, in the hwkg graphs (or ``graph_name``).

        Lookups with a subject or an object (what entity pages make, dozens a page) are
        kept, the last :data:`LOOKUPS` of them: a backend serves one immutable snapshot,
        and a new version on the server gives a new backend (reload)."""
        if subject is None and obj is None:
            return self._match(subject, predicate, obj, graph_name)
        key = f"{subject} {predicate} {obj} {graph_name}"
        with self._lock:
            if key in self._lookups:
                self._lookups.move_to_end(key)
                return self._lookups[key]
        found = self._match(subject, predicate, obj, graph_name)
        with self._lock:
            self._lookups[key] = found
            while len(self._lookups) > LOOKUPS:
                self._lookups.popitem(last=False)
        return found

    def _match(self, subject: Term, predicate: Term, obj: Term,
               graph_name: Term) -> list[ox.Quad]:
        slots = [_pattern(subject, "s"), _pattern(predicate, "p"), _pattern(obj, "o")]
        if graph_name is not None and not isinstance(graph_name, ox.NamedNode):
            return []  # the default graph is empty; blank graph names are not served
        if None in slots:
            return []
        graph = str(graph_name) if graph_name is not None else "?g"
        text = f"SELECT * WHERE {{ GRAPH {graph} {{ {' '.join(cast(list[str], slots))} }} }}"
        named = (graph_name.value,) if graph_name is not None else GRAPHS
        rows = self.query(text, named_graphs=[ox.NamedNode(g) for g in named])
        assert isinstance(rows, ox.QuerySolutions)
        return [ox.Quad(_entry(subject, row, "s"), _entry(predicate, row, "p"),
                        _entry(obj, row, "o"), _entry(graph_name, row, "g")) for row in rows]

    def __len__(self) -> int:
        """Quads in the hwkg graphs (counted once per backend: a snapshot is immutable)."""
        if self._size is None:
            rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                              named_graphs=[ox.NamedNode(g) for g in GRAPHS])
            self._size = int(next(iter(cast(ox.QuerySolutions, rows)))[0].value)
        return self._size

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self.quads_for_pattern(None, None, None))

    def named_graphs(self) -> list[ox.NamedNode]:
        """The hwkg graphs that hold at least one triple on the server."""
        values = " ".join(f"<{g}>" for g in GRAPHS)
        rows = self.query(f"SELECT ?g WHERE {{ VALUES ?g {{ {values} }} "
                          "FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }",
                          named_graphs=[ox.NamedNode(g) for g in GRAPHS])
        return [row["g"] for row in cast(ox.QuerySolutions, rows)]

    def dump(self, output: IO[bytes] | str | None = None, format: ox.RdfFormat | None = None,
             *, from_graph: ox.NamedNode | None = None) -> bytes | None:
        """Like :meth:`pyoxigraph.Store.dump`: one graph's triples, or every hwkg quad."""
        fmt = format or ox.RdfFormat.N_QUADS
        quads = self.quads_for_pattern(None, None, None, from_graph)
        items: list[ox.Triple] | list[ox.Quad] = (
            [q.triple for q in quads] if from_graph is not None else quads)
        if isinstance(output, str):
            with open(output, "wb") as handle:
                ox.serialize(items, handle, fmt)
            return None
        return ox.serialize(items, output, fmt)

    def version(self) -> str | None:
        """The graph version the server records (meta graph), or None."""
        return self.remote.version()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def _iris(graphs: Any) -> tuple[str, ...]:
    if graphs is None:
        return ()
    items = graphs if isinstance(graphs, list | tuple) else [graphs]
    return tuple(g.value for g in items if isinstance(g, ox.NamedNode))


def of(snapshot: Any) -> RemoteBackend | None:
    """The snapshot's remote backend when it is served from a SPARQL server, else None."""
    store = getattr(snapshot, "store", None)
    return store if isinstance(store, RemoteBackend) else None


def open_snapshot(remote: RemoteStore, timeout_s: float = 60.0) -> Snapshot:
    """A snapshot served from ``remote``; raises :class:`NoGraph` when it holds no hwkg
    graph and :class:`RemoteError` when it cannot be reached."""
    backend = RemoteBackend(remote, timeout_s)
    try:
        version = backend.version()
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        raise RemoteError(f"the SPARQL server at {remote.query_url} did not answer the "
                          f"version query: {exc}") from exc
    if version is None:
        raise NoGraph(
            f"the SPARQL server at {remote.query_url} holds no hwkg graph (no version in the "
            "meta graph): load it first with `hwkg load --sparql-endpoint URL --update-url "
            "URL`, or start `hwkg serve --sparql-endpoint URL --update-url URL --load`")
    store = cast(ox.Store, backend)  # the subset of the Store API the app uses
    return Snapshot(store=store, version=version)


def refresh(old: Snapshot) -> tuple[str, Snapshot | None, list[str]]:
    """A reload in remote mode: re-read the version from the server; a changed version gives
    a new snapshot. Returns (``ok`` | ``unchanged`` | ``failed``, snapshot, problems)."""
    backend = of(old)
    assert backend is not None
    try:
        snapshot = open_snapshot(backend.remote, backend.timeout_s)
    except (NoGraph, RemoteError) as exc:
        return "failed", None, [str(exc)]
    if snapshot.version == old.version:
        return "unchanged", None, []
    return "ok", snapshot, []
