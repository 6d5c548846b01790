"""Progress returns in: rows checked by row and column, revisions kept, all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from cspkg.config import Settings
from cspkg.errors import CspkgError
from cspkg.namespaces import CSPKG
from cspkg.rdf.progress_table import ProgressFileError
from cspkg.services.progress import ProgressRejected, resolve_plan, status_scheme
from cspkg.services.progress_import import import_progress, progress_file

B = "https://cspkg.example.org/"
PLAN = URIRef(B + "id/delivery-plan/cannock-chase-csp/2024-25")
UPDATE = B + "id/progress-update/cannock-chase-csp/2024-25/"
STATUS = B + "def/progress-status/"
TODAY = date(2025, 1, 31)
HEADER = "action,period,status,progress,commentary,reported_by,reported_on\n"


def write_csv(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def import_fixtures(settings: Settings, fixtures: Path, out: Path) -> None:
    for name in ("2024-q2", "2024-q3", "2024-q3-resubmitted"):
        import_progress(fixtures / f"{name}.csv", settings, out_dir=out, today=TODAY)


def test_the_fictional_quarter_imports_to_the_committed_fixture(
    settings: Settings, progress_fixtures: Path, tmp_path: Path
) -> None:
    import_fixtures(settings, progress_fixtures, tmp_path)
    written = progress_file(tmp_path, PLAN)
    expected = progress_fixtures / "cannock-chase-csp-2024-25.ttl"
    assert written.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.rglob("*.ttl")) == ["cannock-chase-csp-2024-25.ttl"]


def test_a_second_update_supersedes_the_first_and_both_are_kept(
    settings: Settings, progress_fixtures: Path
) -> None:
    graph = Graph().parse(progress_fixtures / "cannock-chase-csp-2024-25.ttl")
    first, second = URIRef(UPDATE + "10/2024-q3/1"), URIRef(UPDATE + "10/2024-q3/2")
    assert graph.value(first, CSPKG.progressStatus) == URIRef(STATUS + "at-risk")
    assert graph.value(second, CSPKG.progressStatus) == URIRef(STATUS + "complete")
    assert (second, PROV.wasRevisionOf, first) in graph
    assert (second, DCTERMS.replaces, first) in graph
    assert graph.value(second, CSPKG.revision) == Literal(2)
    source = graph.value(second, PROV.wasDerivedFrom)
    assert graph.value(source, CSPKG.fileName) == Literal("2024-q3-resubmitted.csv")
    assert len(str(graph.value(source, CSPKG.sha256))) == 64


def test_the_ways_partners_write_a_status_are_all_read(progress_fixtures: Path) -> None:
    graph = Graph().parse(progress_fixtures / "cannock-chase-csp-2024-25.ttl")

    def status(ordinal: str) -> str:
        return str(graph.value(URIRef(UPDATE + f"{ordinal}/2024-q3/1"), CSPKG.progressStatus))

    # "on-track" (notation), "Green" and "Amber" and "Red" (RAG colours), "75%"
    assert status("05") == STATUS + "on-track"
    assert status("06") == STATUS + "on-track"
    assert status("10") == STATUS + "at-risk"
    assert status("16") == STATUS + "off-track"
    assert graph.value(URIRef(UPDATE + "06/2024-q3/1"), CSPKG.percentComplete) == Literal(75)


def test_importing_the_same_return_again_changes_nothing(
    settings: Settings, progress_fixtures: Path, tmp_path: Path
) -> None:
    import_fixtures(settings, progress_fixtures, tmp_path)
    before = progress_file(tmp_path, PLAN).read_bytes()
    again = import_progress(
        progress_fixtures / "2024-q3-resubmitted.csv", settings, out_dir=tmp_path, today=TODAY
    )
    assert (again.updates, again.unchanged, again.written) == ([], 1, [])
    assert progress_file(tmp_path, PLAN).read_bytes() == before


def test_bad_rows_are_each_named_and_nothing_is_written(settings: Settings, tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "bad.csv",
        "3,2024-Q3,On track,50,fine,,",
        "99,2024-Q3,On track,50,no such action,,",
        "4,2024-Q3,Done,50,unknown status,,",
        "5,2024-Q3,On track,140,too much,,",
        "6,2024-Q9,On track,10,bad quarter,,",
        "8,2024-Q3,On track,10,bad date,,31/31/2025",
    )
    out = tmp_path / "out"
    with pytest.raises(ProgressRejected) as caught:
        import_progress(source, settings, out_dir=out, today=TODAY)
    problems = [(p.row, p.column) for p in caught.value.problems]
    assert problems == [
        (3, "action"), (4, "status"), (5, "progress"), (6, "period"), (7, "reported_on")
    ]  # fmt: skip
    text = str(caught.value)
    assert "row 3, column action: the plan has no action 99" in text
    assert "row 4, column status: 'Done' is not a status: choose one of Not started" in text
    assert "row 5, column progress: '140' is not a percentage" in text
    assert not out.exists()


def test_empty_cells_are_named_by_row_and_column(settings: Settings, tmp_path: Path) -> None:
    """The import keeps its spreadsheet wording; the form words the same gaps its own way."""
    source = write_csv(tmp_path / "gaps.csv", ",,On track,,,,", "4,2024-Q3,,50,no status,,")
    with pytest.raises(ProgressRejected) as caught:
        import_progress(source, settings, out_dir=tmp_path / "out", today=TODAY)
    text = str(caught.value)
    assert "row 2, column action: empty: give the action's number in the plan" in text
    assert "row 2, column period: empty: give the quarter, such as 2024-Q3" in text
    assert "row 3, column status: empty: choose one of Not started, On track" in text


def test_one_row_per_action_and_quarter(settings: Settings, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "twice.csv", "3,2024-Q3,On track,,,,", "3,Q3 2024/25,At risk,,,,")
    with pytest.raises(ProgressRejected, match=r"row 3, column action: .*already has a row"):
        import_progress(source, settings, out_dir=tmp_path / "out", today=TODAY)


def test_a_quarter_before_the_plan_is_refused_by_the_shapes(
    settings: Settings, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "early.csv", "3,2023-Q4,On track,,,Someone (fictional),")
    with pytest.raises(ProgressRejected) as caught:
        import_progress(source, settings, out_dir=tmp_path / "out", today=TODAY)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "period")
    assert "ends before the action's plan begins" in problem.message
    assert not (tmp_path / "out").exists()


def test_complete_under_100_is_imported_with_a_warning(settings: Settings, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "odd.csv", "3,2024-Q3,Complete,80,,Someone (fictional),")
    report = import_progress(source, settings, out_dir=tmp_path / "out", today=TODAY)
    assert len(report.updates) == 1
    assert report.warnings == [
        "row 2: The update says the action is Complete but gives a percentage under 100: "
        "one of the two is probably wrong."
    ]
    graph = Graph().parse(progress_file(tmp_path / "out", PLAN))
    assert graph.value(report.updates[0], DCTERMS.date) == Literal(TODAY)


def test_a_return_without_the_needed_columns_is_refused(settings: Settings, tmp_path: Path) -> None:
    source = tmp_path / "wrong.csv"
    source.write_text("number,state\n3,On track\n", encoding="utf-8")
    with pytest.raises(ProgressFileError, match=r"wrong.csv: no 'period', 'status' column"):
        import_progress(source, settings, out_dir=tmp_path / "out", today=TODAY)
    (tmp_path / "notes.txt").write_text("3 On track", encoding="utf-8")
    with pytest.raises(ProgressFileError, match=r"notes\.txt: expected a tracker workbook"):
        import_progress(tmp_path / "notes.txt", settings, today=TODAY)
    with pytest.raises(ProgressFileError, match=r"missing\.csv: cannot be read"):
        import_progress(tmp_path / "missing.csv", settings, today=TODAY)


@pytest.mark.parametrize(
    "name",
    ["cannock-chase-csp/2024-25", "Cannock Chase CSP Delivery Plan 2024/25",
     "cannock chase csp delivery plan 2024-25", str(PLAN)],
)  # fmt: skip
def test_a_plan_is_found_by_name_title_or_iri(settings: Settings, name: str) -> None:
    graph = Graph().parse(settings.data_dir / "plans" / "cannock-chase-csp-2024-25.ttl")
    assert resolve_plan(name, graph) == PLAN


def test_an_unknown_plan_names_the_plans_there_are(settings: Settings) -> None:
    graph = Graph().parse(settings.data_dir / "plans" / "cannock-chase-csp-2024-25.ttl")
    with pytest.raises(CspkgError, match=r"no delivery plan called 'lichfield/2024-25' "
                       r"\(plans: cannock-chase-csp/2024-25\)"):  # fmt: skip
        resolve_plan("lichfield/2024-25", graph)


def test_the_scheme_offers_its_labels_and_reads_colours(settings: Settings) -> None:
    scheme = status_scheme(settings)
    assert scheme.choices == [
        "Not started", "On track", "At risk", "Off track", "Complete", "Withdrawn"
    ]  # fmt: skip
    assert scheme.lookup("  off TRACK ") == URIRef(STATUS + "off-track")
    assert scheme.lookup("Red") == URIRef(STATUS + "off-track")
    assert scheme.lookup("amber") == URIRef(STATUS + "at-risk")
    assert scheme.lookup("purple") is None


def test_an_action_may_be_given_by_its_iri_but_only_one_of_the_plan(
    settings: Settings, tmp_path: Path
) -> None:
    iri = B + "id/action/cannock-chase-csp/2024-25/12-bleed-kits-installation-6-additional"
    source = write_csv(tmp_path / "iri.csv", f"{iri},2024-Q3,On track,,,Someone (fictional),")
    report = import_progress(source, settings, out_dir=tmp_path / "out", today=TODAY)
    graph = Graph().parse(progress_file(tmp_path / "out", PLAN))
    assert graph.value(report.updates[0], CSPKG.aboutAction) == URIRef(iri)
    other = write_csv(tmp_path / "other.csv", f"{B}id/action/x/2024-25/01-y,2024-Q3,On track,,,,")
    with pytest.raises(ProgressRejected, match=r"row 2, column action: .* is not an action of"):
        import_progress(other, settings, plan_name="cannock-chase-csp/2024-25", today=TODAY)
