"""``/queries/NAME.xlsx``: real workbooks read back with openpyxl, on the seed plan."""

from __future__ import annotations

import io

import openpyxl
import pytest
import requests

from ..conftest import Live

B = "https://cspkg.example.org/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTION = B + "id/action/cannock-chase-csp/2024-25/01-chair-manage-multi-agency-community"


def book(live: Live, path: str, **params: str) -> openpyxl.Workbook:
    response = requests.get(live.url + path, params=params, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_coverage_matrix_downloads_as_wide_grids_with_full_labels(live_data: Live) -> None:
    workbook = book(live_data, "/queries/coverage-matrix.xlsx")
    assert workbook.sheetnames == [
        "Answer",
        "Actions x CSP priorities",
        "Actions x Commissioner",
        "CSP x Commissioner priorities",
        "About",
    ]
    grid = workbook["Actions x CSP priorities"]
    header = [c.value for c in grid[1]]
    iris = [c.value for c in grid[2]]
    assert "Anti-Social Behaviour (ASB)" in header and "Domestic Abuse" in header
    assert all(str(iri).startswith(B + "def/") for iri in iris[2:])
    rows = {row[1]: row for row in grid.iter_rows(min_row=3, values_only=True)}
    first = rows[ACTION]
    assert first[0].startswith("CSP to chair and manage the multi-agency Community Safety Hub")
    assert not first[0].endswith(("…", "...")) and "are tackled." in first[0]
    assert set(first[2:]) <= {"Yes", "No"} and "Yes" in first[2:]
    assert grid.max_row - 2 == len(rows)  # one row per action, not one per cell
    alignment = workbook["CSP x Commissioner priorities"]
    assert alignment.max_column > 3 and alignment.max_row > 3
    serves = {
        r[1]: r for r in workbook["Actions x Commissioner"].iter_rows(min_row=3, values_only=True)
    }
    assert serves.keys() == rows.keys()  # every action, against the Commissioner priorities
    assert set(serves[ACTION][2:]) <= {"Yes", "No"} and "Yes" in serves[ACTION][2:]
    assert not any(
        str(v).endswith(("…", "...")) for row in workbook["Answer"].values for v in row if v
    )


def test_every_workbook_says_what_it_is(live_data: Live) -> None:
    workbook = book(live_data, "/queries/agency-partners.xlsx", agency="Staffordshire Police")
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Query"] == "Agency partners" and about["Query name"] == "agency-partners"
    assert about["Parameter: Agency"].startswith("Staffordshire Police (" + B)
    assert "statements" in about["Data version"] and about["Generated at"].endswith("UTC")
    assert "agency-partners.xlsx" in about["Source"]
    answer = workbook["Answer"]
    header = [c.value for c in answer[1]]
    assert header == ["Partner", "Partner (IRI)", "Shared actions"]
    values = list(answer.iter_rows(min_row=2, values_only=True))
    assert values and all(isinstance(row[2], int) for row in values)
    assert all(str(row[1]).startswith(B + "id/") for row in values)


@pytest.mark.parametrize("name", ["overdue-actions", "agency-workload", "priority-actions"])
def test_every_table_answer_is_also_a_workbook(live_data: Live, name: str) -> None:
    document = requests.get(f"{live_data.url}/queries/{name}.json", timeout=30).json()
    answer = book(live_data, f"/queries/{name}.xlsx")["Answer"]
    assert answer.max_row - 1 == document["rowCount"]


def test_the_page_links_its_workbook(live_data: Live) -> None:
    page = requests.get(live_data.url + "/queries/coverage-matrix", timeout=30)
    assert 'href="/queries/coverage-matrix.xlsx' in page.text and f'type="{XLSX}"' in page.text


def test_the_csv_download_carries_full_labels_too(live_data: Live) -> None:
    response = requests.get(live_data.url + "/queries/coverage-matrix.csv", timeout=30)
    text = response.content.decode("utf-8-sig")
    assert "are tackled." in text and "…" not in text
    assert text.splitlines()[0] == "rowKind,row,rowLabel,column,columnLabel,covered"


@pytest.mark.parametrize("suffix,format_", [(".csv", None), ("", "csv")])
def test_every_csv_answer_links_metadata_that_says_what_it_is(
    live_data: Live, suffix: str, format_: str | None
) -> None:
    params = {"agency": "Staffordshire Police"} | ({"_format": format_} if format_ else {})
    path = f"/queries/agency-partners{suffix}"
    response = requests.get(live_data.url + path, params=params, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    links = requests.utils.parse_header_links(response.headers["Link"])
    described = [link for link in links if link["rel"] == "describedby"]
    assert [link["type"] for link in described] == ["application/csvm+json"]
    assert described[0]["url"].startswith("/queries/agency-partners.csv-metadata.json?")
    meta = requests.get(live_data.url + described[0]["url"], timeout=30)
    assert meta.headers["Content-Type"].startswith("application/csvm+json")
    document = meta.json()
    assert document["@context"] == "http://www.w3.org/ns/csvw"
    assert document["url"].startswith(live_data.url + path + "?")
    assert ("_format=csv" in document["url"]) == (format_ is not None)
    assert document["dc:title"] == "Agency partners" and document["dc:identifier"] == (
        "agency-partners"
    )
    assert document["dc:description"] and "statements" in document["schema:version"]
    assert document["dc:created"]["@value"].endswith("Z")
    (agency,) = document["schema:additionalProperty"]
    assert agency["schema:name"] == "agency" and agency["schema:value"].startswith(B + "id/")
    columns = document["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == header
    assert all(c["titles"][0] == name for c, name in zip(columns, header, strict=True))
    assert "Parameter: Agency: Staffordshire Police (" + B in " ".join(document["rdfs:comment"])


def test_csv_metadata_of_an_unknown_query_is_a_json_404(live_data: Live) -> None:
    response = requests.get(live_data.url + "/queries/no-such.csv-metadata.json", timeout=30)
    assert response.status_code == 404 and response.headers["Content-Type"].startswith(
        "application/json"
    )
    assert "error" in response.json() or response.json()
