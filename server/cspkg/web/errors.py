"""The one place exceptions become HTTP answers, chosen by exception type.

Bodies carry the exception's own message (written to be safe for users: no paths, no
tracebacks) as plain text, as JSON when the client prefers it, or as a page of the site
(``error.html``) when the client prefers HTML (a browser).  Werkzeug's own 404 (no such
URL) goes through the same table as ``PageNotFound``; unexpected failures become the 500
page in ``hardening``, which calls ``error_page``.
"""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import NotFound as NoSuchUrl

from ..errors import (
    AuthenticationRequired,
    CspkgError,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    PageNotFound,
    ParameterError,
    ProtocolError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    QueryUnsupported,
    RateLimited,
    RdfInputError,
    ReportUnavailable,
    RequestTooLarge,
    StoreUnavailable,
    UnsupportedMediaType,
    UriTooLong,
    ValidationFailed,
)
from .negotiation import acceptable

STATUS: dict[type[CspkgError], int] = {
    AuthenticationRequired: 401,
    QueryRefused: 403,
    QuerySyntaxError: 400,
    ParameterError: 400,
    NotFound: 404,
    MethodNotAllowed: 405,
    UnsupportedMediaType: 415,
    ProtocolError: 400,
    NotAcceptable: 406,
    RequestTooLarge: 413,
    UriTooLong: 414,
    RateLimited: 429,
    ValidationFailed: 422,
    RdfInputError: 400,
    QueryTimeout: 503,
    QueryUnsupported: 501,
    StoreUnavailable: 503,
    ReportUnavailable: 503,
    CspkgError: 400,
}
"""Exception type -> status; the most specific class in the exception's MRO wins."""


def status_for(exc: CspkgError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


TITLES = {
    400: "There is a problem with the request",
    401: "You need to sign in",
    403: "This is not allowed",
    404: "Page not found",
    405: "This cannot be done here",
    406: "That format is not available",
    413: "The request is too large",
    414: "The address is too long",
    415: "That format is not accepted",
    422: "The data did not pass its checks",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
    503: "Sorry, the service is busy",
}
"""What each status's page is called (its ``<h1>`` and ``<title>``)."""


def _shape() -> str:
    """An error body's media type, by the one chooser (``negotiation``, kind ``error``):
    plain text unless JSON or a page is ranked above it."""
    g.vary_accept = True
    return acceptable("error", request.headers.get("Accept")) or "text/plain"


def wants_page() -> bool:
    """A page only for clients that rank HTML above plain text (browsers do; curl,
    ``requests`` and ``*/*`` do not)."""
    return _shape() == "text/html"


def error_page(status: int, message: str, problem: str | None = None) -> Response:
    """The site's styled error page for ``status``, carrying ``message``; ``problem``: a
    bad value in the address (a ``ParameterError``), shown in a GOV.UK error summary as
    every form shows one."""
    title = TITLES.get(status, TITLES[400])
    html = render_template(
        "error.html", status=status, title=title, message=message, problem=problem
    )
    return Response(html, status=status, mimetype="text/html")


def _wants_json() -> bool:
    """JSON only for clients that prefer ``application/json`` to ``text/plain``."""
    return _shape() == "application/json"


def handle(exc: CspkgError, as_json: bool | None = None) -> Response:
    """Answer a project exception with its status and message.

    ``as_json`` lets a view whose URL names its format (``.json``, ``.csv``) choose the
    body's shape; otherwise the Accept header does.
    """
    status = status_for(exc)
    message = str(exc)
    if _wants_json() if as_json is None else as_json:
        body: dict[str, object] = {"error": type(exc).__name__, "message": message}
        if isinstance(exc, QuerySyntaxError) and exc.line is not None:
            body["line"], body["column"] = exc.line, exc.column
        if isinstance(exc, ParameterError):
            body["parameter"], body["expected"] = exc.name, exc.expected
        response = jsonify(body)
    elif as_json is None and wants_page():
        problem = _in_words(exc) if isinstance(exc, ParameterError) else None
        response = error_page(status, message, problem)
    else:
        response = Response(message + "\n", mimetype="text/plain")
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cspkg"'
    if isinstance(exc, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(exc.allowed)
    if status == 503 or isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(getattr(exc, "retry_after", 5))
    return response


def _in_words(exc: ParameterError) -> str:
    """A bad value in an address as a GOV.UK error message: what was given, what fits."""
    given = f"'{exc.value}' is not right for {exc.name}" if exc.value else f"Check {exc.name}"
    closest = f"; closest: {'; '.join(exc.candidates)}" if exc.candidates else ""
    return f"{given}: give {exc.expected}{closest}"


def _no_such_url(_exc: NoSuchUrl) -> Response:
    return handle(PageNotFound("There is no page at this address."))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CspkgError, handle)
    app.register_error_handler(NoSuchUrl, _no_such_url)
