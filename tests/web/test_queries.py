"""/queries over real HTTP on both stores: the seed plan, twins, formats, refusals."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
import requests

from cspkg.catalog import load_catalog
from cspkg.config import PROJECT_ROOT

from ..conftest import Live, _serve

CATALOG = load_catalog(PROJECT_ROOT / "queries")
NAMES = [q.name for q in CATALOG.queries if not q.federated]
"""Federated queries answer only with their endpoint allowed: tests/federation runs them."""
B = "https://cspkg.example.org/"
CST = B + "id/organisation/cannock-chase-district-council/community-safety-team"
POLICE = B + "id/organisation/staffordshire-police"
JSON_RESULTS = "application/sparql-results+json"
HTML_ACCEPT = {"Accept": "text/html"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPARQL_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}


class Page(HTMLParser):
    """What the tests read from a query page: body rows, links, form controls, alternates."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[dict[str, str | None]] = []
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.options: dict[str, list[str]] = {}
        self.alternates: dict[str, str] = {}
        self._in_body = False
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "a" and self._in_body:
            self.links.append(found)
        elif tag in ("input", "select") and found.get("name"):
            self.inputs[str(found["name"])] = {"tag": tag, **found}
        if tag == "select" and found.get("name"):
            self._select = str(found["name"])
            self.options[self._select] = []
        elif tag == "option" and self._select:
            self.options[self._select].append(str(found.get("value")))
            if "selected" in found:
                self.inputs[self._select]["value"] = found.get("value")
        elif tag == "link" and found.get("rel") == "alternate":
            self.alternates[str(found["type"])] = str(found["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._in_body and self.rows and data.strip():
            self.rows[-1].append(data.strip())


def get(live: Live, path: str, **kwargs: object) -> requests.Response:
    return requests.get(live.url + path, timeout=20, **kwargs)  # type: ignore[arg-type]


def csv_rows(response: requests.Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


NEEDS_PROGRESS = {"exceptions", "status-history", "commissioner-delivery", "commissioner-agencies"}
"""Empty on the seed graph, which holds no progress updates (tests/services covers them)
and one partnership (the Commissioner's view across several: tests/web/test_commissioner_view.py)."""
NEEDS_POPULATION = {"crime-rates"}
"""Empty on the seed graph, which holds no residents per LSOA (tests/services/
test_population.py covers it with a fictional population)."""


@pytest.mark.parametrize("name", NAMES)
def test_every_query_answers_on_the_seed_plan_and_its_twins_agree(
    live_data: Live, name: str
) -> None:
    document = get(live_data, f"/queries/{name}.json").json()
    count = document["rowCount"]
    assert (count > 0) != (name in NEEDS_PROGRESS | NEEDS_POPULATION)
    assert len(document["rows"]) == count and not document["truncated"]
    table = csv_rows(get(live_data, f"/queries/{name}.csv"))
    assert table[0] == document["columns"] and len(table) == count + 1
    page = Page(get(live_data, f"/queries/{name}", headers={"Accept": "text/html"}).text)
    assert len(page.rows) == count  # the page and every download: the same rows
    results = get(
        live_data, f"/queries/{name}", headers={"Accept": "application/sparql-results+json"}
    )
    bindings = results.json()["results"]["bindings"]
    per = CATALOG.get(name).rows_per  # the query's own rows: one per value and more
    assert len({b[per]["value"] for b in bindings} if per else bindings) == count


def test_catalogue_lists_every_query_in_html_and_json(live_data: Live) -> None:
    page = get(live_data, "/queries")
    assert page.headers["Content-Type"].startswith("text/html")
    assert '</queries.json>; rel="alternate"; type="application/json"' in page.headers["Link"]
    listed = get(live_data, "/queries.json").json()["queries"]
    assert [q["name"] for q in listed] == list(CATALOG.names())
    for entry in listed:
        assert entry["title"] in html.unescape(page.text)
        assert entry["links"]["json"].endswith(f"/queries/{entry['name']}.json")
    partners = next(q for q in listed if q["name"] == "agency-partners")
    assert partners["parameters"][0] | {"expects": ""} == {
        "name": "agency",
        "type": "iri",
        "label": "Agency",
        "default": CST,
        "required": False,
        "class": "http://www.w3.org/ns/org#Organization",
        "expects": "",
    }
    by_accept = get(live_data, "/queries", headers={"Accept": "application/json"})
    assert by_accept.json()["queries"] == listed


def test_json_shape_for_developers(live_data: Live) -> None:
    response = get(live_data, "/queries/agency-partners.json", params={"agency": POLICE})
    assert response.headers["Content-Type"] == "application/json"
    document = response.json()
    assert document["query"]["name"] == "agency-partners"
    assert document["parameters"] == {"agency": {"type": "iri", "value": POLICE, "given": True}}
    assert document["columns"] == ["partner", "partnerLabel", "sharedActions"]
    assert document["labels"] == {"partner": "partnerLabel"}
    first = document["rows"][0]
    assert first["partner"]["type"] == "iri" and first["partner"]["value"] == CST
    assert first["partner"]["label"] == first["partnerLabel"]["value"]
    assert first["partnerLabel"]["type"] == "string"
    assert first["sharedActions"]["type"] == "integer"
    assert isinstance(first["sharedActions"]["value"], int)
    types = {link["type"] for link in document["links"]["alternate"]}
    assert {"text/html", "text/csv", *SPARQL_FORMATS} <= types


def test_defaults_are_reported_as_bound(live_data: Live) -> None:
    document = get(live_data, "/queries/overdue-actions.json").json()
    bound = document["parameters"]["date"]
    assert bound["given"] is False and re.fullmatch(r"\d{4}-\d{2}-\d{2}", bound["value"])


@pytest.mark.parametrize(("suffix", "own"), [("", "text/html"), (".json", "application/json")])
def test_pages_link_their_twins(live_data: Live, suffix: str, own: str) -> None:
    response = get(live_data, f"/queries/agency-partners{suffix}", params={"agency": POLICE})
    links = dict(
        (m.group(2), m.group(1))
        for m in re.finditer(
            r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers["Link"]
        )
    )
    expected = {"text/html", "application/json", "text/csv", XLSX, *SPARQL_FORMATS} - {own}
    assert set(links) == expected
    for media_type, url in links.items():
        assert "agency=" in url
        twin = get(live_data, url)
        assert twin.status_code == 200
        assert twin.headers["Content-Type"].split(";")[0] == media_type


def test_csv_is_for_spreadsheets(live_data: Live) -> None:
    response = get(live_data, "/queries/agency-workload.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="agency-workload.csv"' in response.headers["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbfagency,agencyLabel,")
    body = response.content[3:]
    assert body.count(b"\r\n") == body.count(b"\n") > 1


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type"),
    [
        *[(m, None, m) for m in SPARQL_FORMATS],
        (None, "tsv", "text/tab-separated-values"),
        ("text/html", "xml", "application/sparql-results+xml"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", None, "text/html"),
        ("*/*", None, "text/html"),
        ("application/json", None, "application/sparql-results+json"),
    ],
)
def test_content_negotiation(
    live_data: Live, accept: str | None, fmt: str | None, media_type: str
) -> None:
    params = {"_format": fmt} if fmt else {}
    headers = {"Accept": accept} if accept else {}
    response = get(live_data, "/queries/agency-workload", params=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers.get("Vary", "") or media_type != "text/html"


def test_unacceptable_format_is_406(live_data: Live) -> None:
    response = get(live_data, "/queries/agency-workload", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_html_table_labels_iris_and_links_local_things_here(live_data: Live) -> None:
    page = Page(get(live_data, "/queries/agency-partners", params={"agency": POLICE}).text)
    first = page.links[0]
    assert first["href"] == "/doc/organisation/cannock-chase-district-council/community-safety-team"
    assert first["title"] == CST and first.get("rel") is None
    assert page.rows[0][0] == "Cannock Chase District Council - Community Safety Team"
    external = Page(get(live_data, "/queries/external-identifiers").text)
    outside = [a for a in external.links if a.get("rel") == "external"]
    assert outside and all(not str(a["href"]).startswith("/") for a in outside)


def test_form_fields_fit_their_types_and_keep_values(live_data: Live) -> None:
    partners = Page(get(live_data, "/queries/agency-partners", params={"agency": POLICE}).text)
    field = partners.inputs["agency"]
    assert field["tag"] == "select" and "data-chooser" in field and field["value"] == POLICE
    suggestions = partners.options["agency"]
    assert CST in suggestions and POLICE in suggestions
    overdue = Page(get(live_data, "/queries/overdue-actions", params={"date": "2025-01-31"}).text)
    assert overdue.inputs["date"]["type"] == "text"
    assert overdue.inputs["date"]["value"] == "2025-01-31"
    gaps = Page(get(live_data, "/queries/priority-gaps").text)
    assert gaps.inputs["min"]["inputmode"] == "numeric" and gaps.inputs["min"]["value"] == "3"
    summary = Page(get(live_data, "/queries/plan-summary", params={"plan": ""}).text)
    assert summary.inputs["plan"]["value"] == "" and len(summary.rows) == 1


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("agency-partners", {"agency": CST + "> } UNION { ?action ?p ?partner } #"}),
        ("agency-partners", {"agency": CST + " SELECT"}),
        ("agency-partners", {"agency": "https://example.org/a b"}),
        ("agency-partners", {"agency": CST + "\n} ."}),
        ("agency-partners", {"agency": '"quoted"'}),
        ("priority-gaps", {"min": "3) || true || (1"}),
        ("priority-gaps", {"min": "3 } ."}),
        ("overdue-actions", {"date": '2999-01-01" || true || "'}),
        ("action", {"action": "urn:x:a", "limit": "1"}),
    ],
)
@pytest.mark.parametrize("suffix", ["", ".json", ".csv"])
def test_bad_values_are_refused_naming_the_parameter(
    live_data: Live, path: str, params: dict[str, str], suffix: str
) -> None:
    response = get(live_data, f"/queries/{path}{suffix}", params=params)
    assert response.status_code == 400
    name = list(params)[-1]
    kind = {"": "text/html", ".json": "application/json", ".csv": "text/plain"}[suffix]
    assert response.headers["Content-Type"].split(";")[0] == kind
    if suffix == "":  # the form again: an error summary linking the field, the value kept
        page = Page(response.text)
        assert "There is a problem" in response.text
        if name in page.inputs:
            assert f'href="#param-{name}"' in response.text
            assert page.inputs[name]["value"] == params[name]
        else:  # not a parameter of this query: said in the summary
            assert f"parameter '{name}'" in html.unescape(response.text)
        return
    assert f"parameter '{name}'" in html.unescape(response.text)
    if suffix == ".json":
        body = response.json()
        assert body["parameter"] == name and body["expected"]
        assert body["error"] == "ParameterError"


def test_a_repeated_parameter_is_refused(live_data: Live) -> None:
    response = get(live_data, "/queries/agency-partners.json?agency=urn:a&agency=urn:b")
    assert response.status_code == 400 and response.json()["parameter"] == "agency"


@pytest.mark.parametrize(
    "agency",
    [
        CST + "?q=SELECT%20*%7D#UNION",
        "urn:x:SELECT",
        "urn:x:}",
        "https://example.org/OPTIONAL{?s?p?o}",
        CST + ".",
    ],
)
def test_odd_but_well_formed_values_are_plain_values(live_data: Live, agency: str) -> None:
    """A hostile-looking IRI is one term: it matches nothing, it does not widen the query."""
    response = get(live_data, "/queries/agency-partners.json", params={"agency": agency})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["rowCount"] == 0


@pytest.mark.parametrize("suffix", ["", ".json", ".csv"])
def test_unknown_query_is_404(live_data: Live, suffix: str) -> None:
    response = get(live_data, f"/queries/no-such-query{suffix}")
    assert response.status_code == 404
    assert "no canned query named 'no-such-query'" in html.unescape(response.text)


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", 'a "quoted" }. SELECT'],
)
def test_string_values_bind_as_one_literal_and_csv_defuses_formulas(
    live_custom: Live, text: str
) -> None:
    document = get(live_custom, "/queries/echo.json", params={"text": text}).json()
    assert document["rows"] == [
        {
            "text": {"type": "string", "value": text},
            "length": {
                "type": "integer",
                "value": len(text),
                "datatype": "http://www.w3.org/2001/XMLSchema#integer",
            },
        }
    ]
    (header, row) = csv_rows(get(live_custom, "/queries/echo.csv", params={"text": text}))
    assert header == ["text", "length"]
    assert row[0] == (text if text[0] not in "=+-@\t\r" else "'" + text)


def test_default_formula_text_is_defused_and_newlines_survive(live_custom: Live) -> None:
    (_, row) = csv_rows(get(live_custom, "/queries/echo.csv"))
    assert row == ["'=1+1", "4"]
    (_, row) = csv_rows(get(live_custom, "/queries/echo.csv", params={"text": "a\nb"}))
    assert row == ["a\nb", "3"]


@pytest.mark.parametrize(("suffix", "kind"), [("", "text/html"), (".json", "application/json")])
def test_timeout_is_503(live_slow: Live, suffix: str, kind: str) -> None:
    response = get(live_slow, f"/queries/slow{suffix}")
    assert response.status_code == 503
    assert response.headers["Content-Type"].split(";")[0] == kind
    assert response.headers["Retry-After"]


def test_row_limit_is_said_in_every_twin(live_custom: Live) -> None:
    document = get(live_custom, "/queries/many.json").json()
    assert document["truncated"] is True and document["rowCount"] == 200
    page = get(live_custom, "/queries/many")
    assert "only the first 200" in page.text
    assert page.headers["Cspkg-Results-Truncated"].startswith("true")
    assert len(csv_rows(get(live_custom, "/queries/many.csv"))) == 201
    results = get(live_custom, "/queries/many", headers={"Accept": JSON_RESULTS})
    assert results.headers["Cspkg-Results-Truncated"] == "true; max-rows=200"
    assert results.headers["Content-Type"] == JSON_RESULTS + "; charset=utf-8"
    assert len(results.json()["results"]["bindings"]) == 200


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"_format": "csv"}, {}),
        ({}, {"Accept": "text/csv"}),
        ({}, {"Accept": JSON_RESULTS}),
    ],
)
def test_every_csv_path_defuses_formulas(
    live_custom: Live, params: dict[str, str], headers: dict[str, str]
) -> None:
    """The SPARQL results twins come from the same writers as the download: the
    CSV by ``_format`` or Accept defuses a formula like the ``.csv`` twin does."""
    text = '=HYPERLINK("http://x")'
    response = get(live_custom, "/queries/echo", params={"text": text, **params}, headers=headers)
    assert response.status_code == 200
    if response.headers["Content-Type"].startswith("text/csv"):
        assert csv_rows(response)[1] == ["'" + text, str(len(text))]
    else:
        assert response.json()["results"]["bindings"][0]["text"]["value"] == text


@pytest.mark.parametrize(
    ("suffix", "headers", "varies"),
    [
        ("", {"Accept": "text/html"}, True),
        ("", {"Accept": JSON_RESULTS}, True),
        ("", {"Accept": "text/csv"}, True),
        ("?_format=csv", {}, False),
        (".csv", {}, False),
        (".json", {}, False),
    ],
)
def test_one_response_path_gives_every_twin_validators_vary_and_cors(
    live_data: Live, suffix: str, headers: dict[str, str], varies: bool
) -> None:
    response = get(live_data, "/queries/agency-workload" + suffix, headers=headers)
    assert response.status_code == 200
    assert ("Accept" in response.headers.get("Vary", "")) is varies
    html_page = response.headers["Content-Type"].startswith("text/html")
    assert (response.headers.get("Access-Control-Allow-Origin") == "*") is not html_page
    if live_data.kind == "remote":
        return  # other clients may write a remote store: its answers are not cached
    etag = response.headers["ETag"]
    assert response.headers["Last-Modified"]
    conditional = {**headers, "If-None-Match": etag}
    again = get(live_data, "/queries/agency-workload" + suffix, headers=conditional)
    assert again.status_code == 304 and again.content == b""
    if not html_page:
        assert again.headers.get("Access-Control-Allow-Origin") == "*"


@pytest.mark.parametrize(
    ("path", "accept", "shape"),
    [
        ("/charts/nope.svg", "application/json", "application/json"),
        ("/data/dataset.nope", "text/plain", "text/plain"),
        ("/doc/nothing/here", "text/html", "text/html"),
        ("/queries/nope", "text/html", "text/html"),
    ],
)
def test_not_found_is_one_error_everywhere(
    live_data: Live, path: str, accept: str, shape: str
) -> None:
    response = get(live_data, path, headers={"Accept": accept})
    assert response.status_code == 404
    assert response.headers["Content-Type"].split(";")[0] == shape
    if shape == "application/json":
        assert response.json()["error"] == "PageNotFound"


def test_a_name_is_as_good_as_an_iri_in_every_twin(live_data: Live) -> None:
    by_iri = get(live_data, "/queries/agency-actions.json", params={"agency": POLICE}).json()
    by_name = get(
        live_data, "/queries/agency-actions.json", params={"agency": "staffordshire police"}
    ).json()
    assert by_name["rows"] == by_iri["rows"] and by_name["rowCount"] > 0
    assert by_name["parameters"]["agency"]["value"] == POLICE
    page = Page(
        get(live_data, "/queries/agency-actions", params={"agency": "Staffordshire Police"}).text
    )
    assert page.inputs["agency"]["value"] == POLICE and page.rows


def test_an_unknown_name_keeps_the_form_and_offers_close_candidates(live_data: Live) -> None:
    response = get(live_data, "/queries/agency-actions", params={"agency": "Staffs Police"})
    assert response.status_code == 400
    page = Page(response.text)
    assert page.inputs["agency"]["value"] == "Staffs Police" and page.rows == []
    text = html.unescape(response.text)
    assert "Nothing is called 'Staffs Police'" in text and "Did you mean" in text
    assert "agency=Staffordshire+Police" in text  # a candidate re-runs the query
    as_json = get(live_data, "/queries/agency-actions.json", params={"agency": "Staffs Police"})
    assert as_json.status_code == 400 and "Staffordshire Police" in as_json.json()["message"]


def test_a_year_of_12025_is_refused_with_a_hint(live_data: Live) -> None:
    response = get(live_data, "/queries/overdue-actions", params={"date": "12025-01-31"})
    assert response.status_code == 400
    assert Page(response.text).inputs["date"]["value"] == "12025-01-31"
    assert "years 2000 to 2100" in html.unescape(response.text)


def test_the_chooser_script_is_served_locally(live_data: Live) -> None:
    page = get(live_data, "/queries/agency-actions").text
    assert "/assets/autocomplete/accessible-autocomplete.min.js" in page
    script = get(live_data, "/assets/autocomplete/accessible-autocomplete.min.js")
    assert script.status_code == 200 and b"accessibleAutocomplete" in script.content
    assert get(live_data, "/assets/autocomplete/../package.json").status_code == 404


def test_the_catalogue_is_grouped_by_question_with_contents(live_data: Live) -> None:
    page = get(live_data, "/queries").text
    contents = page.index('id="contents-title"')
    for group in ("Alignment", "Coverage and gaps", "Agencies", "Delivery and dates"):
        anchor = "#" + group.lower().replace(" ", "-")
        assert page.index(f'href="{anchor}"') > contents
        assert f'id="{anchor[1:]}"' in page
    assert "Crime and place" in page and "Comparing plans" in page
    # Parameters in words: the default agency by its name, never its IRI.
    partners = page[page.index('id="agency-partners"') :]
    partners = partners[: partners.index("</div>")]
    assert "Cannock Chase District Council - Community Safety Team" in html.unescape(partners)
    assert "https://" not in partners.split("Download:")[0]
    listed = get(live_data, "/queries.json").json()["queries"]
    assert {q["group"] for q in listed} >= {"Alignment", "Agencies", "Crime and place"}


def test_a_list_of_actions_has_one_row_per_action_with_its_facts(live_data: Live) -> None:
    """The "priority's actions" list: a Commissioner priority is met through several CSP
    priorities, yet each action is one row with lead, supporters, target and both kinds
    of priority."""
    commissioner = B + "def/staffordshire-police-and-crime-plan-2021-24/priorities/"
    document = get(live_data, "/queries/priority-actions.json").json()
    actions = {row["action"]["value"] for row in document["rows"]}
    response = get(live_data, "/queries/priority-actions")
    page = Page(response.text)
    assert len(page.rows) == len(actions)
    header = re.findall(
        r'<th scope="col" class="govuk-table__header[^"]*">([^<]+)</th>', response.text
    )
    assert header == [
        "Delivery plan",
        "Action",
        "Lead",
        "Supporting agencies",
        "Target",
        "CSP priorities",
        "Commissioner priorities",
    ]
    hrefs = [str(a["href"]) for a in page.links]
    assert any(h.startswith("/doc/def/staffordshire-police-and-crime-plan") for h in hrefs)
    assert not any("police-uk" in h or "crime-categor" in h for h in hrefs)
    assert not any(h.startswith(B) for h in hrefs)  # never the base host
    assert commissioner  # the scheme the Commissioner column links into


def test_downloads_carry_what_the_page_shows(live_data: Live) -> None:
    """An agency's actions: the page's columns (lead, supporters, target, CSP and
    Commissioner priorities) in the .xlsx, .csv and .json, in words with the IRIs in
    extra columns, one row per action, in the page's order."""
    from openpyxl import load_workbook

    params = {"agency": POLICE}
    response = get(live_data, "/queries/agency-actions", params=params)
    header = re.findall(
        r'<th scope="col" class="govuk-table__header[^"]*">([^<]+)</th>', response.text
    )
    body = response.text.split("<tbody", 1)[1]
    page_actions = list(dict.fromkeys(re.findall(r'href="(/doc/action/[^"]+)"', body)))
    book = load_workbook(
        io.BytesIO(get(live_data, "/queries/agency-actions.xlsx", params=params).content)
    )
    rows = list(book["Answer"].iter_rows(values_only=True))
    titles = [str(t) for t in rows[0]]
    for title in header:
        assert title in titles, title
    for fact in ("Lead", "Supporting agencies", "CSP priorities", "Commissioner priorities"):
        assert f"{fact} (IRI)" in titles
    at = titles.index("Action (IRI)")
    xlsx_actions = [str(r[at]).removeprefix(B + "id") for r in rows[1:]]
    assert xlsx_actions == [a.removeprefix("/doc") for a in page_actions]
    assert len(set(xlsx_actions)) == len(xlsx_actions)
    lead = titles.index("Lead")
    assert all(r[lead] for r in rows[1:])  # every action names its lead, in words
    assert not str(rows[1][lead]).startswith("http")
    table = csv_rows(get(live_data, "/queries/agency-actions.csv", params=params))
    assert len(table) == len(rows) and "leadLabel" in table[0] and "commissionerLabel" in table[0]
    document = get(live_data, "/queries/agency-actions.json", params=params).json()
    assert document["rowCount"] == len(rows) - 1
    assert document["titles"]["commissionerLabel"] == "Commissioner priorities"


def test_a_limited_answer_says_what_part_of_how_many_it_is(live_data: Live) -> None:
    document = get(live_data, "/queries/crime-hotspots.json").json()
    total = document["rows"][0]["total"]["value"]
    assert document["rowCount"] == 20 < total
    response = get(live_data, "/queries/crime-hotspots")
    text = html.unescape(response.text)
    assert f"The top 20 of {total} neighbourhoods (LSOAs)." in text
    assert f"limit={total}" in text and "Neighbourhoods with such crime" not in text
    everything = get(live_data, "/queries/crime-hotspots.json", params={"limit": str(total)})
    assert everything.json()["rowCount"] == total


def test_column_titles_are_words_and_dates_do_not_wrap(live_data: Live) -> None:
    response = get(live_data, "/queries/overdue-actions", params={"date": "2025-06-30"})
    assert "Due by" in response.text and "targetDue" not in response.text.split("<table")[1]
    assert 'class="cspkg-nowrap">20' in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/charts/actions-per-csp-priority.json",
        "/.well-known/void",
        "/doc/organisation/staffordshire-police.ttl",
        "/queries.json",
    ],
)
def test_data_answers_of_every_blueprint_revalidate(live_data: Live, path: str) -> None:
    first = get(live_data, path)
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = get(live_data, path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


FEDERATED = "/queries/crime-and-deprivation"


def test_a_federated_query_says_it_is_unavailable_where_no_endpoint_is_allowed(
    live_data: Live,
) -> None:
    catalogue = requests.get(live_data.url + "/queries", headers=HTML_ACCEPT, timeout=30).text
    assert f'href="{FEDERATED}' not in catalogue
    entry = catalogue[catalogue.index('id="crime-and-deprivation"') :]
    assert "Not available on this service" in entry[: entry.index("</div>")]
    listed = requests.get(live_data.url + "/queries.json", timeout=30).json()["queries"]
    available = {q["name"]: q["available"] for q in listed}
    assert available["crime-and-deprivation"] is False and available["agency-partners"] is True
    page = requests.get(live_data.url + FEDERATED, headers=HTML_ACCEPT, timeout=30)
    assert page.status_code == 403
    assert "Not available on this service" in page.text and "allow-list is empty" in page.text
    data = requests.get(live_data.url + FEDERATED + ".json", timeout=30)
    assert data.status_code == 403 and "unavailable here" in data.json()["message"]


def test_a_federated_query_is_linked_where_its_endpoint_is_allowed(live_data: Live) -> None:
    allowed = replace(live_data.settings, service_allow_list=("https://example.org/sparql",))
    server, url = _serve(allowed, live_data.store)
    try:
        catalogue = requests.get(url + "/queries", headers=HTML_ACCEPT, timeout=30).text
    finally:
        server.shutdown()
    assert f'href="{FEDERATED}"' in catalogue
    entry = catalogue[catalogue.index('id="crime-and-deprivation"') :]
    assert "Not available" not in entry[: entry.index("</div>")]


def test_the_catalogue_with_a_trailing_slash(live_data: Live) -> None:
    response = get(live_data, "/queries/?group=x", allow_redirects=False)
    assert response.status_code == 308
    assert response.headers["Location"].endswith("/queries?group=x")
    followed = get(live_data, "/queries/", headers={"Accept": "text/html"})
    assert followed.status_code == 200 and "plan-summary" in followed.text
