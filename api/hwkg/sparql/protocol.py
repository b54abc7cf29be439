"""Reading a SPARQL 1.1 Protocol request: which operation, which dataset, or why it is bad.

Contract (https://www.w3.org/TR/sparql11-protocol/): a query comes by GET (``query=``),
by form POST (``application/x-www-form-urlencoded``) or by direct POST
(``application/sparql-query``, UTF-8); an update only by POST. Anything else is a
:class:`ProtocolError` carrying the 4xx status to answer with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from starlette.requests import Request

from hwkg.sparql.execution import code_only

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


class ProtocolError(Exception):
    """A request the protocol rejects; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Operation:
    """One parsed request: a query, an update, or neither (a request for the description)."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None


def _single(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} '{name}' parameters; send one")
    return values[0] if values else None


def _media_type(request: Request) -> tuple[str, str | None]:
    header = request.headers.get("content-type", "")
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for param in parts[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return parts[0].lower(), charset


def _decode(body: bytes, charset: str | None) -> str:
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(415, f"the body's charset is {charset}; this endpoint reads UTF-8 only")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the body is not valid UTF-8 ({exc.reason})") from exc


def _operation(params: list[tuple[str, str]], query: str | None, update: str | None) -> Operation:
    if query is not None and update is not None:
        raise ProtocolError(400, "a request carries a query or an update, not both")
    return Operation(
        query=query,
        update=update,
        default_graphs=[v for k, v in params if k in ("default-graph-uri", "using-graph-uri")],
        named_graphs=[
            v for k, v in params if k in ("named-graph-uri", "using-named-graph-uri")
        ],
        format=_single(params, "format"),
    )


def _params(encoded: str, where: str) -> list[tuple[str, str]]:
    """Decode ``a=b&c=d``; a value whose percent-escapes are not UTF-8 is a 400, never a
    silently replaced character."""
    try:
        return parse_qsl(encoded, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {where} is not valid UTF-8 once percent-decoded "
                                 f"({exc.reason})") from exc


async def _body(request: Request, limit: int) -> bytes:
    body = await request.body()
    if len(body) > limit:
        raise ProtocolError(413, f"the body is larger than {limit} bytes")
    return body


async def parse(request: Request, max_body: int) -> Operation:
    """The operation ``request`` asks for; raises :class:`ProtocolError` for a bad request."""
    url_params = _params(request.url.query, "query string")
    if request.method in ("GET", "HEAD"):
        if any(k == "update" for k, _ in url_params):
            raise ProtocolError(405, "SPARQL Update is sent by POST, never by GET")
        return _operation(url_params, _single(url_params, "query"), None)
    if request.method != "POST":
        raise ProtocolError(405, f"{request.method} is not a SPARQL protocol method")
    media_type, charset = _media_type(request)
    body = await _body(request, max_body)
    if media_type == FORM:
        text = _decode(body, charset)
        form = _params(text, "form body")
        params = url_params + form
        if any(k in ("query", "update") for k, _ in url_params):
            raise ProtocolError(400, "with a form POST the operation goes in the body, not the URL")
        return _operation(params, _single(form, "query"), _single(form, "update"))
    if media_type in (QUERY, UPDATE):
        text = _decode(body, charset)
        if any(k in ("query", "update") for k, _ in url_params):
            raise ProtocolError(400, "with a direct POST the operation is the body; drop 'query='")
        if media_type == QUERY:
            return _operation(url_params, text, None)
        return _operation(url_params, None, text)
    if not media_type:
        raise ProtocolError(
            415, f"a POST needs a Content-Type: {FORM}, {QUERY} or {UPDATE}"
        )
    raise ProtocolError(415, f"unsupported Content-Type {media_type}; use {FORM} or {QUERY}")


_SERVICE = re.compile(r"(?<![\w:?$-])SERVICE(?![\w:-])", re.IGNORECASE)


def uses_service(query: str) -> bool:
    """True when ``query`` has a SERVICE clause (outside strings, IRIs and comments)."""
    return bool(_SERVICE.search(code_only(query)))
