"""The web twins' renderings: spreadsheet CSV and developer JSON cells."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cspkg.services.results import defuse, json_cell, json_rows, spreadsheet_csv
from cspkg.store.base import SelectResult
from cspkg.store.serialize import write_csv

XSD = "http://www.w3.org/2001/XMLSchema#"


def typed(value: str, name: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + name))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1234", "'+44 1234"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_defuse(text: str, expected: str) -> None:
    assert defuse(text) == expected


def test_spreadsheet_csv_has_bom_crlf_and_defused_cells() -> None:
    rows = [(ox.Literal(f"=x{i}"), ox.NamedNode(f"urn:x:{i}")) for i in range(1200)]
    data = b"".join(spreadsheet_csv(SelectResult(("a", "b"), rows)))
    assert data.startswith(b"\xef\xbb\xbfa,b\r\n'=x0,urn:x:0\r\n")
    assert data.count(b"\r\n") == 1201 and data.endswith(b"'=x1199,urn:x:1199\r\n")


@pytest.mark.parametrize(
    ("term", "cell"),
    [
        (None, None),
        (ox.Literal("x"), {"type": "string", "value": "x"}),
        (ox.Literal("x", language="en"), {"type": "string", "value": "x", "lang": "en"}),
        (typed("7", "integer"), {"type": "integer", "value": 7, "datatype": XSD + "integer"}),
        (
            typed("7", "nonNegativeInteger"),
            {"type": "integer", "value": 7, "datatype": XSD + "nonNegativeInteger"},
        ),
        (typed("true", "boolean"), {"type": "boolean", "value": True, "datatype": XSD + "boolean"}),
        (typed("2.5", "double"), {"type": "double", "value": 2.5, "datatype": XSD + "double"}),
        (typed("INF", "double"), {"type": "double", "value": "INF", "datatype": XSD + "double"}),
        (
            typed("1.10", "decimal"),
            {"type": "decimal", "value": "1.10", "datatype": XSD + "decimal"},
        ),
        (
            typed("2025-01-01", "date"),
            {"type": "date", "value": "2025-01-01", "datatype": XSD + "date"},
        ),
        (
            ox.Literal("v", datatype=ox.NamedNode("urn:t")),
            {"type": "literal", "value": "v", "datatype": "urn:t"},
        ),
        (ox.BlankNode("b1"), {"type": "bnode", "value": "b1"}),
    ],
)
def test_json_cell_types(term: ox.Literal | ox.BlankNode | None, cell: object) -> None:
    assert json_cell(term) == cell


def test_json_rows_put_labels_on_iri_cells() -> None:
    table = SelectResult(
        ("x", "xLabel", "y"), [(ox.NamedNode("urn:a"), ox.Literal("A"), ox.NamedNode("urn:b"))]
    )
    (row,) = json_rows(table)
    assert row["x"] == {"type": "iri", "value": "urn:a", "label": "A"}
    assert row["y"] == {"type": "iri", "value": "urn:b"}


def test_one_csv_writer_defuses_strings_but_not_numbers() -> None:
    """The SPARQL CSV results and the spreadsheet CSV come from one writer: a string
    that a spreadsheet would run is quoted, a negative number stays a number."""
    rows = [(ox.Literal('=HYPERLINK("x")'), typed("-3", "integer"), ox.Literal("-3"))]
    table = SelectResult(("a", "b", "c"), rows)
    sparql_csv = b"".join(write_csv(table)).decode()
    assert sparql_csv == 'a,b,c\r\n"\'=HYPERLINK(""x"")",-3,\'-3\r\n'
    spreadsheet = b"".join(spreadsheet_csv(table, ["=A", "B", "C"])).decode("utf-8-sig")
    assert spreadsheet.splitlines()[0] == "'=A,B,C"
    assert spreadsheet.splitlines()[1] == sparql_csv.splitlines()[1]
