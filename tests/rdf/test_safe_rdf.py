"""Untrusted RDF: DTDs refused, remote contexts refused, relative IRIs kept off file:."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from cspkg.errors import RdfInputError, RequestTooLarge
from cspkg.rdf.safe_rdf import (
    UPLOAD_BASE,
    parse_untrusted,
    parser_name,
    refuse_dtd,
    refuse_remote_contexts,
)

RDF_XML = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://ex.org/">
  <rdf:Description rdf:about="http://ex.org/a"><ex:p>x</ex:p></rdf:Description>
</rdf:RDF>"""
WITH_DTD = RDF_XML.replace(b"<rdf:RDF", b'<!DOCTYPE rdf:RDF [<!ENTITY e "v">]>\n<rdf:RDF', 1)


def test_plain_rdf_xml_parses() -> None:
    graph = parse_untrusted(RDF_XML, "application/rdf+xml")
    assert len(graph) == 1


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
    assert len(parse_untrusted(document, "json-ld")) == 1


def test_relative_iris_resolve_against_upload_base() -> None:
    graph = parse_untrusted(b"<a> <b> <c> .", "text/turtle")
    assert (
        URIRef(UPLOAD_BASE + "a"),
        URIRef(UPLOAD_BASE + "b"),
        URIRef(UPLOAD_BASE + "c"),
    ) in graph


def test_deep_nesting_is_an_input_error() -> None:
    with pytest.raises(RdfInputError, match="nested too deeply"):
        parse_untrusted(b"<urn:a> <urn:b> " + b"(" * 3000 + b")" * 3000 + b" .", "turtle")


def test_failed_parse_adds_nothing() -> None:
    graph = Graph()
    with pytest.raises(RdfInputError):
        parse_untrusted(b"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .", "nt", graph=graph)
    assert len(graph) == 0


def test_size_limit_and_unknown_format() -> None:
    with pytest.raises(RequestTooLarge):
        parse_untrusted(b"<urn:a> <urn:b> <urn:c> .", "nt", max_bytes=5)
    with pytest.raises(RdfInputError, match="unsupported RDF format"):
        parser_name("application/x-shockwave-flash")
