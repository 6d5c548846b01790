"""``cspkg validate FILE``: in the project's context by default, ``--alone`` by itself;
plan documents imported in memory; a file ``import --out`` just wrote validates clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cspkg.cli import cli
from cspkg.config import load_settings
from cspkg.services.file_check import validate_files

from ..conftest import FIXTURES, SEED_PLAN

TODAY = "2025-01-01"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed plan and the crime extract, imported with ``--out`` as a user would."""
    out = tmp_path_factory.mktemp("out")
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(SEED_PLAN), "--out", str(out)]).exit_code == 0
    crime = FIXTURES / "crime" / "small-street.csv"
    assert runner.invoke(cli, ["import-crime", str(crime), "--out", str(out)]).exit_code == 0
    return out


def _validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", "--today", TODAY, *args])
    return result.exit_code, result.output


def test_an_imported_plan_validates_clean_in_context(imported: Path) -> None:
    [plan] = (imported / "plans").glob("*.ttl")
    code, output = _validate(str(plan))
    assert code == 0, output
    assert output.startswith("Validation conforms: 0 violations")


def test_alone_the_same_file_breaks_the_shapes_it_needs_context_for(imported: Path) -> None:
    [plan] = (imported / "plans").glob("*.ttl")
    code, output = _validate("--alone", str(plan))
    assert code == 1
    assert "Validation FAILS" in output


def test_imported_crime_validates_clean_in_context(imported: Path) -> None:
    files = [str(p) for p in sorted((imported / "crime").glob("*.ttl"))]
    assert files
    code, output = _validate(*files)
    assert code == 0, output


def test_a_plan_document_is_imported_in_memory_and_validated(tmp_path: Path) -> None:
    code, output = _validate(str(SEED_PLAN))
    assert code == 0, output
    assert "Validation conforms" in output


def test_context_findings_about_other_files_are_left_out(tmp_path: Path) -> None:
    """Only the given file's nodes are reported on, whatever the rest of the graph says."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "<urn:extra:action> a <https://cspkg.example.org/def/cspkg#Action> .\n", encoding="utf-8"
    )
    settings = load_settings(environ={})
    report = validate_files([extra], settings)
    assert not report.conforms
    assert {f.focus for f in report.findings} == {"urn:extra:action"}
    assert report.triples == 1
