"""Residents per LSOA in, crime per 1,000 residents out: rates computed here from the CSV
rows (crimes) and the FICTIONAL population fixture, never copied from the answer."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from cspkg.catalog import Catalog
from cspkg.cli import cli
from cspkg.config import Settings
from cspkg.errors import RdfInputError
from cspkg.namespaces import CSPKG
from cspkg.rdf.population import read_estimates
from cspkg.services.canned_queries import run_canned
from cspkg.services.population_import import import_population
from tests.conftest import POPULATION, CrimeMonths

ASB = "https://cspkg.example.org/def/cannock-chase-csp/priorities/anti-social-behaviour"


def _residents() -> dict[str, int]:
    with POPULATION.open(encoding="utf-8") as stream:
        lines = list(csv.reader(stream))
    header = lines.index(["LSOA 2021 Code", "LSOA 2021 Name", "Total", "F0", "M0"])
    return {row[0]: int(row[2].replace(",", "")) for row in lines[header + 1 :] if row}


def _rate(crimes: int, people: int) -> float:
    return round(crimes * 1000 / people, 1)


def test_published_layout_is_read(settings: Settings, tmp_path: Path) -> None:
    report = import_population(POPULATION, settings, tmp_path, "2021")
    residents = _residents()
    assert report.lsoas_by_year == {"2021": len(residents)}
    graph = Graph().parse(tmp_path / "population" / "lsoa-2021.ttl")
    lsoa = URIRef("http://statistics.data.gov.uk/id/statistical-geography/E01029345")
    [observation] = graph.subjects(
        URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refArea"), lsoa
    )
    assert graph.value(observation, CSPKG.population) == Literal(residents["E01029345"])


def test_two_columns_and_a_year_column(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("E01029345,1500\nE01029346,1600\n", encoding="utf-8")
    assert [e.population for e in read_estimates(plain, "2022")] == [1500, 1600]
    with pytest.raises(RdfInputError, match="no year column: give the year"):
        read_estimates(plain)
    yearly = tmp_path / "yearly.csv"
    yearly.write_text(
        "Year,LSOA code,Population\n2020,E01029345,1500\nmid-2021,E01029345,1510\n",
        encoding="utf-8",
    )
    assert {(e.year, e.population) for e in read_estimates(yearly)} == {
        ("2020", 1500),
        ("2021", 1510),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "LSOA code,Population\nE01029345,lots\n",
            "file.csv:2: column 2: 'lots' is not a population",
        ),
        ("LSOA code,Population\nX1,100\n", "file.csv:2: column 1: 'X1' is not an LSOA code"),
        (
            "LSOA code,Population\nE01029345,100\nE01029345,200\n",
            "E01029345 in 2021 is also on line 2",
        ),
        ("Name,Count\nfoo,1\n", "no header row naming the LSOA code"),
        ("LSOA code,Population\nE01029345,9999999\n", "is not a population"),
    ],
)
def test_bad_rows_name_line_and_column_and_write_nothing(
    settings: Settings, tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "file.csv"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["import-population", str(bad), "--year", "2021", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert message in result.output and "Nothing was written" in result.output
    assert not (tmp_path / "out").exists()


def test_rates_per_lsoa_and_for_the_district(crime_months: CrimeMonths, catalog: Catalog) -> None:
    residents = _residents()
    crimes = Counter(r["LSOA code"] for r in crime_months.rows)
    answer = run_canned(crime_months.store, catalog.get("crime-rates"), {"limit": "1000"}).records()
    district, *lsoas = answer
    assert (
        district["areaKind"] == "district" and district["areaLabel"] == "Cannock Chase (district)"
    )
    assert int(district["crimes"]) == sum(crimes.values())
    assert int(district["population"]) == sum(residents.values())
    assert float(district["rate"]) == _rate(sum(crimes.values()), sum(residents.values()))
    got = {
        r["area"].rsplit("/", 1)[-1]: (int(r["crimes"]), int(r["population"]), float(r["rate"]))
        for r in lsoas
    }
    assert got == {
        code: (crimes[code], people, _rate(crimes[code], people))
        for code, people in residents.items()
    }
    rates = [float(r["rate"]) for r in lsoas]
    assert rates == sorted(rates, reverse=True)  # hot spots by rate
    assert {r["populationYear"] for r in answer} == {"2021"}
    columns = list(answer[0])  # the house rule: an IRI column is followed by its label
    assert columns.index("areaLabel") == columns.index("area") + 1
    assert all(r["areaLabel"] for r in answer)


def test_hot_spots_by_count_for_a_priority_in_months(
    crime_months: CrimeMonths, catalog: Catalog
) -> None:
    from tests.services.test_crime_trends import _aligned

    types = _aligned(crime_months)[ASB]
    chosen = [
        r
        for r in crime_months.rows
        if r["Crime type"] in types and "2019-01" <= r["Month"] <= "2019-03"
    ]
    crimes = Counter(r["LSOA code"] for r in chosen)
    values = {"priority": ASB, "from": "2019-01", "to": "2019-03", "by": "count", "limit": "5"}
    answer = run_canned(crime_months.store, catalog.get("crime-rates"), values).records()
    assert [int(r["crimes"]) for r in answer[1:]] == sorted(crimes.values(), reverse=True)[:4]
    assert int(answer[0]["crimes"]) == len(chosen)
    by_code: dict[str, int] = defaultdict(int, crimes)
    for r in answer[1:]:
        assert int(r["crimes"]) == by_code[r["area"].rsplit("/", 1)[-1]]


def test_an_oversized_or_binary_file_is_refused(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cspkg.rdf import population

    big = tmp_path / "big.csv"
    big.write_text("LSOA code,Population\n" + "E01029345,100\n" * 100, encoding="utf-8")
    monkeypatch.setattr(population, "MAX_BYTES", 1000)
    with pytest.raises(RdfInputError, match="refused: larger than"):
        import_population(big, settings, tmp_path / "out", "2021")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(RdfInputError, match="not UTF-8"):
        import_population(binary, settings, tmp_path / "out", "2021")
    assert not (tmp_path / "out").exists()
