"""One spreadsheet reader: a plan sheet and a progress return that cannot be read are
refused in the same words (the file, the line where known, what is wrong)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspkg.errors import CspkgError
from cspkg.rdf.plan_sheets import read_sheets
from cspkg.rdf.progress_table import read_progress_file
from cspkg.rdf.spreadsheet import SpreadsheetError, csv_rows, open_workbook

BAD = {
    "latin1.csv": (b"action,period\n1,caf\xe9\n", r"latin1\.csv:2: text is not valid UTF-8"),
    "broken.xlsx": (b"PK\x03\x04 not really a workbook", "not a readable Excel workbook"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_plan_and_a_return_are_refused_alike(tmp_path: Path, name: str) -> None:
    raw, words = BAD[name]
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(CspkgError, match=words) as as_plan:
        read_sheets(path, raw)
    with pytest.raises(CspkgError, match=words) as as_return:
        read_progress_file(path)
    assert str(as_plan.value).split(": ", 1)[-1] == str(as_return.value).split(": ", 1)[-1]


def test_rows_are_capped_and_cut_to_the_columns_read() -> None:
    raw = b"\n".join(b"a,b,c" for _ in range(4))
    assert csv_rows("x.csv", raw, 4, 2) == [(n, ["a", "b"]) for n in range(1, 5)]
    with pytest.raises(SpreadsheetError, match=r"x\.csv: the file has more than 3 rows"):
        csv_rows("x.csv", raw, 3, 2)


def test_a_zip_bomb_is_refused_before_openpyxl_reads_it() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b"<a/>" + b" " * 3_000_000)
    with pytest.raises(SpreadsheetError, match="unpacks to more than 2 MB"):
        open_workbook("bomb.xlsx", buffer.getvalue(), 2_000_000)
