"""The one place exceptions become HTTP answers, chosen by exception type.

Bodies carry the exception's own message (written to be safe for users: no paths, no
tracebacks) as plain text, or as JSON when the client prefers it.  Anything not a
``CspkgError`` is left to Flask, which answers 500 without details.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from ..errors import (
    AuthenticationRequired,
    CspkgError,
    GraphNotFound,
    MethodNotAllowed,
    NotAcceptable,
    ParameterError,
    ProtocolError,
    QueryNotFound,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    QueryUnsupported,
    RateLimited,
    RdfInputError,
    RequestTooLarge,
    StoreUnavailable,
    UnsupportedMediaType,
    UriTooLong,
    ValidationFailed,
)
from .negotiation import parse_accept, quality

STATUS: dict[type[CspkgError], int] = {
    AuthenticationRequired: 401,
    QueryRefused: 403,
    QuerySyntaxError: 400,
    ParameterError: 400,
    QueryNotFound: 404,
    GraphNotFound: 404,
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
    CspkgError: 400,
}
"""Exception type -> status; the most specific class in the exception's MRO wins."""


def status_for(exc: CspkgError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _wants_json() -> bool:
    """JSON only for clients that prefer ``application/json`` to ``text/plain``."""
    ranges = parse_accept(request.headers.get("Accept"))
    return quality(ranges, "application/json") > quality(ranges, "text/plain")


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
    else:
        response = Response(message + "\n", mimetype="text/plain")
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cspkg"'
    if isinstance(exc, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(exc.allowed)
    if status == 503:
        response.headers["Retry-After"] = "5"
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CspkgError, handle)
