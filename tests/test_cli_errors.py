"""The CLI's one error table: 0 success, 1 data problems found, 2 usage or input error;
one message style (``Error: ...``), paths as the user gave them."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cspkg import errors
from cspkg.cli import (
    AFTER_FAILURE,
    EXIT_DATA_PROBLEMS,
    EXIT_USAGE_OR_INPUT,
    CspkgGroup,
    cli,
    exit_code,
)

from .conftest import FIXTURES


def _every_error() -> list[type[errors.CspkgError]]:
    found, pending = [], [errors.CspkgError]
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


def test_the_table_gives_each_exception_one_code() -> None:
    codes = {kind.__name__: exit_code(kind.__new__(kind)) for kind in _every_error()}
    assert codes["ValidationFailed"] == EXIT_DATA_PROBLEMS
    assert {codes[n] for n in ("RdfInputError", "PlanDocumentError", "StoreUnavailable")} == {
        EXIT_USAGE_OR_INPUT
    }
    assert set(codes.values()) == {EXIT_DATA_PROBLEMS, EXIT_USAGE_OR_INPUT}


def test_a_missing_file_is_named_by_its_whole_path() -> None:
    result = CliRunner().invoke(cli, ["validate", "/no/such/file.ttl"])
    assert result.exit_code == 2
    assert result.output.startswith("Error: /no/such/file.ttl: cannot read file")


def test_usage_errors_exit_2_in_the_same_style() -> None:
    result = CliRunner().invoke(cli, ["load"])
    assert result.exit_code == 2
    assert "Error: give --backend URL or --store DIR" in result.output


def test_data_problems_exit_1_and_name_the_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "bad.ttl").write_text("<urn:b> a <https://cspkg.example.org/def/cspkg#Action> .")
    env = {
        "CSPKG_DATA_DIR": str(data),
        "CSPKG_ONTOLOGY_DIR": str(FIXTURES / "ontology"),
        "CSPKG_SHAPES_DIR": str(FIXTURES / "service-shapes"),
    }
    result = CliRunner().invoke(cli, ["load", "--store", str(tmp_path / "store")], env=env)
    assert result.exit_code == 1, result.output
    assert "Error: data/bad.ttl: 1 shape violation(s)" in result.output
    assert "Nothing was loaded: the store is as it was." in result.output


def test_a_bad_setting_is_an_input_error() -> None:
    result = CliRunner().invoke(cli, ["queries"], env={"CSPKG_VALIDATE_ON_LOAD": "maybe"})
    assert result.exit_code == 2
    assert "Error: validate_on_load: expected true or false, got 'maybe'" in result.output


def test_a_new_command_gets_the_table_without_code_of_its_own() -> None:
    @click.group(cls=CspkgGroup)
    def group() -> None:
        pass

    @group.command()
    @click.pass_context
    def fails(ctx: click.Context) -> None:
        ctx.meta[AFTER_FAILURE] = "Nothing changed."
        raise errors.RdfInputError("x.ttl: not valid Turtle: line 1")

    result = CliRunner().invoke(group, ["fails"])
    assert result.exit_code == 2
    assert result.output == "Error: x.ttl: not valid Turtle: line 1\nNothing changed.\n"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help(command: str) -> None:
    assert CliRunner().invoke(cli, [command, "--help"]).exit_code == 0
