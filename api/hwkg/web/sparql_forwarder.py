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

from hwkg.serving.remote_backend import RemoteBackend, union_dataset
from hwkg.sparql import execution
from hwkg.sparql.client import RemoteError, dataset_for, decode, form, headers, with_prologue
from hwkg.sparql.execution import Answer, Job, answer
from hwkg.sparql.pool import TimeLimit

TEXT = "text/plain; charset=utf-8"


def _refusal(backend: RemoteBackend, response: httpx.Response) -> Answer:
    status = 400 if 400 <= response.status_code < 500 else 502
    return Answer(status, TEXT, (f"the SPARQL server at {backend.url} answered "
                                 f"{response.status_code}: {response.text[:2000]}\n").encode())


def _convert(content_type: str, body: bytes, job: Job) -> Answer:
    try:
        return answer(decode(content_type, body), job)
    except (SyntaxError, ValueError, OSError, RemoteError) as exc:
        return Answer(502, TEXT, f"the SPARQL server's answer could not be read: {exc}\n".encode())


async def run(backend: RemoteBackend, job: Job, timeout: float) -> Answer:
    """``job``'s answer from the server; raises :class:`TimeLimit` after ``timeout`` s."""
    depth = execution.nesting(job.query)
    if depth > execution.MAX_NESTING:  # protects the server as it protects the workers
        return Answer(400, TEXT, f"the query nests {depth} levels deep; the limit is "
                                 f"{execution.MAX_NESTING}\n".encode())
    query = with_prologue(job.query, job.prefixes, job.base_iri)
    dataset = dataset_for(job.default_graphs, job.named_graphs, union_dataset(backend.remote))
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
    return await asyncio.to_thread(_convert, content_type, response.content, job)
