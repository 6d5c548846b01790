"""Typed access to what ``create_app`` attached to the app (no module-level state)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app

from ..config import Settings
from ..reports.worker import ReportRenders
from ..services.canned_queries import CannedQueries
from ..services.sparql_service import SparqlService
from ..services.validation_report import ServedReportCache
from ..store.base import Store

if TYPE_CHECKING:
    from .caching import ResultCache

EXTENSION = "cspkg"


@dataclass(frozen=True)
class Services:
    """Everything the blueprints need, built once per app."""

    settings: Settings
    store: Store
    sparql: SparqlService
    queries: CannedQueries
    reports: ServedReportCache
    cache: ResultCache | None = None
    """Rendered answers per store version; ``None`` when off (or the store is remote)."""
    renders: ReportRenders | None = None
    """Board reports being made (``reports/worker.py``): the bound and who makes what."""


def services() -> Services:
    found = current_app.extensions[EXTENSION]
    assert isinstance(found, Services)
    return found
