"""Column titles to fields: the layout file, the synonyms, then a fuzzy score; the rest
unmapped (kept as annotations)."""

from __future__ import annotations

import pytest

from cspkg.rdf.plan_columns import acceptable, map_header
from cspkg.rdf.plan_document import Cell, Row
from cspkg.rdf.plan_layout import Layout


def header(*titles: str) -> Row:
    return Row(1, tuple(Cell(t, 1, 1) for t in titles))


@pytest.mark.parametrize(
    ("title", "field", "how"),
    [
        ("Partners involved", "supporting", "synonym"),
        ("How we will know", "outcome", "synonym"),
        ("Lead Agency(s):", "responsible", "synonym"),
        ("Target completion date", "target", "fuzzy, like 'completion date'"),
        ("Success measures", "outcome", "fuzzy, like 'success measure'"),
        ("Supporting agencies involved", "supporting", "fuzzy, like 'supporting agencies'"),
        ("Strategic priority area", "priorities", "fuzzy, like 'strategic priority'"),
        ("RAG", None, ""),
        ("Lead officer", None, ""),
        ("Date added", None, ""),
        ("Progress", None, ""),
        ("Budget", None, ""),
    ],
)
def test_titles_by_synonym_then_fuzzy_score(title: str, field: str | None, how: str) -> None:
    columns = map_header(header("Action", title), Layout())
    assert (columns[1].field, columns[1].how) == (field, how)
    score = columns[1].score
    assert score == 100 if how == "synonym" else (80 <= score < 100 if how else score == 0)


def test_each_field_goes_to_its_best_column_once() -> None:
    columns = map_header(header("Action", "Target completion date", "Target date"), Layout())
    assert [c.field for c in columns] == ["action", None, "target"]


def test_a_layout_file_title_wins_and_a_merged_title_is_one_column() -> None:
    merged = Cell("Lead", 1, 1)
    row = Row(1, (Cell("Initiative", 1, 1), merged, merged, Cell("When", 1, 1)))
    columns = map_header(row, Layout(columns={"action": "Initiative"}))
    assert [(c.index, c.field, c.how) for c in columns] == [
        (0, "action", "layout file"),
        (1, "responsible", "synonym"),
        (2, None, ""),  # under the merged title: unmapped, its cells kept if any
        (3, "target", "synonym"),
    ]
    assert acceptable(columns, Layout(columns={"action": "Initiative"}))
    assert not acceptable(map_header(header("Lead", "When"), Layout()), Layout())


def test_cells_under_a_title_merged_over_two_columns_are_kept(tmp_path: object) -> None:
    from pathlib import Path

    from openpyxl import Workbook

    from cspkg.rdf.plan_document import read_plan_document
    from cspkg.rdf.plan_parser import parse_plan

    book = Workbook()
    sheet = book.active
    sheet.append(["FICTIONAL: Exampleton Community Safety Partnership Plan 2026/27"])
    sheet.append(["Action", "Lead", "Partners", None, "By when", "Priority"])
    sheet.merge_cells("C2:D2")
    sheet.append(["Fictional lantern walk.", "Staffordshire Police", "Probation Service",
                  "Exampleton Bowls Club", "Q3", "Fraud"])  # fmt: skip
    sheet.append(["Fictional litter pick.", "Staffordshire Police", "Probation Service", None,
                  "Q4", "Fraud"])  # fmt: skip
    sheet.merge_cells("C4:D4")
    path = Path(str(tmp_path)) / "merged-title.xlsx"
    book.save(path)
    record = parse_plan(read_plan_document(path))
    assert [a.annotations for a in record.actions] == [
        (("Partners (continued)", "Exampleton Bowls Club"),),
        (),  # the merged cell is read once, as Partners
    ]
    assert [w.where for w in record.warnings if "no property holds" in w.message] == [
        "sheet 'Sheet', column D ('Partners (continued)')"
    ]
