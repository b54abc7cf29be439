"""Request-body limits for every route: too large is ``413``, too slow is ``408``.

:class:`BodyLimits` is a pure ASGI middleware that never reads a body itself; it watches the
body as the handler reads it:

- a ``Content-Length`` over ``max_bytes`` is answered ``413`` before the handler runs; a body
  sent without a length (chunked) that grows past ``max_bytes`` is cut there and answered
  ``413`` (when no answer has started). Routes that enforce the same limit with their own
  error format (``/graphql``, ``/sparql``) are left to do so; the slow-body limit still applies;
- a malformed ``Content-Length`` is ``400``;
- a body whose next chunk does not arrive within ``body_timeout_s`` is abandoned: the handler
  sees the client as gone and the answer is ``408``.

Every refusal is JSON: ``{"error": "...", "limit": ...}``.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

OWN_LIMITS = ("/graphql", "/sparql")


class _Refused(Exception):
    def __init__(self, status: int, message: str, limit: float) -> None:
        super().__init__(message)
        self.status, self.message, self.limit = status, message, limit


def _content_length(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            return str(value.decode("latin-1"))
    return None


async def refuse(send: Send, status: int, message: str, limit: float) -> None:
    """Send a JSON refusal that closes the connection (the rest of the body is unread)."""
    body = json.dumps({"error": message, "limit": limit}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimits:
    """Enforce ``max_bytes`` and ``body_timeout_s`` on request bodies."""

    def __init__(self, app: ASGIApp, max_bytes: int, body_timeout_s: float) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, body_timeout_s

    def _sized(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        return not any(path == p or path.startswith(p + "/") for p in OWN_LIMITS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sized = self._sized(scope)
        length = _content_length(scope)
        if length is not None and not length.strip().isdigit():
            await refuse(send, 400, "the Content-Length header is not a number", self.max_bytes)
            return
        if sized and length is not None and int(length) > self.max_bytes:
            await refuse(send, 413, f"the request body is {int(length)} bytes; the limit is "
                                    f"{self.max_bytes} bytes", self.max_bytes)
            return
        await _Guard(self, sized, receive, send).run(scope)


class _Guard:
    """One request's watched ``receive`` and ``send``."""

    def __init__(self, limits: BodyLimits, sized: bool, receive: Receive, send: Send) -> None:
        self.limits, self.sized, self._receive, self._send = limits, sized, receive, send
        self.seen = 0
        self.body_done = False
        self.started = False
        self.refused: _Refused | None = None

    async def run(self, scope: Scope) -> None:
        try:
            await self.limits.app(scope, self.receive, self.send)
        except Exception:
            if self.refused is None:
                raise
        if self.refused is not None and not self.started:
            self.started = True
            await refuse(self._send, self.refused.status, self.refused.message,
                         self.refused.limit)

    async def receive(self) -> Message:
        if self.body_done or self.refused is not None:
            return await self._receive() if self.refused is None else {"type": "http.disconnect"}
        try:
            message = await asyncio.wait_for(self._receive(), self.limits.timeout)
        except TimeoutError:
            self.refused = _Refused(408, f"the request body did not arrive within "
                                         f"{self.limits.timeout:g} s", self.limits.timeout)
            return {"type": "http.disconnect"}
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            self.body_done = not message.get("more_body", False)
            if self.sized and self.seen > self.limits.max_bytes:
                self.refused = _Refused(413, f"the request body is over the limit of "
                                             f"{self.limits.max_bytes} bytes",
                                        self.limits.max_bytes)
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        if self.refused is not None and not self.started:
            return  # the handler answered a body it never got whole: the refusal goes instead
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)
