"""Messages between the server and its query workers: a JSON header and a byte body.

Frame: 8 bytes (header length, body length, big-endian uint32) + header + body.
"""

from __future__ import annotations

import json
import struct
from typing import Any, BinaryIO

PREFIX = struct.Struct("!II")


def encode(header: dict[str, Any], body: bytes = b"") -> bytes:
    """One frame."""
    head = json.dumps(header).encode("utf-8")
    return PREFIX.pack(len(head), len(body)) + head + body


def read(stream: BinaryIO) -> tuple[dict[str, Any], bytes] | None:
    """The next frame from a blocking stream, or None at end of stream."""
    prefix = stream.read(PREFIX.size)
    if len(prefix) < PREFIX.size:
        return None
    head_len, body_len = PREFIX.unpack(prefix)
    header = json.loads(stream.read(head_len))
    return header, stream.read(body_len)
