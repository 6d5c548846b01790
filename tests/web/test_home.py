"""The home page and its JSON twin, over HTTP, with counts checked against mini-plan.ttl."""

from __future__ import annotations

import re

import requests

from tests.conftest import Live

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
PLAN = "https://cspkg.example.org/id/delivery-plan/cannock-chase-csp/2024-25"


def test_home_json_counts_come_from_plan_summary(pages_live: Live) -> None:
    body = requests.get(pages_live.url + "/index.json", timeout=10).json()
    (plan,) = body["plans"]
    assert plan["plan"] == PLAN
    assert plan["title"] == "Cannock Chase CSP Delivery Plan 2024-25"
    assert plan["counts"] == {
        "actions": 4,
        "agencies": 3,  # the council is named only through its unit
        "cspPriorities": 4,
        "commissionerPriorities": 4,
        "alignmentLinks": 4,
        "ongoingActions": 1,
    }
    assert plan["targetDue"] == {"earliest": "2024-12-31", "latest": "2025-04-30"}
    hrefs = {d["href"] for d in body["downloads"]}
    assert {"/data/dataset.ttl", "/data/dataset.nq", "/data/dataset.jsonld"} <= hrefs
    assert "/.well-known/void" in hrefs


def test_home_page_shows_plan_counts_links_and_charts(pages_live: Live) -> None:
    page = requests.get(pages_live.url + "/", headers=HTML, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.text
    assert re.search(r"<h1[^>]*>Cannock Chase CSP Delivery Plan 2024-25</h1>", text)
    assert "<title>Cannock Chase CSP Delivery Plan 2024-25 – CSP Knowledge Graph</title>" in text
    counts = dict(re.findall(r'data-count="(\w+)"><span class="cspkg-count">(\d+)</span>', text))
    assert counts["actions"] == "4" and counts["alignmentLinks"] == "4"
    assert "2024-12-31 – 2025-04-30" in text
    for href in ("/queries", "/sparql", "/validation", "/data", "/charts"):
        assert f'href="{href}"' in text
    assert 'href="/charts#actions-per-csp-priority"' in text  # the home charts are links
    assert '/doc/delivery-plan/cannock-chase-csp/2024-25"' in text
    assert 'rel="alternate"' in page.headers["Link"] and "/index.json" in page.headers["Link"]
    assert '<link rel="stylesheet" href="/static/site.css">' in text
    assert '<link rel="stylesheet" href="/assets/govuk/govuk-frontend.min.css">' in text


def test_downloads_page_lists_the_dataset_files(pages_live: Live) -> None:
    text = requests.get(pages_live.url + "/data", headers=HTML, timeout=10).text
    for href in ("/data/dataset.ttl", "/data/dataset.nq", "/.well-known/void"):
        assert f'href="{href}"' in text
    assert "<title>Data downloads – CSP Knowledge Graph</title>" in text


def test_govuk_frontend_is_served_from_node_modules_and_nothing_else(pages_live: Live) -> None:
    css = requests.get(pages_live.url + "/assets/govuk/govuk-frontend.min.css", timeout=10)
    assert css.status_code == 200 and "govuk-template" in css.text
    js = requests.get(pages_live.url + "/assets/govuk/govuk-frontend.min.js", timeout=10)
    assert js.status_code == 200 and "javascript" in js.headers["Content-Type"]
    for path in ("assets/fonts/bold-b542beb274-v2.woff2", "../package.json", "all.bundle.js"):
        assert requests.get(f"{pages_live.url}/assets/govuk/{path}", timeout=10).status_code == 404
    icon = requests.get(pages_live.url + "/favicon.ico", timeout=10)
    assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO


def test_unknown_urls_get_the_styled_404_page_and_plain_text_for_programs(
    pages_live: Live,
) -> None:
    page = requests.get(pages_live.url + "/no/such/page", headers=HTML, timeout=10)
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert "<title>Page not found – CSP Knowledge Graph</title>" in page.text
    assert 'class="govuk-service-navigation' in page.text  # the site's layout, not werkzeug's
    plain = requests.get(pages_live.url + "/no/such/page", timeout=10)
    assert plain.status_code == 404 and plain.headers["Content-Type"].startswith("text/plain")


def test_home_shows_the_introduction_from_the_graph(real_live: Live) -> None:
    text = requests.get(real_live.url + "/", headers=HTML, timeout=10).text
    assert "Cannock Chase CSP Delivery Plan 2024/25" in text
    assert "statutorily responsible for reducing crime and disorder" in text


def test_stylesheet_is_served_locally_and_pages_load_nothing_external(pages_live: Live) -> None:
    css = requests.get(pages_live.url + "/static/site.css", timeout=10)
    assert css.status_code == 200 and "text/css" in css.headers["Content-Type"]
    for path in ("/", "/charts", "/validation", "/doc/organisation/staffordshire-police"):
        text = requests.get(pages_live.url + path, headers=HTML, timeout=10).text
        assert not re.search(r'src="(https?:)?//', text), path  # links may go out; assets not
        assert not re.search(r'<link rel="stylesheet" href="(https?:)?//', text), path


def test_sparql_editor_moved_to_sparql_and_nav_links_it(pages_live: Live) -> None:
    editor = requests.get(pages_live.url + "/sparql", headers=HTML, timeout=10)
    assert editor.status_code == 200 and "SPARQL editor" in editor.text
    current = r'<a class="govuk-service-navigation__link" href="{}" aria-current="page">'
    assert re.search(current.format("/sparql"), editor.text)
    home = requests.get(pages_live.url + "/", headers=HTML, timeout=10).text
    assert "Yasgui" not in home and re.search(current.format("/"), home)


def test_home_escapes_hostile_labels(hostile_live: Live) -> None:
    text = requests.get(hostile_live.url + "/", headers=HTML, timeout=10).text
    assert "<script>" not in text and "<img src=x" not in text
