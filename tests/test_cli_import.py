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
    assert "nope.txt: cannot read file" in result.output
