"""HTTP caching that follows the graph's version: ``ETag``, ``Last-Modified`` and ``304``.

:class:`HttpCache` is a pure ASGI middleware; it never buffers a body. On every ``GET`` or
``HEAD`` answered ``200`` (entity pages, dumps, GraphQL and SPARQL GET queries, pages):

- ``ETag: W/"<graph version>-<variant>"`` unless the route set its own (the dumps send a
  strong checksum ETag, which is kept). The variant hashes the path, query string,
  ``Accept`` and ``Host`` headers, so one tag names one URL in one negotiated format of one
  graph version;
- ``Last-Modified``: when the served graph was loaded; ``Cache-Control: no-cache`` unless set,
  so caches revalidate (the graph can change on reload).

A request whose ``If-None-Match`` holds the version tag the same URL and ``Accept`` would get
is answered ``304`` at once, without running the handler: for one graph version every such
answer is the same. Otherwise the handler runs, and an ``If-None-Match`` matching the
route's own ETag, or (without ``If-None-Match``) an ``If-Modified-Since`` not older than
``Last-Modified``, turns its ``200`` into a ``304`` whose body is dropped as it streams.

Not cached: ``/health``, ``/metrics``, ``/admin/…`` and answers marked ``no-store``. The tags
are weak: a SPARQL query using ``NOW()``, ``RAND()`` or ``UUID()`` counts as one answer per
graph version.
"""

from __future__ import annotations

import hashlib
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

EXCLUDED = ("/health", "/metrics", "/admin")
KEPT_ON_304 = {b"etag", b"last-modified", b"vary", b"cache-control", b"content-location",
               b"date", b"expires", b"x-request-id", b"access-control-allow-origin",
               b"access-control-expose-headers"}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def version_tag(scope: Scope, version: str) -> str:
    """The weak ETag of this URL, in the format its Accept header asks for, at ``version``."""
    digest = hashlib.sha1(usedforsecurity=False)
    for part in (scope.get("path", ""), scope.get("query_string", b"").decode("latin-1"),
                 _header(scope, b"accept") or "", _header(scope, b"host") or ""):
        digest.update(part.encode("utf-8", "replace") + b"\0")
    return f'W/"{version}-{digest.hexdigest()[:12]}"'


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def matches(if_none_match: str, tag: str) -> bool:
    """Weak comparison of ``tag`` with an ``If-None-Match`` list (or ``*``)."""
    wanted = {_opaque(t.strip()) for t in if_none_match.split(",")}
    return "*" in wanted or _opaque(tag) in wanted


def not_modified_since(if_modified_since: str, loaded_at: float) -> bool:
    """True when the graph was loaded no later than ``If-Modified-Since`` (a valid date)."""
    try:
        since = parsedate_to_datetime(if_modified_since).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    return int(loaded_at) <= since


def _not_modified(headers: list[tuple[bytes, bytes]]) -> Message:
    kept = [(k, v) for k, v in headers if k.lower() in KEPT_ON_304]
    return {"type": "http.response.start", "status": 304, "headers": kept}


class HttpCache:
    """Add validators to GET answers and answer ``304`` when the client's copy is current."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        snapshot = _snapshot(scope)
        if snapshot is None:
            await self.app(scope, receive, send)
            return
        tag = version_tag(scope, snapshot.version)
        modified = formatdate(int(snapshot.loaded_at), usegmt=True)
        inm = _header(scope, b"if-none-match")
        if inm is not None and matches(inm, tag):
            await send(_not_modified([(b"etag", tag.encode()), (b"last-modified",
                                       modified.encode()), (b"vary", b"Accept")]))
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, _Validating(send, tag, modified, inm,
                                                   _header(scope, b"if-modified-since"),
                                                   snapshot.loaded_at))


def _snapshot(scope: Scope) -> Any:
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return None
    path = scope.get("path", "")
    if any(path == p or path.startswith(p + "/") for p in EXCLUDED):
        return None
    app = scope.get("app")
    holder = getattr(getattr(app, "state", None), "graph", None)
    return holder.current if holder is not None else None


class _Validating:
    """The ``send`` of one request: adds validators, turns a 200 into a 304 when it matches."""

    def __init__(self, send: Send, tag: str, modified: str, inm: str | None, ims: str | None,
                 loaded_at: float) -> None:
        self.send, self.tag, self.modified = send, tag, modified
        self.inm, self.ims, self.loaded_at = inm, ims, loaded_at
        self.dropping = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            message = self._start(message)
        elif message["type"] == "http.response.body" and self.dropping:
            if not message.get("more_body", False):
                await self.send({"type": "http.response.body", "body": b""})
            return
        await self.send(message)

    def _start(self, message: Message) -> Message:
        headers = list(message.get("headers", []))
        names = {k.lower() for k, _ in headers}
        control = next((v for k, v in headers if k.lower() == b"cache-control"), b"")
        if message["status"] != 200 or b"no-store" in control:
            return message
        if b"etag" not in names:
            headers.append((b"etag", self.tag.encode()))
        if b"last-modified" not in names:
            headers.append((b"last-modified", self.modified.encode()))
        if b"cache-control" not in names:
            headers.append((b"cache-control", b"no-cache"))
        etag = next(v.decode("latin-1") for k, v in headers if k.lower() == b"etag")
        fresh = (matches(self.inm, etag) if self.inm is not None
                 else self.ims is not None and not_modified_since(self.ims, self.loaded_at))
        if fresh:
            self.dropping = True
            return _not_modified(headers)
        return {**message, "headers": headers}
