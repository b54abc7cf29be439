"""Dumps, checksums, the JSON-LD context, ``hwkg export`` and the VoID/DCAT description.

Round trip: every dump, parsed by pyoxigraph, holds the same triples as the store (blank
nodes compared after canonicalisation). The reference store is the bundled graph loaded in
this process; if the files changed between that load and the server's, the comparison is
skipped rather than guessed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from conftest import ROOT
from hwkg.loading.snapshot import Snapshot

pytestmark = pytest.mark.server

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
           "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD}
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def client(live_server: str) -> httpx.Client:
    return httpx.Client(base_url=live_server, timeout=120)


@pytest.fixture(scope="module")
def same_graph(client: httpx.Client, snapshot: Snapshot) -> Snapshot:
    if client.get("/health").json()["version"] != snapshot.version:
        pytest.skip("graph files changed between the server's load and this process's")
    return snapshot


def canonical(quads: list[ox.Quad], as_triples: bool) -> ox.Dataset:
    if as_triples:
        quads = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


@pytest.mark.parametrize("ext", FORMATS)
def test_dump_round_trip(client: httpx.Client, same_graph: Snapshot, ext: str) -> None:
    response = client.get(f"/dumps/hwkg.{ext}")
    assert response.status_code == 200
    checksum = client.get(f"/dumps/hwkg.{ext}.sha256").text
    assert checksum == f"{hashlib.sha256(response.content).hexdigest()}  hwkg.{ext}\n"
    parsed = list(ox.parse(response.content, FORMATS[ext]))
    store_quads = list(same_graph.store)
    as_triples = ext != "nq"
    assert canonical(parsed, as_triples) == canonical(store_quads, as_triples)
    if as_triples:
        assert len(parsed) == len({q.triple for q in store_quads})


def test_jsonld_context_is_published_and_used(client: httpx.Client) -> None:
    context = client.get("/context.jsonld")
    assert context.headers["content-type"].startswith("application/ld+json")
    published = context.json()["@context"]
    assert published["hw"] == "https://w3id.org/hwkg/ontology#"
    dump = json.loads(client.get("/dumps/hwkg.jsonld").content)
    assert dump["@context"] == published and dump["@graph"]


def test_dump_index(client: httpx.Client) -> None:
    listing = client.get("/dumps/", headers={"accept": "application/json"}).json()["dumps"]
    assert {d["url"].rsplit(".", 1)[1] for d in listing} == set(FORMATS)
    page = client.get("/dumps/", headers={"accept": "text/html"})
    assert all(d["sha256"] in page.text for d in listing)


def test_export_command(tmp_path: Path, client: httpx.Client) -> None:
    out = tmp_path / "graph.nt"
    done = subprocess.run([sys.executable, "-m", "hwkg", "export", "--format", "nt",
                           "--output", str(out)], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert done.stdout == f"{digest}  graph.nt\n"
    assert (tmp_path / "graph.nt.sha256").read_text() == done.stdout
    check = subprocess.run(["sha256sum", "-c", "graph.nt.sha256"], cwd=tmp_path,
                           capture_output=True, check=False)
    assert check.returncode == 0
    assert list(ox.parse(path=out, format=ox.RdfFormat.N_TRIPLES))


@pytest.mark.parametrize("ext", ["ttl", "nq", "jsonld"])
def test_exports_are_byte_identical_and_equal_to_the_published_dump(
        tmp_path: Path, client: httpx.Client, same_graph: Snapshot, ext: str) -> None:
    """Two ``hwkg export`` runs in two processes give the same bytes, and those bytes are the
    ``/dumps/`` file, whose published checksum therefore checks a local export."""
    outs = []
    for run in ("a", "b"):
        out = tmp_path / f"{run}.{ext}"
        done = subprocess.run([sys.executable, "-m", "hwkg", "export", "--format", ext,
                               "--output", str(out)], cwd=ROOT, capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    published = client.get(f"/dumps/hwkg.{ext}")
    assert published.status_code == 200 and published.content == outs[0]
    digest = client.get(f"/dumps/hwkg.{ext}.sha256").text.split()[0]
    assert digest == hashlib.sha256(outs[0]).hexdigest()


def test_void_description(client: httpx.Client) -> None:
    response = client.get("/.well-known/void", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    store = ox.Store()
    store.load(response.content, ox.RdfFormat.TURTLE)
    row = next(iter(store.query(  # type: ignore[arg-type]
        "SELECT * { ?d a void:Dataset, dcat:Dataset ; void:triples ?t ; void:entities ?e ; "
        "void:classes ?c ; void:sparqlEndpoint ?ep ; dcterms:license ?lic ; owl:versionInfo ?v }",
        prefixes={"void": VOID, "dcat": "http://www.w3.org/ns/dcat#",
                  "dcterms": "http://purl.org/dc/terms/", "owl": "http://www.w3.org/2002/07/owl#"})))
    health = client.get("/health").json()
    assert row["v"].value == health["version"]
    assert int(row["t"].value) <= health["triples"] and int(row["e"].value) > 0
    assert client.get(row["ep"].value.replace(str(client.base_url).rstrip("/"), ""),
                      params={"query": "ASK {}"}).status_code == 200
    sums = list(store.query(
        "SELECT ?url ?sum { ?dist dcat:downloadURL ?url ; spdx:checksum/spdx:checksumValue ?sum }",
        prefixes={"dcat": "http://www.w3.org/ns/dcat#", "spdx": "http://spdx.org/rdf/terms#"}))
    assert len(sums) == len(FORMATS)
    for item in sums:
        path = item["url"].value.replace(str(client.base_url).rstrip("/"), "")
        assert client.get(path + ".sha256").text.split()[0] == item["sum"].value


LEAK_SCRIPT = """
import os, tempfile
import pyoxigraph as ox
from hwkg.core import namespaces
from hwkg.linkeddata import dumps
assert os.listdir(tempfile.gettempdir()) == [], os.listdir(tempfile.gettempdir())
store = ox.Store()
store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"),
                  ox.NamedNode(namespaces.GRAPH_DATA)))
dump = dumps.CACHE.get(store, "v1", "nt")
assert dump.path.exists() and dump.size > 0
print(len(os.listdir(tempfile.gettempdir())))
"""


def test_dump_files_leave_no_temporary_folders(tmp_path: Path) -> None:
    """Importing the module makes no folder; a written dump's folder is removed at exit."""
    done = subprocess.run([sys.executable, "-c", LEAK_SCRIPT], capture_output=True, text=True,
                          env={"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"  # the dump's folder existed while the process ran
    assert list(tmp_path.iterdir()) == []
