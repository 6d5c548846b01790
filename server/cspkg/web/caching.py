"""Answers cached per store version, with ETag / Last-Modified and 304 answers.

A cached answer is keyed by what determines it (the endpoint's own key: query text,
dataset, media type...) and is valid for one store *generation*: any write through the
service bumps the generation, which empties the cache and changes every ETag.  The ETag
also carries a per-process token, so a restart (possibly on other data) never
revalidates an old copy.  A client's ``If-None-Match`` (or ``If-Modified-Since``) is
checked before anything runs, so a 304 costs no query at all.

Only a store whose version every writer changes is cached (``Store.shared_version``):
the embedded store, and a remote server whose profile keeps a version graph (Virtuoso),
read from the server per request so several front ends agree.  Over a server without
one (Oxigraph), writes by other clients would go unseen, so nothing is cached.  ``Cache-Control: no-cache`` on a request skips
the lookup (the fresh answer still replaces the cached one).

Reusable by any GET endpoint: ``cached_get(key, produce)``.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

from flask import Response, request

from .context import services

KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Cspkg-Results-Truncated",
    "Warning",
    "Vary",
    "Link",
)


@dataclass(frozen=True)
class Answer:
    """A rendered 200 answer: body and the headers worth replaying."""

    body: bytes
    headers: tuple[tuple[str, str], ...]


class ResultCache:
    """A byte-bounded LRU of answers for the current store generation (thread-safe)."""

    def __init__(self, max_bytes: int, max_entry_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes or max(max_bytes // 8, 1)
        self.token = secrets.token_hex(4)
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Answer] = OrderedDict()
        self._size = 0
        self._generation: int | None = None
        self._since = time.time()

    def _sync(self, generation: int) -> None:
        """Empty the cache when the store has moved on (called with the lock held)."""
        if generation != self._generation:
            self._entries.clear()
            self._size = 0
            self._generation = generation
            self._since = time.time()

    def last_modified(self, generation: int) -> float:
        """When this process first saw ``generation``: the data's Last-Modified."""
        with self._lock:
            self._sync(generation)
            return self._since

    def etag(self, generation: int, key: Hashable) -> str:
        digest = hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()
        return f'W/"{self.token}-{generation}-{digest}"'

    def get(self, generation: int, key: Hashable) -> Answer | None:
        with self._lock:
            self._sync(generation)
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, generation: int, key: Hashable, answer: Answer) -> None:
        size = len(answer.body)
        if size > self.max_entry_bytes:
            return
        with self._lock:
            self._sync(generation)
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._entries[key] = answer
            self._size += size
            while self._size > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)


def _not_modified(etag: str, last_modified: float) -> bool:
    given = request.headers.get("If-None-Match")
    if given is not None:
        tags = {tag.strip() for tag in given.split(",")}
        bare = etag.removeprefix("W/")
        return "*" in tags or etag in tags or bare in tags
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            return int(last_modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, OverflowError):
            return False
    return False


def _validators(response: Response, etag: str, last_modified: float) -> Response:
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = formatdate(last_modified, usegmt=True)
    response.headers["Cache-Control"] = "no-cache"
    return response


def cached_get(
    key: Hashable, produce: Callable[[], Response], *, honour_no_cache: bool = True
) -> Response:
    """Answer a GET from the cache, with a 304, or by ``produce()`` (then cached).

    ``honour_no_cache=False``: a request's ``Cache-Control: no-cache`` does not make the
    answer again (board reports: the same data gives the same report, and making one
    costs a process; a client could otherwise keep the renderers busy)."""
    found = services()
    cache = found.cache
    if cache is None or request.method != "GET":
        return produce()
    generation = found.store.generation
    etag = cache.etag(generation, key)
    last_modified = cache.last_modified(generation)
    if _not_modified(etag, last_modified):
        return _validators(Response(status=304), etag, last_modified)
    no_cache = honour_no_cache and "no-cache" in request.headers.get("Cache-Control", "").lower()
    answer = None if no_cache else cache.get(generation, key)
    if answer is not None:
        response = Response(answer.body)
        response.headers.update(dict(answer.headers))
        return _validators(response, etag, last_modified)
    response = produce()
    if response.status_code != 200 or found.store.generation != generation:
        return response
    body = response.get_data()
    kept = tuple(
        (name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers
    )
    cache.put(generation, key, Answer(body, kept))
    return _validators(response, etag, last_modified)
