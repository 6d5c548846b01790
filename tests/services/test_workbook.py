"""The workbook writer: typed cells, text that never runs, names Excel accepts."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pyoxigraph as ox

from cspkg.catalog import parse_query
from cspkg.services.workbook import About, workbook
from cspkg.store.base import SelectResult

XSD = "http://www.w3.org/2001/XMLSchema#"
QUERY = parse_query(
    "sample",
    """# title: Sample
# description: A sample.
# param: text string default="x"
# columns: thing thingLabel note due count
# titles: count="How many"
SELECT ?thing ?thingLabel ?note ?due ?count WHERE {
  BIND ($text AS ?note) BIND (<urn:x> AS ?thing) BIND ("X" AS ?thingLabel)
  BIND ("2025-01-31"^^<http://www.w3.org/2001/XMLSchema#date> AS ?due) BIND (1 AS ?count)
}
""",
)


def test_cells_are_typed_and_formulas_stay_text() -> None:
    row = (
        ox.NamedNode("urn:x:1"),
        ox.Literal("Thing one"),
        ox.Literal('=HYPERLINK("http://evil")'),
        ox.Literal("2025-01-31", datatype=ox.NamedNode(XSD + "date")),
        ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")),
    )
    table = SelectResult(QUERY.columns, [row])
    about = About(QUERY, {"text": "x"}, {}, "v1", datetime(2025, 1, 1, tzinfo=UTC), "/q")
    book = openpyxl.load_workbook(io.BytesIO(workbook(table, about)))
    answer = book["Answer"]
    assert [c.value for c in answer[1]] == ["Thing", "Thing (IRI)", "Note", "Due", "How many"]
    cells = answer[2]
    assert cells[0].value == "Thing one" and cells[1].value == "urn:x:1"
    assert cells[2].data_type == "s" and cells[2].value == '=HYPERLINK("http://evil")'
    assert cells[3].value.date() == date(2025, 1, 31) and cells[4].value == 7
    about_rows = dict(book["About"].iter_rows(values_only=True))
    assert about_rows["Generated at"] == "2025-01-01 00:00:00 UTC"
    assert about_rows["Parameter: text"] == "x (default)"
