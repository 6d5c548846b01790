"""Shared fixtures: paths, settings, a CLI runner, the query catalogue, a small store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cspkg.catalog import Catalog, load_catalog
from cspkg.config import PROJECT_ROOT, Settings, load_settings
from cspkg.services.canned_queries import LocalStore

SHARED = PROJECT_ROOT.parent / "shared"
SEED_PLAN = SHARED / "seed" / "cannock-chase-csp-delivery-plan-2024-25.txt"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The real catalogue from queries/: loading it is itself a test of every file."""
    return load_catalog(PROJECT_ROOT / "queries")


@pytest.fixture(scope="session")
def mini_store() -> LocalStore:
    """A small graph in the model's shape (tests/fixtures/mini-plan.ttl), read-only."""
    return LocalStore([FIXTURES / "mini-plan.ttl"])
