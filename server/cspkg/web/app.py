"""The app factory: the only place settings, store, services and blueprints meet."""

from __future__ import annotations

import time

from flask import Flask, Response, g

from ..catalog import load_catalog
from ..config import Settings
from ..reports.worker import ReportRenders
from ..services.canned_queries import CannedQueries
from ..services.loading import open_loaded_store
from ..services.sparql_service import SparqlService
from ..services.validation_report import ServedReportCache
from ..store.base import Store
from . import (
    alignment,
    charts,
    commissioner,
    data,
    delivery,
    graph_store,
    hardening,
    health,
    home,
    links,
    openapi,
    pages,
    queries,
    respond,
    sparql,
    things,
    validation,
)  # fmt: skip
from .caching import ResultCache
from .context import EXTENSION, Services
from .errors import register_error_handlers


def create_app(settings: Settings, store: Store | None = None) -> Flask:
    """Build the app; opens (and for the embedded store, loads) the store if not given."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = max(settings.max_upload_bytes, settings.max_query_length)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    catalog = load_catalog(settings.queries_dir, settings.base)  # a broken .rq stops start-up
    store = store if store is not None else open_loaded_store(settings)
    cache = None
    if settings.result_cache_bytes > 0 and store.shared_version:
        cache = ResultCache(settings.result_cache_bytes)
    app.extensions[EXTENSION] = Services(
        settings,
        store,
        SparqlService(store, settings),
        CannedQueries(catalog, store, settings),
        ServedReportCache(),
        cache,
        ReportRenders(settings),
    )
    blueprints = (
        sparql.bp, pages.bp, health.bp, home.bp, things.bp, charts.bp, validation.bp,
        queries.bp, openapi.bp, data.bp, graph_store.bp, links.bp, delivery.bp,
        alignment.bp, commissioner.bp,
    )  # fmt: skip
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    respond.init_app(app)
    hardening.init_app(app, settings)

    @app.before_request
    def _start_clock() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _timing(response: Response) -> Response:
        """Duration as a header (gunicorn's access log line carries it too)."""
        started = g.get("started")
        if started is not None:
            response.headers["Server-Timing"] = (
                f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
            )
        return response

    return app
