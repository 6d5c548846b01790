"""The one parser for untrusted RDF: DTDs refused, remote contexts refused, depth and
size limited, strict terms, relative IRIs kept off file:."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Triple
from rdflib import Literal, URIRef

from cspkg.errors import RdfInputError, RequestTooLarge
from cspkg.rdf.safe_rdf import (
    MAX_DEPTH,
    UPLOAD_BASE,
    parse_rdf,
    rdf_format,
    refuse_dtd,
    refuse_remote_contexts,
    to_graph,
)

RDF_XML = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">
  <rdf:Description rdf:about="http://ex.org/a"><ex:p>x</ex:p></rdf:Description>
</rdf:RDF>"""
WITH_DTD = RDF_XML.replace(b"<rdf:RDF", b'<!DOCTYPE rdf:RDF [<!ENTITY e "v">]>\n<rdf:RDF', 1)


def test_plain_rdf_xml_parses() -> None:
    assert len(parse_rdf(RDF_XML, "application/rdf+xml")) == 1


def test_dtd_refused_by_the_parser_itself() -> None:
    with pytest.raises(RdfInputError, match="document type declarations"):
        parse_rdf(WITH_DTD, "xml", name="x.rdf")


@pytest.mark.parametrize(
    "document",
    [
        WITH_DTD,
        RDF_XML.replace(b"<rdf:RDF", b"<!DOCTYPE rdf:RDF>\n<rdf:RDF", 1),
        RDF_XML.replace(b"<rdf:RDF", b'<!DOCTYPE rdf:RDF SYSTEM "http://x/d.dtd">\n<rdf:RDF', 1),
        WITH_DTD.decode().encode("utf-16"),
    ],
)
def test_any_dtd_refused(document: bytes) -> None:
    with pytest.raises(RdfInputError, match="document type declarations"):
        refuse_dtd(document)


def test_not_xml_refused() -> None:
    with pytest.raises(RdfInputError, match="not well-formed XML"):
        refuse_dtd(b"<a><b></a>")


@pytest.mark.parametrize(
    "document",
    [
        b'{"@context": "http://x/ctx", "@id": "http://x/a"}',
        b'{"@context": ["http://x/ctx", {"p": "http://x/p"}]}',
        b'{"@context": {"@import": "http://x/ctx"}}',
        b'{"@graph": [{"@context": "file:///etc/passwd"}]}',
        b'{"@context": {"t": {"@id": "http://x/t", "@context": "http://x/scoped"}}}',
    ],
)
def test_remote_contexts_refused(document: bytes) -> None:
    with pytest.raises(RdfInputError, match="remote JSON-LD contexts"):
        refuse_remote_contexts(document)


def test_inline_context_parses() -> None:
    document = b'{"@context": {"p": "http://x/p"}, "@id": "http://x/a", "p": "v"}'
    assert len(parse_rdf(document, "json-ld")) == 1


@pytest.mark.parametrize(
    ("fmt", "document"),
    [
        (
            "json-ld",
            b'{"@id": "http://x/a", "http://x/p": ' * (MAX_DEPTH + 1)
            + b"1"
            + b"}" * (MAX_DEPTH + 1),
        ),
        ("xml", b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1)),
    ],
)
def test_nesting_deeper_than_the_limit_refused(fmt: str, document: bytes) -> None:
    with pytest.raises(RdfInputError, match="nested"):
        parse_rdf(document, fmt)


def test_relative_iris_resolve_against_upload_base() -> None:
    triples = parse_rdf(b"<a> <b> <c> .", "text/turtle")
    assert triples == [Triple(*(NamedNode(UPLOAD_BASE + x) for x in "abc"))]


def test_deep_turtle_nesting_parses_without_recursion() -> None:
    deep = b"<urn:a> <urn:b> " + b"(" * 30_000 + b")" * 30_000 + b" ."
    assert len(parse_rdf(deep, "turtle")) > 1


def test_bad_terms_and_triple_terms_refused() -> None:
    with pytest.raises(RdfInputError, match="line 1"):
        parse_rdf(b"<a b> <urn:p> <urn:o> .", "turtle")
    with pytest.raises(RdfInputError, match="triple terms"):
        parse_rdf(b"<urn:a> <urn:b> <<( <urn:a> <urn:b> <urn:c> )>> .", "turtle")


def test_a_file_is_read_and_named_as_given(tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    path.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n")
    with pytest.raises(RdfInputError, match=r"^given/x\.ttl: not valid Turtle: line 2"):
        parse_rdf(path, "turtle", name="given/x.ttl")
    with pytest.raises(RdfInputError, match="cannot read file"):
        parse_rdf(tmp_path / "gone.ttl", "turtle", name="gone.ttl")


def test_to_graph_keeps_literals_as_rdflib_reads_them() -> None:
    graph = to_graph(parse_rdf(b'<urn:a> <urn:b> "x", "y"@en, 1 .', "turtle"))
    assert set(graph.objects()) == {Literal("x"), Literal("y", lang="en"), Literal(1)}
    assert all(isinstance(s, URIRef) for s in graph.subjects())


def test_size_limit_and_unknown_format() -> None:
    with pytest.raises(RequestTooLarge):
        parse_rdf(b"<urn:a> <urn:b> <urn:c> .", "nt", max_bytes=5)
    with pytest.raises(RdfInputError, match="unsupported RDF format"):
        rdf_format("application/x-shockwave-flash")
