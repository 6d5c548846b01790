"""The one response path: which representation, and the headers every answer shares.

Every blueprint picks a representation with :func:`choose` (a URL extension or a
``format`` parameter wins; otherwise the Accept header, which then makes the answer vary
by Accept) and leaves the shared headers to :func:`finish`, run after every request:

- ``Vary: Accept`` whenever the Accept header chose the representation;
- CORS: every answer that is data (anything but an HTML page) may be read by any
  origin, because the data is public and writes need a bearer token, never a cookie;
  preflight ``OPTIONS`` answers list the methods the route allows.

- ETag and Last-Modified: answers that go through :func:`cspkg.web.caching.cached_get`
  (SPARQL, canned queries) carry per-store-version validators and are cached; every
  other whole (not streamed) GET answer that is data (not a page, whose script nonce
  changes every time) gets a weak ETag of its body and, on the
  embedded store, the data's Last-Modified, and is answered 304 when the client's copy
  is current (``make_conditional``).
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from .context import EXTENSION
from .negotiation import HTML, Kind, acceptable, negotiate

EXPOSED = "Cspkg-Results-Truncated, Content-Type, Content-Disposition, ETag, Last-Modified, Link"
_PREFLIGHT = {
    "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type, If-None-Match",
    "Access-Control-Max-Age": "86400",
}


def choose(kind: Kind, format_param: str | None = None, fixed: str | None = None) -> str:
    """The media type to answer with (``NotAcceptable`` when the client takes none).

    ``fixed`` is what a URL's extension already decided (``.csv``, ``.ttl``);
    ``format_param`` a ``format``/``_format`` value; only without both does the Accept
    header decide, and then the answer says ``Vary: Accept``.
    """
    if fixed is not None:
        return fixed
    if not format_param:
        g.vary_accept = True
    return negotiate(kind, request.headers.get("Accept"), format_param)


def wants_html(kind: Kind = "page") -> bool:
    """A page or its data twin: browsers (and ties) get the page, other clients data."""
    g.vary_accept = True
    return acceptable(kind, request.headers.get("Accept")) == HTML


def finish(response: Response) -> Response:
    """Add ``Vary: Accept``, CORS and validators where they apply (see the module text)."""
    response = _validators(response)
    if g.get("vary_accept"):
        given = response.headers.get("Vary", "")
        if "accept" not in {v.strip().lower() for v in given.split(",")}:
            response.headers["Vary"] = f"{given}, Accept" if given else "Accept"
    page = response.mimetype == HTML and response.status_code != 304  # a 304 has no body
    if not page or request.method == "OPTIONS":
        response.headers.setdefault("Access-Control-Allow-Origin", "*")
        response.headers.setdefault("Access-Control-Expose-Headers", EXPOSED)
    if request.method == "OPTIONS":
        allowed = response.headers.get("Allow", "GET, HEAD, OPTIONS")
        response.headers.setdefault("Access-Control-Allow-Methods", allowed)
        for name, value in _PREFLIGHT.items():
            response.headers.setdefault(name, value)
    return response


def _validators(response: Response) -> Response:
    whole = not response.is_streamed and not response.direct_passthrough
    if request.method not in ("GET", "HEAD") or response.status_code != 200 or not whole:
        return response
    if "ETag" in response.headers or response.mimetype == HTML:
        return response  # pages carry a per-request script nonce: never revalidated
    response.add_etag(weak=True)
    found = current_app.extensions.get(EXTENSION)
    if found is not None and found.cache is not None:
        response.last_modified = found.cache.last_modified(found.store.generation)
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.after_request(finish)
