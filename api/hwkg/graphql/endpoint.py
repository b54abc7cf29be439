"""GraphQL over HTTP: GET and POST per the GraphQL-over-HTTP spec, limits, caching, GraphiQL.

Media types: ``application/graphql-response+json`` (request errors → 400, no ``data``) and
``application/json`` (request errors → 200 with ``errors``, as the spec recommends). Limit
violations are always 400 (413 for the body) and name the limit and the excess. Unexpected
exceptions are logged here and reach the client only as "internal error", never a trace.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
)
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response

from hwkg.core.settings import Settings
from hwkg.graphql import page
from hwkg.graphql.cache import ResponseCache, make_key
from hwkg.graphql.documents import parsed, validated
from hwkg.graphql.query_limits import LIMITS, Exceeded, Limits, check_document, count_tokens
from hwkg.graphql.schema import graphql_schema
from hwkg.readmodel import cached, catalog

log = logging.getLogger("hwkg.graphql")
GQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
DRAIN_MAX = 64 * 1024 * 1024


class RequestError(Exception):
    """A request the server refuses before execution, with its HTTP status."""

    def __init__(self, status: int, errors: list[dict[str, Any]],
                 headers: dict[str, str] | None = None, graphql_level: bool = False) -> None:
        super().__init__(errors[0]["message"] if errors else "bad request")
        self.status, self.errors, self.headers = status, errors, headers or {}
        self.graphql_level = graphql_level


@dataclass(frozen=True)
class Params:
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


def _accepts(header: str | None) -> list[tuple[str, float]]:
    out = []
    for i, part in enumerate((header or "").split(",")):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q - i * 1e-6))
    return sorted(out, key=lambda pair: -pair[1])


def choose_media_type(header: str | None) -> str:
    """The response type the client prefers: graphql-response+json, json or text/html."""
    for media, q in _accepts(header):
        if q <= 0:
            continue
        if media == GQL_RESPONSE:
            return GQL_RESPONSE
        if media in (JSON, "application/*", "*/*"):
            return JSON
        if media == "text/html":
            return "text/html"
    return JSON


def _error(message: str, **extensions: Any) -> dict[str, Any]:
    return {"message": message, **({"extensions": extensions} if extensions else {})}


#: Deepest JSON nesting a request body or a variables parameter may have (Python's parser
#: recurses per level and fails near 1,000; a GraphQL request needs a few dozen at most).
MAX_JSON_DEPTH = 64
_JSON_OPAQUE = re.compile(rb'"(?:[^"\\]|\\.)*"')


def json_depth(text: bytes) -> int:
    """How deep arrays and objects nest in JSON ``text`` (outside strings)."""
    depth = deepest = 0
    for char in _JSON_OPAQUE.sub(b'""', text):
        if char in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in b"]}":
            depth -= 1
    return deepest


def load_json(text: bytes | str, what: str) -> Any:
    """``text`` parsed as JSON; a 400 naming ``what`` and the reason when it does not parse
    or nests deeper than :data:`MAX_JSON_DEPTH`."""
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    depth = json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        raise RequestError(400, [Exceeded("JSON nesting depth", depth, MAX_JSON_DEPTH).as_error()])
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise RequestError(400, [_error(f"{what} is not valid JSON: {exc}")]) from None


def _json_param(raw: Any, name: str, from_url: bool) -> dict[str, Any] | None:
    """A map parameter (variables, extensions): null or an object; GET sends it as JSON text."""
    if raw is None:
        return None
    if isinstance(raw, str) and from_url:
        raw = load_json(raw, name)
    if raw is not None and not isinstance(raw, dict):
        raise RequestError(400, [_error(f"{name} must be a map (JSON object) or null")])
    return raw


def params_from(data: Any, from_url: bool = False) -> Params:
    """Validate the request parameters (query, operationName, variables, extensions)."""
    if not isinstance(data, dict):
        raise RequestError(400, [_error("the request body must be a JSON object")])
    query = data.get("query")
    if query is None:
        raise RequestError(400, [_error("missing the query parameter")])
    if not isinstance(query, str):
        raise RequestError(400, [_error("the query parameter must be a string")])
    operation = data.get("operationName")
    if operation is not None and not isinstance(operation, str):
        raise RequestError(400, [_error("operationName must be a string or null")])
    variables = _json_param(data.get("variables"), "variables", from_url)
    _json_param(data.get("extensions"), "extensions", from_url)
    return Params(query, variables, operation)


async def read_body(request: Request, maximum: int) -> bytes:
    """The request body; 413 naming the excess when it is over ``maximum`` bytes."""
    declared = request.headers.get("content-length", "")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= maximum:
            chunks.append(chunk)
        elif size > DRAIN_MAX:
            break
    if size > maximum or (declared.isdigit() and int(declared) > maximum):
        found = max(size, int(declared) if declared.isdigit() else 0)
        raise RequestError(413, [Exceeded("body size", found, maximum).as_error()])
    return b"".join(chunks)


async def request_params(request: Request, limits: Limits) -> Params:
    if request.method in ("GET", "HEAD"):
        return params_from(dict(request.query_params), from_url=True)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not ctype:
        raise RequestError(415, [_error("POST needs a Content-Type: application/json")])
    body = await read_body(request, limits.max_body_bytes)
    if ctype == "application/graphql":
        return Params(body.decode("utf-8", "replace"), None, None)
    if ctype != JSON:
        raise RequestError(415, [_error(f"unsupported Content-Type {ctype}; use application/json")])
    if not body:
        raise RequestError(400, [_error("POST needs a request body")])
    return params_from(load_json(body, "the body"))


def _request_error(errors: list[GraphQLError]) -> RequestError:
    return RequestError(400, [dict(e.formatted) for e in errors], graphql_level=True)


def prepare(params: Params, method: str, limits: Limits) -> tuple[DocumentNode, dict[str, Any]]:
    """Parse, check limits, validate and coerce variables; raises RequestError."""
    try:
        entry = parsed(params.query, limits.max_tokens)
    except GraphQLError as exc:
        if "tokens. Parsing aborted" in exc.message:
            try:
                count = count_tokens(params.query, limits.max_tokens * 20)
            except GraphQLError:  # a syntax error after the limit: the limit still applies
                count = 0
            over = Exceeded("token", max(count, limits.max_tokens + 1), limits.max_tokens)
            raise RequestError(400, [over.as_error()]) from None
        raise _request_error([exc]) from None
    schema, document = graphql_schema(), entry.document
    if exceeded := check_document(schema, document, params.variables, limits):
        raise RequestError(400, [e.as_error() for e in exceeded])
    operation = get_operation_ast(document, params.operation_name)
    if operation is not None and operation.operation != OperationType.QUERY and method != "POST":
        raise RequestError(405, [_error(f"{operation.operation.value} operations need POST")],
                           {"Allow": "POST"})
    if invalid := validated(entry):
        raise _request_error(list(invalid))
    if operation is None:
        name = params.operation_name
        raise _request_error([GraphQLError(f"unknown operation named {name!r}" if name else
                                           "the document has several operations: name one "
                                           "with operationName")])
    coerced = get_variable_values(schema, operation.variable_definitions or (),
                                  params.variables or {})
    if isinstance(coerced, list):
        raise _request_error(coerced)
    return document, params.variables or {}


def masked(result: ExecutionResult) -> dict[str, Any]:
    """The response map; unexpected exceptions become 'internal error' (logged, not sent)."""
    out: dict[str, Any] = {}
    if result.errors:
        errors = []
        for err in result.errors:
            original = err.original_error
            if original is not None and not isinstance(original, GraphQLError | ValueError):
                log.error("resolver failed at %s", err.path, exc_info=original)
                err = GraphQLError("internal error", path=err.path, nodes=err.nodes)
            errors.append(err.formatted)
        out["errors"] = errors
    out["data"] = result.data
    return out


def _dump(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class GraphQLEndpoint:
    """The ``/graphql`` route: serves GraphiQL to browsers and executes queries."""

    def __init__(self, settings: Settings, cache_size: int = 2048) -> None:
        self.limits = replace(LIMITS, max_body_bytes=settings.max_body_bytes)
        self.cache = ResponseCache(cache_size)

    async def handle(self, request: Request) -> Response:
        media = choose_media_type(request.headers.get("accept"))
        if media == "text/html":
            if request.method in ("GET", "HEAD"):
                return HTMLResponse(page.html())
            media = JSON
        try:
            status, body = await self._answer(request, media)
        except RequestError as exc:
            status = 200 if exc.graphql_level and media == JSON else exc.status
            payload: dict[str, Any] = {"errors": exc.errors}
            if media == JSON and status == 200:
                payload["data"] = None
            return self._response(status, _dump(payload), media, exc.headers)
        except ClientDisconnect:
            raise  # the client went (or its body stalled): the body-limit middleware answers
        except Exception:  # noqa: BLE001 - logged here, never shown to the client
            log.exception("GraphQL request failed")
            return self._response(500, _dump({"errors": [_error("internal error")]}), media)
        return self._response(status, body, media)

    def _response(self, status: int, body: bytes, media: str,
                  headers: dict[str, str] | None = None) -> Response:
        return Response(body, status_code=status, headers={**(headers or {}), "Vary": "Accept"},
                        media_type=f"{media}; charset=utf-8")

    async def _answer(self, request: Request, media: str) -> tuple[int, bytes]:
        params = await request_params(request, self.limits)
        snapshot = request.app.state.graph.current
        key = make_key(snapshot.version, params.query, params.variables, params.operation_name,
                       media + request.method)
        if (hit := self.cache.get(key)) is not None:
            return hit
        answer = self.run(params, request.method, cached.for_snapshot(snapshot))
        self.cache.put(key, answer)
        return answer

    def run(self, params: Params, method: str, cat: catalog.Catalog) -> tuple[int, bytes]:
        """Execute prepared parameters against ``cat``: (status, JSON body)."""
        document, variables = prepare(params, method, self.limits)
        result = execute(graphql_schema(), document, context_value={"catalog": cat},
                         variable_values=variables, operation_name=params.operation_name)
        if not isinstance(result, ExecutionResult):
            raise RuntimeError("a resolver returned an awaitable; resolvers must be sync")
        return 200, _dump(masked(result))
