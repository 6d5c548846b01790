"""The archive is untrusted: bombs, too many entries, paths out of it, lies in headers."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspkg.cli import cli
from cspkg.errors import RdfInputError
from cspkg.rdf import crime_sources
from cspkg.rdf.crime_sources import find_sources
from tests.conftest import FIXTURES

HEADER = (FIXTURES / "crime" / "small-street.csv").read_text(encoding="utf-8").splitlines()[0]


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries.items():
            out.writestr(name, data)
    return path


def test_a_zip_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.zip", {"2019-01/2019-01-x-street.csv": b"0" * 5_000_000})
    with pytest.raises(RdfInputError, match="expands more than 200 times"):
        find_sources([bomb])


def test_a_bomb_whose_header_lies_is_stopped_while_reading(tmp_path: Path) -> None:
    """The headers say 1,000 bytes: reading stops there (zipfile's CRC check fails), never
    at 5 MB."""
    bomb = _zip(
        tmp_path / "liar.zip",
        {"2019-01/2019-01-x-street.csv": HEADER.encode() + b"\n" + b"0" * 5_000_000},
    )
    data = bytearray(bomb.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)  # uncompressed size in the directory
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 1000)  # and in the local header
    bomb.write_bytes(bytes(data))
    [source] = find_sources([bomb])
    with pytest.raises(RdfInputError), source.open() as stream, stream.text() as text:
        while text.read(1 << 16):
            pass


def test_too_many_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crime_sources, "MAX_ENTRIES", 3)
    many = _zip(tmp_path / "many.zip", {f"f{i}.txt": b"x" for i in range(4)})
    with pytest.raises(RdfInputError, match="more than 3 entries"):
        find_sources([many])


@pytest.mark.parametrize(
    "name", ["../2019-01-x-street.csv", "/etc/2019-01-x-street.csv", "a\\..\\2019-01-x-street.csv"]
)
def test_entries_leaving_the_archive_are_refused(tmp_path: Path, name: str) -> None:
    bad = _zip(tmp_path / "bad.zip", {name: HEADER.encode()})
    with pytest.raises(RdfInputError, match="leaves the archive"):
        find_sources([bad])


def test_not_a_zip(tmp_path: Path) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(RdfInputError, match="not a zip archive"):
        find_sources([fake])


def test_other_files_are_skipped_and_none_left_is_an_error(tmp_path: Path) -> None:
    only = _zip(tmp_path / "outcomes.zip", {"2019-01/2019-01-x-outcomes.csv": HEADER.encode()})
    with pytest.raises(RdfInputError, match=r"no YYYY-MM-<force>-street\.csv entries"):
        find_sources([only])


def test_cli_refuses_a_bomb_and_writes_nothing(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.zip", {"2019-01/2019-01-x-street.csv": b"0" * 5_000_000})
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["import-crime", str(bomb), "--out", str(out)])
    assert result.exit_code == 2
    assert "Error: " in result.output and "zip bomb" in result.output
    assert "Nothing was written" in result.output
    assert not out.exists()


def test_cli_imports_the_archive_for_an_area(tmp_path: Path) -> None:
    archive = FIXTURES / "crime" / "police-uk-2019-q1.zip"
    result = CliRunner().invoke(
        cli, ["import-crime", str(archive), "--area", "Cannock Chase", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "2019-03:" in result.output
    assert len(list((tmp_path / "crime").glob("cannock-chase-2019-*.ttl"))) == 3


def test_cli_lsoa_list_with_a_bad_line(tmp_path: Path) -> None:
    listed = tmp_path / "lsoas.csv"
    listed.write_text("LSOA code\nE01029368\nnot-a-code\n", encoding="utf-8")
    archive = FIXTURES / "crime" / "police-uk-2019-q1.zip"
    result = CliRunner().invoke(
        cli, ["import-crime", str(archive), "--lsoa-list", str(listed), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert f"{listed}:3: 'not-a-code' is not an LSOA code" in result.output
