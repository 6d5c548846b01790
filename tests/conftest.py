"""Shared fixtures: paths, settings, a CLI runner and the shapes fixtures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspkg.config import PROJECT_ROOT, Settings, load_settings

SHARED = PROJECT_ROOT.parent / "shared"
SEED_PLAN = SHARED / "seed" / "cannock-chase-csp-delivery-plan-2024-25.txt"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


SHAPES_FIXTURES = FIXTURES / "shapes"


@pytest.fixture
def shapes_fixtures() -> Path:
    """``valid.ttl`` (conforms, no findings) and ``breaks/*.ttl`` (each breaks one shape)."""
    return SHAPES_FIXTURES


@pytest.fixture
def valid_graph() -> Path:
    return SHAPES_FIXTURES / "valid.ttl"


@pytest.fixture
def as_of() -> date:
    """The date the shapes fixtures are judged as of: nothing in valid.ttl is overdue then."""
    return date(2025, 1, 1)
