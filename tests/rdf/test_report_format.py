"""Rendering reports: text for people, JSON and Turtle for programs, standalone HTML."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from cspkg.config import Settings
from cspkg.errors import CspkgError
from cspkg.rdf import report_format
from cspkg.rdf.validation import Report, validate_files


@pytest.fixture
def mixed_report(
    settings: Settings, valid_graph: Path, shapes_fixtures: Path, as_of: date
) -> Report:
    """One violation (with a source line) and one info, to see grouping and order."""
    breaks = shapes_fixtures / "breaks"
    return validate_files(
        [
            valid_graph,
            breaks / "action-vague-supporting-agency.ttl",
            breaks / "priority-without-scheme.ttl",
        ],
        settings,
        as_of,
    )


def test_text_puts_counts_first_then_severity_and_shape_groups(mixed_report: Report) -> None:
    text = report_format.render(mixed_report, "text")
    lines = text.splitlines()
    assert lines[0] == "Validation FAILS: 1 violation, 0 warnings, 1 info."
    assert "as of 2025-01-01" in lines[1]
    assert text.index("VIOLATIONS (1)") < text.index("INFOS (1)")
    assert "concept scheme [cspkgsh:Concept-inScheme] (1)" in text
    assert "- A test action (line 100 of cannock-chase-csp-delivery-plan-2024-25.txt)" in text
    assert (
        "value: Commissioned Services <https://cspkg.example.org/id/test/commissioned-services>"
        in text
    )


def test_text_of_a_clean_report_is_just_the_summary(
    settings: Settings, valid_graph: Path, as_of: date
) -> None:
    report = validate_files([valid_graph], settings, as_of)
    text = report_format.render(report, "text")
    assert text.startswith("Validation conforms: 0 violations, 0 warnings, 0 infos.\n")
    assert len(text.splitlines()) == 2


def test_json_carries_every_finding(mixed_report: Report) -> None:
    document = json.loads(report_format.render(mixed_report, "json"))
    assert document["conforms"] is False
    assert document["counts"] == {"Violation": 1, "Warning": 0, "Info": 1}
    assert document["today"] == "2025-01-01"
    [violation, info] = document["findings"]
    assert violation["severity"] == "Violation"
    assert violation["shape"].endswith("#Concept-inScheme")
    assert info["severity"] == "Info"
    assert info["source_line"] == 100


def test_turtle_is_the_shacl_validation_report(mixed_report: Report) -> None:
    graph = Graph().parse(data=report_format.render(mixed_report, "turtle"), format="turtle")
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert len(list(graph.objects(report, SH.result))) == 2
    severities = set(graph.objects(None, SH.resultSeverity))
    assert severities == {SH.Violation, SH.Info}


def test_html_is_standalone_and_escaped(
    settings: Settings, valid_graph: Path, tmp_path: Path, as_of: date
) -> None:
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://cspkg.example.org/id/test/x> a skos:Concept ;
    skos:prefLabel "<script>alert('x')</script> & co"@en .
""",
        encoding="utf-8",
    )
    page = report_format.render(validate_files([valid_graph, hostile], settings, as_of), "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "src=" not in page and "href=" not in page  # no external assets
    assert "concept scheme" in page


def test_unknown_format_is_refused(mixed_report: Report) -> None:
    with pytest.raises(CspkgError, match="unknown report format 'yaml'"):
        report_format.render(mixed_report, "yaml")
