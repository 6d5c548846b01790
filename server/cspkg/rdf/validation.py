"""SHACL validation: the graph plus the ontology, checked against ``shapes/``.

Why the ontology is *merged* into the data rather than passed to pyshacl as
``ont_graph``: pyshacl only copies RDFS/OWL axioms from an ``ont_graph``, but the shapes
also need the SKOS concepts the ontology directory defines (an agency's kind must be in
the agency-kinds scheme).  Merging and validating with inference ``none`` is fast (about
0.08 s for a two-action graph, 0.25 s for sixty actions; RDFS inference doubled it) and
``sh:class`` still follows ``rdfs:subClassOf`` through the ontology's (and
``ontology/imports.ttl``'s) axioms.  SHACL-AF is on for the ``sh:SPARQLTarget``s that
keep SPARQL work to one query per shape instead of one per action.

"Today": the overdue check compares ``cspkg:targetDue`` with ``NOW()`` (UTC).  The
``validate_*`` functions take ``today``; when given, ``NOW()`` in every ``sh:select`` is
replaced by that date (midnight UTC) in a cached copy of the shapes, so tests and reports
"as of" a date are deterministic while the shapes files stay plain SHACL that any engine
can run.

Shapes and ontology are parsed once per directory and cached; call ``clear_caches``
after editing them in a long-running process (tests do).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

import pyshacl
from pyparsing import ParseBaseException
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SH, SKOS
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Node

from ..config import Settings
from ..errors import CspkgError, RdfInputError
from ..namespaces import CSPKG, SCHEMA, bind_prefixes
from .rdf_files import load_rdf_files, turtle_files

SHAPES = Namespace("https://cspkg.example.org/def/cspkg-shapes#")
"""The shapes' own namespace (``shapes/*.ttl``), bound as ``cspkgsh:`` in reports."""

LABEL_PREDICATES = (RDFS.label, SKOS.prefLabel, SCHEMA.name, DCTERMS.title, SH.name)
"""Where a node's human name is looked for, in order of preference."""


class Severity(StrEnum):
    """SHACL severities, ordered from most to least serious."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def iri(self) -> URIRef:
        """The ``sh:`` IRI of this severity."""
        return SH[self.value]

    @property
    def rank(self) -> int:
        """Sort key: violations first."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Finding:
    """One SHACL result, with what a person needs to find and fix it."""

    severity: Severity
    shape: str
    """IRI of the shape that reported it (named shapes make results stable to test)."""
    shape_name: str
    focus: str
    focus_label: str
    path: str | None
    value: str | None
    value_label: str | None
    message: str
    constraint: str
    """Local name of the SHACL constraint component, e.g. ``MinCountConstraintComponent``."""
    source_line: int | None = None
    """``cspkg:sourceFirstLine`` of the focus node, where it has one."""
    source_document: str | None = None
    """File name (or IRI) of the document the focus node was derived from."""


@dataclass(frozen=True)
class Report:
    """The outcome of one validation run.  Conforms means: no violations."""

    findings: tuple[Finding, ...]
    triples: int
    seconds: float
    today: date | None
    """The date overdue checks were judged as of; ``None`` means the clock (``NOW()``)."""
    graph: Graph = field(repr=False, compare=False)
    """The SHACL validation report graph, as pyshacl produced it."""

    @property
    def conforms(self) -> bool:
        """True when nothing breaks the model; warnings and infos are allowed."""
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    @property
    def counts(self) -> Mapping[Severity, int]:
        """How many findings of each severity (every severity present, maybe 0)."""
        counts = dict.fromkeys(Severity, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def by_severity(self, severity: Severity) -> tuple[Finding, ...]:
        """The findings of one severity, in report order."""
        return tuple(f for f in self.findings if f.severity is severity)


@dataclass(frozen=True)
class _Shapes:
    graph: Graph
    files_by_shape: Mapping[Node, str]


def clear_caches() -> None:
    """Forget parsed shapes and ontologies so edited files are read again."""
    _load_shapes.cache_clear()
    _load_ontology.cache_clear()
    _shapes_as_of.cache_clear()


def _directory_files(directory: Path, what: str) -> list[Path]:
    files = turtle_files(directory)
    if not files:
        raise CspkgError(f"no {what} files (*.ttl) found in {directory.name}/")
    return files


@functools.lru_cache(maxsize=8)
def _load_shapes(shapes_dir: Path) -> _Shapes:
    graph = Graph()
    bind_prefixes(graph)
    files_by_shape: dict[Node, str] = {}
    for path in _directory_files(shapes_dir, "shapes"):
        name = f"{shapes_dir.name}/{path.relative_to(shapes_dir).as_posix()}"
        try:
            part = load_rdf_files([path], root=shapes_dir.parent)
        except RdfInputError as exc:
            raise CspkgError(f"broken shapes file {exc}") from None
        for subject in part.subjects(unique=True):
            files_by_shape[subject] = name
        graph += part
    _check_sparql(graph, files_by_shape)
    return _Shapes(graph, files_by_shape)


def _check_sparql(graph: Graph, files_by_node: Mapping[Node, str]) -> None:
    """Compile every sh:select now, so a typo names its file instead of failing mid-run."""
    declared = "".join(
        f"PREFIX {graph.value(d, SH.prefix)}: <{graph.value(d, SH.namespace)}>\n"
        for d in graph.objects(None, SH.declare)
    )
    for node, query in graph.subject_objects(SH.select):
        text = declared + str(query).replace("$PATH", "<urn:cspkg:path>")
        try:
            prepareQuery(text)
        except ParseBaseException as exc:
            owner = graph.value(None, SH.sparql, node)
            where = files_by_node.get(owner if owner is not None else node, "a shapes file")
            raise CspkgError(
                f"broken shapes file {where}: SPARQL of shape {owner} does not parse: {exc.msg}"
            ) from None


@functools.lru_cache(maxsize=8)
def _load_ontology(ontology_dir: Path) -> Graph:
    try:
        return load_rdf_files(_directory_files(ontology_dir, "ontology"), ontology_dir.parent)
    except RdfInputError as exc:
        raise CspkgError(f"broken ontology file {exc}") from None


@functools.lru_cache(maxsize=16)
def _shapes_as_of(shapes_dir: Path, today: date | None) -> Graph:
    shapes = _load_shapes(shapes_dir).graph
    if today is None:
        return shapes
    moment = f'"{today.isoformat()}T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    dated = Graph()
    bind_prefixes(dated)
    dated += shapes
    for node, query in list(dated.subject_objects(SH.select)):
        if "NOW()" in str(query):
            dated.set((node, SH.select, Literal(str(query).replace("NOW()", moment))))
    return dated


def validate_graph(data: Graph, settings: Settings, today: date | None = None) -> Report:
    """Validate a data graph (left untouched) with the configured ontology and shapes."""
    started = time.perf_counter()
    shapes = _load_shapes(settings.shapes_dir)
    shapes_graph = _shapes_as_of(settings.shapes_dir, today)
    merged = Graph()
    bind_prefixes(merged)
    merged += data
    merged += _load_ontology(settings.ontology_dir)
    try:
        _conforms, report_graph, _text = pyshacl.validate(
            merged,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,  # SHACL-AF: sh:SPARQLTarget in shapes/action.ttl
            inplace=True,
            allow_warnings=True,
            allow_infos=True,
        )
    except (ReportableRuntimeError, ParseBaseException) as exc:
        raise CspkgError(_shapes_problem(exc, shapes)) from None
    if not isinstance(report_graph, Graph):  # pyshacl returns a ValidationFailure instead
        raise CspkgError(f"validation could not run: {report_graph}")
    bind_prefixes(report_graph)
    report_graph.bind("cspkgsh", SHAPES)
    findings = tuple(
        sorted(
            (_finding(report_graph, r, merged, shapes_graph) for r in _results(report_graph)),
            key=_sort_key,
        )
    )
    return Report(
        findings=findings,
        triples=len(data),
        seconds=time.perf_counter() - started,
        today=today,
        graph=report_graph,
    )


def validate_files(paths: Iterable[Path], settings: Settings, today: date | None = None) -> Report:
    """Parse RDF files (any syntax rdf_files knows) into one graph and validate it."""
    return validate_graph(load_rdf_files(paths), settings, today)


def validate_built_graph(settings: Settings, today: date | None = None) -> Report:
    """Validate the built graph: every ``*.ttl`` under the ontology and data directories."""
    graph = Graph()
    for directory in (settings.ontology_dir, settings.data_dir):
        graph += load_rdf_files(turtle_files(directory), directory.parent)
    return validate_graph(graph, settings, today)


def check_shapes(settings: Settings) -> None:
    """Read and cache the shapes and ontology now, so a broken file stops start-up."""
    _load_shapes(settings.shapes_dir)
    _load_ontology(settings.ontology_dir)


def _shapes_problem(exc: ReportableRuntimeError | ParseBaseException, shapes: _Shapes) -> str:
    text = str(getattr(exc, "message", "") or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    files = sorted({f for node, f in shapes.files_by_shape.items() if str(node) in str(exc)})
    where = ", ".join(files) if files else "the shapes directory"
    return f"the SHACL shapes in {where} could not be used: {first}"


def _results(report: Graph) -> list[Node]:
    return list(report.objects(None, SH.result))


def _sort_key(f: Finding) -> tuple[int, str, int, str, str]:
    return (f.severity.rank, f.shape_name, f.source_line or 0, f.focus_label, f.value or "")


def label_of(graph: Graph, node: Node) -> str | None:
    """A node's human name: an English or untagged label first, else any language."""
    for predicate in LABEL_PREDICATES:
        labels = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
        for literal in labels:
            if literal.language in (None, "en") or str(literal.language).startswith("en-"):
                return str(literal)
        if labels:
            return str(labels[0])
    return None


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _path_text(report: Graph, path: Node | None) -> str | None:
    if path is None or not isinstance(path, BNode):
        return _text(path)
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{inverse}"
    return "(complex path)"


def _shape_identity(shapes: Graph, shape: Node | None) -> tuple[str, str]:
    """IRI and name of the shape behind a result; an anonymous shape reports its parent."""
    if shape is None:
        return "", "(unknown shape)"
    if isinstance(shape, BNode):
        parent = shapes.value(None, SH.property, shape)
        if isinstance(parent, URIRef):
            return str(parent), label_of(shapes, parent) or str(parent)
        return _text(shape) or "", "(anonymous shape)"
    return str(shape), label_of(shapes, shape) or str(shape).rsplit("#", 1)[-1]


def _finding(report: Graph, result: Node, data: Graph, shapes: Graph) -> Finding:
    severity = Severity(str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1])
    shape_iri, shape_name = _shape_identity(shapes, report.value(result, SH.sourceShape))
    focus = report.value(result, SH.focusNode)
    value = report.value(result, SH.value)
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    component = str(report.value(result, SH.sourceConstraintComponent) or "")
    first_line = data.value(focus, CSPKG.sourceFirstLine) if focus is not None else None
    document = data.value(focus, PROV.wasDerivedFrom) if focus is not None else None
    document_name = data.value(document, CSPKG.fileName) if document is not None else None
    return Finding(
        severity=severity,
        shape=shape_iri,
        shape_name=shape_name,
        focus=_text(focus) or "",
        focus_label=(label_of(data, focus) if focus is not None else None) or _text(focus) or "",
        path=_path_text(report, report.value(result, SH.resultPath)),
        value=_text(value),
        value_label=label_of(data, value) if isinstance(value, URIRef) else None,
        message=messages[0] if messages else shape_name,
        constraint=component.rsplit("#", 1)[-1],
        source_line=_int_or_none(first_line),
        source_document=_text(document_name or document),
    )


def _int_or_none(node: Node | None) -> int | None:
    if isinstance(node, Literal):
        try:
            return int(node)
        except (TypeError, ValueError):
            return None
    return None


__all__ = [
    "SHAPES",
    "Finding",
    "Report",
    "Severity",
    "check_shapes",
    "clear_caches",
    "label_of",
    "validate_built_graph",
    "validate_files",
    "validate_graph",
]
