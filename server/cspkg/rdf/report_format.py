"""Render a validation Report as text, JSON, Turtle or a standalone HTML page.

Text and HTML are for people: counts first, then findings grouped by severity and shape,
each focus node by its label and, for an action, the line of the plan it came from.
JSON is the same content for programs; Turtle is the SHACL validation report graph.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict
from html import escape
from itertools import groupby

from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager

from ..errors import CspkgError
from ..namespaces import bind_prefixes
from .validation import SHAPES, Finding, Report, Severity

FORMATS = ("text", "json", "turtle", "html", "summary")
"""Names accepted by ``render``."""

MEDIA_TYPES = {
    "text": "text/plain; charset=utf-8",
    "json": "application/json",
    "turtle": "text/turtle; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "summary": "text/plain; charset=utf-8",
}

_PLURALS = {Severity.VIOLATION: "violations", Severity.WARNING: "warnings", Severity.INFO: "infos"}


def render(report: Report, fmt: str) -> str:
    """Render ``report`` in one of ``FORMATS``."""
    renderers: dict[str, Callable[[Report], str]] = {
        "text": render_text,
        "json": render_json,
        "turtle": render_turtle,
        "html": render_html,
        "summary": lambda found: summary(found) + "\n",
    }
    try:
        return renderers[fmt](report)
    except KeyError:
        raise CspkgError(f"unknown report format '{fmt}' (use {', '.join(FORMATS)})") from None


@functools.cache
def _namespaces() -> NamespaceManager:
    """The project's prefixes, built once (read-only afterwards)."""
    graph = Graph()
    bind_prefixes(graph)
    graph.bind("cspkgsh", SHAPES)
    return graph.namespace_manager


def _compact(iri: str | None) -> str:
    """``cspkg:ordinal`` rather than the full IRI where a project prefix fits."""
    if not iri:
        return ""
    try:
        return _namespaces().normalizeUri(URIRef(iri))
    except ValueError:
        return iri


def summary(report: Report) -> str:
    """One line: the verdict and the counts."""
    verdict = "conforms" if report.conforms else "FAILS"
    counts = ", ".join(
        f"{n} {_PLURALS[s] if n != 1 else s.value.lower()}" for s, n in report.counts.items()
    )
    return f"Validation {verdict}: {counts}."


def _as_of(report: Report) -> str:
    return report.today.isoformat() if report.today else "today (the clock)"


def _groups(report: Report) -> Iterator[tuple[Severity, list[tuple[Finding, list[Finding]]]]]:
    """Findings grouped by severity, then by shape (first finding stands for its shape)."""
    for severity in Severity:
        findings = report.by_severity(severity)
        if not findings:
            continue
        by_shape = [
            list(group) for _key, group in groupby(findings, key=lambda f: (f.shape_name, f.shape))
        ]
        yield severity, [(group[0], group) for group in by_shape]


def _where(finding: Finding) -> str:
    if finding.source_line is None:
        return ""
    document = f" of {finding.source_document}" if finding.source_document else ""
    return f"line {finding.source_line}{document}"


def _value_text(finding: Finding) -> str:
    if finding.value is None:
        return ""
    is_iri = finding.value.startswith(("http:", "https:"))
    shown = _compact(finding.value) if is_iri else finding.value
    return f"{finding.value_label} <{finding.value}>" if finding.value_label else shown


def render_text(report: Report) -> str:
    """A plain-text report for the terminal."""
    lines = [
        summary(report),
        f"Checked {report.triples} triples as of {_as_of(report)} in {report.seconds:.2f} s.",
    ]
    for severity, shapes in _groups(report):
        lines += ["", f"{severity.value.upper()}S ({report.counts[severity]})"]
        for first, group in shapes:
            lines.append(f"  {first.shape_name} [{_compact(first.shape)}] ({len(group)})")
            for finding in group:
                where = _where(finding)
                lines.append(f"    - {finding.focus_label}" + (f" ({where})" if where else ""))
                if finding.focus_label != finding.focus:
                    lines.append(f"      node: {finding.focus}")
                details = []
                if finding.path:
                    details.append(f"path: {_compact(finding.path)}")
                if finding.value is not None:
                    details.append(f"value: {_value_text(finding)}")
                if details:
                    lines.append("      " + "; ".join(details))
                lines.append(f"      {finding.message}")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    """The report as JSON: verdict, counts and every finding."""
    document = {
        "conforms": report.conforms,
        "counts": {s.value: n for s, n in report.counts.items()},
        "triples": report.triples,
        "seconds": round(report.seconds, 3),
        "today": report.today.isoformat() if report.today else None,
        "findings": [{**asdict(f), "severity": f.severity.value} for f in report.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_turtle(report: Report) -> str:
    """The SHACL validation report graph (sh:ValidationReport) in Turtle."""
    return report.graph.serialize(format="turtle")


_CSS = """
body{font:16px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}
body{color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:2px solid #ccc}h3{font-size:1.05rem}
.counts span{display:inline-block;margin-right:1rem;padding:.2rem .6rem;border-radius:.3rem}
.Violation{background:#fde2e1}.Warning{background:#fff3cd}.Info{background:#e2effd}
li{margin-bottom:.7rem}code{font-size:.9em;word-break:break-all}.meta{color:#555}
"""


def render_html(report: Report) -> str:
    """A standalone, escaped HTML page: no scripts, no external assets."""
    e = escape
    verdict = "conforms" if report.conforms else "does not conform"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Validation report: {e(verdict)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Validation report: the data {e(verdict)}</h1>",
        '<p class="counts">'
        + "".join(
            f'<span class="{s.value}">{n} {e(_PLURALS[s])}</span>' for s, n in report.counts.items()
        )
        + "</p>",
        f'<p class="meta">{report.triples} triples checked as of {e(_as_of(report))} '
        f"in {report.seconds:.2f} s.</p>",
    ]
    if not report.findings:
        parts.append("<p>No findings.</p>")
    for severity, shapes in _groups(report):
        parts.append(
            f'<section><h2 class="{severity.value}">{e(_PLURALS[severity].title())} '
            f"({report.counts[severity]})</h2>"
        )
        for first, group in shapes:
            parts.append(
                f"<h3>{e(first.shape_name)} <code>{e(_compact(first.shape))}</code> "
                f"({len(group)})</h3><ul>"
            )
            for finding in group:
                parts.append(_html_finding(finding))
            parts.append("</ul>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_finding(finding: Finding) -> str:
    e = escape
    where = _where(finding)
    bits = [f"<li><strong>{e(finding.focus_label)}</strong>"]
    if where:
        bits.append(f' <span class="meta">({e(where)})</span>')
    bits.append(f"<br>{e(finding.message)}")
    if finding.path:
        path = e(_compact(finding.path))
        bits.append(f'<br><span class="meta">path</span> <code>{path}</code>')
    if finding.value is not None:
        bits.append(f' <span class="meta">value</span> <code>{e(_value_text(finding))}</code>')
    bits.append(f'<br><code class="meta">{e(finding.focus)}</code></li>')
    return "".join(bits)
