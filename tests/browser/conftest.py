"""A real Chromium (Debian's, never a downloaded one) driven by Playwright.

Skipped only when ``/usr/bin/chromium`` is missing *and* ``CI`` is not set: in CI the
browser tests must run, and ``make setup`` installs Chromium and Playwright.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cspkg.config import PROJECT_ROOT, load_settings
from cspkg.services.plan_import import import_plan
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from tests.conftest import FIXTURES, Live, _serve, _settings

CHROMIUM = Path(os.environ.get("CSPKG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists() and not IN_CI:
        pytest.skip(f"{CHROMIUM} is not installed (CI is not set, so not required)")
    from playwright.sync_api import sync_playwright  # in CI a missing package must fail

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh tab the size of a 1366 × 768 laptop screen."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def three_plans_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The real data with the two FICTIONAL Exampleton plans imported into a copy: three
    plans of two partnerships, as a service holding neighbours' plans serves them."""
    import shutil

    real = load_settings(environ={})
    data = tmp_path_factory.mktemp("three-plans") / "data"
    shutil.copytree(real.data_dir, data)
    for year in ("2024-25", "2025-26"):
        import_plan(FIXTURES / "plans" / f"exampleton-csp-delivery-plan-{year}.txt", real, data)
    settings = _settings(
        ontology_dir=PROJECT_ROOT / "ontology", shapes_dir=PROJECT_ROOT / "shapes", data_dir=data
    )
    store = EmbeddedStore(workers=1)
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, data]))
    server, url = _serve(settings, store)
    yield Live(url, "embedded", store, settings)
    server.shutdown()
    store.close()
