"""Shared fixtures: paths, settings and a CLI runner."""

from __future__ import annotations

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
