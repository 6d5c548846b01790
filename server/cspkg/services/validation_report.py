"""Validation reports for pages: the served graph's, and an uploaded file's.

The project's validator (``cspkg.rdf.validation``) is called when it is installed; the
report is read through the attributes it is documented to have (``findings`` with
``severity``, ``shape_name``, ``focus``, ``focus_label``, ``message``, ``source_line``),
so pages do not depend on its internals.  Without it, pySHACL runs with ``shapes/``
and its results are read into the same shape.  The served graph's report is cached per
store generation: validating takes seconds, the data changes only on writes.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDFS, SH, SKOS

from ..config import Settings
from ..store.base import Store

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Finding:
    severity: str
    shape_name: str
    focus: str
    focus_label: str
    message: str
    path: str | None = None
    value: str | None = None
    source_line: int | None = None
    value_label: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "shape": self.shape_name,
            "focus": self.focus,
            "focusLabel": self.focus_label,
            "message": self.message,
            "path": self.path,
            "value": self.value,
            "valueLabel": self.value_label,
            "sourceLine": self.source_line,
        }


@dataclass(frozen=True)
class ReportView:
    """Findings grouped for reading: severity, then shape."""

    findings: tuple[Finding, ...]
    triples: int
    engine: str
    notes: tuple[str, ...] = field(default=())

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    def groups(self) -> list[tuple[str, list[tuple[str, list[Finding]]]]]:
        grouped = []
        for severity in SEVERITIES:
            shapes: dict[str, list[Finding]] = {}
            for f in self.findings:
                if f.severity == severity:
                    shapes.setdefault(f.shape_name, []).append(f)
            if shapes:
                grouped.append((severity, sorted(shapes.items())))
        return grouped

    def as_json(self) -> dict[str, object]:
        return {
            "conforms": self.conforms,
            "triples": self.triples,
            "engine": self.engine,
            "counts": self.counts,
            "notes": list(self.notes),
            "findings": [f.as_json() for f in self.findings],
        }


def _project_validator() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("cspkg.rdf.validation")
    except ImportError:
        return None
    for name in ("validate_graph", "validate"):
        found = getattr(module, name, None)
        if callable(found):
            return found  # type: ignore[no-any-return]
    return None


def validate(graph: Graph, settings: Settings) -> ReportView:
    """Validate ``graph`` (left untouched) and return a report to show people."""
    validator = _project_validator()
    if validator is not None:
        report = validator(graph, settings)
        findings = tuple(_from_project(f) for f in report.findings)
        return ReportView(findings, len(graph), "cspkg.rdf.validation")
    return _validate_with_pyshacl(graph, settings)


def _from_project(f: Any) -> Finding:
    severity = getattr(f.severity, "value", str(f.severity)).rsplit("#", 1)[-1]
    return Finding(
        severity=severity,
        shape_name=str(getattr(f, "shape_name", None) or getattr(f, "shape", "")),
        focus=str(f.focus),
        focus_label=str(f.focus_label or f.focus),
        message=str(f.message),
        path=getattr(f, "path", None),
        value=getattr(f, "value", None),
        source_line=getattr(f, "source_line", None),
        value_label=getattr(f, "value_label", None),
    )


def _validate_with_pyshacl(graph: Graph, settings: Settings) -> ReportView:
    """Stand-in until ``cspkg.rdf.validation`` lands: pySHACL with ``shapes/*.ttl``."""
    import pyshacl

    files = sorted(settings.shapes_dir.rglob("*.ttl")) if settings.shapes_dir.is_dir() else []
    if not files:
        note = "No SHACL shapes are installed, so nothing was checked."
        return ReportView((), len(graph), "none", (note,))
    shapes = Graph()
    for path in files:
        shapes.parse(path, format="turtle")
    _conforms, results, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    assert isinstance(results, Graph)
    findings = []
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        shape = results.value(result, SH.sourceShape)
        if isinstance(shape, BNode):
            shape = shapes.value(None, SH.property, shape) or shape
        severity = str(results.value(result, SH.resultSeverity) or SH.Violation)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        findings.append(
            Finding(
                severity=severity.rsplit("#", 1)[-1],
                shape_name=_name(shapes, shape),
                focus=str(focus),
                focus_label=_label(graph, focus) or str(focus),
                message=str(message or "breaks the shape"),
                path=str(path) if isinstance(path, URIRef) else None,
                value=None if value is None else str(value),
            )
        )
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity), f.shape_name, f.focus_label))
    return ReportView(tuple(findings), len(graph), "pyshacl")


def _label(graph: Graph, node: Any) -> str | None:
    for predicate in (SKOS.prefLabel, RDFS.label):
        found = graph.value(node, predicate)
        if found is not None:
            return str(found)
    return None


def _name(shapes: Graph, shape: Any) -> str:
    if shape is None:
        return "(unknown shape)"
    named = shapes.value(shape, SH.name) or shapes.value(shape, RDFS.label)
    if named is not None:
        return str(named)
    return str(shape).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def store_graph(store: Store) -> Graph:
    """The union of the store's named graphs as one rdflib graph (for SHACL only)."""
    dataset = Dataset()
    dataset.parse(data=store.dump(), format="nquads")
    union = Graph()
    for quad in dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    return union


class ServedReportCache:
    """The served graph's report, recomputed only when the store's generation changes.

    One per app (built by ``create_app``); a lock makes concurrent first requests wait
    for one validation instead of running several.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._report: ReportView | None = None

    def get(self, store: Store, settings: Settings) -> ReportView:
        with self._lock:
            if self._report is None or self._generation != store.generation:
                self._report = validate(store_graph(store), settings)
                self._generation = store.generation
            return self._report
