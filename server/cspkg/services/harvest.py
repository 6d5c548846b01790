"""Harvest a remote SPARQL endpoint into a named graph of our own, with provenance.

``cspkg harvest ENDPOINT --query FILE`` runs a CONSTRUCT (or DESCRIBE) query over the
SPARQL Protocol (urllib3, the one HTTP client the project talks to SPARQL servers with)
and keeps the result as ``data/harvest/{name}.ttl``: the file is the cache,
loaded like any other source into its own named graph, so pages and queries never wait
on someone else's server.  Re-running refreshes it.  The file is replaced only after a
complete, parsed answer; when the endpoint is down the last harvest stays as it was.
The answer is untrusted input: it goes through ``safe_rdf.parse_rdf`` like an upload,
and is read only up to ``MAX_ANSWER_BYTES``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import urllib3
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD
from urllib3.exceptions import HTTPError

from ..config import Settings
from ..errors import CspkgError, RdfInputError, StoreUnavailable
from ..namespaces import SD, bind_prefixes
from ..rdf.safe_rdf import FORMATS, parse_rdf, to_graph
from ..rdf.slugs import slugify
from .data_files import write_all

GRAPH_QUERY_FORMS = ("CONSTRUCT", "DESCRIBE")
MAX_ANSWER_BYTES = 512 * 2**20
"""Largest answer read from an endpoint: a harvest is a cache, not a dump."""
_HEADERS = {
    "Accept": "text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.5",
    "Content-Type": "application/x-www-form-urlencoded",
}


@dataclass(frozen=True)
class HarvestReport:
    """What a harvest fetched and where it keeps it."""

    name: str
    endpoint: str
    triples: int
    path: Path
    dataset: URIRef
    attempts: int


def _query_form(query: str) -> str:
    """The query's form, skipping prefixes and comments (enough to refuse SELECT early)."""
    for raw in query.splitlines():
        line = raw.split("#", 1)[0].strip().upper()
        if not line or line.startswith(("PREFIX", "BASE")):
            continue
        return line.split()[0] if line.split() else ""
    return ""


def fetch_graph(endpoint: str, query: str, timeout: float) -> Graph:
    """Run a graph query on ``endpoint``; ``StoreUnavailable`` on any transport failure,
    ``RdfInputError`` if the answer is not acceptable RDF (not retried)."""
    http = urllib3.PoolManager(retries=False)
    try:
        response = http.request(
            "POST",
            endpoint,
            body=urlencode({"query": query}),
            headers=_HEADERS,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
            preload_content=False,
        )
        body = response.read(MAX_ANSWER_BYTES + 1)
        response.release_conn()
    except (HTTPError, OSError) as exc:
        reason = type(exc).__name__.replace("Error", " error").strip()
        raise StoreUnavailable(f"endpoint {endpoint} did not answer: {reason}") from None
    finally:
        http.clear()
    if response.status >= 300:
        raise StoreUnavailable(f"endpoint {endpoint} answered with HTTP {response.status}")
    media_type = (response.headers.get("Content-Type") or "text/turtle").split(";")[0].strip()
    if media_type.lower() not in FORMATS:
        raise RdfInputError(f"endpoint {endpoint} answered with {media_type}, not RDF")
    triples = parse_rdf(
        body, media_type, name=f"the answer of {endpoint}", base=endpoint,
        max_bytes=MAX_ANSWER_BYTES,
    )  # fmt: skip
    return to_graph(triples)


def harvest(
    endpoint: str,
    query_file: Path,
    settings: Settings,
    name: str | None = None,
    timeout: float = 30.0,
    retries: int = 2,
    out_dir: Path | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> HarvestReport:
    """Fetch, describe with PROV-O, and write ``harvest/{name}.ttl`` (all or nothing)."""
    try:
        query = query_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CspkgError(f"cannot read query file {query_file.name}: {exc.strerror}") from None
    if _query_form(query) not in GRAPH_QUERY_FORMS:
        raise CspkgError(
            f"{query_file.name}: a harvest needs a CONSTRUCT or DESCRIBE query, "
            "so that the answer is a graph"
        )
    name = slugify(name or query_file.stem)
    started = datetime.now(UTC)
    attempts = 0
    while True:
        attempts += 1
        try:
            graph = fetch_graph(endpoint, query, timeout)
            break
        except StoreUnavailable:
            if attempts > retries:
                raise
            sleep(min(8.0, 0.5 * 2**attempts))
    ended = datetime.now(UTC)
    dataset = URIRef(f"{settings.base}id/dataset/harvest/{name}")
    describe_harvest(graph, dataset, settings.base, name, endpoint, query, started, ended)
    path = (out_dir or settings.data_dir) / "harvest" / f"{name}.ttl"
    header = f"# Harvested by `cspkg harvest` from {endpoint} at {ended.isoformat()}.\n"
    write_all({path: header + graph.serialize(format="turtle")})
    return HarvestReport(name, endpoint, len(graph), path, dataset, attempts)


def describe_harvest(
    graph: Graph,
    dataset: URIRef,
    base: str,
    name: str,
    endpoint: str,
    query: str,
    started: datetime,
    ended: datetime,
) -> None:
    """Add PROV-O: which endpoint, which query, when; the harvested triples count too."""
    bind_prefixes(graph)
    triples = len(graph)
    activity = URIRef(f"{base}id/activity/harvest/{name}")
    query_node = URIRef(f"{base}id/query/harvest/{name}")
    service = URIRef(endpoint)
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, RDF.type, PROV.Entity))
    graph.add((dataset, RDFS.label, Literal(f"Harvest '{name}' from {endpoint}")))
    graph.add((dataset, DCTERMS.source, service))
    graph.add((dataset, VOID.triples, Literal(triples)))
    graph.add((dataset, PROV.wasGeneratedBy, activity))
    graph.add((activity, RDF.type, PROV.Activity))
    graph.add((activity, RDFS.label, Literal(f"cspkg harvest {name}")))
    graph.add((activity, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    graph.add((activity, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    graph.add((activity, PROV.used, service))
    graph.add((activity, PROV.used, query_node))
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((query_node, RDF.type, PROV.Entity))
    graph.add((query_node, RDF.value, Literal(query)))
