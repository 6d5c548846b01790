"""The remote store: any SPARQL 1.1 Protocol + Graph Store Protocol server.

``backend`` is the server's base URL; queries go to ``{backend}/query`` (through
SPARQLWrapper), updates to ``{backend}/update`` and graph writes to ``{backend}/store``
(plain HTTP), which is Oxigraph's layout.  The server must make its default graph the
union of the named graphs (``oxigraph serve --union-default-graph``).

Timeouts: the HTTP request is abandoned at the deadline and the client gets 503; the
server's own limit (``oxigraph serve --timeout-s``) is what stops the work there.
"""

from __future__ import annotations

import ast
import socket
import urllib.error
from collections.abc import Sequence
from typing import Any

import requests
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from SPARQLWrapper import POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ..errors import QuerySyntaxError, QueryTimeout, RdfInputError, StoreUnavailable
from .base import Formats, QueryResult, SelectResult
from .engine import collect, syntax_error
from .sparql_text import dataset_clauses

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


class _BadRequest(Exception):
    """The server rejected a write as malformed; callers say whether data or update."""


class RemoteStore:
    """A SPARQL server reached over HTTP.  The generation counts writes made through it."""

    kind = "remote"

    def __init__(self, backend: str, write_timeout: float = 300.0) -> None:
        self.backend = backend.rstrip("/")
        self._write_timeout = write_timeout
        self._generation = 0
        self._http = requests.Session()

    @property
    def generation(self) -> int:
        return self._generation

    def query(
        self,
        sparql: str,
        *,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        timeout: float | None = None,
        max_rows: int | None = None,
        base_iri: str | None = None,
        formats: Formats | None = None,
    ) -> QueryResult:
        if not default_graph_uris and not named_graph_uris:
            # The server's union default graph would override the query's own FROM
            # clauses; the same dataset sent as protocol parameters takes precedence.
            default_graph_uris, named_graph_uris = dataset_clauses(sparql)
        client = SPARQLWrapper(self.backend + "/query")
        client.setQuery(sparql)
        # SPARQLWrapper guesses query vs update by searching the text for keywords, and a
        # comment or IRI containing "load" or "add" makes it send a query as an update.
        # This method only ever sends queries, so say so.
        client.queryType = SELECT
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", _ACCEPT)
        for iri in default_graph_uris:
            client.addDefaultGraph(iri)
        for iri in named_graph_uris:
            client.addNamedGraph(iri)
        if timeout is not None:
            client.timeout = timeout  # type: ignore[assignment]  # setTimeout() rounds down
        try:
            response = client.query().response
            with response:
                media_type = response.headers.get_content_type()
                return self._parse(response, media_type, max_rows)
        except SPARQLWrapperException as exc:
            raise self._server_error(exc) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise self._timeout(timeout) from None
            raise StoreUnavailable("the SPARQL server could not be reached") from None
        except TimeoutError:
            raise self._timeout(timeout) from None
        except (SyntaxError, OSError):
            raise StoreUnavailable("the SPARQL server sent an unreadable answer") from None

    @staticmethod
    def _timeout(timeout: float | None) -> QueryTimeout:
        return QueryTimeout(f"the query ran longer than the {timeout:g} s limit and was stopped")

    @staticmethod
    def _parse(response: Any, media_type: str, max_rows: int | None) -> QueryResult:
        if media_type == "application/sparql-results+json":
            answer = parse_query_results(response, format=QueryResultsFormat.JSON)
            return collect(answer, max_rows)
        if media_type in ("application/n-triples", "text/plain"):
            return collect((quad.triple for quad in parse(response, RdfFormat.N_TRIPLES)), max_rows)
        raise StoreUnavailable(f"the SPARQL server answered with unexpected {media_type}")

    @staticmethod
    def _server_error(exc: SPARQLWrapperException) -> Exception:
        # SPARQLWrapper keeps the server's body only inside its message, as a bytes repr.
        _, _, tail = str(exc).partition("Response:\n")
        try:
            body = ast.literal_eval(tail) if tail else b""
        except (ValueError, SyntaxError):
            body = b""
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else ""
        if type(exc).__name__ == "QueryBadFormed":
            return syntax_error(text) if text else QuerySyntaxError("SPARQL syntax error")
        return StoreUnavailable("the SPARQL server reported an error")

    def _post(self, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = self._http.request(
                timeout=self._write_timeout, url=self.backend + path, **kwargs
            )
        except requests.Timeout:
            raise StoreUnavailable("the SPARQL server did not answer in time") from None
        except requests.RequestException:
            raise StoreUnavailable("the SPARQL server could not be reached") from None
        if response.status_code == 400:
            raise _BadRequest(response.text)
        if response.status_code >= 300:
            raise StoreUnavailable(f"the SPARQL server refused the write ({response.status_code})")
        return response

    def update(
        self,
        sparql: str,
        *,
        using_graph_uris: Sequence[str] = (),
        using_named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
    ) -> None:
        form: list[tuple[str, str]] = [("update", sparql)]
        form += [("using-graph-uri", iri) for iri in using_graph_uris]
        form += [("using-named-graph-uri", iri) for iri in using_named_graph_uris]
        try:
            self._post("/update", method="POST", data=form)
        except _BadRequest as exc:
            raise syntax_error(str(exc)) from None
        finally:
            self._generation += 1

    def load_graph(self, graph_iri: str, data: bytes, media_type: str) -> None:
        """Graph Store Protocol PUT: the server replaces the graph in one transaction."""
        if "rdf+xml" in media_type or media_type.split(";")[0].strip().endswith("/xml"):
            from ..rdf.safe_rdf import refuse_dtd  # Oxigraph expands entities unbounded

            refuse_dtd(data, "the RDF/XML data")
        try:
            self._post(
                "/store",
                method="PUT",
                params={"graph": graph_iri},
                data=data,
                headers={"Content-Type": media_type},
            )
        except _BadRequest as exc:
            raise RdfInputError(f"the RDF data could not be parsed: {exc}") from None
        finally:
            self._generation += 1

    def graphs(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        assert isinstance(result, SelectResult)
        return sorted(row[0].value for row in result.rows if row[0] is not None)

    def triple_count(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(result, SelectResult) and result.rows[0][0] is not None
        return int(result.rows[0][0].value)

    def dump(self) -> bytes:
        response = self._post("/store", method="GET", headers={"Accept": "application/n-quads"})
        return response.content

    def close(self) -> None:
        self._http.close()
