"""Outcome measures: the workbook out and back, bad cells named, the status rule, and a
crime-fed measure whose status changes when a month is added."""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cspkg.catalog import Catalog
from cspkg.config import Settings
from cspkg.rdf.crime_import import RowFilter
from cspkg.services.crime_import import import_crime
from cspkg.services.measures import MeasuresRejected, build_workbook, import_measures
from cspkg.services.outcomes import plan_outcomes, status_of
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from tests.fixtures.crime.rows import ARCHIVE

PLAN = "cannock-chase-csp/2024-25"
PLAN_IRI = "https://cspkg.example.org/id/delivery-plan/cannock-chase-csp/2024-25"


@pytest.fixture
def data(settings: Settings, tmp_path: Path) -> Settings:
    """A copy of the data folder (crime left out) tests may write to."""
    folder = tmp_path / "data"
    shutil.copytree(settings.data_dir, folder, ignore=shutil.ignore_patterns("crime", "sources"))
    return replace(settings, data_dir=folder)


def _values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path)
    return {
        name: [tuple(r) for r in book[name].iter_rows(values_only=True)]
        for name in ("Measures", "Targets")
    }


def _fill(path: Path, out: Path) -> None:
    """What a partnership does: targets, a baseline, and a measure of its own."""
    book = load_workbook(path)
    measures, targets = book["Measures"], book["Targets"]
    measures.cell(5, 9, 263)
    measures.cell(5, 10, "2018/19")
    measures.cell(5, 11, 10)
    measures.append(["E1", "Repeat victims supported", "%", "Up is good", "Entered by the partnership",
                     "Domestic Abuse; Anti-Social Behaviour (ASB)", "3", "More victims supported", 70, "2023/24", None])  # fmt: skip
    for row in range(2, 6):
        targets.cell(row, 3, 250 - row)
    targets.append(["E1", "2024-Q1", 75, 72.5])
    targets.append(["E1", "2024-Q2", 76, None])
    book.save(out)


def test_the_workbook_round_trip(data: Settings, tmp_path: Path) -> None:
    _, first = build_workbook(data, PLAN)
    (tmp_path / "out.xlsx").write_bytes(first)
    _fill(tmp_path / "out.xlsx", tmp_path / "filled.xlsx")
    report = import_measures(tmp_path / "filled.xlsx", data)
    assert report.measures == 7 and report.targets == 6
    _, again = build_workbook(data, PLAN)
    (tmp_path / "again.xlsx").write_bytes(again)
    filled, back = _values(tmp_path / "filled.xlsx"), _values(tmp_path / "again.xlsx")
    assert back["Measures"][:4] == filled["Measures"][:4]
    expected = filled["Measures"][4:]
    expected[-1] = (
        *expected[-1][:5],
        "Anti-Social Behaviour (ASB); Domestic Abuse",
        *expected[-1][6:10],
        5,
    )  # sorted; the default Amber
    assert back["Measures"][4:] == expected
    # every quarter of every measure is listed on the way out; the filled ones come back
    assert {r for r in back["Targets"][1:] if r[2] is not None or r[3] is not None} == {
        r for r in filled["Targets"][1:] if r[2] is not None or r[3] is not None
    }
    written = report.written[0]
    first_text = written.read_text(encoding="utf-8").split("\n", 1)[1]
    import_measures(tmp_path / "again.xlsx", data)
    assert written.read_text(encoding="utf-8").split("\n", 1)[1] == first_text  # the same measures


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "message"),
    [
        ("Measures", (5, 4), "Sideways", "Measures sheet, row 5, column D (Direction): 'Sideways' is not one of"),
        ("Measures", (5, 6), "Burglary Squad", "Measures sheet, row 5, column F (CSP priorities): the plan has no priority 'Burglary Squad'"),
        ("Measures", (5, 7), "99", "Measures sheet, row 5, column G (Actions): the plan has no action 99"),
        ("Measures", (6, 1), "C1", "Measures sheet, row 6, column A (Ref): 'C1' is used twice"),
        ("Measures", (5, 9), "-3", "Measures sheet, row 5, column I (Baseline): '-3' is not a number of 0 or more"),
        ("Measures", (5, 11), "150", "Measures sheet, row 5, column K (Amber within (%)): a percentage from 0 to 100"),
        ("Targets", (2, 2), "2019-Q1", "Targets sheet, row 2, column B (Quarter): '2019-Q1' is not a quarter of"),
        ("Targets", (2, 4), 12, "Targets sheet, row 2, column D (Actual (entered measures)): C1's actual comes from the crime series"),
        ("Targets", (3, 3), "lots", "Targets sheet, row 3, column C (Target): 'lots' is not a number"),
    ],
)  # fmt: skip
def test_bad_cells_are_named_and_nothing_is_written(
    data: Settings, tmp_path: Path, sheet: str, cell: tuple[int, int], value: object, message: str
) -> None:
    _, content = build_workbook(data, PLAN)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    book = load_workbook(path)
    book[sheet].cell(*cell, value)
    book.save(path)
    with pytest.raises(MeasuresRejected) as caught:
        import_measures(path, data)
    assert message in str(caught.value)
    assert not (data.data_dir / "measures").exists()


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (100, 100, "down", "green"), (104, 100, "down", "amber"), (105, 100, "down", "amber"),
        (106, 100, "down", "red"), (90, 100, "down", "green"), (96, 100, "up", "amber"),
        (94, 100, "up", "red"), (101, 100, "up", "green"), (None, 100, "up", None), (5, None, "up", None),
    ],
)  # fmt: skip
def test_status_rule(
    actual: int | None, target: int | None, direction: str, expected: str | None
) -> None:
    number = lambda v: None if v is None else Decimal(v)  # noqa: E731
    assert status_of(number(actual), number(target), direction, Decimal(5)) == expected


MEASURE = """@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://cspkg.example.org/id/measure/cannock-chase-csp/2024-25/asb> a cspkg:OutcomeMeasure ;
  rdfs:label "Recorded ASB" ; skos:notation "ASB" ; cspkg:unit "crimes" ; cspkg:goodDirection "down" ;
  cspkg:forPlan <PLAN> ; cspkg:amberWithin 5.0 ;
  cspkg:crimeSeriesOf <https://cspkg.example.org/def/cannock-chase-csp/priorities/anti-social-behaviour> ;
  cspkg:hasTarget <https://cspkg.example.org/id/measure/cannock-chase-csp/2024-25/asb/target/2018-q4> .
<https://cspkg.example.org/id/measure/cannock-chase-csp/2024-25/asb/target/2018-q4> a cspkg:MeasureTarget ;
  cspkg:targetPeriod <https://cspkg.example.org/id/period/2018-19/q4> ; cspkg:targetValue TARGET .
"""


def _outcome(data: Settings, catalog: Catalog) -> object:
    store = EmbeddedStore()
    store.replace_sources(find_sources(data.base, [data.ontology_dir, data.data_dir]))
    try:
        [outcome] = plan_outcomes(store, catalog, data, PLAN_IRI, "2018-Q4")
    finally:
        store.close()
    return outcome


def test_a_crime_fed_measure_changes_status_when_a_month_is_added(
    data: Settings, tmp_path: Path, catalog: Catalog
) -> None:
    """January to March 2019 is Q4 of 2018/19: with two months loaded there is no status;
    the third month completes the quarter and the measure is judged against its target."""
    folder = tmp_path / "archive"
    with zipfile.ZipFile(ARCHIVE) as zipped:
        zipped.extractall(folder)
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    from tests.fixtures.crime.rows import archive_rows, in_district
    from tests.services.test_crime_trends import ALIGNMENT

    links = Graph().parse(data.data_dir / ALIGNMENT)
    scheme = Graph().parse(data.data_dir / "reference" / "police-uk-crime-categories.ttl")
    asb = "https://cspkg.example.org/def/cannock-chase-csp/priorities/anti-social-behaviour"
    types = {
        str(scheme.value(c, SKOS.prefLabel)) for c in links.objects(URIRef(asb), SKOS.relatedMatch)
    }
    quarter = sum(1 for r in in_district(archive_rows()) if r["Crime type"] in types)
    target = quarter * 9 // 10  # more crime than the target, by more than 5 %: Red once known
    assert quarter > (target * Decimal("1.05"))
    (data.data_dir / "measures").mkdir()
    (data.data_dir / "measures" / "test.ttl").write_text(
        MEASURE.replace("PLAN", PLAN_IRI).replace("TARGET", str(target))
    )
    keep = RowFilter(area="Cannock Chase")
    import_crime([folder / "2019-01", folder / "2019-02"], data, keep=keep)
    before = _outcome(data, catalog)
    assert before.status is None and before.months_loaded == 2
    assert before.status_label == "Not yet known (2 of 3 months loaded)"
    import_crime([folder / "2019-03"], data, keep=keep)
    after = _outcome(data, catalog)
    assert after.actual == quarter and after.status == "red" and after.status_label == "Red"


@pytest.mark.parametrize("content", [b"not a workbook at all", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_is_refused_through_the_cli(
    data: Settings, tmp_path: Path, content: bytes
) -> None:
    from click.testing import CliRunner

    from cspkg.cli import cli

    bad = tmp_path / "measures.xlsx"
    bad.write_bytes(content)
    result = CliRunner().invoke(cli, ["import-measures", str(bad), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Error: " in result.output
    assert "Nothing was written" in result.output and not (tmp_path / "out").exists()


def test_a_zip_bomb_workbook_is_refused(data: Settings, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        out.writestr("xl/worksheets/sheet1.xml", "0" * 60_000_000)
    with pytest.raises(Exception, match="unpacks to more than"):
        import_measures(bomb, data)


def test_text_that_looks_like_a_formula_stays_text(data: Settings, tmp_path: Path) -> None:
    _, content = build_workbook(data, PLAN)
    path = tmp_path / "m.xlsx"
    path.write_bytes(content)
    book = load_workbook(path)
    typed = book["Measures"].cell(5, 2, '=HYPERLINK("http://example.org","x")')
    typed.data_type = "s"  # text someone typed that begins with '=', not a formula
    book.save(path)
    import_measures(path, data)
    _, again = build_workbook(data, PLAN)
    (tmp_path / "again.xlsx").write_bytes(again)
    cell = load_workbook(tmp_path / "again.xlsx")["Measures"].cell(5, 2)
    assert cell.data_type == "s"  # written back as text, never a live formula
