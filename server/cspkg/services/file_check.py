"""``cspkg validate FILE ...``: files checked with the project's graph as their context.

A file written by ``cspkg import --out`` or ``import-crime --out`` is one part of the
graph: its actions point at agencies, priorities and areas defined in other files, so
checked alone it breaks every ``sh:class`` shape.  By default the files are validated
together with the project's graph (``ontology/`` and ``data/``), and the report keeps
only findings about the files' own nodes.  A project file that describes a node the
given files describe is left out of the context: the given files stand in for it (a
re-imported plan replaces its old version, it is not checked against it).  ``alone``
checks the files by themselves.

Plan documents (``uploads.PLAN_SUFFIXES``) are imported in memory first, as the web
upload does.
Files are named in messages as the user gave them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from ..config import Settings
from ..namespaces import bind_prefixes
from ..rdf.rdf_files import parse_into
from ..rdf.validation import Report, Severity, validate_graph
from .loading import project_sources
from .uploads import PLAN_SUFFIXES, plan_graph


def read_files(paths: Sequence[Path], settings: Settings) -> Graph:
    """The graph the files stand for: RDF parsed, plan documents imported in memory."""
    graph = Graph()
    bind_prefixes(graph)
    for path in paths:
        if path.suffix.lower() in PLAN_SUFFIXES:
            graph += plan_graph(path, settings)
        else:
            parse_into(graph, path, str(path))
    return graph


def context_graph(files: Graph, settings: Settings) -> Graph:
    """The project's graph, less the files that describe a node the given files describe
    (the given files stand in for them)."""
    described = {s for s in files.subjects(unique=True) if isinstance(s, URIRef)}
    graph = Graph()
    for source in project_sources(settings):
        part = Graph()
        parse_into(part, source.path, source.name)
        if not any(s in described for s in part.subjects(unique=True)):
            graph += part
    return graph


def validate_files(
    paths: Sequence[Path], settings: Settings, today: date | None = None, *, alone: bool = False
) -> Report:
    """Validate the files, in the project's context unless ``alone``."""
    files = read_files(paths, settings)
    if alone:
        return validate_graph(files, settings, today)
    data = Graph()
    data += context_graph(files, settings)
    data += files
    report = validate_graph(data, settings, today)
    return _about(report, {_focus_text(s) for s in files.subjects()}, len(files))


def _about(report: Report, nodes: set[str], triples: int) -> Report:
    """The report restricted to findings whose focus node the files describe."""
    kept = tuple(f for f in report.findings if f.focus in nodes)
    source = report.graph
    graph = Graph()
    for prefix, namespace in source.namespaces():
        graph.bind(prefix, namespace, override=True)
    graph += source
    for head, result in list(source.subject_objects(SH.result)):
        if _focus_text(source.value(result, SH.focusNode)) not in nodes:
            graph.remove((head, SH.result, result))
            _remove_tree(graph, result)
    conforms = not any(f.severity is Severity.VIOLATION for f in kept)
    for head in source.subjects(RDF.type, SH.ValidationReport):
        graph.set((head, SH.conforms, Literal(conforms)))
    return replace(report, findings=kept, triples=triples, graph=graph)


def _focus_text(node: Node | None) -> str:
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def _remove_tree(graph: Graph, node: Node) -> None:
    """A result node and the blank nodes only it points to (paths, details)."""
    pending = [node]
    while pending:
        subject = pending.pop()
        for predicate, value in list(graph.predicate_objects(subject)):
            graph.remove((subject, predicate, value))
            if isinstance(value, BNode) and not any(graph.subjects(None, value)):
                pending.append(value)
