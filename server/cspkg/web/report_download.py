"""Report downloads (the board report, its Commissioner's edition): one response path.

A report is looked up by what its URL says (no query at all for one already made), then
by its own name (plan, quarter, as-at date, format: another spelling of the same quarter
finds it), and only then made, in a limited process (``reports/worker.py``: a few at
once, 429 past that).  Both are kept in the result cache for the store's version;
``Cache-Control: no-cache`` does not make a report again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date

from flask import Response

from ..reports.board import FORMATS
from .caching import Answer, cached_get
from .context import services


@dataclass(frozen=True)
class Prepared:
    """What making a report needs, found once the URL's names are resolved."""

    name: Hashable
    """The report's own name (edition, plan, quarter, as-at date, format)."""
    model: Callable[[], object]
    file_name: str


def report_download(
    url_key: Hashable, form: str, edition: str, prepare: Callable[[], Prepared]
) -> Response:
    """The report as an attachment, from the cache or made once."""
    found = services()
    today = date.today()

    def produce() -> Response:
        made = prepare()
        generation = found.store.generation
        kept = found.cache.get(generation, made.name) if found.cache is not None else None
        if kept is not None:
            body = kept.body
        else:
            assert found.renders is not None
            body = found.renders.render(made.name, made.model, form, today, edition)
            if found.cache is not None:
                found.cache.put(generation, made.name, Answer(body, ()))
        response = Response(body, content_type=FORMATS[form][0])
        response.headers["Content-Disposition"] = f'attachment; filename="{made.file_name}"'
        return response

    return cached_get((edition, url_key, today.isoformat(), form), produce, honour_no_cache=False)
