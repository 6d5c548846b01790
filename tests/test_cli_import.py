"""``cspkg import`` as a user runs it: messages, exit codes, files."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cspkg.cli import cli
from tests.conftest import FIXTURES, SEED_PLAN


def test_import_seed_into_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["import", str(SEED_PLAN), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "17 actions" in result.output
    assert (tmp_path / "plans" / "cannock-chase-csp-2024-25.ttl").is_file()


def test_import_reports_unregistered_agency(runner: CliRunner, tmp_path: Path) -> None:
    plan = FIXTURES / "plans" / "minimal-plan.txt"
    result = runner.invoke(cli, ["import", str(plan), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert (
        "line 31: agency 'Exampleton Friends of the Park' is not in the register" in result.output
    )


def test_broken_document_exits_non_zero_naming_the_line(runner: CliRunner, tmp_path: Path) -> None:
    text = (FIXTURES / "plans" / "minimal-plan.txt").read_text(encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(
        text.replace("Target Date\nMarch 2031", "Target Date\nnext year sometime"), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = runner.invoke(cli, ["import", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert "bad.txt:50: cannot read the target date 'next year sometime'" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["import", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert f"Error: {tmp_path / 'nope.txt'}: cannot read file" in result.output


def test_a_missing_file_is_named_as_given(runner: CliRunner) -> None:
    """``../nope/plan.txt``, not ``plan.txt``: the folder is what the user got wrong."""
    result = runner.invoke(cli, ["import", "../nope/plan.txt"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ../nope/plan.txt: cannot read file")
    crime = runner.invoke(cli, ["import-crime", "../nope/street.csv"])
    assert crime.exit_code == 2
    assert "../nope/street.csv: cannot read file" in crime.output


def test_import_prints_layout_actions_and_each_warning(runner: CliRunner, tmp_path: Path) -> None:
    from tests.fixtures.plans.layouts import write_table_docx

    plan = write_table_docx(tmp_path / "exampleton.docx", headings=True)
    result = runner.invoke(cli, ["import", str(plan), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "exampleton.docx: 5 actions, " in result.output
    assert "  layout: Word table (table 1, header row 1: Ref, Action, Lead, " in result.output
    assert "priorities as row headings)" in result.output
    assert (
        "warning: table 1, row 6, column 'Lead': agency 'Staffs Police' is not in the "
        "register; imported as https://cspkg.example.org/id/organisation/unregistered/"
        "staffs-police; did you mean 'Staffordshire Police'?" in result.output
    )
    assert "warning: table 1, row 9, column 'By when': target 'TBC' gives no date yet" in (
        result.output
    )


def test_refusing_unlisted_priorities_names_the_cell(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from tests.fixtures.plans.layouts import write_xlsx

    plan = write_xlsx(tmp_path / "exampleton.xlsx")
    book = load_workbook(plan)
    book.active["E11"] = "Burglary"
    book.save(plan)
    out = tmp_path / "out"
    args = ["import", str(plan), "--out", str(out)]
    result = runner.invoke(cli, [*args, "--unlisted-priorities", "refuse"])
    assert result.exit_code == 2
    assert (
        "exampleton.xlsx: sheet 'Delivery plan', row 11, column E ('Priority'): 'Burglary' is "
        "not one of the plan's strategic priorities" in result.output
    )
    assert not out.exists()
    added = runner.invoke(cli, args)
    assert added.exit_code == 0
    assert "row 11, column E ('Priority'): priority 'Burglary' is not in the plan's list" in (
        added.output
    )


def test_bad_layout_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    layout = tmp_path / "layout.toml"
    layout.write_text("[columns]\nwho = 'Lead'\n", encoding="utf-8")
    plan = FIXTURES / "plans" / "minimal-plan.txt"
    result = runner.invoke(cli, ["import", str(plan), "--layout", str(layout)])
    assert result.exit_code == 2
    assert "layout.toml: unknown column field(s) who" in result.output
    assert "Nothing was written." in result.output


def test_explain_prints_the_mapping_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    from tests.fixtures.plans.corpus import KETTLEWICK

    plan = KETTLEWICK.build(KETTLEWICK, tmp_path / KETTLEWICK.name)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["import", "--explain", str(plan), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not out.exists()
    lines = result.output.splitlines()
    assert "  front matter: partnership 'Kettlewick', year 2025/26" in lines
    assert "    strategic priorities: Anti-Social Behaviour; Domestic Abuse; Fraud" in lines
    assert "  sheet 'Action plan', header row 4:" in lines
    row = next(line for line in lines if line.strip().startswith("E ")).split()
    assert row[:4] == ["E", "Partners", "involved", "cspkg:supportingAgency"]
    assert row[4:6] == ["100", "synonym"] and "'Probation Service, Vysions" in " ".join(row)
    rag = next(line for line in lines if line.strip().startswith("H "))
    assert "RAG" in rag and "unmapped: kept as cspkg:annotation" in rag and "'Green'" in rag
    assert "  actions: 5" in lines and lines[-1] == "  nothing written (--explain)"


def test_explain_shows_fuzzy_scores_and_layout_overrides(runner: CliRunner, tmp_path: Path) -> None:
    from tests.fixtures.plans.corpus import SALTMARSH

    plan = SALTMARSH.build(SALTMARSH, tmp_path / SALTMARSH.name)
    result = runner.invoke(cli, ["import", "--explain", str(plan)])
    assert result.exit_code == 0, result.output
    target = next(line for line in result.output.splitlines() if line.strip().startswith("E "))
    assert "cspkg:targetText" in target and " 81  fuzzy, like 'completion date'" in target
    layout = tmp_path / "layout.toml"
    layout.write_text('[columns]\noutcome = "Internal notes"\n', encoding="utf-8")
    result = runner.invoke(cli, ["import", "--explain", str(plan), "--layout", str(layout)])
    lines = result.output.splitlines()
    notes = next(line for line in lines if line.strip().startswith("G "))
    assert "cspkg:measureOfSuccess" in notes and "layout file" in notes
    success = next(line for line in lines if line.strip().startswith("F "))
    assert "unmapped: kept as cspkg:annotation" in success


def test_explain_says_where_the_import_would_stop(runner: CliRunner, tmp_path: Path) -> None:
    text = (FIXTURES / "plans" / "minimal-plan.txt").read_text(encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(
        text.replace("Target Date\nMarch 2031", "Target Date\nnext year sometime"), encoding="utf-8"
    )
    result = runner.invoke(cli, ["import", "--explain", str(bad)])
    assert result.exit_code == 0
    assert "the import would stop: bad.txt:50: cannot read the target date" in result.output
