"""police.uk street-level files -> Data Cube counts, on the derived three-month archive.

Every expected figure is computed here from the archive's CSV rows (tests/fixtures/crime/
rows.py reads them with zipfile and csv alone), never copied from the importer's output.
"""

from __future__ import annotations

import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, QB, RDF, RDFS, SKOS

from cspkg.config import Settings
from cspkg.errors import RdfInputError
from cspkg.namespaces import CSPKG
from cspkg.rdf.crime_import import RowFilter
from cspkg.services.crime_import import import_crime
from tests.conftest import FIXTURES
from tests.fixtures.crime.rows import ARCHIVE, REAL_JANUARY, archive_rows, cells, in_district

SMALL = FIXTURES / "crime" / "small-street.csv"
SDMX = "http://purl.org/linked-data/sdmx/2009/dimension#"
CANNOCK = RowFilter(area="Cannock Chase")


def _cube(paths: list[Path]) -> Counter[tuple[str, str, str]]:
    """(month, LSOA code, category label) -> crimeCount, read back from written files."""
    found: Counter[tuple[str, str, str]] = Counter()
    categories = Graph().parse(
        FIXTURES.parent.parent / "data/reference/police-uk-crime-categories.ttl"
    )
    for path in paths:
        graph = Graph().parse(path)
        for obs in graph.subjects(RDF.type, QB.Observation):
            month = str(graph.value(obs, URIRef(SDMX + "refPeriod")))
            lsoa = str(graph.value(obs, URIRef(SDMX + "refArea"))).rsplit("/", 1)[-1]
            label = str(categories.value(graph.value(obs, CSPKG.crimeCategory), SKOS.prefLabel))
            found[(month, lsoa, label)] += int(graph.value(obs, CSPKG.crimeCount))
    return found


def test_archive_counts_equal_the_csv_rows(settings: Settings, tmp_path: Path) -> None:
    report = import_crime([ARCHIVE], settings, tmp_path, CANNOCK)
    rows = archive_rows()
    expected = cells(in_district(rows))
    assert _cube(report.written) == expected
    assert report.rows == len(rows)
    assert report.kept == sum(expected.values())
    assert report.no_location == sum(1 for r in rows if not r["LSOA code"])
    assert [m.month for m in report.months] == ["2019-01", "2019-02", "2019-03"]
    assert sorted(p.name for p in report.written) == [
        "cannock-chase-2019-01.ttl", "cannock-chase-2019-02.ttl", "cannock-chase-2019-03.ttl",
        "cannock-chase-lsoas.ttl",
    ]  # fmt: skip
    # the fictional force's rows in Cannock Chase LSOAs are kept, its Exampleton ones not
    assert any(r["Reported by"] == "Exampleshire Police" for r in in_district(rows))


def test_one_observation_per_lsoa_month_and_category(settings: Settings, tmp_path: Path) -> None:
    report = import_crime([ARCHIVE], settings, tmp_path, CANNOCK)
    january = Graph().parse(tmp_path / "crime" / "cannock-chase-2019-01.ttl")
    expected = {k for k in cells(in_district(archive_rows())) if k[0] == "2019-01"}
    assert len(set(january.subjects(RDF.type, QB.Observation))) == len(expected)
    dataset = URIRef(report.months[0].dataset)
    assert january.value(dataset, QB.structure) is not None
    sources = {
        str(january.value(s, CSPKG.fileName))
        for s in january.objects(dataset, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
    }
    assert sources == {"2019-01-staffordshire-street.csv", "2019-01-exampleshire-street.csv"}
    lsoa = URIRef("http://statistics.data.gov.uk/id/statistical-geography/E01029368")
    assert january.value(lsoa, RDFS.label) is None  # described once, in the LSOA file
    lsoas = Graph().parse(tmp_path / "crime" / "cannock-chase-lsoas.ttl")
    assert lsoas.value(lsoa, RDFS.label) == Literal("Cannock Chase 001A")
    district = URIRef(settings.base + "id/area/cannock-chase-district")
    assert lsoas.value(lsoa, URIRef("http://schema.org/containedInPlace")) == district
    assert len(set(lsoas.subjects(RDFS.label, None))) == len(
        {r["LSOA code"] for r in in_district(archive_rows())}
    )
    assert january.value(dataset, DCTERMS.creator) == URIRef(
        settings.base + "id/organisation/staffordshire-police"
    )


def test_folder_and_zip_give_the_same_files(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "download"
    with zipfile.ZipFile(ARCHIVE) as zipped:
        zipped.extractall(folder)
    import_crime([ARCHIVE], settings, tmp_path / "a", CANNOCK)
    import_crime([folder], settings, tmp_path / "b", CANNOCK)
    a = sorted((tmp_path / "a" / "crime").iterdir())
    b = sorted((tmp_path / "b" / "crime").iterdir())
    assert [p.name for p in a] == [p.name for p in b]
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b, strict=True))


def test_committed_crime_file_is_reproduced(settings: Settings, tmp_path: Path) -> None:
    """data/crime/ holds the real January only, imported from the real extract's bytes."""
    extract = tmp_path / "2019-01-cannock-chase-street.csv"
    with zipfile.ZipFile(ARCHIVE) as zipped:
        extract.write_bytes(zipped.read(REAL_JANUARY))
    report = import_crime([extract], settings, tmp_path, CANNOCK)
    assert [p.name for p in report.written] == [
        "cannock-chase-2019-01.ttl",
        "cannock-chase-lsoas.ttl",
    ]
    for written in report.written:
        assert written.read_bytes() == (settings.data_dir / "crime" / written.name).read_bytes()
    assert report.kept == 638


def test_lsoa_list_keeps_the_listed_codes(settings: Settings, tmp_path: Path) -> None:
    listed = {"E01029368", "E01999369", "E01029400"}
    keep = RowFilter(lsoas=frozenset(listed), list_name="my-area.csv")
    report = import_crime([ARCHIVE], settings, tmp_path, keep)
    expected = cells([r for r in archive_rows() if r["LSOA code"] in listed])
    assert _cube(report.written) == expected
    assert {p.name for p in report.written} == {f"my-area-2019-0{m}.ttl" for m in (1, 2, 3)} | {
        "my-area-lsoas.ttl"
    }


def test_reimporting_a_month_replaces_it_and_leaves_the_others(
    settings: Settings, tmp_path: Path
) -> None:
    import_crime([ARCHIVE], settings, tmp_path, CANNOCK)
    january = (tmp_path / "crime" / "cannock-chase-2019-01.ttl").read_bytes()
    with zipfile.ZipFile(ARCHIVE) as zipped:
        text = zipped.read("2019-02/2019-02-staffordshire-street.csv").decode()
    lines = text.splitlines(keepends=True)
    fewer = tmp_path / "2019-02-staffordshire-street.csv"
    fewer.write_text("".join(lines[:11]), encoding="utf-8")  # the header and ten rows
    report = import_crime([fewer], settings, tmp_path, CANNOCK)
    assert [p.name for p in report.written] == ["cannock-chase-2019-02.ttl"]
    assert (tmp_path / "crime" / "cannock-chase-2019-01.ttl").read_bytes() == january
    february = _cube([tmp_path / "crime" / "cannock-chase-2019-02.ttl"])
    assert sum(february.values()) == 10


def test_small_csv_without_a_filter(settings: Settings, tmp_path: Path) -> None:
    report = import_crime([SMALL], settings, tmp_path)
    assert [p.name for p in report.written] == ["all-2019-01.ttl", "all-lsoas.ttl"]
    assert report.kept == 7


def test_an_area_matching_nothing_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(RdfInputError, match="no LSOA name starts with 'Cannock Chas'"):
        import_crime([ARCHIVE], settings, tmp_path, RowFilter(area="Cannock Chas"))
    assert not (tmp_path / "crime").exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Anti-social behaviour", "Jaywalking", "small-street.csv:2: unknown crime type 'Jaywalking'"),
        ("2019-01,Staffordshire", "Jan 2019,Staffordshire", "small-street.csv:2: month 'Jan 2019'"),
        ("E01029368", "XYZ", "small-street.csv:2: 'XYZ' is not an LSOA code"),
        ("Crime type", "Kind of crime", "small-street.csv:1: missing column(s) Crime type"),
    ],
)  # fmt: skip
def test_bad_rows_name_the_line_and_write_nothing(
    settings: Settings, tmp_path: Path, old: str, new: str, message: str
) -> None:
    bad = tmp_path / "small-street.csv"
    bad.write_text(SMALL.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RdfInputError) as caught:
        import_crime([bad], settings, out)
    assert message in str(caught.value)
    assert not out.exists()


def test_a_bad_row_inside_the_archive_names_entry_and_line(
    settings: Settings, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(ARCHIVE) as source, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "2019-03/2019-03-exampleshire-street.csv":
                lines = data.decode().splitlines(keepends=True)
                lines[5] = lines[5].replace("2019-03", "March", 1)
                data = "".join(lines).encode()
            out.writestr(info, data)
    import_crime([ARCHIVE], settings, tmp_path, CANNOCK)
    before = {p.name: p.read_bytes() for p in (tmp_path / "crime").iterdir()}
    with pytest.raises(RdfInputError) as caught:
        import_crime([bad], settings, tmp_path, CANNOCK)
    assert str(caught.value).startswith(
        f"{bad}:2019-03/2019-03-exampleshire-street.csv:6: month 'March'"
    )
    assert {p.name: p.read_bytes() for p in (tmp_path / "crime").iterdir()} == before


def test_not_utf8_names_the_line(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "2019-01-x-street.csv"
    bad.write_bytes(SMALL.read_bytes().replace(b"Finches Hill", b"Finches \xff Hill"))
    with pytest.raises(RdfInputError, match=r"2019-01-x-street.csv:\d+: not UTF-8"):
        import_crime([bad], settings, tmp_path)


def test_folder_copy_of_the_archive_is_found_at_any_depth(
    settings: Settings, tmp_path: Path
) -> None:
    nested = tmp_path / "downloads" / "police"
    with zipfile.ZipFile(ARCHIVE) as zipped:
        zipped.extractall(nested / "2019-q1")
    shutil.copy(SMALL, nested / "notes-not-street.csv")  # not a street file name: skipped
    report = import_crime([tmp_path / "downloads"], settings, tmp_path / "out", CANNOCK)
    assert report.sources == 6


def test_a_month_under_two_scopes_is_warned_about(settings: Settings, tmp_path: Path) -> None:
    import_crime([SMALL], settings, tmp_path)
    report = import_crime([SMALL], settings, tmp_path, CANNOCK)
    assert report.warnings == [
        "all-2019-01.ttl also holds 2019-01: where its LSOAs and these meet, crime is counted "
        "twice (delete one file, or import every month with the same filter)"
    ]
