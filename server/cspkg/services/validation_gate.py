"""The one gate every write passes: ``validate_before_load(graph, settings)``.

Updates and loads are checked against the project's SHACL shapes (with the ontology, as
``cspkg validate`` does) before anything is committed.  Only violations block: warnings
and infos describe data quality, and the seed plan itself has some.
"""

from __future__ import annotations

from rdflib import Graph

from ..config import Settings
from ..errors import ValidationFailed
from ..rdf.validation import Severity, validate_graph

MAX_LISTED = 10


def validate_before_load(graph: Graph, settings: Settings, focus: set[str] | None = None) -> None:
    """Raise ``ValidationFailed`` (with a short summary) unless ``graph`` conforms.

    With ``focus`` (node IRIs), only violations on those nodes, and on blank nodes,
    count: the rest of ``graph`` is context brought in to check them (a changed plan's
    agencies and priorities), validated when its own source is.
    """
    report = validate_graph(graph, settings)
    violations = [
        f
        for f in report.by_severity(Severity.VIOLATION)
        if focus is None or f.focus.startswith("_:") or f.focus in focus
    ]
    if not violations:
        return
    lines = [
        f"{f.focus_label or f.focus}: {f.message}" + (f" ({f.path})" if f.path else "")
        for f in violations[:MAX_LISTED]
    ]
    more = f" (and {len(violations) - MAX_LISTED} more)" if len(violations) > MAX_LISTED else ""
    raise ValidationFailed(
        f"{len(violations)} shape violation(s): " + "; ".join(lines) + more, report
    )
