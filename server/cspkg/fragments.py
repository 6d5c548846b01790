"""Shared SPARQL fragments: a domain rule written once in ``queries/fragments/NAME.rq``.

A rule that several questions share (an action's status at a quarter, its latest update
as at a day, its Commissioner priorities under a named Police and Crime Plan) is one
file of SPARQL graph patterns.  A canned query, or a query a service runs, says
``#include NAME`` on a line of its own; the text of ``fragments/NAME.rq`` stands there
before the query is parsed, so the page, its twins, the board report and the CLI all
run the same words.  A fragment may include another; it documents, in its leading
comment lines, the variables it needs bound and those it binds.  Fragments take no
``$parameters``: the including query binds the variables they need.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pyoxigraph import NamedNode

from .errors import CatalogError

FRAGMENTS = "fragments"
"""The folder of ``queries/`` that holds fragments (not canned queries themselves)."""
FORMS = "forms"
"""The folder of ``queries/`` with engine forms: ``forms/DIALECT/NAME.rq`` is canned query
NAME written so that engine (a backend profile's name) answers it right: the same
parameters and columns, and the same answer as the query on the embedded store (tested
in ``tests/store/test_backends_agree.py``).  Its text starts with the query itself (its
``PREFIX`` lines), not with a header."""
SERVICE = "service"
"""The folder of ``queries/`` that holds the queries one service runs (not canned queries:
not in the catalogue, their ``$name`` IRIs put in by ``service_query``)."""
_INCLUDE = re.compile(r"^[ \t]*#include[ \t]+([a-z][a-z0-9-]*)[ \t]*$", re.MULTILINE)
_DEPTH = 8


def load_fragments(queries_dir: Path) -> dict[str, str]:
    """Every ``queries/fragments/*.rq`` by name (its file name without ``.rq``)."""
    folder = queries_dir / FRAGMENTS
    if not folder.is_dir():
        return {}
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.rq"))}


def load_forms(queries_dir: Path, name: str) -> dict[str, str]:
    """Query ``name``'s engine forms, by dialect."""
    folder = queries_dir / FORMS
    if not folder.is_dir():
        return {}
    return {
        path.parent.name: path.read_text(encoding="utf-8")
        for path in sorted(folder.glob(f"*/{name}.rq"))
    }


def expand(source: str, text: str, fragments: dict[str, str], depth: int = 0) -> str:
    """``text`` with every ``#include NAME`` line replaced by that fragment (expanded in
    turn); an unknown name or an include loop is a ``CatalogError`` naming the line."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        line = text.count("\n", 0, match.start()) + 1
        if name not in fragments:
            known = ", ".join(sorted(fragments)) or "none"
            raise CatalogError(source, line, f"#include {name}: no such fragment ({known})")
        if depth >= _DEPTH:
            raise CatalogError(source, line, f"#include {name}: fragments include each other")
        body = expand(f"{FRAGMENTS}/{name}.rq", fragments[name], fragments, depth + 1)
        return body.rstrip("\n")

    return _INCLUDE.sub(one, text)


@lru_cache(maxsize=64)
def _service_text(queries_dir: Path, name: str) -> str:
    source = queries_dir / SERVICE / f"{name}.rq"
    text = source.read_text(encoding="utf-8")
    return expand(f"{SERVICE}/{name}.rq", text, load_fragments(queries_dir))


def service_query(queries_dir: Path, name: str, **iris: str | None) -> str:
    """``queries/service/NAME.rq`` (read once, includes filled in) with each ``$key`` put
    as the IRI ``iris[key]`` (checked by pyoxigraph), or as a fresh unbound variable
    when it is ``None``."""
    text = _service_text(queries_dir, name)
    for key, iri in iris.items():
        text = text.replace(f"${key}", str(NamedNode(iri)) if iri else f"?_unbound_{key}")
    return text
