"""The whole dataset as downloads, and its VoID + DCAT description.

Downloads start from ``Store.dump()`` (N-Quads, the one whole-dataset read both stores
offer) and are re-serialised in chunks, so the response is streamed as it is written
and never held twice.  Turtle cannot carry named graphs, so ``dataset.ttl`` is the
union of the graphs (a triple in two graphs appears once); N-Quads, TriG and JSON-LD
keep one named graph per source file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize

from ..config import Settings
from ..namespaces import DCAT, DCTERMS, PREFIXES, RDF, SD, VOID, XSD
from ..store.base import SelectResult, Store

CHUNK_BYTES = 1 << 16
CHUNK_STATEMENTS = 5000
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Download:
    """One whole-dataset file offered at ``/data/dataset.{extension}``."""

    extension: str
    media_type: str
    title: str
    keeps_graphs: bool


DOWNLOADS = (
    Download("nq", "application/n-quads", "N-Quads, one named graph per source file", True),
    Download("trig", "application/trig", "TriG, one named graph per source file", True),
    Download("ttl", "text/turtle", "Turtle, the union of all graphs", False),
    Download("jsonld", "application/ld+json", "JSON-LD, named graphs kept", True),
)


def download(extension: str) -> Download | None:
    return next((d for d in DOWNLOADS if d.extension == extension), None)


def _quads(store: Store) -> Iterator[Quad]:
    return parse(store.dump(), format=RdfFormat.N_QUADS)


def _batches(items: Iterator[Quad], size: int = CHUNK_STATEMENTS) -> Iterator[list[Quad]]:
    batch: list[Quad] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def stream(store: Store, extension: str) -> Iterator[bytes]:
    """The dataset in the download's format, as chunks (read from the store at once)."""
    if extension == "nq":
        data = store.dump()
        for start in range(0, len(data), CHUNK_BYTES):
            yield data[start : start + CHUNK_BYTES]
    elif extension == "trig":
        for batch in _batches(_quads(store)):  # repeated @prefix lines are valid TriG
            yield _serialize(batch, RdfFormat.TRIG)
    elif extension == "ttl":
        seen: set[Triple] = set()
        for batch in _batches(_quads(store)):
            triples = [q.triple for q in batch if q.triple not in seen]
            seen.update(triples)
            if triples:
                yield _serialize(triples, RdfFormat.TURTLE)
    elif extension == "jsonld":
        yield from _jsonld(store)
    else:
        raise ValueError(f"no download with extension {extension}")


def _serialize(items: list[Quad] | list[Triple], rdf_format: RdfFormat) -> bytes:
    return serialize(items, format=rdf_format, prefixes=PREFIXES) or b""


def _jsonld(store: Store) -> Iterator[bytes]:
    """One top-level array; each graph serialised on its own and its objects spliced in."""
    by_graph: dict[str, list[Quad]] = {}
    for quad in _quads(store):
        by_graph.setdefault(str(quad.graph_name), []).append(quad)
    yield b"["
    first = True
    for quads in by_graph.values():
        text = _serialize(quads, RdfFormat.JSON_LD).strip()
        inner = text[1:-1].strip() if text.startswith(b"[") else text
        if inner:
            yield inner if first else b",\n" + inner
            first = False
    yield b"]\n"


def _n(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(str(XSD.integer)))


def _iri(namespace: object, name: str) -> NamedNode:
    return NamedNode(str(namespace) + name)


def graph_counts(store: Store) -> list[tuple[str, int]]:
    """``(graph IRI, statements)`` for every named graph, one query on either store."""
    result = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    )
    assert isinstance(result, SelectResult)
    return [(g.value, int(n.value)) for g, n in result.rows if g is not None and n is not None]


def vocabularies(store: Store) -> list[str]:
    """Namespaces of the properties and classes in use (up to the last ``#`` or ``/``)."""
    result = store.query("SELECT DISTINCT ?t WHERE { GRAPH ?g { { ?s ?t ?o } UNION { ?s a ?t } } }")
    assert isinstance(result, SelectResult)
    found = set()
    for (term,) in result.rows:
        if isinstance(term, NamedNode):
            iri = term.value
            cut = max(iri.rfind("#"), iri.rfind("/"))
            if cut > iri.find("//") + 1:
                found.add(iri[: cut + 1])
    return sorted(found)


def describe_dataset(root: str, store: Store, settings: Settings) -> list[Triple]:
    """VoID + DCAT: the dataset, its SPARQL endpoint, downloads and one subset per graph.

    ``root`` is the service's base URL (ending ``/``); the description's own IRIs hang off
    ``{root}.well-known/void`` so they resolve to this document.
    """
    here = root + ".well-known/void"
    dataset = NamedNode(here + "#dataset")
    sparql = NamedNode(root + "sparql")
    rdf_type = _iri(RDF, "type")
    counts = graph_counts(store)
    triples = [
        Triple(dataset, rdf_type, _iri(VOID, "Dataset")),
        Triple(dataset, rdf_type, _iri(DCAT, "Dataset")),
        Triple(dataset, _iri(DCTERMS, "title"), Literal("CSP Knowledge Graph", language="en")),
        Triple(
            dataset,
            _iri(DCTERMS, "description"),
            Literal(
                "A Community Safety Partnership's delivery plan as linked data: actions, "
                "agencies, the partnership's priorities, the Police and Crime Plan's "
                "priorities and the project's alignment between them, with reference "
                "areas and street-level crime statistics.",
                language="en",
            ),
        ),
        Triple(
            dataset,
            _iri(DCTERMS, "rights"),
            Literal(
                "Derived from published public-sector documents and police.uk data "
                "(Open Government Licence v3.0). No licence has been chosen for the "
                "derived graph yet: check the source documents' terms before reuse.",
                language="en",
            ),
        ),
        Triple(dataset, _iri(VOID, "sparqlEndpoint"), sparql),
        Triple(dataset, _iri(VOID, "triples"), _n(store.triple_count())),
        Triple(dataset, _iri(VOID, "uriSpace"), Literal(settings.base)),
        Triple(dataset, _iri(DCAT, "landingPage"), NamedNode(root + "queries")),
    ]
    triples += [
        Triple(dataset, _iri(VOID, "feature"), NamedNode("http://www.w3.org/ns/formats/" + name))
        for name in ("N-Quads", "TriG", "Turtle", "JSON-LD")
    ]
    triples += [
        Triple(dataset, _iri(VOID, "vocabulary"), NamedNode(iri)) for iri in vocabularies(store)
    ]
    for item in DOWNLOADS:
        url = NamedNode(f"{root}data/dataset.{item.extension}")
        distribution = NamedNode(f"{here}#download-{item.extension}")
        triples += [
            Triple(dataset, _iri(VOID, "dataDump"), url),
            Triple(dataset, _iri(DCAT, "distribution"), distribution),
            Triple(distribution, rdf_type, _iri(DCAT, "Distribution")),
            Triple(distribution, _iri(DCTERMS, "title"), Literal(item.title, language="en")),
            Triple(distribution, _iri(DCAT, "downloadURL"), url),
            Triple(distribution, _iri(DCAT, "accessURL"), url),
            Triple(
                distribution,
                _iri(DCAT, "mediaType"),
                NamedNode(IANA_MEDIA_TYPES + item.media_type),
            ),
        ]
    service = sparql
    api = NamedNode(root + "openapi.json#api")
    triples += [
        Triple(service, rdf_type, _iri(DCAT, "DataService")),
        Triple(service, rdf_type, _iri(SD, "Service")),
        Triple(service, _iri(DCAT, "endpointURL"), sparql),
        Triple(service, _iri(DCAT, "endpointDescription"), sparql),
        Triple(service, _iri(DCAT, "servesDataset"), dataset),
        Triple(api, rdf_type, _iri(DCAT, "DataService")),
        Triple(api, _iri(DCTERMS, "title"), Literal("Canned queries API", language="en")),
        Triple(api, _iri(DCAT, "endpointURL"), NamedNode(root + "queries")),
        Triple(api, _iri(DCAT, "endpointDescription"), NamedNode(root + "openapi.json")),
        Triple(api, _iri(DCAT, "servesDataset"), dataset),
    ]
    graph_prefix = settings.base + "graph/"
    for number, (graph, count) in enumerate(counts, start=1):
        name = graph.removeprefix(graph_prefix) if graph.startswith(graph_prefix) else None
        subset = NamedNode(f"{here}#graph-{quote(name, safe='/') if name else number}")
        triples += [
            Triple(dataset, _iri(VOID, "subset"), subset),
            Triple(subset, rdf_type, _iri(VOID, "Dataset")),
            Triple(subset, _iri(SD, "name"), NamedNode(graph)),
            Triple(subset, _iri(VOID, "triples"), _n(count)),
        ]
        if name:
            triples.append(Triple(subset, _iri(DCTERMS, "source"), Literal(name)))
    first_seen: dict[object, int] = {}
    for triple in triples:
        first_seen.setdefault(triple.subject, len(first_seen))
    return sorted(triples, key=lambda t: first_seen[t.subject])  # Turtle groups by subject
