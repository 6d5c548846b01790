"""Reading RDF files: syntax by extension, and errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from cspkg.config import load_settings
from cspkg.errors import RdfInputError
from cspkg.rdf.rdf_files import (
    built_graph_files,
    load_rdf_files,
    parse_into,
    turtle_files,
)
from cspkg.rdf.safe_rdf import file_format

TRIPLE = ("http://example.org/s", "http://example.org/p", "http://example.org/o")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_every_supported_syntax_loads_into_one_graph(tmp_path: Path) -> None:
    s, p, o = TRIPLE
    files = [
        write(tmp_path / "a.ttl", f"<{s}> <{p}> <{o}> ."),
        write(tmp_path / "b.nt", f"<{s}> <{p}> <{s}2> .\n"),
        write(tmp_path / "c.jsonld", f'{{"@id": "{s}", "{p}": {{"@id": "{s}3"}}}}'),
        write(
            tmp_path / "d.rdf",
            f"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                xmlns:ex="http://example.org/">
              <rdf:Description rdf:about="{s}"><ex:p rdf:resource="{s}4"/></rdf:Description>
            </rdf:RDF>""",
        ),
    ]
    graph = load_rdf_files(files)
    assert set(graph.objects(URIRef(s), URIRef(p))) == {
        URIRef(x) for x in (o, s + "2", s + "3", s + "4")
    }


BAD_TURTLE = "@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b .\n"
BAD_XML = "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n\n<x"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.ttl", BAD_TURTLE, "bad.ttl: not valid Turtle: line 3"),
        ("bad.rdf", BAD_XML, "bad.rdf: not well-formed XML (unclosed token, line 3)"),
        ("bad.jsonld", '{\n  "@id": \n', "bad.jsonld: not valid JSON-LD (line 3"),
        ("bad.nt", "<http://a> <http://b> .\n", "bad.nt: not valid N-Triples: line 1"),
    ],
)
def test_bad_rdf_is_named_with_its_line(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    with pytest.raises(RdfInputError) as caught:
        load_rdf_files([write(tmp_path / name, text)])
    assert str(caught.value).startswith(expected)
    assert str(tmp_path) not in str(caught.value)


def test_missing_file_and_unknown_extension_are_clear(tmp_path: Path) -> None:
    with pytest.raises(RdfInputError, match=r"^gone\.ttl: cannot read file"):
        load_rdf_files([tmp_path / "gone.ttl"])
    with pytest.raises(RdfInputError, match=r"unknown RDF file extension '\.csv'"):
        file_format(tmp_path / "table.csv")


def test_files_are_named_relative_to_a_root(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    bad = write(tmp_path / "data" / "x.ttl", "nonsense")
    with pytest.raises(RdfInputError, match=r"^data/x\.ttl: "):
        load_rdf_files([bad], root=tmp_path)


def test_turtle_files_are_found_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    for name in ("b/c/z.ttl", "a.ttl", "b/y.ttl", "b/notes.txt"):
        write(tmp_path / name, "")
    found = [p.relative_to(tmp_path).as_posix() for p in turtle_files(tmp_path, tmp_path / "none")]
    assert found == ["a.ttl", "b/c/z.ttl", "b/y.ttl"]


def test_the_built_graph_is_ontology_then_data(tmp_path: Path) -> None:
    write(tmp_path / "plan.ttl", "")
    settings = load_settings(environ={}, data_dir=tmp_path)
    files = built_graph_files(settings)
    assert files[0].parent == settings.ontology_dir
    assert files[-1] == tmp_path / "plan.ttl"


def test_validate_refuses_rdfxml_with_a_dtd(tmp_path: Path) -> None:
    """A file given to `cspkg validate` is input: no entity expansion, no file reads."""
    path = tmp_path / "laughs.rdf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
        encoding="utf-8",
    )
    with pytest.raises(RdfInputError, match=r"laughs\.rdf"):
        parse_into(Graph(), path)


def test_validate_refuses_jsonld_with_a_remote_context(tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "file:///etc/passwd", "@id": "urn:x"}', encoding="utf-8")
    with pytest.raises(RdfInputError, match=r"remote\.jsonld"):
        parse_into(Graph(), path)
