"""Every Commissioner-priority view counts confirmed links only, and says so: a store
holding pending suggestions answers exactly as the same store without them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from cspkg.config import load_settings
from cspkg.services.alignment_files import run_align
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from cspkg.web import create_app
from tests.conftest import FICTIONAL_PROGRESS, PROGRESS_GRAPH

PCP = "https://cspkg.example.org/id/police-and-crime-plan/staffordshire/2024-28"
PLAN = "https://cspkg.example.org/id/delivery-plan/cannock-chase-csp/2024-25"
IMPACTFUL = "https://cspkg.example.org/def/staffordshire-police-and-crime-plan-2024-28/priorities/impactful-partnerships"
VIEWS = [
    f"/queries/actions-per-commissioner-priority.json?commissionerPlan={PCP}",
    f"/queries/delivery-by-commissioner-priority.json?commissionerPlan={PCP}&period=2024-Q3",
    f"/queries/priority-gaps.json?commissionerPlan={PCP}&min=20",
    f"/queries/priority-actions.json?priority={IMPACTFUL}",
    f"/queries/coverage-matrix.json?commissionerPlan={PCP}",
    f"/queries/commissioner-coverage.json?commissionerPlan={PCP}",
    "/charts/actions-per-commissioner-priority.json",
    "/delivery/cannock-chase-csp/2024-25.json?period=2024-Q3",
]
SAYS_SO = {
    "/delivery/cannock-chase-csp/2024-25?period=2024-Q3": "Confirmed links only",
    "/commissioner": "Only confirmed links are counted",
    "/charts": "only confirmed links are drawn",
    "/doc/action/cannock-chase-csp/2024-25/03-fund-safe-houses-scheme-cannock": "Confirmed links only",
    "/doc/def/cannock-chase-csp/priorities/fraud": "Confirmed links only",
    "/doc/def/staffordshire-police-and-crime-plan-2024-28/priorities/impactful-partnerships": "Confirmed links only",
}


def _client(data: Path) -> tuple[FlaskClient, EmbeddedStore]:
    settings = replace(load_settings(environ={}), data_dir=data)
    store = EmbeddedStore()
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, data]))
    store.load_graph(PROGRESS_GRAPH, FICTIONAL_PROGRESS.read_bytes(), "text/turtle")
    return create_app(settings, store).test_client(), store


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FlaskClient, FlaskClient]]:
    """The real data, and a copy with the suggester's pending suggestions for the seed."""
    real = load_settings(environ={})
    with_suggestions = tmp_path_factory.mktemp("suggested") / "data"
    shutil.copytree(real.data_dir, with_suggestions)
    report = run_align(replace(real, data_dir=with_suggestions), "cannock-chase-csp/2024-25")
    assert report.suggestions  # Fraud -> Impactful partnerships, pending
    plain, plain_store = _client(real.data_dir)
    suggested, suggested_store = _client(with_suggestions)
    yield plain, suggested
    plain_store.close()
    suggested_store.close()


def _strip(body: object) -> object:
    """An answer without what names the data version (it differs between the stores)."""
    if isinstance(body, dict):
        return {
            k: _strip(v)
            for k, v in body.items()
            if k not in {"generated", "dataVersion", "version"}
        }
    if isinstance(body, list):
        return [_strip(v) for v in body]
    return body


@pytest.mark.parametrize("url", VIEWS)
def test_pending_suggestions_change_no_count(
    pair: tuple[FlaskClient, FlaskClient], url: str
) -> None:
    plain, suggested = pair
    first, second = plain.get(url), suggested.get(url)
    assert first.status_code == second.status_code == 200, url
    assert _strip(first.get_json()) == _strip(second.get_json()) or url.startswith(
        "/queries/commissioner-coverage"
    ), url


def test_the_coverage_shows_the_suggestion_apart(pair: tuple[FlaskClient, FlaskClient]) -> None:
    plain, suggested = pair

    def impactful(client: FlaskClient) -> tuple[int, int]:
        rows = client.get(VIEWS[5]).get_json()["rows"]
        row = next(
            r for r in rows if r["plan"]["value"] == PLAN and r["priority"]["value"] == IMPACTFUL
        )
        return int(row["confirmedActions"]["value"]), int(row["suggestedActions"]["value"])

    assert impactful(plain) == (17, 0)
    confirmed, pending = impactful(suggested)
    assert confirmed == 17 and pending == 4  # the four Fraud actions, not counted


@pytest.mark.parametrize("url", list(SAYS_SO))
def test_each_view_says_it_counts_confirmed_links_only(
    pair: tuple[FlaskClient, FlaskClient], url: str
) -> None:
    _, suggested = pair
    assert SAYS_SO[url] in suggested.get(url).get_data(as_text=True)
