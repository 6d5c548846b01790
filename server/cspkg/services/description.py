"""The SPARQL 1.1 Service Description of the endpoint, as RDF triples."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ..namespaces import SD, VOID
from ..store.base import Store

_RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def _sd(name: str) -> NamedNode:
    return NamedNode(str(SD) + name)


def describe_service(
    endpoint: str, store: Store, *, writes: bool, federation: bool, void: str | None = None
) -> list[Triple]:
    """What the endpoint offers: languages, formats, features and its named graphs.

    ``void`` is the URL of the VoID/DCAT description, linked with ``rdfs:seeAlso``.
    """
    service = NamedNode(endpoint)
    triples = [
        Triple(service, _RDF_TYPE, _sd("Service")),
        Triple(service, _sd("endpoint"), service),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
    ]
    if void:
        see_also = NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
        triples.append(Triple(service, see_also, NamedNode(void)))
    if writes:
        triples.append(Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if federation:
        triples.append(Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
    triples += [
        Triple(service, _sd("resultFormat"), NamedNode(_FORMATS + name)) for name in RESULT_FORMATS
    ]
    dataset, default = BlankNode(), BlankNode()
    triples += [
        Triple(service, _sd("defaultDataset"), dataset),
        Triple(dataset, _RDF_TYPE, _sd("Dataset")),
        Triple(dataset, _sd("defaultGraph"), default),
        Triple(default, _RDF_TYPE, _sd("Graph")),
        Triple(
            default,
            NamedNode(str(VOID) + "triples"),
            Literal(
                str(store.triple_count()),
                datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"),
            ),
        ),
    ]
    for iri in store.graphs():
        named = BlankNode()
        triples += [
            Triple(dataset, _sd("namedGraph"), named),
            Triple(named, _RDF_TYPE, _sd("NamedGraph")),
            Triple(named, _sd("name"), NamedNode(iri)),
        ]
    return triples
