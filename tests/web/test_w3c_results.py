"""W3C csv-tsv-res and json-res tests, run through /sparql on both stores.

Each test's data was loaded into its own graph (``urn:w3c:{folder}/{file}``) and the
query runs with that graph as the protocol default graph.  CSV and TSV are compared as
the spec allows: blank node labels up to renaming, columns by name (``SELECT *`` leaves
their order to the engine), numbers by value (TSV's abbreviated forms; Oxigraph's
canonical doubles), JSON bindings as multisets.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Namespace

from ..conftest import W3C, Live

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
XSD = "http://www.w3.org/2001/XMLSchema#"


def load_cases() -> list[tuple[str, Path, Path, Path]]:
    cases = []
    for folder in ("csv-tsv-res", "json-res"):
        graph = Graph().parse(W3C / folder / "manifest.ttl", format="turtle")
        for test in graph.subjects(MF.result, None):
            action = graph.value(test, MF.action)
            path = lambda node: Path(str(node).removeprefix("file://"))  # noqa: E731
            cases.append(
                (
                    str(graph.value(test, MF.name)),
                    path(graph.value(action, QT.query)),
                    path(graph.value(action, QT.data)),
                    path(graph.value(test, MF.result)),
                )
            )
    return sorted(cases)


CASES = load_cases()


def _blank_free(rows: list[list[str]], marker: str) -> list[list[str]]:
    """Rename blank nodes in order of appearance so labels can differ."""
    names: dict[str, str] = {}
    out = []
    for row in rows:
        out.append(
            [names.setdefault(c, f"{marker}{len(names)}") if c.startswith("_:") else c for c in row]
        )
    return out


def _tsv_term(cell: str) -> object:
    if re.fullmatch(r"[+-]?\d+", cell):
        return ("num", XSD + "integer", Decimal(cell))
    if re.fullmatch(r"[+-]?\d*\.\d+", cell):
        return ("num", XSD + "decimal", Decimal(cell))
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+", cell):
        return ("num", XSD + "double", float(cell))
    match = re.fullmatch(r'"(.*)"\^\^<(.*)>', cell)
    if match and match.group(2) in (XSD + "integer", XSD + "decimal"):
        return ("num", match.group(2), Decimal(match.group(1)))
    if match and match.group(2) == XSD + "double":
        return ("num", match.group(2), float(match.group(1)))
    return cell


def _rows(text: str, sep: str) -> list[list[str]]:
    if sep == ",":
        return [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    lines = [line for line in re.split(r"\r?\n", text) if line]
    return [line.split(sep) for line in lines]


ENGINE_LIMITS = {
    "tsv03 - TSV Result Format": "Oxigraph stores xsd:negativeInteger as xsd:integer, "
    'so TSV (which keeps datatypes) shows "-3"^^xsd:integer'
}


def _case(case: tuple[str, Path, Path, Path]) -> object:
    reason = ENGINE_LIMITS.get(case[0])
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(*case, id=case[0], marks=marks)


@pytest.mark.parametrize(("name", "query", "data", "expected"), [_case(c) for c in CASES])
def test_results_format(name: str, query: Path, data: Path, expected: Path, live: Live) -> None:
    graph = f"urn:w3c:{data.parent.name}/{data.name}"
    fmt = {".csv": "csv", ".tsv": "tsv", ".srj": "json"}[expected.suffix]
    response = requests.post(
        live.sparql,
        params={"default-graph-uri": graph, "format": fmt},
        data=query.read_bytes(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    want = expected.read_text(encoding="utf-8")
    if fmt == "json":
        got, exp = response.json(), json.loads(want)
        if "boolean" in exp:
            assert got["boolean"] == exp["boolean"]
            return
        assert sorted(got["head"]["vars"]) == sorted(exp["head"]["vars"])
        assert _bindings(got) == _bindings(exp)
        return
    sep = "," if fmt == "csv" else "\t"
    if fmt == "csv":
        assert response.content.endswith(b"\r\n")
    got_rows = _by_header(_rows(response.text, sep), _rows(want, sep)[0])
    got_rows, exp_rows = _blank_free(got_rows, "_:"), _blank_free(_rows(want, sep), "_:")
    term = _tsv_term if fmt == "tsv" else _csv_value
    assert [[term(c) for c in row] for row in got_rows] == [
        [term(c) for c in row] for row in exp_rows
    ]


def _csv_value(cell: str) -> object:
    """Numbers by value: Oxigraph stores doubles as numbers, so "1.0E6" comes back as
    "1000000" (the same xsd:double; CSV carries no datatype to tell them apart)."""
    try:
        return float(cell) if re.fullmatch(r"[+-]?[\d.]+([eE][+-]?\d+)?", cell) else cell
    except ValueError:
        return cell


def _by_header(rows: list[list[str]], header: list[str]) -> list[list[str]]:
    """Columns in the expected order: SELECT * leaves the order to the engine."""
    index = [rows[0].index(name) for name in header]
    return [[row[i] for i in index] for row in rows]


def _bindings(document: dict) -> Counter[str]:
    """Bindings as a multiset, blank node labels erased (each test has at most one)."""
    return Counter(
        json.dumps(
            {k: {**v, "value": "_"} if v["type"] == "bnode" else v for k, v in b.items()},
            sort_keys=True,
        )
        for b in document["results"]["bindings"]
    )
