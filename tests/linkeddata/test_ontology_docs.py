"""The ontology at its own IRI: HTML documentation of every term and shape, RDF by conneg."""

from __future__ import annotations

import html
import re

import httpx
import pyoxigraph as ox
import pytest

from hwkg.core.namespaces import GRAPH_ONTOLOGY, GRAPH_SHAPES
from hwkg.linkeddata.ontology_docs import anchor

pytestmark = pytest.mark.server

TERMS = """SELECT DISTINCT ?t WHERE { ?t a ?k FILTER(isIRI(?t)) VALUES ?k {
  owl:Class rdfs:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
  rdf:Property hw:FigureProperty sh:NodeShape sh:PropertyShape } }"""


@pytest.fixture(scope="module")
def client(live_server: str) -> httpx.Client:
    return httpx.Client(base_url=live_server, timeout=60)


def graph(client: httpx.Client, path: str, media_type: str) -> list[ox.Quad]:
    response = client.get(path, headers={"accept": media_type})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    return list(ox.parse(response.content, ox.RdfFormat.from_media_type(media_type)))


def canonical(quads: list[ox.Quad]) -> ox.Dataset:
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


@pytest.mark.parametrize("media_type", ["text/turtle", "application/n-triples",
                                        "application/ld+json", "application/rdf+xml"])
def test_rdf_by_negotiation(client: httpx.Client, media_type: str) -> None:
    dump = list(ox.parse(client.get("/dumps/hwkg.nq").content, ox.RdfFormat.N_QUADS))
    for path, name in (("/ontology", GRAPH_ONTOLOGY), ("/shapes", GRAPH_SHAPES)):
        served = graph(client, path, media_type)
        stored = [q for q in dump if q.graph_name == ox.NamedNode(name)]
        assert stored and canonical(served) == canonical(stored)


def test_every_term_and_shape_is_documented(client: httpx.Client) -> None:
    store = ox.Store()
    for path in ("/ontology.ttl", "/shapes.ttl"):
        store.load(client.get(path).content, ox.RdfFormat.TURTLE)
    terms = [row["t"].value for row in store.query(TERMS, prefixes={  # type: ignore[union-attr]
        "owl": "http://www.w3.org/2002/07/owl#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "hw": "https://w3id.org/hwkg/ontology#", "sh": "http://www.w3.org/ns/shacl#"})]
    page = client.get("/ontology", headers={"accept": "text/html"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    ids = {html.unescape(m) for m in re.findall(r'<section class="term" id="([^"]+)"', page.text)}
    missing = [t for t in terms if anchor(t) not in ids]
    assert len(terms) > 20 and not missing, missing[:10]


def test_entity_pages_link_into_the_docs(client: httpx.Client) -> None:
    """Every link from an entity page into /ontology (properties, truthy shortcuts, units,
    values) lands on a documented term."""
    page = client.get("/ontology", headers={"accept": "text/html"}).text
    ids = {html.unescape(m) for m in re.findall(r'<section class="term" id="([^"]+)"', page)}
    assert "Chip" in ids and "Statement" in ids
    chip = client.get("/data/chip/nvidia-h100-sxm5-80gb.html")
    if chip.status_code == 404:
        pytest.skip("the bundled chip is not in this graph")
    links = {html.unescape(m) for m in re.findall(r'href="/ontology#([^"]+)"', chip.text)}
    assert any(link.startswith("truthy-") for link in links)
    assert links - ids == set()


@pytest.mark.parametrize("path", ["/truthy/memoryCapacity", "/truthy/computeBF16Sparse",
                                  "/unit/TeraBYTE-PER-SEC", "/quantitykind/DataSize"])
def test_vocabulary_slash_iris_dereference(client: httpx.Client, path: str) -> None:
    for accept in ("text/html", "text/turtle"):
        response = client.get(path, headers={"accept": accept}, follow_redirects=False)
        assert response.status_code == 303, response.text
        space, _, name = path.strip("/").partition("/")
        assert response.headers["location"] == f"/ontology#{space}-{name}"
    described = client.get(path, headers={"accept": "text/turtle"}, follow_redirects=True)
    store = ox.Store()
    store.load(described.content, ox.RdfFormat.TURTLE)
    iri = ox.NamedNode("https://w3id.org/hwkg" + path)
    assert list(store.quads_for_pattern(iri, None, None))


def test_unknown_vocabulary_terms_are_404(client: httpx.Client) -> None:
    for path in ("/truthy/noSuchFigure", "/unit/NO-SUCH-UNIT", "/quantitykind/Nothing"):
        assert client.get(path, follow_redirects=False).status_code == 404
