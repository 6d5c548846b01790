"""Error pages come from the one table as site pages; stored IRIs never become unsafe links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from cspkg.store import EmbeddedStore
from cspkg.web import create_app
from tests.conftest import _pages_settings

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
THING = "https://cspkg.example.org/id/organisation/odd-links"
GRAPH = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{THING}> rdfs:label "Odd links" ;
  rdfs:seeAlso <javascript:alert(1)>, <data:text/html,hi>,
    <https://cspkg.example.org/graph/data/plans>, <mailto:team@example.org>,
    <https://example.org/elsewhere> .
"""


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    store = EmbeddedStore(workers=1)
    store.load_graph("urn:test:odd", GRAPH.encode(), "text/turtle")
    app = create_app(_pages_settings(), store)

    @app.get("/test-only/fail")
    def _fail() -> str:
        raise RuntimeError("secret detail /etc/passwd")

    yield app
    store.close()


def test_only_safe_schemes_become_links_and_never_the_base_host(app: Flask) -> None:
    page = app.test_client().get("/doc/organisation/odd-links", headers=HTML)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'href="javascript:' not in text and 'href="data:' not in text
    assert 'href="https://cspkg.example.org' not in text  # the base host is not where we are
    assert 'href="mailto:team@example.org"' in text
    assert 'href="https://example.org/elsewhere"' in text
    assert "javascript:alert(1)" in text  # shown, as text


def test_a_failure_is_the_styled_500_page_and_says_nothing_of_its_cause(app: Flask) -> None:
    page = app.test_client().get("/test-only/fail", headers=HTML)
    text = page.get_data(as_text=True)
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "Sorry, there is a problem with the service – CSP Knowledge Graph</title>" in text
    assert "govuk-service-navigation" in text
    assert "secret" not in text and "passwd" not in text and "RuntimeError" not in text
    plain = app.test_client().get("/test-only/fail")
    assert plain.status_code == 500 and plain.mimetype == "text/plain"
