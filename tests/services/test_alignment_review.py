"""Review of suggestions: the workbook round trip, bad rows named and nothing written, a
rejection remembered, and suggestions never counted as alignment."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from cspkg.config import Settings
from cspkg.errors import CspkgError
from cspkg.namespaces import CSPKG
from cspkg.services.alignment_files import run_align, suggestions_path
from cspkg.services.alignment_review import ReviewRejected, load_review
from cspkg.services.alignment_workbook import build_review_workbook, import_review

B = "https://cspkg.example.org/"
LARKVALE = "larkvale-csp/2025-26"
PCP = URIRef(B + "id/police-and-crime-plan/staffordshire/2024-28")
FILLED = {"accept": ("", "Patrols and enforcement are local policing."),
          "reject": ("", "Not this partnership's reading."),
          "change": ("Prevent harm and protect people", "Road safety days prevent harm.")}  # fmt: skip


def _mine(settings: Settings, data: Path) -> Settings:
    return replace(settings, data_dir=data)


def _digest(folder: Path) -> str:
    files = sorted(p for p in folder.rglob("*.ttl"))
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def _fill(path: Path, decisions: list[str], out: Path) -> list[tuple[object, ...]]:
    book = load_workbook(path)
    sheet = book["Review"]
    filled = []
    for row, decision in zip(range(6, 6 + len(decisions)), decisions, strict=True):
        change_to, reason = FILLED[decision]
        sheet.cell(row, 6, decision)
        sheet.cell(row, 7, change_to or None)
        sheet.cell(row, 8, reason)
        sheet.cell(row, 9, "A. Reviewer")
        filled.append((sheet.cell(row, 1).value, decision, change_to, reason, "A. Reviewer"))
    book.save(out)
    return filled


def test_workbook_round_trip_is_equal(
    settings: Settings, commissioner_data: Path, tmp_path: Path
) -> None:
    mine = _mine(settings, commissioner_data)
    first = tmp_path / "review.xlsx"
    first.write_bytes(build_review_workbook(mine, LARKVALE, None).content)
    book = load_workbook(first)
    assert book.sheetnames == ["Review", "Instructions", "Lists"]
    review = book["Review"]
    assert [c.value for c in review[5]][:9] == [
        "Suggestion", "Link from", "Suggested Commissioner priority", "Score",
        "Evidence that matched", "Decision", "Change to", "Reason", "Your name",
    ]  # fmt: skip
    validations = {str(v.sqref): v.formula1 for v in review.data_validations.dataValidation}
    assert '"accept,reject,change"' in validations.values()
    filled = _fill(first, ["accept", "reject", "change"], tmp_path / "filled.xlsx")
    outcome = import_review(mine, tmp_path / "filled.xlsx")
    assert (outcome.accepted, outcome.rejected, outcome.changed) == (1, 1, 1)
    again = tmp_path / "again.xlsx"
    again.write_bytes(build_review_workbook(mine, LARKVALE, None).content)
    rows = {
        r[0]: (r[0], r[5], r[6] or "", r[7], r[8])
        for r in load_workbook(again)["Review"].iter_rows(min_row=6, values_only=True)
    }
    assert [rows[key] for key, *_ in filled] == filled


def test_a_confirmed_link_records_who_when_why_and_counts(
    settings: Settings, commissioner_data: Path, tmp_path: Path
) -> None:
    mine = _mine(settings, commissioner_data)
    book = tmp_path / "review.xlsx"
    book.write_bytes(build_review_workbook(mine, LARKVALE, None).content)
    [(key, *_)] = _fill(book, ["accept"], tmp_path / "filled.xlsx")
    import_review(mine, tmp_path / "filled.xlsx")
    reviewed = Graph().parse(
        commissioner_data
        / "alignment/reviewed/larkvale-csp-2025-26-to-staffordshire-pcp-2024-28.ttl"
    )
    [link] = list(reviewed.subjects(CSPKG.confirmedBy, None))
    assert str(reviewed.value(link, CSPKG.confirmedBy)) == "A. Reviewer"
    assert "local policing" in str(reviewed.value(link, RDFS.comment))
    source, target = (
        reviewed.value(link, CSPKG.fromPriority),
        reviewed.value(link, CSPKG.toPriority),
    )
    assert (source, SKOS.relatedMatch, target) in reviewed
    assert key.endswith(str(target).rsplit("/", 1)[-1])


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(
    settings: Settings, commissioner_data: Path, tmp_path: Path
) -> None:
    mine = _mine(settings, commissioner_data)
    path = tmp_path / "review.xlsx"
    path.write_bytes(build_review_workbook(mine, LARKVALE, None).content)
    book = load_workbook(path)
    sheet = book["Review"]
    sheet["F6"], sheet["H6"], sheet["I6"] = "maybe", "why not", "Me"
    sheet["F7"], sheet["I7"] = "accept", "Me"
    sheet["F8"], sheet["G8"], sheet["H8"], sheet["I8"] = "change", "Nonsense", "x", "Me"
    book.save(path)
    before = _digest(commissioner_data)
    with pytest.raises(ReviewRejected) as caught:
        import_review(mine, path)
    text = str(caught.value)
    assert "review.xlsx: 3 problem(s), nothing was written" in text
    assert "row 6, F (Decision): 'maybe' is not a decision" in text
    assert "row 7, H (Reason): give a reason" in text
    assert "row 8, G (Change to): choose the Commissioner priority" in text
    assert _digest(commissioner_data) == before


def test_a_rejected_suggestion_is_not_suggested_again(
    settings: Settings, commissioner_data: Path, tmp_path: Path
) -> None:
    mine = _mine(settings, commissioner_data)
    path = tmp_path / "review.xlsx"
    path.write_bytes(build_review_workbook(mine, LARKVALE, None).content)
    [(key, *_)] = _fill(path, ["reject"], tmp_path / "filled.xlsx")
    import_review(mine, tmp_path / "filled.xlsx")
    report = run_align(mine, LARKVALE)
    assert key not in {
        f"{s.kind}/{s.source.rsplit('/', 1)[-1]}/{s.target.rsplit('/', 1)[-1]}"
        for s in report.suggestions
    }
    assert report.kept == 1
    rows = {r.key: r for r in load_review(mine, LARKVALE, None).rows}
    assert rows[key].status == "reject" and rows[key].reason == FILLED["reject"][1]


def test_a_decided_row_cannot_be_decided_again(
    settings: Settings, commissioner_data: Path, tmp_path: Path
) -> None:
    mine = _mine(settings, commissioner_data)
    path = tmp_path / "review.xlsx"
    path.write_bytes(build_review_workbook(mine, LARKVALE, None).content)
    _fill(path, ["reject"], tmp_path / "filled.xlsx")
    import_review(mine, tmp_path / "filled.xlsx")
    _fill(tmp_path / "filled.xlsx", ["accept"], tmp_path / "second.xlsx")
    with pytest.raises(ReviewRejected, match="already decided"):
        import_review(mine, tmp_path / "second.xlsx")


def test_suggestions_file_holds_no_counted_statement(
    settings: Settings, commissioner_data: Path
) -> None:
    mine = _mine(settings, commissioner_data)
    review = load_review(mine, LARKVALE, None)
    path = suggestions_path(commissioner_data, review.plan, PCP)
    graph = Graph().parse(path)
    assert len(review.rows) >= 3
    assert not list(graph.triples((None, SKOS.relatedMatch, None)))
    assert not list(graph.triples((None, CSPKG.servesCommissionerPriority, None)))


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a zip", "not a readable Excel workbook"), (b"PK\x03\x04broken", "not a readable")],
)
def test_a_file_that_is_not_a_review_workbook_is_refused(
    settings: Settings, commissioner_data: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "review.xlsx"
    path.write_bytes(content)
    with pytest.raises(CspkgError, match=message):
        import_review(_mine(settings, commissioner_data), path)


def test_decided_files_conform_to_the_shapes(
    settings: Settings, commissioner_data: Path, tmp_path: Path
) -> None:
    from cspkg.rdf.validation import Severity, validate_files
    from cspkg.services.loading import project_sources

    mine = _mine(settings, commissioner_data)
    path = tmp_path / "review.xlsx"
    path.write_bytes(build_review_workbook(mine, LARKVALE, None).content)
    _fill(path, ["accept", "reject", "change", "accept"], tmp_path / "filled.xlsx")
    import_review(mine, tmp_path / "filled.xlsx")
    written = sorted((commissioner_data / "alignment").glob("*/larkvale-*.ttl"))
    assert len(written) == 2
    report = validate_files([s.path for s in project_sources(mine)], mine)
    assert not [f.message for f in report.findings if f.severity is Severity.VIOLATION]


def test_an_oversized_or_bomb_workbook_is_refused_before_reading(
    settings: Settings, commissioner_data: Path, tmp_path: Path
) -> None:
    import zipfile

    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK" + b"\0" * 6_000_000)
    with pytest.raises(CspkgError, match=re.escape("big.xlsx: larger than 5 MB")):
        import_review(_mine(settings, commissioner_data), big)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 60_000_000)
    with pytest.raises(
        CspkgError, match=re.escape("bomb.xlsx: the workbook unpacks to more than 50 MB")
    ):
        import_review(_mine(settings, commissioner_data), bomb)
