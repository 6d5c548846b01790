"""/openapi.json: valid OpenAPI, every canned query described, and the answers match it."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from cspkg.catalog import load_catalog
from cspkg.config import PROJECT_ROOT
from cspkg.services.openapi import openapi_document

from ..conftest import Live

CATALOG = load_catalog(PROJECT_ROOT / "queries")


@pytest.fixture(scope="module")
def document(live_data: Live) -> dict[str, Any]:
    response = requests.get(live_data.url + "/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    return response.json()  # type: ignore[no-any-return]


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_the_server_is_the_one_that_answered(document: dict[str, Any], live_data: Live) -> None:
    assert document["servers"] == [{"url": live_data.url}]


def test_every_query_has_a_json_and_a_csv_path(document: dict[str, Any]) -> None:
    paths = document["paths"]
    for query in CATALOG.queries:
        for suffix in (".json", ".csv"):
            operation = paths[f"/queries/{query.name}{suffix}"]["get"]
            assert operation["summary"].startswith(query.title)
            assert [p["name"] for p in operation["parameters"]] == [
                p.name for p in query.parameters
            ]
    ids = [op["operationId"] for path in paths.values() for op in path.values()]
    assert len(ids) == len(set(ids))


def test_parameter_schemas_follow_the_declared_types(document: dict[str, Any]) -> None:
    def parameter(path: str) -> dict[str, Any]:
        return document["paths"][path]["get"]["parameters"][0]  # type: ignore[no-any-return]

    agency = parameter("/queries/agency-partners.json")
    assert agency["schema"]["type"] == "string" and agency["schema"]["format"] == "uri"
    assert agency["schema"]["default"].endswith("/community-safety-team")
    assert agency["required"] is False and agency["x-rdf-class"].endswith("#Organization")
    date = parameter("/queries/overdue-actions.json")
    assert date["schema"] == {"type": "string", "format": "date"}
    assert "today" in date["description"]
    assert parameter("/queries/priority-gaps.json")["schema"] == {"type": "integer", "default": 3}
    plan = parameter("/queries/plan-summary.json")
    assert plan["required"] is False and "default" not in plan["schema"]
    limit = document["paths"]["/queries/plan-summary.json"]["get"]["parameters"][1]
    assert limit["name"] == "limit"
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}


def test_response_schema_lists_the_columns(document: dict[str, Any]) -> None:
    for query in CATALOG.queries:
        ok = document["paths"][f"/queries/{query.name}.json"]["get"]["responses"]["200"]
        schema = ok["content"]["application/json"]["schema"]
        shape = schema["allOf"][1]["properties"]
        assert shape["columns"]["const"] == list(query.columns)
        assert list(shape["rows"]["items"]["properties"]) == list(query.columns)


@pytest.mark.parametrize("name", ["agency-partners", "action", "coverage-matrix", "plan-summary"])
def test_real_answers_match_the_documented_schema(
    document: dict[str, Any], live_data: Live, name: str
) -> None:
    ok = document["paths"][f"/queries/{name}.json"]["get"]["responses"]["200"]
    schema = {"components": document["components"], **ok["content"]["application/json"]["schema"]}
    answer = requests.get(f"{live_data.url}/queries/{name}.json", timeout=10).json()
    Draft202012Validator(schema).validate(answer)


def test_errors_match_the_documented_schema(document: dict[str, Any], live_data: Live) -> None:
    schema = {"components": document["components"], "$ref": "#/components/schemas/Error"}
    answer = requests.get(f"{live_data.url}/queries/priority-gaps.json?min=x", timeout=10)
    Draft202012Validator(schema).validate(answer.json())


def test_sparql_and_downloads_are_documented(document: dict[str, Any]) -> None:
    sparql = document["paths"]["/sparql"]["get"]
    assert sparql["parameters"][0]["name"] == "query"
    assert "application/sparql-results+json" in sparql["responses"]["200"]["content"]
    for path in ("/data/dataset.nq", "/data/dataset.ttl", "/.well-known/void", "/queries.json"):
        assert path in document["paths"]


def test_a_new_query_file_appears_without_documenting_it(tmp_path: Any) -> None:
    (tmp_path / "count.rq").write_text(
        "# title: Count\n# description: How many.\n# param: flag boolean default=false\n"
        "# columns: n\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER($flag) }\n",
        encoding="utf-8",
    )
    document = openapi_document(load_catalog(tmp_path), "http://example.org/")
    validate(document)
    (flag,) = document["paths"]["/queries/count.json"]["get"]["parameters"]
    assert flag["schema"] == {"type": "boolean", "default": False}
