"""HTTP hardening every response gets: size limits, security headers, rate limit, quiet 500s.

Attached with ``init_app(app, settings)`` from ``create_app``.  Kept apart from the
blueprints so a new URL family (``/queries``, ``/doc``) is covered without doing anything.

Content-Security-Policy: HTML pages may load scripts only from this origin (the editor's
bundle under ``/assets``) or inline blocks carrying the per-request nonce that templates
get from ``csp_nonce()``; styles may be inline (the editor sets style attributes);
nothing may frame a page.  Non-HTML answers get ``default-src 'none'``.
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, g, request
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge

from ..config import Settings
from ..errors import RateLimited, RequestTooLarge, UriTooLong
from ..services.audit import request_address
from ..store.admission import current_client
from .context import services
from .errors import error_page, handle, wants_page

log = logging.getLogger("cspkg.web")

EXEMPT_PATHS = ("/health",)
"""Paths the rate limit never refuses: monitoring must see an overloaded service."""

BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"


def page_csp(nonce: str | None) -> str:
    """The policy for HTML pages; ``nonce`` admits the page's own inline scripts."""
    scripts = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def csp_nonce() -> str:
    """A nonce for this request's inline ``<script nonce=...>`` blocks (template global)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


class TokenBucket:
    """Per-client token buckets: ``per_minute`` requests in a burst, refilled at that rate.

    Memory is bounded: past ``max_clients`` the least recently seen client is forgotten
    (which only ever gives that client a fresh, full bucket).
    """

    def __init__(
        self,
        per_minute: int,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str) -> int | None:
        """Spend one token; ``None`` if allowed, else the seconds until one is free."""
        now = self._clock()
        with self._lock:
            tokens, stamp = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        if allowed:
            return None
        return max(1, math.ceil((1.0 - tokens) / self.rate))


def client_address(settings: Settings) -> str:
    """The client's address: the peer's, or, when the peer is one of
    ``trusted_proxies``, the last address it added to ``X-Forwarded-For``."""
    peer = request.remote_addr or ""
    if peer in settings.trusted_proxies:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return peer


def admission_client(settings: Settings) -> str:
    """Who shares the query workers: the holder of a valid bearer token (the admin or one
    agency) is its own client, whatever address it comes from, so an agency's scripts
    behind a council's proxy do not share that address's workers; anyone else is their
    address (an unknown token counts as none, so made-up tokens buy no extra share)."""
    authorization = request.headers.get("Authorization")
    if authorization:
        holder = services().sparql.tokens.holder(authorization)
        if holder is not None:
            return "token " + holder.describe()
    return client_address(settings)


class PublicBase:
    """WSGI wrapper: absolute URLs (links in ``/queries*.json``, the OpenAPI ``servers``,
    VoID, the service description) come from the configured public base, never from the
    request's ``Host`` header, which any client can set.

    The base is ``public_url`` when set; else the address the server listens on
    (``SERVER_NAME``/``SERVER_PORT``).  A request from one of ``trusted_proxies`` may set
    it with ``X-Forwarded-Proto``/``-Host``/``-Prefix`` (a reverse proxy in front)."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.trusted = set(settings.trusted_proxies)
        self.public = urlsplit(settings.public_url) if settings.public_url else None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        forwarded = environ.get("REMOTE_ADDR") in self.trusted
        host = environ.get("HTTP_X_FORWARDED_HOST", "").split(",")[-1].strip()
        if forwarded and host:
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip()
            environ["HTTP_HOST"] = host
            environ["wsgi.url_scheme"] = proto if proto in ("http", "https") else "http"
            prefix = environ.get("HTTP_X_FORWARDED_PREFIX", "").rstrip("/")
            environ["SCRIPT_NAME"] = prefix + environ.get("SCRIPT_NAME", "")
        elif self.public is not None:
            environ["HTTP_HOST"] = self.public.netloc
            environ["wsgi.url_scheme"] = self.public.scheme or "http"
            environ["SCRIPT_NAME"] = self.public.path.rstrip("/") + environ.get("SCRIPT_NAME", "")
        else:
            name, port = environ.get("SERVER_NAME", "localhost"), environ.get("SERVER_PORT", "")
            default = {"http": "80", "https": "443"}.get(environ.get("wsgi.url_scheme", "http"))
            environ["HTTP_HOST"] = name if port in ("", default) else f"{name}:{port}"
        return self.app(environ, start_response)


def init_app(app: Flask, settings: Settings) -> None:
    """Register the checks, headers and error handlers on ``app``."""
    app.wsgi_app = PublicBase(app.wsgi_app, settings)  # type: ignore[method-assign]
    limiter = (
        TokenBucket(settings.rate_limit_per_minute) if settings.rate_limit_per_minute else None
    )
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def _check_request() -> None:
        request_address.set(client_address(settings))  # audit lines, wrong-token counts
        current_client.set(admission_client(settings))
        raw = request.environ.get("RAW_URI") or ""
        target = max(raw, request.full_path, key=len)
        if len(target.encode("utf-8", "surrogateescape")) > settings.max_url_length:
            raise UriTooLong(
                f"the URL is longer than {settings.max_url_length} bytes; "
                "send long queries with POST"
            )
        if limiter is not None and request.path not in EXEMPT_PATHS:
            wait = limiter.take(client_address(settings) or "unknown")
            if wait is not None:
                raise RateLimited(
                    f"too many requests: the limit is {settings.rate_limit_per_minute} "
                    f"a minute; retry in {wait} s",
                    wait,
                )

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in BASE_HEADERS.items():
            response.headers.setdefault(name, value)
        if "Content-Security-Policy" not in response.headers:
            html = response.mimetype in ("text/html", "application/xhtml+xml")
            nonce = g.get("csp_nonce")
            response.headers["Content-Security-Policy"] = page_csp(nonce) if html else DATA_CSP
        return response

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_exc: RequestEntityTooLarge) -> Response:
        limit = app.config.get("MAX_CONTENT_LENGTH")
        return handle(RequestTooLarge(f"the request body is larger than {limit} bytes"))

    @app.errorhandler(InternalServerError)
    def _internal(exc: InternalServerError) -> Response:
        """Log the cause; tell the client nothing about it (no trace, no path)."""
        original = exc.original_exception
        log.error(
            "unhandled %s on %s %s",
            type(original).__name__ if original else "error",
            request.method,
            request.path,
            exc_info=original,
        )
        if wants_page():
            return error_page(500, "The problem has been logged. Try again later.")
        return Response("internal error; it has been logged\n", 500, mimetype="text/plain")
