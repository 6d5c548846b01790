"""police.uk street-level CSV -> Data Cube observations, on the real extract and small files."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, QB, RDF, SKOS

from cspkg.config import Settings
from cspkg.errors import RdfInputError
from cspkg.namespaces import CSPKG
from cspkg.services.crime_import import import_crime
from tests.conftest import FIXTURES, SOURCES

EXTRACT = SOURCES / "police-uk" / "2019-01-cannock-chase-street.csv"
SMALL = FIXTURES / "crime" / "small-street.csv"


def test_real_extract_counts_match_the_csv(settings: Settings, tmp_path: Path) -> None:
    report = import_crime(EXTRACT, settings, tmp_path)
    with EXTRACT.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert report.records == len(rows) == 638
    assert report.lsoas == len({r["LSOA code"] for r in rows}) == 60
    graph = Graph().parse(report.written[0])
    labels = {c: str(label) for c, label in graph.subject_objects(SKOS.prefLabel)}
    categories = Graph().parse(settings.data_dir / "reference" / "police-uk-crime-categories.ttl")
    by_label = Counter(
        str(categories.value(c, SKOS.prefLabel)) for c in graph.objects(None, CSPKG.crimeCategory)
    )
    assert by_label == Counter(r["Crime type"] for r in rows)
    assert labels == {}  # categories are referenced, not copied into the crime graph


def test_committed_crime_file_is_reproduced(settings: Settings, tmp_path: Path) -> None:
    report = import_crime(EXTRACT, settings, tmp_path)
    committed = settings.data_dir / "crime" / "2019-01-cannock-chase-street.ttl"
    assert report.written[0].read_bytes() == committed.read_bytes()


def test_small_file_observations(settings: Settings, tmp_path: Path) -> None:
    report = import_crime(SMALL, settings, tmp_path)
    graph = Graph().parse(report.written[0])
    observations = set(graph.subjects(RDF.type, QB.Observation))
    assert len(observations) == 7
    asb = URIRef(settings.base + "def/police-uk/crime-categories/anti-social-behaviour")
    first = URIRef(settings.base + "id/crime-record/small-street/000002")
    assert graph.value(first, CSPKG.crimeCategory) == asb
    assert graph.value(first, CSPKG.lastOutcome) is None  # ASB has no outcome
    assert graph.value(first, DCTERMS.identifier) is None  # nor a crime id
    lsoa = URIRef("http://statistics.data.gov.uk/id/statistical-geography/E01029368")
    assert graph.value(lsoa, RDFS_LABEL) == Literal("Cannock Chase 001A")
    dataset = report.dataset
    assert graph.value(dataset, DCTERMS.license) is not None
    assert graph.value(dataset, DCTERMS.creator) == URIRef(
        settings.base + "id/organisation/staffordshire-police"
    )


RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "Anti-social behaviour",
            "Jaywalking",
            "small-street.csv:2: unknown crime type 'Jaywalking'",
        ),
        ("2019-01,Staffordshire", "Jan 2019,Staffordshire", "small-street.csv:2: month 'Jan 2019'"),
        ("E01029368", "XYZ", "small-street.csv:2: 'XYZ' is not an LSOA code"),
        ("Crime type", "Kind of crime", "small-street.csv:1: missing column(s) Crime type"),
    ],
)
def test_bad_rows_name_the_line_and_write_nothing(
    settings: Settings, tmp_path: Path, old: str, new: str, message: str
) -> None:
    bad = tmp_path / "small-street.csv"
    bad.write_text(SMALL.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RdfInputError) as caught:
        import_crime(bad, settings, out)
    assert message in str(caught.value)
    assert not out.exists()
