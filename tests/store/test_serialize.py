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


def test_json_rows_are_the_dumped_binding_objects() -> None:
    """The text-built rows equal ``json.dumps`` of the spec's binding objects, for every
    term kind (quoted triples too), repeated terms, non-ASCII text and control characters,
    across more rows than one written chunk."""
    quoted = Triple(NamedNode("http://e/s"), NamedNode("http://e/p"), Literal("é\u2028"))
    terms = [
        NamedNode("http://e/é?q=x%22"),
        BlankNode("b1"),
        Literal('line\nbreak \\ "quoted" \x01'),
        Literal("Grüße", language="de-AT"),
        Literal("2024-10-01", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        quoted,
        None,
    ]
    rows = [(terms[i % 7], terms[(i * 3) % 7]) for i in range(1200)]
    data = b"".join(write_json(SelectResult(("a", "b"), rows))).decode()
    document = json.loads(data)
    expected = [
        {name: _expected(term) for name, term in zip(("a", "b"), row, strict=True) if term}
        for row in rows
    ]
    assert document["results"]["bindings"] == expected
    lines = data.split(",\n")
    assert lines[1] == json.dumps(expected[1], ensure_ascii=False)


def _expected(term: object) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: _expected(getattr(term, p)) for p in parts}}
    assert isinstance(term, Literal)
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


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
