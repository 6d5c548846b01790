"""Result writers produce the W3C formats byte for byte where the spec is strict."""

from __future__ import annotations

import json

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from cspkg.store.base import AskResult, SelectResult
from cspkg.store.serialize import write_csv, write_graph, write_json, write_tsv, write_xml

INT = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
RESULT = SelectResult(
    ("s", "o"),
    [
        (NamedNode("http://e/s"), Literal('a,b "q"')),
        (BlankNode("b0"), Literal("x\ty", language="en")),
        (NamedNode("http://e/t"), None),
        (NamedNode("http://e/u"), Literal("4", datatype=INT)),
    ],
)


def test_json() -> None:
    data = json.loads(b"".join(write_json(RESULT)))
    assert data["head"]["vars"] == ["s", "o"]
    rows = data["results"]["bindings"]
    assert rows[0]["o"] == {"type": "literal", "value": 'a,b "q"'}
    assert rows[1]["o"] == {"type": "literal", "value": "x\ty", "xml:lang": "en"}
    assert rows[1]["s"] == {"type": "bnode", "value": "b0"}
    assert "o" not in rows[2]
    assert rows[3]["o"]["datatype"] == str(INT.value)
    assert json.loads(b"".join(write_json(AskResult(True)))) == {"head": {}, "boolean": True}


def test_csv_quotes_and_crlf() -> None:
    text = b"".join(write_csv(RESULT)).decode()
    assert text.split("\r\n")[:3] == ["s,o", 'http://e/s,"a,b ""q"""', "_:b0,x\ty"]


def test_tsv_uses_ntriples_terms_and_escapes_tabs() -> None:
    lines = b"".join(write_tsv(RESULT)).decode().split("\n")
    assert lines[0] == "?s\t?o"
    assert lines[2] == '_:b0\t"x\\ty"@en'
    assert lines[3] == "<http://e/t>\t"


def test_xml_escapes() -> None:
    text = b"".join(write_xml(RESULT)).decode()
    assert '<variable name="s"/>' in text and 'a,b "q"' in text
    assert "<boolean>false</boolean>" in b"".join(write_xml(AskResult(False))).decode()


def test_graph_prefixes_only_used_ones() -> None:
    triple = Triple(NamedNode("http://www.w3.org/2004/02/skos/core#a"), INT, Literal("1"))
    text = write_graph(
        [triple],
        "text/turtle",
        {"skos": "http://www.w3.org/2004/02/skos/core#", "foaf": "http://xmlns.com/foaf/0.1/"},
    ).decode()
    assert "@prefix skos:" in text and "foaf" not in text
