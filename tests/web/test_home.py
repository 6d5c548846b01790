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
    assert "<h1>Cannock Chase CSP Delivery Plan 2024-25</h1>" in text
    counts = dict(re.findall(r'data-count="(\w+)"><span class="n">(\d+)</span>', text))
    assert counts["actions"] == "4" and counts["alignmentLinks"] == "4"
    assert "2024-12-31 – 2025-04-30" in text
    for href in ("/queries", "/sparql", "/validation", "/data/dataset.ttl", "/.well-known/void"):
        assert f'href="{href}"' in text
    assert '<img src="/charts/actions-per-csp-priority.svg"' in text
    assert '/doc/delivery-plan/cannock-chase-csp/2024-25"' in text
    assert 'rel="alternate"' in page.headers["Link"] and "/index.json" in page.headers["Link"]
    assert '<link rel="stylesheet" href="/static/site.css">' in text


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
    assert '<a href="/sparql" aria-current="page">' in editor.text
    home = requests.get(pages_live.url + "/", headers=HTML, timeout=10).text
    assert "Yasgui" not in home and '<a href="/" aria-current="page">Home</a>' in home


def test_home_escapes_hostile_labels(hostile_live: Live) -> None:
    text = requests.get(hostile_live.url + "/", headers=HTML, timeout=10).text
    assert "<script>" not in text and "<img src=x" not in text
