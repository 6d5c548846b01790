"""police.uk street-level crime rows -> RDF Data Cube observations, one per LSOA, month
and category, with how many records it stands for.

Rows are streamed and only counted, so memory follows the number of (month, LSOA,
category) cells, not of rows: a national month (about 500,000 rows) is a few hundred
thousand cells.  Categories are looked up by the label the CSV uses in the scheme in
``data/reference/police-uk-crime-categories.ttl`` (a new category is a data change); an
unknown label, a bad month or LSOA code is an error naming the file and line.  Each
month is written as its own Turtle file, straight to a stream, in a fixed order.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rdflib import Graph
from rdflib.namespace import RDFS, SKOS

from ..errors import RdfInputError
from ..namespaces import ONS_GEOGRAPHY, PREFIXES
from .agency_register import AgencyRegister, agency_iri, area_iri
from .crime_sources import CsvSource
from .slugs import slugify

REQUIRED_COLUMNS = ("Month", "LSOA code", "LSOA name", "Crime type", "Reported by")
LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CATEGORY_SCHEME = "reference/police-uk-crime-categories.ttl"
LICENCE_SLUG = "open-government-licence-v3"
STRUCTURE = "https://cspkg.example.org/def/street-crime/structure"
"""The Data Cube structure, declared in ``ontology/street-crime-cube.ttl``."""
MAX_FIELD = 10_000
"""Longest CSV field read: police.uk's longest is a 64-character id."""


def category_index(scheme_file: Path) -> dict[str, str]:
    """Category concept IRIs by their CSV label (``skos:prefLabel`` in the scheme file)."""
    graph = Graph().parse(scheme_file, format="turtle")
    return {
        str(label): str(concept)
        for concept, label in graph.subject_objects(SKOS.prefLabel)
        if (concept, SKOS.inScheme, None) in graph
    }


@dataclass(frozen=True)
class RowFilter:
    """Which rows to keep: LSOAs whose name starts with a district's, or listed codes."""

    area: str | None = None
    lsoas: frozenset[str] | None = None
    list_name: str | None = None
    """The LSOA list's file name, which names what it keeps."""

    @property
    def scope(self) -> str:
        """The key of what is kept, in file names and IRIs: ``cannock-chase``, the list's
        name, or ``all``."""
        if self.area:
            return slugify(self.area)
        if self.lsoas is not None:
            return slugify(Path(self.list_name or "lsoa-list").stem) or "lsoa-list"
        return "all"

    @property
    def label(self) -> str:
        """How a dataset names what it holds, for people."""
        if self.area:
            return self.area
        if self.lsoas is not None:
            return f"the LSOAs listed in {self.list_name}"
        return "every LSOA in the files"

    def keeps(self, code: str, name: str) -> bool:
        if self.lsoas is not None:
            return code in self.lsoas
        if self.area:
            return name.casefold().startswith(self.area.casefold() + " ")
        return True


def read_lsoa_list(path: Path) -> frozenset[str]:
    """LSOA codes, one a line (first comma-separated field; a header, blanks and
    ``#`` comments skipped); a line that is not an LSOA code is an error naming it."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RdfInputError(f"{path}: cannot read the LSOA list ({exc})") from None
    codes = set()
    for number, line in enumerate(lines, 1):
        first = line.split(",")[0].strip().strip('"')
        if not first or first.startswith("#") or (number == 1 and not LSOA_CODE.match(first)):
            continue
        if not LSOA_CODE.match(first):
            raise RdfInputError(f"{path}:{number}: '{first}' is not an LSOA code")
        codes.add(first)
    if not codes:
        raise RdfInputError(f"{path}: no LSOA codes in the list")
    return frozenset(codes)


@dataclass
class MonthTally:
    """One month's cells and what the dataset says about where they came from."""

    month: str
    cells: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(LSOA code, category IRI) -> records."""
    names: dict[str, str] = field(default_factory=dict)
    reporters: set[str] = field(default_factory=set)
    sources: dict[str, str] = field(default_factory=dict)
    """File name -> SHA-256 of each CSV that gave rows to this month."""

    @property
    def records(self) -> int:
        return sum(self.cells.values())


@dataclass
class Tally:
    """Every month read, and what was left aside."""

    months: dict[str, MonthTally] = field(default_factory=dict)
    rows: int = 0
    kept: int = 0
    no_location: int = 0

    def month(self, month: str) -> MonthTally:
        if month not in self.months:
            self.months[month] = MonthTally(month)
        return self.months[month]


def tally_source(
    source: CsvSource,
    categories: dict[str, str],
    keep: RowFilter,
    tally: Tally,
    on_rows: Callable[[int], None] | None = None,
) -> None:
    """Count one CSV's rows into ``tally``; raise RdfInputError naming file and line."""
    csv.field_size_limit(MAX_FIELD)
    seen_months: set[str] = set()
    with source.open() as counting, counting.text() as text:
        line = 1
        try:
            reader = csv.DictReader(text)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise RdfInputError(f"{source.name}:1: missing column(s) {', '.join(missing)}")
            pending = rows = 0
            for row in reader:
                rows += 1
                line = reader.line_num
                tally.rows += 1
                _count_row(source.name, line, row, categories, keep, tally, seen_months)
                pending += 1
                if on_rows and pending == 1000:
                    on_rows(pending)
                    pending = 0
            if on_rows and pending:
                on_rows(pending)
        except UnicodeDecodeError:
            raise RdfInputError(f"{source.name}:{line + 1}: not UTF-8 text") from None
        except csv.Error as exc:
            raise RdfInputError(f"{source.name}:{line + 1}: not a CSV row ({exc})") from None
        if rows == 0:
            raise RdfInputError(f"{source.name}: no crime records")
    for month in seen_months:
        tally.month(month).sources[source.file_name] = counting.digest.hexdigest()


def _count_row(
    name: str,
    line: int,
    row: dict[str, str],
    categories: dict[str, str],
    keep: RowFilter,
    tally: Tally,
    seen_months: set[str],
) -> None:
    month, code = (row["Month"] or "").strip(), (row["LSOA code"] or "").strip()
    if not MONTH.match(month):
        raise RdfInputError(f"{name}:{line}: month '{month}' is not YYYY-MM")
    if code and not LSOA_CODE.match(code):
        raise RdfInputError(f"{name}:{line}: '{code}' is not an LSOA code")
    label = (row["Crime type"] or "").strip()
    category = categories.get(label)
    if category is None:
        raise RdfInputError(
            f"{name}:{line}: unknown crime type '{label}' (add it to data/{CATEGORY_SCHEME})"
        )
    if not code:
        tally.no_location += 1
        return
    lsoa_name = (row["LSOA name"] or "").strip()
    if not keep.keeps(code, lsoa_name):
        return
    counted = tally.month(month)
    seen_months.add(month)
    counted.cells[(code, category)] += 1
    counted.names.setdefault(code, lsoa_name)
    counted.reporters.add((row["Reported by"] or "").strip())
    tally.kept += 1


# --- Turtle ------------------------------------------------------------------------------


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{escaped}"'


@dataclass(frozen=True)
class MonthFile:
    """Where one month goes and what it is called."""

    month: str
    scope: str
    scope_label: str
    base: str

    @property
    def dataset(self) -> str:
        return f"{self.base}id/dataset/police-uk-street-crime/{self.scope}/{self.month}"

    @property
    def observations(self) -> str:
        return f"{self.base}id/crime-observation/{self.scope}/{self.month}/"


PREFIX_NAMES = ("cspkg", "dcat", "dcterms", "foaf", "prov", "qb", "rdfs", "schema", "skos", "xsd")


def _prefixes(write: Callable[[str], object], header: str, extra: dict[str, str]) -> None:
    for line in header.splitlines():
        write(f"# {line}".rstrip() + "\n")
    write("\n")
    for prefix in PREFIX_NAMES:
        write(f"@prefix {prefix}: <{PREFIXES[prefix]}> .\n")
    write(f"@prefix lsoa: <{ONS_GEOGRAPHY}> .\n")
    for prefix, iri in extra.items():
        write(f"@prefix {prefix}: <{iri}> .\n")
    write("\n")


def write_month(
    stream: TextIO, target: MonthFile, counted: MonthTally, register: AgencyRegister, header: str
) -> None:
    """One month as Turtle: the dataset, its source files and the observations."""
    base = target.base
    write = stream.write
    _prefixes(
        write,
        header,
        {
            "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
            "category": f"{base}def/police-uk/crime-categories/",
            "obs": target.observations,
        },
    )
    _write_dataset(write, target, counted, register)
    dataset = f"<{target.dataset}>"
    month = f'"{target.month}"^^xsd:gYearMonth'
    prefix = f"{base}def/police-uk/crime-categories/"
    for (code, category), count in sorted(counted.cells.items()):
        slug = category.removeprefix(prefix)
        write(
            f"obs:{code}-{slug} a qb:Observation ;\n    qb:dataSet {dataset} ;\n"
            f"    sdmx-dimension:refArea lsoa:{code} ;\n    sdmx-dimension:refPeriod {month} ;\n"
            f"    cspkg:crimeCategory category:{slug} ;\n    cspkg:crimeCount {count} .\n\n"
        )


def write_lsoas(
    stream: TextIO, names: dict[str, str], base: str, known_areas: set[str], header: str
) -> None:
    """The LSOAs the months name, once (not in each month's file, where the union of the
    graphs would repeat them): name, code, and the district the name gives.

    ONS names an LSOA after its local authority district ("Cannock Chase 001A"); the link
    to the district is made only when that district is in our reference areas.
    """
    write = stream.write
    _prefixes(write, header, {})
    for code, name in sorted(names.items()):
        write(f"lsoa:{code} a dcterms:Location ;\n    rdfs:label {_literal(name)} ;\n")
        district = re.sub(r"\s+\d{3}[A-Z]$", "", name)
        area = area_iri(base, slugify(district) + "-district")
        if district != name and str(area) in known_areas:
            write(f"    schema:containedInPlace <{area}> ;\n")
        write(f'    skos:notation "{code}" .\n\n')


def read_lsoas(path: Path) -> dict[str, str]:
    """The LSOA names an earlier import wrote (``write_lsoas``), so a new one adds to them."""
    if not path.exists():
        return {}
    graph = Graph().parse(path, format="turtle")
    return {
        str(code): str(graph.value(node, RDFS.label) or "")
        for node, code in graph.subject_objects(SKOS.notation)
    }


def _write_dataset(
    write: Callable[[str], object], target: MonthFile, counted: MonthTally, register: AgencyRegister
) -> None:
    base = target.base
    licence = f"<{base}id/licence/{LICENCE_SLUG}>"
    label = f"police.uk street-level crime, {target.scope_label}, {target.month}"
    lines = [
        "a qb:DataSet, dcat:Dataset, prov:Entity",
        f"rdfs:label {_literal(label)}",
        f"rdfs:comment {_literal('Street-level crime from data.police.uk, counted by LSOA, month and category.')}",
        f"qb:structure <{STRUCTURE}>",
        f"dcterms:license {licence}",
        f'dcterms:temporal "{target.month}"^^xsd:gYearMonth',
    ]
    creators, places = set(), set()
    for name in counted.reporters:
        agency = register.resolve(name)
        if agency is not None:
            creators.add(f"<{agency_iri(base, agency.slug)}>")
            if agency.area:
                places.add(f"<{area_iri(base, agency.area)}>")
    lines += [f"dcterms:creator {c}" for c in sorted(creators)]
    lines += [f"dcterms:spatial {p}" for p in sorted(places)]
    sources = {n: f"<{target.dataset}/source/{slugify(Path(n).stem)}>" for n in counted.sources}
    lines += [f"prov:wasDerivedFrom {s}" for _, s in sorted(sources.items())]
    write(f"<{target.dataset}> " + " ;\n    ".join(lines) + " .\n\n")
    write(f'{licence} rdfs:label "Open Government Licence v3.0" .\n\n')
    for name, node in sorted(sources.items()):
        write(
            f"{node} a foaf:Document ;\n    rdfs:label {_literal(name)} ;\n"
            f"    cspkg:fileName {_literal(name)} ;\n"
            f'    cspkg:sha256 "{counted.sources[name]}" .\n\n'
        )


def months_of(tally: Tally) -> Iterable[MonthTally]:
    return (tally.months[m] for m in sorted(tally.months))
