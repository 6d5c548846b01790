"""Turn an uploaded file into a graph to validate, without touching the served data.

RDF is parsed by pyoxigraph, not rdflib: its RDF/XML parser resolves no external
entities (no XXE) and its JSON-LD parser fetches no remote ``@context`` (no requests
to addresses an uploader chooses).  Plan documents are imported in a temporary
directory: read, parsed and built in memory, the files never reach ``data/``.
Messages name the uploaded file by its (sanitised) name, never a server path.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ..config import Settings
from ..errors import RdfInputError, RequestTooLarge
from ..rdf.agency_register import REGISTER_FILE, load_register
from ..rdf.plan_document import SUPPORTED_SUFFIXES, read_plan_document
from ..rdf.plan_graph import build_plan_graphs
from ..rdf.plan_parser import parse_plan
from ..rdf.safe_rdf import check_untrusted
from .plan_import import reference_graph

RDF_SUFFIXES: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}
PLAN_SUFFIXES = SUPPORTED_SUFFIXES
UPLOAD_BASE = "urn:cspkg:upload:"


def safe_name(filename: str | None) -> str:
    """A display name: the last path part, only harmless characters, not too long."""
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:80]
    return name or "upload"


def accepted_suffixes() -> str:
    return ", ".join([*PLAN_SUFFIXES, *RDF_SUFFIXES])


def read_upload(filename: str | None, data: bytes, settings: Settings) -> Graph:
    """The graph an upload stands for; ``RdfInputError`` / ``PlanDocumentError`` if bad."""
    if len(data) > settings.max_upload_bytes:
        raise RequestTooLarge(
            f"the file is {len(data)} bytes; uploads may be at most "
            f"{settings.max_upload_bytes} bytes"
        )
    name = safe_name(filename)
    suffix = Path(name).suffix.lower()
    if not data:
        raise RdfInputError(f"{name}: the file is empty")
    if suffix in PLAN_SUFFIXES:
        return _plan_graph(name, data, settings)
    if suffix in RDF_SUFFIXES:
        return _rdf_graph(name, data, RDF_SUFFIXES[suffix])
    raise RdfInputError(f"{name}: unknown file type '{suffix}'; accepted: {accepted_suffixes()}")


def _rdf_graph(name: str, data: bytes, rdf_format: ox.RdfFormat) -> Graph:
    check_untrusted(data, rdf_format.media_type, name)  # no DTDs, no remote JSON-LD contexts
    try:
        triples = list(ox.parse(data, format=rdf_format, base_iri=UPLOAD_BASE + name))
    except (SyntaxError, ValueError) as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise RdfInputError(f"{name}: not valid {rdf_format.name}: {problem}") from None
    ntriples = ox.serialize(
        [ox.Triple(q.subject, q.predicate, q.object) for q in triples],
        format=ox.RdfFormat.N_TRIPLES,
    )
    graph = Graph()
    graph.parse(data=ntriples or b"", format="nt")
    return graph


def _plan_graph(name: str, data: bytes, settings: Settings) -> Graph:
    """Import a plan document in a temporary directory; only the graphs come back."""
    with tempfile.TemporaryDirectory(prefix="cspkg-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        document = read_plan_document(path)
        register = load_register(settings.data_dir / REGISTER_FILE)
        record = parse_plan(document, knows_agency=lambda name: register.resolve(name) is not None)
        built = build_plan_graphs(record, document, register, settings.base)
    graph = Graph()
    for part in built.graphs.values():
        graph += part
    graph += register.to_graph(settings.base)
    if built.reference_plan is not None:  # the Commissioner's plan it links to, if curated
        graph += reference_graph(settings.data_dir, built.reference_plan) or Graph()
    return graph
