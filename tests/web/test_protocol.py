"""Protocol request rules, checked without a server."""

from __future__ import annotations

import pytest

from cspkg.errors import ProtocolError, UnsupportedMediaType
from cspkg.web.protocol import parse_operation

FORM = "application/x-www-form-urlencoded"


def test_get_query_with_dataset() -> None:
    op = parse_operation(
        "GET", None, {"query": ["ASK {}"], "default-graph-uri": ["urn:a", "urn:b"]}, b""
    )
    assert (op.kind, op.text, op.default_graph_uris) == ("query", "ASK {}", ("urn:a", "urn:b"))


def test_get_without_query_describes() -> None:
    assert parse_operation("GET", None, {}, b"").kind == "none"


def test_form_post_merges_url_params() -> None:
    op = parse_operation("POST", FORM, {"named-graph-uri": ["urn:n"]}, b"query=ASK%20%7B%7D")
    assert (op.kind, op.text, op.named_graph_uris) == ("query", "ASK {}", ("urn:n",))


def test_direct_update() -> None:
    op = parse_operation("POST", "application/sparql-update", {}, b"CLEAR ALL")
    assert (op.kind, op.text) == ("update", "CLEAR ALL")


@pytest.mark.parametrize(
    ("method", "content_type", "args", "body"),
    [
        ("GET", None, {"query": ["ASK {}", "SELECT * {}"]}, b""),
        ("GET", None, {"update": ["CLEAR ALL"]}, b""),
        ("POST", FORM, {}, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
        ("POST", FORM, {}, b"query=ASK%7B%7D&update=CLEAR%20ALL"),
        ("POST", "application/sparql-query; charset=UTF-16", {}, "ASK {}".encode("utf-16")),
        ("POST", "application/sparql-query", {}, b"\xff\xfeA"),
        ("POST", "application/sparql-query", {"query": ["ASK {}"]}, b"ASK {}"),
        ("PUT", FORM, {"query": ["ASK {}"]}, b""),
    ],
)
def test_protocol_errors(
    method: str, content_type: str | None, args: dict[str, list[str]], body: bytes
) -> None:
    with pytest.raises(ProtocolError):
        parse_operation(method, content_type, args, body)


@pytest.mark.parametrize("content_type", [None, "text/plain"])
def test_unsupported_media_types(content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType):
        parse_operation("POST", content_type, {}, b"query=ASK%20%7B%7D")
