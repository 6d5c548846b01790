"""SHACL validation: the valid fixture conforms, and each break fixture trips exactly its shape."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from cspkg.config import Settings, load_settings
from cspkg.errors import CspkgError
from cspkg.rdf import validation
from cspkg.rdf.validation import SHAPES, Severity, validate_files, validate_graph

BREAKS = sorted((Path(__file__).parents[1] / "fixtures" / "shapes" / "breaks").glob("*.ttl"))
ACTION_PREFIXES = """
@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
@prefix p-plan: <http://purl.org/net/p-plan#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def expectations(fixture: Path) -> tuple[set[tuple[str, str]], str]:
    """The ``# expect: Severity Shape`` and ``# focus: ex:x`` lines of a break fixture."""
    text = fixture.read_text(encoding="utf-8")
    expected = {tuple(line.split()) for line in re.findall(r"^# expect: (.+)$", text, re.M)}
    focus = re.search(r"^# focus: ex:(\S+)$", text, re.M)
    assert expected and focus, f"{fixture.name} declares no expectation"
    return expected, "https://cspkg.example.org/id/test/" + focus.group(1)  # type: ignore[return-value]


def overdue_action(path: Path, due: str, status: str = "") -> Path:
    """A file adding one action due on ``due`` to valid.ttl's plan."""
    path.write_text(
        ACTION_PREFIXES
        + f"""
<https://cspkg.example.org/id/test/action> a cspkg:Action ;
    p-plan:isStepOfPlan <https://cspkg.example.org/id/delivery-plan/cannock-chase-csp/2024-25> ;
    rdfs:label "Due action" ; cspkg:ordinal 9 ;
    cspkg:responsibleAgency <https://cspkg.example.org/id/organisation/staffordshire-police> ;
    cspkg:meetsPriority <https://cspkg.example.org/def/cannock-chase-csp/priorities/fraud> ;
    cspkg:targetDate "{due}"^^xsd:date ; cspkg:targetDue "{due}"^^xsd:date {status}.
""",
        encoding="utf-8",
    )
    return path


def test_valid_graph_conforms_without_any_finding(
    settings: Settings, valid_graph: Path, as_of: date
) -> None:
    report = validate_files([valid_graph], settings, as_of)
    assert report.conforms
    assert report.findings == ()
    assert dict(report.counts) == {Severity.VIOLATION: 0, Severity.WARNING: 0, Severity.INFO: 0}


@pytest.mark.parametrize("fixture", BREAKS, ids=[p.stem for p in BREAKS])
def test_each_break_reports_exactly_its_shape_and_severity(
    settings: Settings, valid_graph: Path, as_of: date, fixture: Path
) -> None:
    expected, focus = expectations(fixture)
    report = validate_files([valid_graph, fixture], settings, as_of)
    found = {(f.severity.value, f.shape.removeprefix(str(SHAPES))) for f in report.findings}
    assert found == expected
    assert {f.focus for f in report.findings} == {focus}
    assert report.conforms == all(severity != "Violation" for severity, _ in expected)


def test_every_reporting_shape_has_a_break_fixture(settings: Settings) -> None:
    shapes = Graph()
    for path in sorted(settings.shapes_dir.glob("*.ttl")):
        shapes.parse(path)
    constraint_keys = {SH.sparql, SH["or"], SH["not"], SH.minCount, SH.maxCount, SH.datatype}
    constraint_keys |= {SH["class"], SH.nodeKind, SH["in"], SH.pattern, SH.node, SH.uniqueLang}
    reporting = {
        str(shape).removeprefix(str(SHAPES))
        for shape in set(shapes.subjects(RDF.type, SH.NodeShape))
        | set(shapes.subjects(RDF.type, SH.PropertyShape))
        if isinstance(shape, URIRef)
        and any(shapes.value(shape, key) for key in constraint_keys)
        # shapes only referenced through sh:not / sh:node report through their user
        and not shapes.value(None, SH["not"], shape)
        and not shapes.value(None, SH.node, shape)
    }
    covered = {shape for fixture in BREAKS for _sev, shape in expectations(fixture)[0]}
    assert reporting - covered == set()
    assert len(reporting) > 40


def test_overdue_is_judged_by_the_clock_when_no_date_is_given(
    settings: Settings, valid_graph: Path, tmp_path: Path
) -> None:
    long_ago = overdue_action(tmp_path / "old.ttl", "2000-01-31")
    far_off = overdue_action(tmp_path / "future.ttl", "2999-12-31")

    def overdue_test_actions(path: Path) -> list[str]:
        report = validate_files([valid_graph, path], settings)
        return [
            f.focus_label
            for f in report.findings
            if f.shape.endswith("#ActionOverdue-status") and f.focus.endswith("/test/action")
        ]

    assert overdue_test_actions(long_ago) == ["Due action"]
    assert overdue_test_actions(far_off) == []


def test_a_fixed_date_decides_what_is_overdue(
    settings: Settings, valid_graph: Path, tmp_path: Path
) -> None:
    action = overdue_action(tmp_path / "action.ttl", "2025-03-31")
    before = validate_files([valid_graph, action], settings, date(2025, 3, 31))
    after = validate_files([valid_graph, action], settings, date(2025, 4, 1))
    assert [f.shape_name for f in before.findings] == []
    # valid.ttl's own fraud campaign is due 2025-04-30, so only the test action is late.
    assert [(f.shape_name, f.focus_label) for f in after.findings] == [
        ("status of an overdue action", "Due action")
    ]
    assert after.today == date(2025, 4, 1)


def test_a_recorded_status_means_not_overdue(
    settings: Settings, valid_graph: Path, tmp_path: Path, as_of: date
) -> None:
    done = overdue_action(
        tmp_path / "done.ttl", "2024-06-30", "; schema:actionStatus schema:CompletedActionStatus "
    )
    assert validate_files([valid_graph, done], settings, as_of).findings == ()


def test_findings_point_at_the_source_line_and_document(
    settings: Settings, valid_graph: Path, as_of: date
) -> None:
    fixture = next(p for p in BREAKS if p.stem == "action-without-responsible-agency")
    [finding] = validate_files([valid_graph, fixture], settings, as_of).findings
    assert finding.severity is Severity.VIOLATION
    assert finding.shape_name == "responsible agency"
    assert finding.focus_label == "A test action"
    assert finding.path == "https://cspkg.example.org/def/cspkg#responsibleAgency"
    assert finding.constraint == "MinCountConstraintComponent"
    assert finding.source_line == 100
    assert finding.source_document == "cannock-chase-csp-delivery-plan-2024-25.txt"
    assert "responsible agency" in finding.message


def test_values_that_are_things_carry_their_labels(
    settings: Settings, valid_graph: Path, as_of: date
) -> None:
    fixture = next(p for p in BREAKS if p.stem == "action-vague-supporting-agency")
    [finding] = validate_files([valid_graph, fixture], settings, as_of).findings
    assert finding.value == "https://cspkg.example.org/id/test/commissioned-services"
    assert finding.value_label == "Commissioned Services"


def test_the_data_graph_is_left_untouched(
    settings: Settings, valid_graph: Path, as_of: date
) -> None:
    data = Graph().parse(valid_graph)
    before = len(data)
    report = validate_graph(data, settings, as_of)
    assert len(data) == before
    assert report.triples == before


def copy_of_project_dirs(settings: Settings, root: Path) -> Settings:
    """Settings pointing at private copies of shapes/ and ontology/ that a test may break."""
    shutil.copytree(settings.shapes_dir, root / "shapes")
    shutil.copytree(settings.ontology_dir, root / "ontology")
    return load_settings(
        environ={},
        shapes_dir=root / "shapes",
        ontology_dir=root / "ontology",
        data_dir=root / "data",
    )


def test_shapes_are_read_once_per_directory(
    settings: Settings, tmp_path: Path, valid_graph: Path, as_of: date
) -> None:
    private = copy_of_project_dirs(settings, tmp_path)
    assert validate_files([valid_graph], private, as_of).conforms
    (private.shapes_dir / "broken.ttl").write_text("this is not turtle", encoding="utf-8")
    assert validate_files([valid_graph], private, as_of).conforms  # cached: not re-read
    validation.clear_caches()
    with pytest.raises(CspkgError, match=r"shapes/broken\.ttl"):
        validate_files([valid_graph], private, as_of)


def test_a_broken_shapes_file_is_named_with_its_line(
    settings: Settings, tmp_path: Path, valid_graph: Path
) -> None:
    private = copy_of_project_dirs(settings, tmp_path)
    (private.shapes_dir / "broken.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<a> sh:path .\n", encoding="utf-8"
    )
    with pytest.raises(CspkgError) as caught:
        validation.check_shapes(private)
    message = str(caught.value)
    assert "broken shapes file shapes/broken.ttl" in message
    assert "line 3" in message
    assert str(tmp_path) not in message


def test_a_broken_ontology_file_is_named(
    settings: Settings, tmp_path: Path, valid_graph: Path
) -> None:
    private = copy_of_project_dirs(settings, tmp_path)
    (private.ontology_dir / "cspkg.ttl").write_text("cspkg:Action a", encoding="utf-8")
    with pytest.raises(CspkgError, match=r"broken ontology file ontology/cspkg\.ttl"):
        validate_files([valid_graph], private)


def test_shapes_that_are_not_valid_shacl_stop_with_a_clear_error(
    settings: Settings, tmp_path: Path, valid_graph: Path
) -> None:
    private = copy_of_project_dirs(settings, tmp_path)
    (private.shapes_dir / "odd.ttl").write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
<https://cspkg.example.org/def/cspkg-shapes#OddShape> a sh:NodeShape ;
    sh:targetClass cspkg:Action ;
    sh:sparql [ sh:select "SELECT $this WHERE { this is not SPARQL" ] .
""",
        encoding="utf-8",
    )
    with pytest.raises(CspkgError, match=r"broken shapes file shapes/odd.ttl: SPARQL of shape"):
        validate_files([valid_graph], private)


def test_shapes_pyshacl_cannot_load_stop_with_a_clear_error(
    settings: Settings, tmp_path: Path, valid_graph: Path
) -> None:
    private = copy_of_project_dirs(settings, tmp_path)
    (private.shapes_dir / "odd.ttl").write_text(
        """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
<https://cspkg.example.org/def/cspkg-shapes#OddShape> a sh:NodeShape ;
    sh:targetClass cspkg:Action ;
    sh:property [ sh:path cspkg:ordinal ; sh:minCount "one" ] .
""",
        encoding="utf-8",
    )
    with pytest.raises(CspkgError, match="could not be used"):
        validate_files([valid_graph], private)


def test_an_empty_shapes_directory_is_an_error(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "shapes").mkdir()
    empty = load_settings(environ={}, shapes_dir=tmp_path / "shapes")
    with pytest.raises(CspkgError, match="no shapes files"):
        validation.check_shapes(empty)


def test_the_built_graph_is_the_ontology_and_every_data_file(
    settings: Settings, tmp_path: Path, valid_graph: Path, as_of: date
) -> None:
    data_dir = tmp_path / "data" / "plans"
    data_dir.mkdir(parents=True)
    shutil.copy(valid_graph, data_dir / "plan.ttl")
    built = load_settings(environ={}, data_dir=tmp_path / "data")
    report = validation.validate_built_graph(built, as_of)
    assert report.conforms and report.findings == ()
    assert report.triples > len(Graph().parse(valid_graph))  # ontology included
    shutil.copy(BREAKS[0], data_dir / "broken.ttl")
    assert not validation.validate_built_graph(built, as_of).conforms


def test_the_built_graph_without_data_yet_still_validates(tmp_path: Path) -> None:
    nothing_yet = load_settings(environ={}, data_dir=tmp_path / "missing")
    assert validation.validate_built_graph(nothing_yet).conforms
