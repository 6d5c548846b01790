"""Validation reports for pages: the served graph's, and an uploaded file's.

The project's validator (``rdf/validation.py``) checks the graph; pages show its
findings as they are (one ``Finding`` model), grouped for reading.  The served graph's report is
cached per store generation: validating takes seconds, the data changes only on writes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from rdflib import Dataset, Graph

from ..config import Settings
from ..rdf.validation import Finding, validate_graph
from ..store.base import Store

SEVERITIES = ("Violation", "Warning", "Info")


def finding_json(f: Finding) -> dict[str, object]:
    """One finding as the pages' JSON twins give it."""
    return {
        "severity": f.severity.value,
        "shape": f.shape_name or f.shape,
        "focus": f.focus,
        "focusLabel": f.focus_label or f.focus,
        "message": f.message,
        "path": f.path,
        "value": f.value,
        "valueLabel": f.value_label,
        "sourceLine": f.source_line,
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
            "findings": [finding_json(f) for f in self.findings],
        }


def validate(graph: Graph, settings: Settings) -> ReportView:
    """Validate ``graph`` (left untouched) and return a report to show people."""
    report = validate_graph(graph, settings)
    findings = tuple(
        replace(f, focus_label=words_for_iri(f.focus, f.focus_label)) for f in report.findings
    )
    return ReportView(findings, len(graph), "cspkg.rdf.validation")


def words_for_iri(iri: str, label: str | None) -> str:
    """What a finding is about, for people: its label, else words from its address
    ("…/id/action/x/2024-25/01-unnamed" is "action 01 unnamed"), never the bare IRI."""
    if label and label != iri:
        return label
    path = iri.split("#", 1)[-1] if "#" in iri else iri
    for marker in ("/id/", "/def/"):
        if marker in path:
            parts = [p for p in path.split(marker, 1)[1].split("/") if p]
            if parts:
                kind, last = parts[0], parts[-1]
                words = last.replace("-", " ").replace("_", " ")
                return words if len(parts) == 1 else f"{kind.replace('-', ' ')} {words}"
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last.replace("-", " ").replace("_", " ") or iri


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
