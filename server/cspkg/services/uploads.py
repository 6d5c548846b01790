"""Turn an uploaded file into a graph to validate, without touching the served data.

RDF is parsed by ``safe_rdf.parse_rdf``, the one parser for untrusted RDF (no DTDs or
entities, no remote contexts, size and depth limits, strict terms).  Plan documents are imported in a temporary
directory: read, parsed and built in memory, the files never reach ``data/``.
Messages name the uploaded file by its (sanitised) name, never a server path.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from rdflib import Graph

from ..config import Settings
from ..errors import RdfInputError, RequestTooLarge
from ..rdf.agency_register import REGISTER_FILE, load_register
from ..rdf.plan_document import SUPPORTED_SUFFIXES, read_plan_document
from ..rdf.plan_graph import build_plan_graphs
from ..rdf.plan_parser import parse_plan
from ..rdf.safe_rdf import SUFFIXES, UPLOAD_BASE, parse_rdf, to_graph
from .plan_import import reference_graph

PLAN_SUFFIXES = SUPPORTED_SUFFIXES


def safe_name(filename: str | None) -> str:
    """A display name: the last path part, only harmless characters, not too long."""
    name = (filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:80]
    return name or "upload"


def accepted_suffixes() -> str:
    return ", ".join([*PLAN_SUFFIXES, *SUFFIXES])


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
        with tempfile.TemporaryDirectory(prefix="cspkg-upload-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            return plan_graph(path, settings)
    if suffix in SUFFIXES:
        triples = parse_rdf(data, SUFFIXES[suffix], name=name, base=UPLOAD_BASE + name)
        return to_graph(triples)
    raise RdfInputError(f"{name}: unknown file type '{suffix}'; accepted: {accepted_suffixes()}")


def plan_graph(path: Path, settings: Settings) -> Graph:
    """A plan document imported in memory: its graphs and the agency register's, nothing
    written (``cspkg validate PLAN.docx`` and the upload both use it)."""
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
