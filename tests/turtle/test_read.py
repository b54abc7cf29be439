"""``hwkg.turtle.parsing.read``: Oxigraph parses, rdflib's graph comes out the same."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from hwkg.core import resources
from hwkg.turtle.parsing import parse_file, read


def test_every_bundled_file_reads_as_rdflib_parses_it() -> None:
    """Each file of the bundled graph gives a graph isomorphic to rdflib's own parse."""
    files = resources.turtle_files(resources.home() / "graph")
    assert len(files) > 1000
    different = []
    for path in files:
        fast, _, problems = read([path])
        slow = parse_file(path).graph
        assert not problems and slow is not None, path
        if not isomorphic(fast, slow):
            different.append(path)
    assert different == []


def test_blank_nodes_of_two_files_stay_apart_and_subjects_name_their_first_file(
        tmp_path: Path) -> None:
    first, second = tmp_path / "a.ttl", tmp_path / "b.ttl"
    text = ('@prefix ex: <https://example.org/> .\n'
            'ex:chip ex:figure [ ex:value 1 ; ex:label "x"@en-GB , "y" ] .\n')
    first.write_text(text)
    second.write_text(text)
    graph, files, problems = read([first, second])
    assert problems == []
    assert len(set(graph.objects(URIRef("https://example.org/chip"),
                                 URIRef("https://example.org/figure")))) == 2
    assert files == {URIRef("https://example.org/chip"): str(first)}
    labels = set(graph.objects(None, URIRef("https://example.org/label")))
    assert labels == {Literal("x", lang="en-gb"), Literal("y")}


def test_a_file_that_does_not_parse_is_reported_as_parse_file_does_and_the_rest_read(
        tmp_path: Path) -> None:
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text("<https://example.org/a> <https://example.org/p> 1 .\n")
    bad.write_text("<https://example.org/b> <https://example.org/p> 1 .\n"
                   "<https://example.org/c> <https://example.org/p> \n")
    graph, _files, problems = read([bad, good])
    assert len(graph) == 1
    assert problems == [parse_file(bad).problem]  # rdflib's report, which names a line
    assert problems[0].file == str(bad) and problems[0].line is not None
    assert problems[0].message.startswith("syntax error")
