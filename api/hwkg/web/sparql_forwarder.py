"""``/sparql`` in remote mode: the query goes to the external SPARQL server, not to workers.

Contract (the same as the embedded endpoint, seen from the client):

- the query is sent with the usual prefixes and base, and with the request's dataset
  (``default-graph-uri`` / ``named-graph-uri``) or, when it names none, the hwkg union
  dataset (:func:`hwkg.sparql.client.dataset_for`,
  :func:`hwkg.serving.remote_backend.union_dataset`);
- the time limit is the deadline of the whole HTTP exchange: past it the connection is
  dropped and :class:`~hwkg.sparql.pool.TimeLimit` is raised (the endpoint answers 503).
  Dropping the connection does not stop every server's query: give the server its own limit
  too (``oxigraph serve --timeout-s``, Virtuoso's ``MaxQueryExecutionTime``);
- the server's answer is read with pyoxigraph and written again in the format the client
  negotiated, capped at the row cap (:func:`hwkg.sparql.execution.answer`);
- a query the server rejects (4xx) answers 400 with the server's message; a server that
  fails (5xx) or cannot be reached answers 502.

Updates and ``SERVICE`` are refused by the endpoint before anything is forwarded, and a
query nested deeper than :data:`~hwkg.sparql.execution.MAX_NESTING` answers 400 here.
"""

from __future__ import annotations

import asyncio

import httpx
import pyoxigraph as ox

from hwkg.core.namespaces import GRAPH_META
from hwkg.serving.remote_backend import RemoteBackend, union_dataset
from hwkg.sparql import execution
from hwkg.sparql.client import (
    Dataset,
    RemoteError,
    dataset_for,
    decode,
    form,
    headers,
    with_prologue,
)
from hwkg.sparql.execution import Answer, Job, answer
from hwkg.sparql.pool import TimeLimit

TEXT = "text/plain; charset=utf-8"


def _refusal(backend: RemoteBackend, response: httpx.Response) -> Answer:
    status = 400 if 400 <= response.status_code < 500 else 502
    return Answer(status, TEXT, (f"the SPARQL server at {backend.url} answered "
                                 f"{response.status_code}: {response.text[:2000]}\n").encode())


def _convert(content_type: str, body: bytes, job: Job, backend: RemoteBackend,
             dataset: Dataset) -> Answer:
    try:
        results = decode(content_type, body)
        if isinstance(results, ox.QueryTriples) and execution.is_describe(job.query):
            return execution.description(
                results, lambda text: _triples(backend, text, dataset), job)
        return answer(results, job)
    except (SyntaxError, ValueError, OSError, RemoteError) as exc:
        return Answer(502, TEXT, f"the SPARQL server's answer could not be read: {exc}\n".encode())


async def run(backend: RemoteBackend, job: Job, timeout: float) -> Answer:
    """``job``'s answer from the server; raises :class:`TimeLimit` after ``timeout`` s."""
    depth = execution.nesting(job.query)
    if depth > execution.MAX_NESTING:  # protects the server as it protects the workers
        return Answer(400, TEXT, f"the query nests {depth} levels deep; the limit is "
                                 f"{execution.MAX_NESTING}\n".encode())
    dataset, text = _dataset(backend, job)
    query = with_prologue(text, job.prefixes, job.base_iri)
    try:
        async with asyncio.timeout(timeout):
            response = await backend.async_client().post(
                backend.url, content=form(query, dataset), headers=headers(query))
    except TimeoutError as exc:
        raise TimeLimit() from exc
    except httpx.HTTPError as exc:
        return Answer(502, TEXT, f"the SPARQL server at {backend.url} did not answer: {exc}\n"
                      .encode())
    if response.status_code >= 300:
        return _refusal(backend, response)
    content_type = response.headers.get("content-type", "")
    return await asyncio.to_thread(_convert, content_type, response.content, job, backend,
                                   dataset)


def _dataset(backend: RemoteBackend, job: Job) -> tuple[Dataset, str]:
    """The request's dataset, else the one the query names (``FROM``/``FROM NAMED``, never
    hwkg's bookkeeping graph), else the hwkg union; and the query text to send (without its
    dataset clauses when they were read here, which some servers would prefer to the
    protocol's dataset)."""
    if not job.default_graphs and not job.named_graphs and execution.declares_dataset(job.query):
        clause = execution.dataset_clause(job.query, job.prefixes, job.base_iri)
        if clause is None:  # the server reads the clause itself (or reports its error)
            return Dataset(server=True), job.query
        published = clause.without(GRAPH_META)
        return Dataset(published.default, published.named), clause.removed_from(job.query)
    return (dataset_for(job.default_graphs, job.named_graphs, union_dataset(backend.remote)),
            job.query)


def _triples(backend: RemoteBackend, query: str, dataset: Dataset) -> list[ox.Triple]:
    """The triples of a follow-up DESCRIBE on the server, on the request's dataset."""
    results = decode(*backend.fetch(query, dataset))
    return list(results) if isinstance(results, ox.QueryTriples) else []
