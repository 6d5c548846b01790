"""Dereferencing: /id/ 303s to /doc/, /def/ answers directly, negotiation, 404, escaping."""

from __future__ import annotations

import json

import pytest
import requests
from rdflib import Graph, Literal, URIRef

from cspkg.services.describe import curie, readable
from cspkg.web.links import link_for
from cspkg.web.negotiation import negotiate
from tests.conftest import Live

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
BASE = "https://cspkg.example.org/"
ACTION = "action/cannock-chase-csp/2024-25/01-chair-manage-multi-agency-community"
FRAUD = "def/cannock-chase-csp/priorities/fraud"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def test_id_answers_303_see_other_to_doc(pages_live: Live) -> None:
    response = requests.get(pages_live.url + "/id/" + ACTION, allow_redirects=False, timeout=10)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/doc/" + ACTION)


def test_id_303_keeps_turtle_through_negotiation(pages_live: Live) -> None:
    response = requests.get(
        pages_live.url + "/id/" + ACTION, headers={"Accept": "text/turtle"}, timeout=10
    )
    assert response.history[0].status_code == 303
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(BASE + "id/" + ACTION), None, None) in graph


def test_doc_page_for_an_action(pages_live: Live) -> None:
    page = requests.get(pages_live.url + "/doc/" + ACTION, headers=HTML, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.text
    assert (
        '<h1 class="govuk-heading-l">CSP to chair and manage the multi-agency Community Safety Hub</h1>'
        in text
    )
    assert 'href="/doc/organisation/staffordshire-police"' in text  # a linked value, labelled
    assert ">Staffordshire Police</a>" in text
    assert f'href="/doc/{FRAUD}"' in text and ">Fraud</a>" in text
    assert "data-provenance" in text and "lines 37–85" in text
    assert "<title>CSP to chair" in text and " – action – CSP Knowledge Graph</title>" in text
    assert "Cannock Chase CSP Delivery Plan 2024-25 (text)" in text  # the document's label
    assert "Vary" in page.headers and "/doc/" + ACTION + ".ttl" in page.headers["Link"]


def test_doc_page_lists_what_points_here(pages_live: Live) -> None:
    text = requests.get(
        pages_live.url + "/doc/organisation/staffordshire-police", headers=HTML, timeout=10
    ).text
    assert "What points here" in text
    assert f'href="/doc/{ACTION}"' in text
    assert "cspkg:supportingAgency" in text or "supporting" in text.lower()


@pytest.mark.parametrize(
    ("suffix", "accept", "media_type", "rdflib_format"),
    [
        (".ttl", None, "text/turtle", "turtle"),
        (".jsonld", None, "application/ld+json", "json-ld"),
        (".nt", None, "application/n-triples", "nt"),
        ("", "text/turtle", "text/turtle", "turtle"),
        ("", "application/ld+json", "application/ld+json", "json-ld"),
        ("", "application/n-triples", "application/n-triples", "nt"),
        ("", "application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_doc_as_rdf_by_extension_or_accept(
    pages_live: Live, suffix: str, accept: str | None, media_type: str, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = requests.get(pages_live.url + "/doc/" + ACTION + suffix, headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(media_type)
    graph = Graph().parse(data=response.content, format=rdflib_format)
    action = URIRef(BASE + "id/" + ACTION)
    assert (action, RDFS_LABEL, None) in graph
    # CBD-style: labels of objects, and triples pointing at the thing are included.
    police = URIRef(BASE + "id/organisation/staffordshire-police")
    assert (police, RDFS_LABEL, Literal("Staffordshire Police")) in graph


def test_incoming_triples_are_in_the_rdf(pages_live: Live) -> None:
    response = requests.get(pages_live.url + "/doc/" + FRAUD + ".nt", timeout=10)
    graph = Graph().parse(data=response.content, format="nt")
    fraud = URIRef(BASE + FRAUD)
    subjects = {str(s) for s in graph.subjects(None, fraud)}
    assert (
        BASE + "id/action/cannock-chase-csp/2024-25/03-fraud-campaign-directed-towards" in subjects
    )


def test_def_answers_directly_with_content_location(pages_live: Live) -> None:
    response = requests.get(
        pages_live.url + "/" + FRAUD,
        headers={"Accept": "text/turtle"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["Content-Location"] == "/doc/" + FRAUD + ".ttl"
    graph = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(BASE + FRAUD), None, None) in graph
    page = requests.get(pages_live.url + "/doc/" + FRAUD, headers=HTML, timeout=10)
    assert '<h1 class="govuk-heading-l">Fraud</h1>' in page.text


def test_concept_scheme_page(pages_live: Live) -> None:
    page = requests.get(
        pages_live.url + "/def/cannock-chase-csp/priorities", headers=HTML, timeout=10
    )
    assert page.status_code == 200
    assert "Cannock Chase CSP strategic priorities" in page.text
    assert f'href="/doc/{FRAUD}"' in page.text  # members point at their scheme


@pytest.mark.parametrize(
    "path", ["/doc/action/nope", "/doc/def/nothing/here", "/def/nothing", "/doc/x.ttl"]
)
def test_unknown_things_are_404(pages_live: Live, path: str) -> None:
    response = requests.get(pages_live.url + path, headers=HTML, timeout=10)
    assert response.status_code == 404


def test_weird_paths_are_404_not_errors(pages_live: Live) -> None:
    for path in ("/doc/a%3Eb", "/doc/%22%7B%7D", "/doc/%20x", "/id/%3Cscript%3E"):
        response = requests.get(pages_live.url + path, headers=HTML, timeout=10)
        assert response.status_code == 404, path
        assert "<script>" not in response.text


def test_not_acceptable(pages_live: Live) -> None:
    response = requests.get(
        pages_live.url + "/doc/" + ACTION, headers={"Accept": "image/png"}, timeout=10
    )
    assert response.status_code == 406


def test_hostile_labels_are_escaped_in_pages_and_valid_in_rdf(hostile_live: Live) -> None:
    page = requests.get(hostile_live.url + "/doc/" + ACTION, headers=HTML, timeout=10)
    assert page.status_code == 200
    assert "<script>" not in page.text and "<img src=x" not in page.text
    assert "&lt;img src=x onerror=alert(2)&gt; Police" in page.text
    as_jsonld = requests.get(hostile_live.url + "/doc/" + ACTION + ".jsonld", timeout=10)
    json.loads(as_jsonld.content)


def test_a_very_long_name_is_cut_on_a_word_boundary_in_the_heading_only() -> None:
    """A name past HEADING_LENGTH: the heading cut after a whole word, the title and the
    page keep all of it."""
    from cspkg.store import EmbeddedStore
    from cspkg.web import create_app
    from cspkg.web.things import HEADING_LENGTH
    from tests.conftest import _pages_settings

    name = " ".join(f"Partnership{i}" for i in range(100))
    store = EmbeddedStore()
    store.load_graph(
        BASE + "graph/data/long",
        f"""<{BASE}id/organisation/long> a <http://www.w3.org/ns/org#Organization> ;
            <http://www.w3.org/2000/01/rdf-schema#label> "{name}" .""".encode(),
        "text/turtle",
    )
    try:
        page = create_app(_pages_settings(), store).test_client().get("/doc/organisation/long")
        text = page.get_data(as_text=True)
    finally:
        store.close()
    assert page.status_code == 200
    shown = text.split('<h1 class="govuk-heading-m">', 1)[1].split("</h1>", 1)[0]
    assert shown.endswith("…") and len(shown) <= HEADING_LENGTH + 1
    assert name.startswith(shown[:-1]) and name[len(shown) - 1] == " "
    assert f"<title>{name} – " in text and text.count(name) >= 2  # title and its facts


def choose(accept: str | None) -> str:
    return negotiate("thing", accept)


def test_choose_prefers_pages_on_ties_and_honours_q() -> None:
    assert choose(None) == "text/html"
    assert choose("*/*") == "text/html"
    assert choose("text/turtle;q=0.9, text/html;q=0.5") == "text/turtle"
    assert choose("application/json") == "application/ld+json"


def test_links_go_to_this_service_or_safely_out() -> None:
    assert link_for(BASE + "id/" + ACTION, BASE) == "/doc/" + ACTION
    assert link_for(BASE + FRAUD, BASE) == "/doc/" + FRAUD
    assert link_for(BASE + "def/cspkg#meetsPriority", BASE) == "/doc/def/cspkg?term=meetsPriority"
    assert link_for("http://example.org/x", BASE) == "http://example.org/x"
    assert link_for("mailto:team@example.org", BASE) == "mailto:team@example.org"
    assert link_for(BASE + "graph/data/plan", BASE) is None  # the base host, not a page
    for hostile in ("javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "urn:x:y"):
        assert link_for(hostile, BASE) is None, hostile
    assert readable(BASE + "def/cspkg#responsibleAgency") == "responsible agency"
    assert curie("http://www.w3.org/2000/01/rdf-schema#label") == "rdfs:label"
