"""Reading a SPARQL 1.1 Protocol request: which operation, its text and its dataset.

A pure function of method, Content-Type, URL parameters and body, so each protocol rule
(one query only, no update by GET, UTF-8 only, known media types) has a unit test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl

from ..errors import ProtocolError, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class Operation:
    """What the client asked for; ``kind`` ``"none"`` means no query (describe service)."""

    kind: Literal["query", "update", "none"]
    text: str = ""
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    using_graph_uris: tuple[str, ...] = ()
    using_named_graph_uris: tuple[str, ...] = ()
    format: str | None = None


def _decode(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(f"the {what} is not valid UTF-8") from None


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    fields = [f.strip() for f in content_type.split(";")]
    charset = None
    for param in fields[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return fields[0].lower(), charset


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise ProtocolError(f"the request has {len(values)} '{name}' parameters; send one")
    return values[0] if values else None


def _merge(*sources: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for source in sources:
        for name, values in source.items():
            merged.setdefault(name, []).extend(values)
    return merged


def parse_operation(
    method: str,
    content_type: str | None,
    args: Mapping[str, Sequence[str]],
    body: bytes,
) -> Operation:
    """Apply the protocol's rules; raise ``ProtocolError`` / ``UnsupportedMediaType``."""
    method = method.upper()
    if method == "GET":
        if "update" in args:
            raise ProtocolError("updates must be sent with POST, not GET")
        text = _one(args, "query")
        return _build("query" if text is not None else "none", text or "", args)
    if method != "POST":
        raise ProtocolError(f"{method} is not a SPARQL Protocol method; use GET or POST")
    media_type, charset = _media_type(content_type)
    if charset not in (None, "utf-8", "utf8"):
        raise ProtocolError(f"only UTF-8 is accepted, not {charset}")
    if media_type == FORM:
        form: dict[str, list[str]] = {}
        for name, value in parse_qsl(_decode(body, "form body"), keep_blank_values=True):
            form.setdefault(name, []).append(value)
        params = _merge(args, form)
        query, update = _one(form, "query"), _one(form, "update")
        if "query" in args or "update" in args:
            raise ProtocolError("with a form POST the query or update goes in the body")
        if query is not None and update is not None:
            raise ProtocolError("send either 'query' or 'update', not both")
        if query is None and update is None:
            raise ProtocolError("the form has no 'query' or 'update' field")
        kind: Literal["query", "update"] = "query" if query is not None else "update"
        return _build(kind, query if query is not None else update or "", params)
    if media_type in (QUERY, UPDATE):
        if "query" in args or "update" in args:
            raise ProtocolError(f"with {media_type} the text goes in the body, not the URL")
        kind = "query" if media_type == QUERY else "update"
        return _build(kind, _decode(body, kind), args)
    if not media_type:
        raise UnsupportedMediaType(f"a POST needs a Content-Type: {FORM}, {QUERY} or {UPDATE}")
    raise UnsupportedMediaType(f"'{media_type}' is not accepted; use {FORM}, {QUERY} or {UPDATE}")


def _build(
    kind: Literal["query", "update", "none"], text: str, params: Mapping[str, Sequence[str]]
) -> Operation:
    if kind == "query" and ("using-graph-uri" in params or "using-named-graph-uri" in params):
        raise ProtocolError("using-graph-uri / using-named-graph-uri belong to updates")
    if kind == "update" and ("default-graph-uri" in params or "named-graph-uri" in params):
        raise ProtocolError("default-graph-uri / named-graph-uri belong to queries")
    if kind == "query" and not text.strip():
        raise ProtocolError("the query is empty")
    return Operation(
        kind=kind,
        text=text,
        default_graph_uris=tuple(params.get("default-graph-uri", ())),
        named_graph_uris=tuple(params.get("named-graph-uri", ())),
        using_graph_uris=tuple(params.get("using-graph-uri", ())),
        using_named_graph_uris=tuple(params.get("using-named-graph-uri", ())),
        format=_one(params, "format"),
    )
