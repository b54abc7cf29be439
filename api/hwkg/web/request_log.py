"""Structured logs: one JSON line per request, and errors logged with their cause.

:class:`RequestLog` is a pure ASGI middleware (it never touches bodies). For every HTTP
request it

- takes the client's ``X-Request-ID`` when it is a short token, else makes one, and returns
  it in the ``X-Request-ID`` response header;
- logs one line on the ``hwkg.access`` logger when the answer is done::

    {"ts": "...", "level": "info", "logger": "hwkg.access", "msg": "request",
     "request_id": "...", "method": "GET", "route": "/id/{kind}/{slug}", "path": "/id/chip/x",
     "status": 200, "duration_ms": 1.93}

- feeds :mod:`hwkg.core.telemetry` (requests by route and status, latency histogram);
- on an unhandled exception logs ``msg: "unhandled error"`` with the exception and traceback
  (``error``, ``traceback``) and, when no answer has started, answers
  ``500 {"error": "internal server error", "request_id": ...}``: never a stack trace.

:func:`server_options` gives uvicorn the JSON log configuration, turns off its own access
log (this one replaces it) and sets the graceful-shutdown limit.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hwkg.core import telemetry as metrics_endpoint
from hwkg.core.settings import Settings

log = logging.getLogger("hwkg.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
UNMATCHED = "<unmatched>"


class JsonFormatter(logging.Formatter):
    """Each record as one JSON object: ts, level, logger, msg, and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}) or {})
        if record.exc_info and "traceback" not in entry:
            entry["error"] = _cause(record.exc_info[1])
            entry["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


def _cause(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    text = f"{type(exc).__name__}: {exc}"
    if exc.__cause__ is not None:
        text += f" (caused by {type(exc.__cause__).__name__}: {exc.__cause__})"
    return text


def request_id(scope: Scope) -> str:
    """The client's ``X-Request-ID`` when it is a short safe token, else a fresh one."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if _REQUEST_ID.match(text):
                return text
    return uuid.uuid4().hex


def route_of(scope: Scope) -> str:
    """The matched route's template (``/id/{kind}/{slug}``), or ``<unmatched>``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class RequestLog:
    """Log, count and time every HTTP request; answer unhandled errors without a trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        gauge = (("route", "all"),)
        metrics_endpoint.REGISTRY.add("hwkg_http_requests_in_flight", gauge, 1)
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            log.error("unhandled error", exc_info=exc, extra={"fields": {
                "request_id": rid, "method": scope["method"], "route": route_of(scope),
                "path": scope.get("path", "")}})
            if status:
                raise
            status = 500
            await _internal_error(send, rid)
        finally:
            metrics_endpoint.REGISTRY.add("hwkg_http_requests_in_flight", gauge, -1)
            _finish(scope, rid, status or 500, time.perf_counter() - started)


async def _internal_error(send: Send, rid: str) -> None:
    body = json.dumps({"error": "internal server error", "request_id": rid}).encode()
    await send({"type": "http.response.start", "status": 500, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"x-request-id", rid.encode("latin-1"))]})
    await send({"type": "http.response.body", "body": body})


def _finish(scope: Scope, rid: str, status: int, seconds: float) -> None:
    route = route_of(scope)
    metrics_endpoint.record_request(scope["method"], route, status, seconds)
    fields = {"request_id": rid, "method": scope["method"], "route": route,
              "path": scope.get("path", ""), "status": status,
              "duration_ms": round(seconds * 1000, 3)}
    log.log(logging.ERROR if status >= 500 else logging.INFO, "request", extra={"fields": fields})


def log_config(level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dict: every hwkg and uvicorn logger as JSON on stderr."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "hwkg.web.request_log.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "loggers": {
            "hwkg": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def server_options(settings: Settings, log_level: str) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run``: JSON logs, no duplicate access log, and a
    graceful shutdown that lets requests in flight finish (at most
    ``settings.shutdown_timeout_s`` seconds) while taking no new ones."""
    return {
        "log_config": log_config(log_level),
        "log_level": log_level,
        "access_log": False,
        "timeout_graceful_shutdown": max(1, int(settings.shutdown_timeout_s)),
    }


def configure(level: str = "info") -> None:
    """Apply :func:`log_config` in this process (for commands that log outside uvicorn)."""
    import logging.config

    logging.config.dictConfig(log_config(level))
    sys.stderr.flush()
