"""Spreadsheets and Word packages as untrusted input: damaged files end in a named error."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspkg.errors import PlanDocumentError
from cspkg.rdf.plan_document import read_plan_document
from cspkg.rdf.plan_parser import parse_plan
from cspkg.rdf.plan_sheets import cell_text
from tests.fixtures.plans.layouts import write_table_docx, write_xlsx


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("packages")
    return {
        ".xlsx": write_xlsx(folder / "plan.xlsx").read_bytes(),
        ".docx": write_table_docx(folder / "plan.docx", headings=True).read_bytes(),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(
    suffix=st.sampled_from([".xlsx", ".docx"]),
    part=st.integers(0, 30),
    at=st.floats(0, 1),
    junk=st.binary(min_size=1, max_size=8),
    cut=st.booleans(),
)
def test_damaged_packages_fail_cleanly(
    tmp_path: Path,
    packages: dict[str, bytes],
    suffix: str,
    part: int,
    at: float,
    junk: bytes,
    cut: bool,
) -> None:
    source = zipfile.ZipFile(io.BytesIO(packages[suffix]))
    items = source.infolist()
    chosen = items[part % len(items)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for item in items:
            data = source.read(item.filename)
            if item is chosen:
                index = int(at * len(data))
                data = data[:index] + junk + (b"" if cut else data[index + len(junk) :])
            damaged.writestr(item, data)
    path = tmp_path / f"damaged{suffix}"
    path.write_bytes(out.getvalue())
    try:
        parse_plan(read_plan_document(path))
    except PlanDocumentError as exc:
        assert str(tmp_path) not in str(exc) and "Traceback" not in str(exc)


def test_csv_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(b"Action,Lead\nok,ok\n\xff,x\n")
    with pytest.raises(PlanDocumentError) as caught:
        read_plan_document(path)
    assert caught.value.line == 3 and "UTF-8" in caught.value.problem


def test_cells_read_as_a_person_sees_them() -> None:
    assert cell_text(datetime(2026, 3, 31, 0, 0)) == "2026-03-31"
    assert cell_text(date(2026, 3, 31)) == "2026-03-31"
    assert cell_text(3.0) == "3"
    assert cell_text(None) == ""
    assert cell_text(" a\r\nb ") == "a\nb"


def test_a_date_typed_into_excel_is_a_target(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "plan.xlsx")
    book = load_workbook(path)
    book.active["F13"] = datetime(2027, 1, 15)
    book.save(path)
    target = parse_plan(read_plan_document(path)).actions[3].target
    assert target is not None and (target.end, target.form) == (date(2027, 1, 15), "iso date")


def _with_doctype(source: Path, target: Path, part: str, dtd: str, value: str) -> Path:
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w") as out:
        for item in package.infolist():
            data = package.read(item.filename)
            if item.filename == part:
                head, _, rest = data.decode().partition("?>")
                data = f"{head}?><!DOCTYPE x [{dtd}]>{rest}".replace("Fraud", value, 1).encode()
            out.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("dtd", "value"),
    [
        ('<!ENTITY f SYSTEM "file:///etc/hostname">', "&f;"),
        ('<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">', "&b;"),
    ],
)
def test_an_xlsx_declaring_entities_is_refused(tmp_path: Path, dtd: str, value: str) -> None:
    plan = write_xlsx(tmp_path / "plan.xlsx")
    with zipfile.ZipFile(plan) as package:
        part = next(n for n in package.namelist() if n.startswith("xl/worksheets/"))
    bad = _with_doctype(plan, tmp_path / "bad.xlsx", part, dtd, value)
    with pytest.raises(PlanDocumentError, match="declares a DTD"):
        read_plan_document(bad)


def test_a_corrupt_deflate_stream_is_a_plan_error(tmp_path: Path) -> None:
    plan = write_xlsx(tmp_path / "plan.xlsx")
    raw = bytearray(plan.read_bytes())
    with zipfile.ZipFile(plan) as package:
        entry = next(e for e in package.infolist() if e.filename.endswith("sheet1.xml"))
    start = entry.header_offset + 30 + len(entry.filename) + len(entry.extra)
    raw[start : start + 8] = b"\xff" * 8
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(raw))
    with pytest.raises(PlanDocumentError):
        read_plan_document(bad)
