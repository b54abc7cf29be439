"""Dumps of the whole graph (Turtle, N-Triples, N-Quads, JSON-LD), each with a SHA-256.

- N-Quads keeps the four named graphs (ontology, shapes, data, truthy).
- Turtle, N-Triples and JSON-LD hold their union (each triple once).
- JSON-LD carries its ``@context`` inline (the prefix map), the same context that is
  published at ``/context.jsonld``, so parsers never have to fetch it.

Files are written once per graph version into a temporary folder and served from there:
``/dumps/hwkg.{ext}`` and ``/dumps/hwkg.{ext}.sha256`` (``sha256sum`` format).

A dump is a function of the graph alone: the store holds no blank nodes (the loader gives
every one a skolem IRI) and the triples are written sorted (by their N-Quads text), so two
exports of the same graph — by ``hwkg export`` on any machine or from ``/dumps/`` — are byte
for byte the same and a user can check a local export against the published ``.sha256``.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from anyio import to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from hwkg.core.namespaces import PREFIXES, PUBLISHED_GRAPHS, published_dataset
from hwkg.sparql import negotiation
from hwkg.web import pages


@dataclass(frozen=True)
class DumpFormat:
    ext: str
    media_type: str
    rdf: ox.RdfFormat
    title: str


FORMATS: dict[str, DumpFormat] = {
    f.ext: f for f in (
        DumpFormat("ttl", "text/turtle", ox.RdfFormat.TURTLE, "Turtle"),
        DumpFormat("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, "N-Triples"),
        DumpFormat("nq", "application/n-quads", ox.RdfFormat.N_QUADS, "N-Quads (named graphs)"),
        DumpFormat("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD, "JSON-LD"),
    )
}
NAME = "hwkg"


def context() -> dict[str, Any]:
    """The JSON-LD context of the dumps: hwkg's prefixes."""
    return {"@context": dict(PREFIXES)}


def _sorted(items: Iterable[ox.Triple] | Iterable[ox.Quad]) -> list[Any]:
    """Distinct triples or quads in the order of their N-Triples/N-Quads text."""
    return sorted(set(items), key=str)


def _union(store: ox.Store) -> list[ox.Triple]:
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                         **published_dataset())  # type: ignore[arg-type]
    assert isinstance(result, ox.QueryTriples)
    return _sorted(result)


def write(store: ox.Store, ext: str, output: BinaryIO) -> None:
    """Write the whole graph in format ``ext`` to ``output``."""
    fmt = FORMATS[ext]
    if ext == "nq":
        quads = _sorted(q for g in PUBLISHED_GRAPHS
                        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
        ox.serialize(quads, output, ox.RdfFormat.N_QUADS)
    elif ext == "jsonld":
        output.write(b'{"@context":' + json.dumps(context()["@context"]).encode() + b',"@graph":')
        ox.serialize(_union(store), output, fmt.rdf)
        output.write(b"}\n")
    else:
        ox.serialize(_union(store), output, fmt.rdf, prefixes=PREFIXES)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_line(digest: str, filename: str) -> str:
    """A line in ``sha256sum`` format."""
    return f"{digest}  {filename}\n"


def export(store: ox.Store, ext: str, path: Path) -> str:
    """Write the dump to ``path`` and ``path.sha256``; returns the hex digest."""
    with path.open("wb") as handle:
        write(store, ext, handle)
    digest = sha256_file(path)
    Path(str(path) + ".sha256").write_text(checksum_line(digest, path.name), encoding="utf-8")
    return digest


@dataclass(frozen=True)
class Dump:
    path: Path
    sha256: str
    size: int


class DumpCache:
    """Dump files for the current graph version, written on first request.

    The temporary folder is made on the first request (importing the module creates nothing)
    and removed by :meth:`close` at the app's shutdown, or when the process exits normally.
    """

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.lock = threading.Lock()
        self.version: str | None = None
        self.files: dict[str, Dump] = {}

    def _folder(self) -> Path:
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="hwkg-dumps-"))
            atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        return self.folder

    def close(self) -> None:
        """Remove the dump files (the app's shutdown calls it); a later request writes anew."""
        with self.lock:
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)
            self.folder, self.version, self.files = None, None, {}

    def get(self, store: ox.Store, version: str, ext: str) -> Dump:
        """The dump of ``store`` (at ``version``) in ``ext`` (blocking: call in a thread)."""
        with self.lock:
            folder = self._folder()
            if version != self.version:
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                self.version, self.files = version, {}
            if ext not in self.files:
                path = folder / f"{NAME}.{ext}"
                digest = export(store, ext, path)
                self.files[ext] = Dump(path, digest, path.stat().st_size)
            return self.files[ext]

    async def fetch(self, request: Request, ext: str) -> Dump:
        snapshot = request.app.state.graph.current
        return await to_thread.run_sync(self.get, snapshot.store, snapshot.version, ext)


CACHE = DumpCache()


def _parse(name: str) -> tuple[str, bool] | None:
    checksum = name.endswith(".sha256")
    stem = name.removesuffix(".sha256")
    base, _, ext = stem.partition(".")
    return (ext, checksum) if base == NAME and ext in FORMATS else None


async def dump_file(request: Request) -> Response:
    """``/dumps/hwkg.{ext}`` and ``/dumps/hwkg.{ext}.sha256``."""
    parsed = _parse(request.path_params["name"])
    if parsed is None:
        return PlainTextResponse("no such dump; see /dumps/\n", status_code=404)
    ext, checksum = parsed
    dump = await CACHE.fetch(request, ext)
    if checksum:
        return PlainTextResponse(checksum_line(dump.sha256, dump.path.name))
    fmt = FORMATS[ext]
    return FileResponse(dump.path, media_type=fmt.media_type, filename=dump.path.name,
                        headers={"ETag": f'"{dump.sha256}"', "Digest": f"sha-256={dump.sha256}"})


async def index(request: Request) -> Response:
    """``/dumps/``: every dump with its size and checksum (HTML or JSON)."""
    rows = []
    for ext, fmt in FORMATS.items():
        dump = await CACHE.fetch(request, ext)
        rows.append({"format": fmt.title, "media_type": fmt.media_type,
                     "url": f"/dumps/{dump.path.name}", "sha256": dump.sha256,
                     "checksum_url": f"/dumps/{dump.path.name}.sha256", "bytes": dump.size})
    if negotiation.prefers_html(request.headers.get("accept"), ["application/json"]):
        return pages.render("dumps.html", dumps=rows,
                            graph_version=request.app.state.graph.current.version)
    return JSONResponse({"version": request.app.state.graph.current.version, "dumps": rows})


async def context_document(request: Request) -> Response:
    """``/context.jsonld``: the JSON-LD context of the dumps."""
    return JSONResponse(context(), media_type="application/ld+json")


def routes() -> list[BaseRoute]:
    return [
        Route("/dumps/", index, methods=["GET", "HEAD"], name="dumps"),
        Route("/dumps", index, methods=["GET", "HEAD"]),
        Route("/dumps/{name}", dump_file, methods=["GET", "HEAD"], name="dump"),
        Route("/context.jsonld", context_document, methods=["GET", "HEAD"], name="context"),
    ]
