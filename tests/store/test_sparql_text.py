"""The lexer behind the SERVICE/LOAD policy and the USING rewrite."""

from __future__ import annotations

from cspkg.store.sparql_text import (
    dataset_clauses,
    has_dataset_clause,
    inject_using,
    query_form,
    remote_iris,
)


def test_service_iris_found_and_resolved() -> None:
    text = "PREFIX e: <http://ex/> SELECT * { SERVICE e:x {} SERVICE SILENT <y> {} }"
    assert remote_iris(text, "http://base/") == ["http://ex/x", "http://base/y"]


def test_variable_service_is_unknown() -> None:
    assert remote_iris("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }") == [None]


def test_escaped_keyword_is_seen() -> None:
    assert remote_iris("SELECT * { \\u0053ERVICE <http://a/> {} }") == ["http://a/"]


def test_keywords_in_strings_iris_comments_ignored() -> None:
    text = 'SELECT * { ?s ?p "SERVICE <http://b/>" ; <urn:SERVICE> 1 } # SERVICE <http://c/>'
    assert remote_iris(text) == []


def test_load_targets() -> None:
    assert remote_iris("LOAD SILENT <http://d/x.ttl> INTO GRAPH <urn:g>") == ["http://d/x.ttl"]


def test_query_form() -> None:
    assert query_form("PREFIX a: <urn:a> # SELECT\nCONSTRUCT WHERE { ?s ?p ?o }") == "construct"
    assert query_form("ask {}") == "ask"


def test_dataset_clauses() -> None:
    text = "PREFIX e: <http://ex/> SELECT * FROM e:a FROM NAMED <http://b> {}"
    assert dataset_clauses(text) == (["http://ex/a"], ["http://b"])
    assert has_dataset_clause("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert not has_dataset_clause("INSERT DATA { <urn:a> <urn:b> 'with using' }")


def test_inject_using_skips_delete_where() -> None:
    text = "INSERT { ?s a <urn:C> } WHERE { ?s ?p ?o } ; DELETE WHERE { ?s <urn:x> ?o }"
    out = inject_using(text, ["urn:g1"], ["urn:g2"])
    assert out.count("USING <urn:g1>") == 1 and out.count("USING NAMED <urn:g2>") == 1
    assert out.index("USING") < out.index("WHERE")
    assert "DELETE WHERE" in out
