"""Every namespace and fixed IRI the project uses, in one place.

The vocabulary namespace (``CSPKG``) is fixed: terms must not move when a deployment
changes its base.  Things, documents and concept schemes live under a configurable base
(``config.Settings.base``), following the UK public-sector URI patterns:
``{base}id/...`` for things, ``{base}doc/...`` for pages about them and
``{base}def/...`` for vocabularies and concept schemes.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD

DEFAULT_BASE = "https://cspkg.example.org/"

CSPKG = Namespace(DEFAULT_BASE + "def/cspkg#")
"""The project's own vocabulary: coined only where no W3C or common term fits."""

AGENCY_KIND = Namespace(DEFAULT_BASE + "def/agency-kinds/")
"""Concept scheme classifying agencies (council, police, charity, group, unspecified...)."""

PPLAN = Namespace("http://purl.org/net/p-plan#")
SCHEMA = Namespace("http://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
QB = Namespace("http://purl.org/linked-data/cube#")
ONS_GEOGRAPHY = Namespace("http://statistics.data.gov.uk/id/statistical-geography/")
OS_ID = Namespace("http://data.ordnancesurvey.co.uk/id/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "cspkg": str(CSPKG),
    "agencykind": str(AGENCY_KIND),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "owl": str(OWL),
    "p-plan": str(PPLAN),
    "prov": str(PROV),
    "qb": str(QB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sd": str(SD),
    "sh": str(SH),
    "skos": str(SKOS),
    "time": str(TIME),
    "void": str(VOID),
    "xsd": str(XSD),
}
"""Prefixes bound in every graph we write and offered to every query editor."""


def bind_prefixes(graph: object) -> None:
    """Bind the project's prefixes on an rdflib graph so output is readable and stable."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)  # type: ignore[attr-defined]
