"""Policy in the service layer, without HTTP."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cspkg.config import Settings
from cspkg.errors import AuthenticationRequired, ProtocolError, QueryRefused, RequestTooLarge
from cspkg.services.sparql_service import SparqlService
from cspkg.store import EmbeddedStore


@pytest.fixture
def service(settings: Settings) -> SparqlService:
    settings = replace(
        settings,
        admin_token="t0ken",
        max_query_length=100,
        service_allow_list=("http://allowed.example/sparql",),
    )
    return SparqlService(EmbeddedStore(), settings)


def test_authorize(service: SparqlService) -> None:
    service.authorize_write("Bearer t0ken")
    with pytest.raises(AuthenticationRequired):
        service.authorize_write(None)
    with pytest.raises(AuthenticationRequired):
        service.authorize_write("Basic dTpw")
    with pytest.raises(QueryRefused):
        service.authorize_write("Bearer nope")


def test_read_only_without_token(service: SparqlService) -> None:
    read_only = replace(service, settings=replace(service.settings, admin_token=None))
    with pytest.raises(QueryRefused, match="read-only"):
        read_only.authorize_write("Bearer t0ken")


def test_length_limit(service: SparqlService) -> None:
    with pytest.raises(RequestTooLarge):
        service.query("ASK {} #" + "x" * 100)


def test_allow_list_checked_before_running(service: SparqlService) -> None:
    with pytest.raises(QueryRefused):
        service.query("SELECT * { SERVICE <http://other.example/sparql> {} }")


def test_bad_dataset_iri(service: SparqlService) -> None:
    with pytest.raises(ProtocolError):
        service.query("ASK {}", default_graph_uris=["not an iri"])
