"""Residents per LSOA (ONS mid-year estimates) -> RDF Data Cube observations, so crime
can be given per 1,000 residents.

Two inputs are read: a CSV with a header row naming the LSOA code and the population
(and the year) as ONS publishes them ("LSOA 2021 Code", "Total" or "All Ages",
"Mid-year"...; rows above the header are notes), or a two-column file of code and
population with the year given apart.  Numbers may carry thousands separators.  A bad
row is an error naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..errors import RdfInputError
from ..namespaces import ONS_GEOGRAPHY, PREFIXES
from .crime_import import LSOA_CODE

CODE_TITLES = {
    "lsoa code",
    "lsoa 2021 code",
    "lsoa 2011 code",
    "lsoa21cd",
    "lsoa11cd",
    "lsoa",
    "code",
}
POPULATION_TITLES = {"population", "total", "all ages", "all persons", "persons", "usual residents"}
YEAR_TITLES = {"year", "mid-year", "mid year", "period"}
YEAR = re.compile(r"^(?:mid-)?(\d{4})$")
MAX_BYTES = 50 << 20
"""Largest file read: England and Wales' 35,000 LSOAs with every age column is ~10 MB."""
MAX_POPULATION = 100_000
"""No LSOA has nearly this many residents (they hold 1,000 to 3,000)."""


@dataclass(frozen=True)
class Estimate:
    code: str
    population: int
    year: str


def _title(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


def _lines(path: Path) -> list[list[str]]:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise RdfInputError(f"{path}: refused: larger than {MAX_BYTES >> 20} MB")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RdfInputError(f"{path}: cannot read file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise RdfInputError(f"{path}: not UTF-8 text") from None
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise RdfInputError(f"{path}: not CSV ({exc})") from None


def _columns(path: Path, rows: list[list[str]]) -> tuple[int, int, int, int | None]:
    """(header line index or -1, code column, population column, year column or None)."""
    for index, row in enumerate(rows[:30]):
        titles = [_title(cell) for cell in row]
        code = next((i for i, t in enumerate(titles) if t in CODE_TITLES), None)
        people = next((i for i, t in enumerate(titles) if t in POPULATION_TITLES), None)
        if code is not None and people is not None:
            year = next((i for i, t in enumerate(titles) if t in YEAR_TITLES), None)
            return index, code, people, year
        if index == 0 and len(row) >= 2 and LSOA_CODE.match(row[0].strip()):
            return -1, 0, 1, 2 if len(row) >= 3 else None
    raise RdfInputError(
        f"{path}: no header row naming the LSOA code and the population "
        "(e.g. 'LSOA 2021 Code' and 'Total'), and the first line is not 'code,population'"
    )


def read_estimates(path: Path, year: str | None = None) -> list[Estimate]:
    """Every LSOA's population in the file; ``year`` for files that do not say it."""
    if year is not None and not YEAR.match(year):
        raise RdfInputError(f"--year '{year}' is not a year such as 2021")
    rows = _lines(path)
    header, code_at, people_at, year_at = _columns(path, rows)
    if year_at is None and year is None:
        raise RdfInputError(f"{path}: the file has no year column: give the year (--year 2021)")
    found: list[Estimate] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in _numbered(rows, header):
        if not any(cell.strip() for cell in row):
            continue

        def cell(i: int, row: list[str] = row) -> str:
            return row[i].strip() if i < len(row) else ""

        code = cell(code_at)
        if not LSOA_CODE.match(code):
            raise RdfInputError(
                f"{path}:{number}: column {code_at + 1}: '{code}' is not an LSOA code"
            )
        raw = cell(people_at).replace(",", "")
        if not raw.isdigit() or int(raw) > MAX_POPULATION:
            raise RdfInputError(
                f"{path}:{number}: column {people_at + 1}: '{cell(people_at)}' is not a population "
                f"(a whole number up to {MAX_POPULATION:,})"
            )
        when = year
        if year_at is not None and cell(year_at):
            matched = YEAR.match(cell(year_at).lower())
            if not matched:
                raise RdfInputError(
                    f"{path}:{number}: column {year_at + 1}: '{cell(year_at)}' is not a year"
                )
            when = matched.group(1)
        if when is None:
            raise RdfInputError(
                f"{path}:{number}: column {year_at + 1 if year_at is not None else 3}: no year"
            )
        if (code, when) in seen:
            raise RdfInputError(
                f"{path}:{number}: {code} in {when} is also on line {seen[(code, when)]}"
            )
        seen[(code, when)] = number
        found.append(Estimate(code, int(raw), when))
    if not found:
        raise RdfInputError(f"{path}: no LSOA populations")
    return found


def _numbered(rows: list[list[str]], header: int) -> Iterator[tuple[int, list[str]]]:
    for index in range(header + 1, len(rows)):
        yield index + 1, rows[index]


def write_year(
    stream: TextIO, estimates: list[Estimate], year: str, base: str, source: str, digest: str
) -> None:
    """One year's estimates as Turtle: the dataset, its source file, an observation each."""
    dataset = f"{base}id/dataset/population/{year}"
    write = stream.write
    write(
        f"# Generated by `cspkg import-population` from {source!r}.\n"
        "# Contains public sector information licensed under the Open Government Licence v3.0.\n\n"
    )
    for prefix in ("cspkg", "dcterms", "foaf", "prov", "qb", "rdfs", "xsd"):
        write(f"@prefix {prefix}: <{PREFIXES[prefix]}> .\n")
    write("@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .\n")
    write(
        f"@prefix lsoa: <{ONS_GEOGRAPHY}> .\n@prefix obs: <{base}id/population-observation/{year}/> .\n\n"
    )
    write(
        f"<{dataset}> a qb:DataSet, prov:Entity ;\n"
        f'    rdfs:label "Residents per LSOA, mid-{year}" ;\n'
        f"    qb:structure <https://cspkg.example.org/def/population/structure> ;\n"
        f'    dcterms:temporal "{year}"^^xsd:gYear ;\n'
        f"    prov:wasDerivedFrom <{dataset}/source> .\n\n"
        f"<{dataset}/source> a foaf:Document ;\n    rdfs:label {json.dumps(source)} ;\n"
        f'    cspkg:fileName {json.dumps(source)} ;\n    cspkg:sha256 "{digest}" .\n\n'
    )
    for estimate in sorted(estimates, key=lambda e: e.code):
        write(
            f"obs:{estimate.code} a qb:Observation ;\n    qb:dataSet <{dataset}> ;\n"
            f"    sdmx-dimension:refArea lsoa:{estimate.code} ;\n"
            f'    sdmx-dimension:refPeriod "{year}"^^xsd:gYear ;\n'
            f"    cspkg:population {estimate.population} .\n\n"
        )
