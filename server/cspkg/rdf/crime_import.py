"""police.uk street-level crime CSV files -> RDF Data Cube observations.

Each row becomes one ``qb:Observation`` (month, LSOA, category, last outcome, a count of
one) in a dataset that records its source file, its checksum, who reported it and its
licence.  Categories are looked up by the label the CSV uses in the category scheme in
``data/reference/police-uk-crime-categories.ttl``, so a new category is a data change,
not a code change; an unknown label is an error naming the row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, QB, RDF, RDFS, SKOS, XSD

from ..errors import RdfInputError
from ..namespaces import CSPKG, ONS_GEOGRAPHY, SCHEMA, bind_prefixes
from .agency_register import AgencyRegister, agency_iri, area_iri
from .slugs import slugify

SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
REQUIRED_COLUMNS = ("Month", "LSOA code", "LSOA name", "Crime type", "Reported by")
LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CATEGORY_SCHEME = "reference/police-uk-crime-categories.ttl"
LICENCE_SLUG = "open-government-licence-v3"
STRUCTURE = "https://cspkg.example.org/def/street-crime/structure"
"""The Data Cube structure, declared in ``ontology/street-crime-cube.ttl``."""


@dataclass(frozen=True)
class CrimeImport:
    """The graph made from one CSV file and what it holds."""

    graph: Graph
    dataset: URIRef
    records: int
    lsoas: int


def category_index(scheme_file: Path) -> dict[str, URIRef]:
    """Category concepts by their CSV label (``skos:prefLabel`` in the scheme file)."""
    graph = Graph().parse(scheme_file, format="turtle")
    return {
        str(label): URIRef(concept)
        for concept, label in graph.subject_objects(SKOS.prefLabel)
        if (concept, SKOS.inScheme, None) in graph
    }


def _rows(name: str, text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RdfInputError(f"{name}:1: missing column(s) {', '.join(missing)}")
    for row in reader:
        yield reader.line_num, row


def crime_csv_to_graph(
    path: Path,
    categories: dict[str, URIRef],
    register: AgencyRegister,
    base: str,
    known_areas: set[URIRef] | None = None,
    on_row: Callable[[], None] | None = None,
) -> CrimeImport:
    """Read one street-level CSV; raise RdfInputError naming the file and line at fault."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise RdfInputError(f"{path}: cannot read file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise RdfInputError(f"{path.name}: not UTF-8 text") from None
    stem = slugify(path.stem)
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("sdmx-dimension", SDMX_DIMENSION)
    dataset = URIRef(f"{base}id/dataset/police-uk-street-crime/{stem}")
    lsoas: dict[str, str] = {}
    reporters: set[str] = set()
    count = 0
    for line, row in _rows(path.name, text):
        month, code = row["Month"].strip(), row["LSOA code"].strip()
        if not MONTH.match(month):
            raise RdfInputError(f"{path.name}:{line}: month '{month}' is not YYYY-MM")
        if code and not LSOA_CODE.match(code):
            raise RdfInputError(f"{path.name}:{line}: '{code}' is not an LSOA code")
        category = categories.get(row["Crime type"].strip())
        if category is None:
            raise RdfInputError(
                f"{path.name}:{line}: unknown crime type '{row['Crime type']}' "
                f"(add it to data/{CATEGORY_SCHEME})"
            )
        node = URIRef(f"{base}id/crime-record/{stem}/{line:06d}")
        graph.add((node, RDF.type, QB.Observation))
        graph.add((node, QB.dataSet, dataset))
        graph.add((node, SDMX_DIMENSION.refPeriod, Literal(month, datatype=XSD.gYearMonth)))
        graph.add((node, CSPKG.crimeCategory, category))
        graph.add((node, CSPKG.crimeCount, Literal(1)))
        if code:
            graph.add((node, SDMX_DIMENSION.refArea, ONS_GEOGRAPHY[code]))
            lsoas[code] = row["LSOA name"].strip()
        if row.get("Crime ID", "").strip():
            graph.add((node, DCTERMS.identifier, Literal(row["Crime ID"].strip())))
        if row.get("Last outcome category", "").strip():
            graph.add((node, CSPKG.lastOutcome, Literal(row["Last outcome category"].strip())))
        if row.get("Location", "").strip():
            graph.add((node, CSPKG.locationDescription, Literal(row["Location"].strip())))
        reporters.add(row["Reported by"].strip())
        count += 1
        if on_row:
            on_row()
    if count == 0:
        raise RdfInputError(f"{path.name}: no crime records")
    _describe_dataset(graph, dataset, path, raw, register, base, reporters)
    _describe_lsoas(graph, lsoas, base, known_areas or set())
    return CrimeImport(graph, dataset, count, len(lsoas))


def _describe_dataset(
    graph: Graph,
    dataset: URIRef,
    path: Path,
    raw: bytes,
    register: AgencyRegister,
    base: str,
    reporters: set[str],
) -> None:
    licence = URIRef(f"{base}id/licence/{LICENCE_SLUG}")
    graph.add((dataset, RDF.type, QB.DataSet))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, RDF.type, PROV.Entity))
    graph.add((dataset, RDFS.label, Literal(f"police.uk street-level crime: {path.name}")))
    graph.add((dataset, QB.structure, URIRef(STRUCTURE)))
    graph.add((dataset, CSPKG.fileName, Literal(path.name)))
    graph.add((dataset, CSPKG.sha256, Literal(hashlib.sha256(raw).hexdigest())))
    graph.add((dataset, DCTERMS.license, licence))
    graph.add((licence, RDFS.label, Literal("Open Government Licence v3.0")))
    graph.add((dataset, RDFS.comment, Literal("A street-level crime file from data.police.uk.")))
    for name in sorted(reporters):
        agency = register.resolve(name)
        if agency is not None:
            graph.add((dataset, DCTERMS.creator, agency_iri(base, agency.slug)))
            if agency.area:
                graph.add((dataset, DCTERMS.spatial, area_iri(base, agency.area)))


def _describe_lsoas(
    graph: Graph, lsoas: dict[str, str], base: str, known_areas: set[URIRef]
) -> None:
    """LSOAs named in the file, with their names, and the district their name gives.

    ONS names an LSOA after its local authority district ("Cannock Chase 001A"); the
    link to the district is made only when that district is in our reference areas.
    """
    for code, name in sorted(lsoas.items()):
        node = ONS_GEOGRAPHY[code]
        graph.add((node, RDF.type, DCTERMS.Location))
        graph.add((node, RDFS.label, Literal(name)))
        graph.add((node, SKOS.notation, Literal(code)))
        district = re.sub(r"\s+\d{3}[A-Z]$", "", name)
        area = area_iri(base, slugify(district) + "-district")
        if district != name and area in known_areas:
            graph.add((node, SCHEMA.containedInPlace, area))
