"""/validation over HTTP: the served graph's report, uploads, limits, hostile input.

Runs with the fixture shapes (tests/fixtures/shapes: an action needs a label; its
ordinal is one integer), through ``cspkg.rdf.validation`` when installed, else pySHACL.
"""

from __future__ import annotations

import pytest
import requests

from tests.conftest import FIXTURES, Live

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"Accept": "application/json"}
UNLABELLED = b"""@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
<https://cspkg.example.org/id/action/upload/2024-25/01-nameless> a cspkg:Action ;
    cspkg:ordinal 1 .
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY leak SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://cspkg.example.org/id/x"><rdfs:label>&leak;</rdfs:label></rdf:Description>
</rdf:RDF>
"""


def post(live: Live, name: str, data: bytes, headers: dict[str, str]) -> requests.Response:
    return requests.post(
        live.url + "/validation", files={"file": (name, data)}, headers=headers, timeout=30
    )


def test_served_graph_report_page_and_twin(pages_live: Live) -> None:
    page = requests.get(pages_live.url + "/validation", headers=HTML, timeout=30)
    assert page.status_code == 200
    assert "Report for the served graph" in page.text and "Conforms" in page.text
    assert 'data-severity="Violation">0 violations' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    twin = requests.get(pages_live.url + "/validation.json", timeout=30).json()
    assert twin["conforms"] is True and twin["triples"] > 100
    assert twin["counts"] == {"Violation": 0, "Warning": 0, "Info": 0}
    negotiated = requests.get(pages_live.url + "/validation", headers=JSON, timeout=30).json()
    assert negotiated == twin


def test_uploaded_turtle_gets_its_own_report_and_the_served_graph_is_unchanged(
    pages_live: Live,
) -> None:
    before = requests.get(pages_live.url + "/health", timeout=10).json()["triples"]
    page = post(pages_live, "plan.ttl", UNLABELLED, HTML)
    assert page.status_code == 200
    assert "Report for plan.ttl" in page.text and "Does not conform" in page.text
    assert "ActionShape" in page.text and "an action needs a label" in page.text
    assert 'href="/doc/action/upload' not in page.text  # not in the served graph: no page
    assert 'title="https://cspkg.example.org/id/action/upload/2024-25/01-nameless"' in page.text
    about = page.text.split(
        'title="https://cspkg.example.org/id/action/upload/2024-25/01-nameless">'
    )
    assert about[1].startswith("action 01 nameless<")  # words in the About column, not the IRI
    report = post(pages_live, "plan.ttl", UNLABELLED, JSON).json()
    assert report["file"] == "plan.ttl" and report["conforms"] is False
    (finding,) = report["findings"]
    assert finding["severity"] == "Violation"
    assert finding["focus"].endswith("/01-nameless")
    assert requests.get(pages_live.url + "/health", timeout=10).json()["triples"] == before
    gone = requests.get(pages_live.url + "/doc/action/upload/2024-25/01-nameless", timeout=10)
    assert gone.status_code == 404
    assert requests.get(pages_live.url + "/validation.json", timeout=30).json()["conforms"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.nt", b"<urn:a> <urn:b> <urn:c> .\n"),
        ("a.jsonld", b'{"@id": "urn:a", "urn:b": "c"}'),
        ("a.rdf", b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
    ],
)
def test_every_rdf_syntax_is_accepted(pages_live: Live, name: str, data: bytes) -> None:
    report = post(pages_live, name, data, JSON)
    assert report.status_code == 200 and report.json()["conforms"] is True


def test_a_plan_document_is_imported_in_a_temporary_directory(pages_live: Live) -> None:
    data = (FIXTURES / "plans" / "minimal-plan.txt").read_bytes()
    report = post(pages_live, "minimal-plan.txt", data, JSON)
    assert report.status_code == 200
    body = report.json()
    assert body["file"] == "minimal-plan.txt" and body["triples"] > 50
    page = post(pages_live, "minimal-plan.txt", data, HTML)
    assert "Report for minimal-plan.txt" in page.text


def test_a_broken_plan_document_is_400_naming_the_line(pages_live: Live) -> None:
    response = post(pages_live, "broken.txt", b"Nothing like a plan\n", JSON)
    assert response.status_code == 400
    assert response.json()["message"].startswith("broken.txt")


def test_parse_errors_are_400_with_the_message_and_no_paths(pages_live: Live) -> None:
    response = post(pages_live, "../../etc/bad.ttl", b"<urn:a> <urn:b> .", HTML)
    assert response.status_code == 400
    assert "Your file could not be checked" in response.text
    assert "bad.ttl: not valid" in response.text
    for leak in ("/tmp", "Traceback", "cspkg-upload", "/etc/"):
        assert leak not in response.text
    as_json = post(pages_live, "bad.ttl", b"<urn:a> <urn:b> .", JSON)
    assert as_json.status_code == 400 and as_json.json()["error"] == "RdfInputError"


def test_xxe_is_refused_and_nothing_leaks(pages_live: Live) -> None:
    response = post(pages_live, "x.rdf", XXE, JSON)
    assert response.status_code == 400
    assert "entities are not accepted" in response.json()["message"]
    assert "root:" not in response.text


def test_jsonld_remote_contexts_are_not_fetched(pages_live: Live) -> None:
    body = b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "urn:a", "name": "x"}'
    response = post(pages_live, "ctx.jsonld", body, JSON)
    assert response.status_code == 400


@pytest.mark.parametrize("size", [310_000, 900_000])
def test_too_large_is_413_with_a_clear_message(pages_live: Live, size: int) -> None:
    response = post(pages_live, "big.ttl", b"#" * size, JSON)
    assert response.status_code == 413
    assert "300000 bytes" in response.json()["message"]
    page = post(pages_live, "big.ttl", b"#" * size, HTML)
    assert page.status_code == 413 and "limit of 300000 bytes" in page.text


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [("notes.odt", b"PK", "unknown file type"), ("empty.ttl", b"", "empty")],
)
def test_unknown_or_empty_files(pages_live: Live, name: str, data: bytes, expected: str) -> None:
    response = post(pages_live, name, data, JSON)
    assert response.status_code == 400 and expected in response.json()["message"]


def test_no_file_is_400(pages_live: Live) -> None:
    response = requests.post(
        pages_live.url + "/validation", data={"x": "1"}, headers=JSON, timeout=10
    )
    assert response.status_code == 400 and "choose a file" in response.json()["message"]


def test_hostile_labels_in_findings_are_escaped(pages_live: Live) -> None:
    data = b"""@prefix cspkg: <https://cspkg.example.org/def/cspkg#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://cspkg.example.org/id/action/x/01-y> a cspkg:Action ;
    rdfs:label "<script>alert(1)</script>" ; cspkg:ordinal "one" .
"""
    page = post(pages_live, "hostile.ttl", data, HTML)
    assert page.status_code == 200 and "Does not conform" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_served_findings_link_to_their_pages(real_live: Live) -> None:
    """The real data against the real shapes: warnings (overdue, vague agencies) link."""
    page = requests.get(real_live.url + "/validation", headers=HTML, timeout=60)
    assert page.status_code == 200
    assert 'href="/doc/action/cannock-chase-csp/2024-25/' in page.text
    report = requests.get(real_live.url + "/validation.json", timeout=60).json()
    assert report["engine"] == "cspkg.rdf.validation"
    assert report["counts"]["Warning"] > 0
    severities = [f["severity"] for f in report["findings"]]
    order = ["Violation", "Warning", "Info"]
    assert severities == sorted(severities, key=order.index)


def test_uploaded_spreadsheet_plan_gets_a_report(
    pages_live: Live, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from tests.fixtures.plans.layouts import write_xlsx

    plan = write_xlsx(tmp_path_factory.mktemp("upload") / "exampleton.xlsx").read_bytes()
    report = post(pages_live, "exampleton.xlsx", plan, JSON)
    assert report.status_code == 200
    assert report.json()["file"] == "exampleton.xlsx" and report.json()["triples"] > 50
    bad = post(pages_live, "exampleton.xlsx", plan[:200], JSON)
    assert bad.status_code == 400 and "exampleton.xlsx" in bad.text and "/tmp" not in bad.text


def test_shape_messages_on_the_page_are_in_words() -> None:
    from cspkg.web.validation import in_words

    assert in_words("Its due date (cspkg:targetDue) has passed.") == "Its due date has passed."
    assert in_words("It is a cspkg:ProgressUpdate (and prov:Entity).") == (
        "It is a progress update."
    )
    assert in_words("At most one due date (cspkg:targetDue), an xsd:date.") == (
        "At most one due date, a date."
    )
    assert in_words("Plain words (see page 3).") == "Plain words (see page 3)."
