"""``/queries``: the canned-query catalogue and each query as a page, JSON, CSV and SPARQL.

One resource, several twins: ``/queries/NAME`` (HTML, or SPARQL results by Accept or
``?_format=``), ``/queries/NAME.json`` (for developers) and ``/queries/NAME.csv`` (for
spreadsheets), all taking the query's parameters in the query string.  Keys starting
``_`` belong to the service, so they never collide with a parameter name (the catalogue
only allows ``[a-z]...``).  Errors keep the twin's shape: HTML for the page, JSON for
``.json``, text for ``.csv``; the status comes from ``errors.STATUS``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from ..catalog import CannedQuery
from ..errors import CspkgError, PageNotFound, ParameterError
from ..services.canned_queries import Answer, request_values
from ..services.results import json_rows, label_columns, spreadsheet_csv
from ..services.shown_table import flat
from ..services.workbook import About, csv_metadata, workbook
from ..store.base import SelectResult, SerializedResult
from .answer_table import shown
from .caching import cached_get
from .context import services
from .errors import handle, status_for
from .negotiation import CSV, HTML, JSON, XLSX
from .query_page import AUTOCOMPLETE_DIR, AUTOCOMPLETE_FILES, catalogue_groups, render_page
from .respond import choose, wants_html
from .sparql import render as render_results

bp = Blueprint("queries", __name__)

EXTENSIONS = {"json": JSON, "csv": CSV, "xlsx": XLSX}
"""``/queries/NAME.EXT`` twins: the developer JSON, the spreadsheet CSV, the workbook."""
CSVM = "application/csvm+json"
DESCRIBED_BY = f'rel="describedby"; type="{CSVM}"'
"""The CSV twins' metadata (W3C CSV on the Web), linked from every CSV answer."""
SPARQL_TWINS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}


@bp.errorhandler(CspkgError)
def _error(exc: CspkgError) -> Response:
    """Same status as everywhere (``errors.STATUS``); the body in the twin's shape."""
    shape = g.get("shape")
    if shape != "html":
        return handle(exc, as_json={"json": True, "csv": False, "xlsx": False}.get(shape))
    if isinstance(exc, ParameterError) and g.get("query") is not None:
        return _refused(g.query, _typed(g.query), [exc])
    response = Response(
        render_template(
            "queries/error.html",
            status=status_for(exc),
            message=str(exc),
            parameter=exc.name if isinstance(exc, ParameterError) else None,
        ),
        mimetype="text/html",
    )
    response.status_code = status_for(exc)
    if response.status_code == 503:
        response.headers["Retry-After"] = "5"
    return response


def _url(path: str, *queries: str) -> str:
    """A twin's URL: its path and the non-empty encoded query strings, in order."""
    query = "&".join(q for q in queries if q)
    return f"{path}?{query}" if query else path


def _twins(name: str, values: dict[str, str]) -> list[tuple[str, str, str]]:
    """``(url, media type, title)`` of every representation of one answer: the page,
    ``.json``, ``.csv``, then the page's SPARQL results formats.

    Parameters go in by hand so one called ``name`` cannot clash with ``url_for``'s; they
    are encoded once, and service keys (``_format``) come last, never clashing either.
    """
    given = urlencode(values)
    page = url_for("queries.show", name=name)
    twins = [
        (_url(page, given), HTML, "Web page"),
        (_url(url_for("queries.show", name=name + ".json"), given), JSON, "JSON"),
        (_url(url_for("queries.show", name=name + ".csv"), given), CSV, "CSV for spreadsheets"),
        (_url(url_for("queries.show", name=name + ".xlsx"), given), XLSX, "Excel workbook"),
    ]
    twins += [
        (_url(page, given, urlencode({"_format": short})), media_type, f"SPARQL results ({short})")
        for media_type, short in SPARQL_TWINS.items()
    ]
    return twins


def _pages(answer: Answer, suffix: str) -> dict[str, str]:
    """``next``/``prev`` URLs (same representation) for a query with ``limit`` and
    ``offset`` parameters: ``next`` when this page is full, ``prev`` after the first."""
    bound = answer.bound
    try:
        limit, offset = int(bound.get("limit") or ""), int(bound.get("offset") or "")
    except ValueError:
        return {}
    found: dict[str, str] = {}
    result = answer.result
    rows = result.rows if isinstance(result, SerializedResult) else len(result.rows)
    if rows is not None and rows >= limit:
        found["next"] = _page_url(answer, suffix, offset + limit)
    if offset > 0:
        found["prev"] = _page_url(answer, suffix, max(offset - limit, 0))
    return found


def _page_url(answer: Answer, suffix: str, offset: int) -> str:
    """The same representation of the same answer, from another ``offset``."""
    path = url_for("queries.show", name=answer.query.name + suffix)
    return _url(path, urlencode({**answer.values, "offset": str(offset)}))


def _link_header(twins: list[tuple[str, str, str]], own: str) -> str:
    return ", ".join(
        f'<{url}>; rel="alternate"; type="{media_type}"'
        for url, media_type, _ in twins
        if url != own
    )


def parameter_info(query: CannedQuery) -> list[dict[str, Any]]:
    """What a client needs to fill in each parameter (shared by the page and the JSON)."""
    return [
        {
            "name": p.name,
            "type": p.type,
            "label": p.label,
            "default": p.default,
            "required": p.default is None and not p.optional,
            "class": p.rdf_class,
            "expects": p.expects(),
        }
        for p in query.parameters
    ]


def _catalogue_entry(query: CannedQuery) -> dict[str, Any]:
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "question": query.question,
        "group": query.group,
        "parameters": parameter_info(query),
        "columns": list(query.columns),
        "available": services().queries.available(query),
        "links": {
            "html": url_for("queries.show", name=query.name, _external=True),
            "json": url_for("queries.show", name=query.name + ".json", _external=True),
            "csv": url_for("queries.show", name=query.name + ".csv", _external=True),
        },
    }


@bp.get("/assets/autocomplete/<name>")
def autocomplete_asset(name: str) -> Response:
    """accessible-autocomplete, installed by ``npm ci``: only its script and stylesheet."""
    if name.removesuffix(".map") not in AUTOCOMPLETE_FILES:
        raise PageNotFound("There is no such file.")
    return send_from_directory(AUTOCOMPLETE_DIR, name, max_age=3600)


@bp.get("/queries")
def catalogue() -> Response:
    """Every canned query with its question, parameters and links (HTML, or JSON by Accept)."""
    return _catalogue(not wants_html("page"))


@bp.get("/queries/")
def catalogue_slash() -> Response:
    """``/queries/`` (a trailing slash, as people type folder-like URLs) is the catalogue."""
    target = url_for("queries.catalogue")
    if request.query_string:
        target += "?" + request.query_string.decode("latin-1")
    return redirect(target, code=308)


@bp.get("/queries.json")
def catalogue_json() -> Response:
    return _catalogue(True)


def _catalogue(as_json: bool) -> Response:
    queries = services().queries.catalog.queries
    if as_json:
        response = jsonify({"queries": [_catalogue_entry(q) for q in queries]})
        response.headers["Link"] = (
            f'<{url_for("queries.catalogue")}>; rel="alternate"; type="{HTML}"'
        )
        return response
    json_url = url_for("queries.catalogue_json")
    response = Response(
        render_template("queries/index.html", groups=catalogue_groups(queries), json_url=json_url),
        mimetype="text/html",
    )
    response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="{JSON}"'
    return response


@bp.get("/queries/<name>")
def show(name: str) -> Response:
    """One canned query, run with the query string's values, in the asked-for twin.

    Every twin goes through the one response path: ``choose`` (extension, ``_format``
    or Accept) and ``cached_get`` (ETag, Last-Modified, 304, the answer cache)."""
    stem, dot, suffix = name.rpartition(".")
    fixed = EXTENSIONS.get(suffix) if dot else None
    g.shape = None  # a 406 goes to a client that takes no HTML: text or JSON
    if fixed is not None:
        name, g.shape = stem, suffix
    media_type = choose("table", request.args.get("_format"), fixed=fixed)
    if fixed is None and media_type == HTML:
        g.shape = "html"
    key = ("queries", request.full_path, request.host_url, media_type, date.today())
    return cached_get(key, lambda: _answer(name, media_type))


def _typed(query: CannedQuery) -> dict[str, str]:
    """What the form sent for the query's own parameters, as typed (empty ones left out)."""
    known = {p.name for p in query.parameters}
    return {k: v for k, v in request.args.items() if k in known and v != ""}


def _refused(query: CannedQuery, values: dict[str, str], errors: list[ParameterError]) -> Response:
    """The form again, with an error summary, what was typed and the close candidates."""
    twins = _twins(query.name, values)
    html = render_page(query, values, errors, None, twins, {})
    return Response(html, status=400, mimetype="text/html")


def _answer(name: str, media_type: str) -> Response:
    found = services()
    if g.shape == "html":
        g.query = found.queries.catalog.get(name)
        values = request_values(g.query, request.args.items(multi=True))
        errors = found.queries.check(g.query, values)[1]
        if errors:
            return _refused(g.query, values, errors)
    # The SPARQL results twin needs no terms here: let the store write it.
    formats = {"results": media_type} if g.shape is None else None
    answer = found.queries.run(name, request.args.items(multi=True), formats)
    twins = _twins(name, answer.values)
    own = twins[{"json": 1, "csv": 2, "xlsx": 3}.get(g.shape, 0)][0]  # page or a download
    if g.shape == "json":
        response = jsonify(_json_document(answer, twins))
    elif g.shape == "xlsx":
        table, titles = _downloaded(answer)
        response = Response(workbook(table, _about(answer), titles), content_type=XLSX)
        filename = f"{answer.query.name}.xlsx"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    elif g.shape == "csv":
        table, _ = _downloaded(answer)
        response = Response(spreadsheet_csv(table), content_type="text/csv; charset=utf-8")
        filename = f"{answer.query.name}.csv"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    elif g.shape == "html":
        html = render_page(answer.query, answer.values, [], answer, twins, _pages(answer, ""))
        response = Response(html, mimetype="text/html")
    else:
        response = render_results(answer.result, media_type, found.settings.max_rows)
    if answer.result.truncated:
        response.headers["Cspkg-Results-Truncated"] = f"true; max-rows={found.settings.max_rows}"
    response.headers["Link"] = _link_header(twins, own)
    if g.shape == "csv" or media_type == CSV:
        response.headers["Link"] += f", <{_metadata_url(name, answer.values)}>; {DESCRIBED_BY}"
    pages = _pages(answer, "" if g.shape in ("html", None) else "." + g.shape)
    for rel, url in pages.items():
        response.headers["Link"] += f', <{url}>; rel="{rel}"'
    return response


def _downloaded(answer: Answer) -> tuple[SelectResult, dict[str, str]]:
    """The rows and columns the page shows, one value per cell, whole labels, and the
    columns' titles in words: what every download carries."""
    shown_rows = shown(answer)
    table = services().queries.full_labels(flat(shown_rows))
    return table, shown_rows.titles(answer.query)


def _metadata_url(name: str, values: dict[str, str]) -> str:
    """The CSVW metadata twin of this CSV answer (``?_format=csv`` says which CSV)."""
    extra = urlencode({"_format": "csv"}) if g.shape is None else ""
    path = url_for("queries.csv_metadata_of", name=name)
    return _url(path, urlencode(values), extra)


@bp.get("/queries/<name>.csv-metadata.json")
def csv_metadata_of(name: str) -> Response:
    """W3C CSV on the Web metadata for ``/queries/NAME.csv`` (or ``?_format=csv``) with
    the same parameters: what the answer is, and its columns."""
    g.shape = "json"
    key = ("queries", request.full_path, request.host_url, CSVM, date.today())
    return cached_get(key, lambda: _metadata(name))


def _metadata(name: str) -> Response:
    found = services()
    answer = found.queries.run(name, request.args.items(multi=True), None)
    given = urlencode(answer.values)
    if request.args.get("_format") == "csv":
        csv_url = _url(url_for("queries.show", name=name, _external=True), given, "_format=csv")
    else:
        csv_url = _url(url_for("queries.show", name=name + ".csv", _external=True), given)
    table, titles = _downloaded(answer)
    document = csv_metadata(table, _about(answer, csv_url), csv_url, titles)
    response = jsonify(document)
    response.content_type = CSVM
    response.headers["Link"] = f'<{csv_url}>; rel="describes"; type="{CSV}"'
    return response


def _about(answer: Answer, source: str | None = None) -> About:
    """What the download is: the query, its values, the data's version, when, where from."""
    store = services().store
    version = f"store version {store.generation}, {store.triple_count():,} statements"
    return About(
        answer.query,
        answer.bound,
        answer.values,
        version,
        datetime.now(UTC),
        source or request.url,
    )


def _json_document(answer: Answer, twins: list[tuple[str, str, str]]) -> dict[str, Any]:
    """The developer JSON: what was asked, with what values, and typed, labelled cells."""
    query = answer.query
    table, titles = _downloaded(answer)
    return {
        "query": {
            "name": query.name,
            "title": query.title,
            "description": query.description,
            "question": query.question,
        },
        "parameters": {
            p.name: {
                "type": p.type,
                "value": answer.bound[p.name],
                "given": p.name in answer.values,
            }
            for p in query.parameters
        },
        "columns": list(table.columns),
        "titles": titles,
        "labels": label_columns(table.columns),
        "rows": json_rows(table),
        "rowCount": len(table.rows),
        "truncated": table.truncated,
        "links": {
            "self": request.url,
            "alternate": [
                {"href": request.host_url.rstrip("/") + url, "type": media_type, "title": title}
                for url, media_type, title in twins
                if media_type != JSON
            ],
            "catalogue": url_for("queries.catalogue", _external=True),
            **{
                rel: request.host_url.rstrip("/") + url
                for rel, url in _pages(answer, ".json").items()
            },
        },
    }
