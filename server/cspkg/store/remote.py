"""The remote store: any SPARQL 1.1 Protocol + Graph Store Protocol server.

``backend`` is the server's base URL; queries go to ``{backend}/query``, updates to
``{backend}/update`` and graph writes to ``{backend}/store``, which is Oxigraph's layout.
The server must make its default graph the union of the named graphs (``oxigraph serve
--union-default-graph``).

Queries travel over a small pool of keep-alive connections (urllib3): a new TCP
connection per query (as SPARQLWrapper opens) cost more than a small query itself.
They are always sent as the protocol's ``query`` form field, so no keyword in the text
can turn one into an update.

Timeouts: the HTTP request is abandoned at the deadline and the client gets 503; the
server's own limit (``oxigraph serve --timeout-s``) is what stops the work there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import requests
import urllib3
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from urllib3.exceptions import HTTPError, NewConnectionError, ProtocolError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from ..errors import QuerySyntaxError, QueryTimeout, RdfInputError, StoreUnavailable
from ..rdf.safe_rdf import parse_rdf, to_ntriples
from .base import Formats, Progress, QueryResult, SelectResult
from .engine import collect, syntax_error
from .sources import Source
from .sparql_text import dataset_clauses
from .staging import stage, swap

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_QUERY_HEADERS = {"Accept": _ACCEPT, "Content-Type": "application/x-www-form-urlencoded"}
POOL_CONNECTIONS = 16
"""Idle keep-alive connections kept to the server: at least the request threads (8)."""


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
        self._queries = urllib3.PoolManager(
            num_pools=2, maxsize=POOL_CONNECTIONS, block=False, retries=False
        )

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
        form = [("query", sparql)]
        form += [("default-graph-uri", iri) for iri in default_graph_uris]
        form += [("named-graph-uri", iri) for iri in named_graph_uris]
        body = urlencode(form).encode()
        try:
            response = self._send(body, timeout)
        except NewConnectionError:  # a subclass of urllib3's TimeoutError, but refused
            raise StoreUnavailable("the SPARQL server could not be reached") from None
        except Urllib3Timeout:
            raise self._timeout(timeout) from None
        except (HTTPError, OSError):
            raise StoreUnavailable("the SPARQL server could not be reached") from None
        if response.status == 400:
            text = response.data.decode("utf-8", "replace")
            raise syntax_error(text) if text.strip() else QuerySyntaxError("SPARQL syntax error")
        if response.status >= 300:
            raise StoreUnavailable("the SPARQL server reported an error")
        media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            return self._parse(response.data, media_type, max_rows)
        except (SyntaxError, OSError):
            raise StoreUnavailable("the SPARQL server sent an unreadable answer") from None

    def _send(self, body: bytes, timeout: float | None) -> urllib3.BaseHTTPResponse:
        """POST a query form on a pooled connection, read in full within ``timeout``.

        A kept-alive connection the server has closed meanwhile fails before any answer
        (``ProtocolError``); a query is read-only, so it is sent once more on a new one.
        """
        try:
            return self._post_query(body, timeout)
        except ProtocolError:
            return self._post_query(body, timeout)

    def _post_query(self, body: bytes, timeout: float | None) -> urllib3.BaseHTTPResponse:
        return self._queries.request(
            "POST",
            self.backend + "/query",
            body=body,
            headers=_QUERY_HEADERS,
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
        )

    @staticmethod
    def _timeout(timeout: float | None) -> QueryTimeout:
        return QueryTimeout(f"the query ran longer than the {timeout:g} s limit and was stopped")

    @staticmethod
    def _parse(data: bytes, media_type: str, max_rows: int | None) -> QueryResult:
        if media_type == "application/sparql-results+json":
            answer = parse_query_results(data, format=QueryResultsFormat.JSON)
            return collect(answer, max_rows)
        if media_type in ("application/n-triples", "text/plain"):
            return collect((quad.triple for quad in parse(data, RdfFormat.N_TRIPLES)), max_rows)
        raise StoreUnavailable(f"the SPARQL server answered with unexpected {media_type}")

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
        """Graph Store Protocol PUT: the server replaces the graph in one transaction.

        Parsed here first (``safe_rdf``), so the server is only ever sent N-Triples we
        wrote: Oxigraph's RDF/XML reader expands entities without limit."""
        body = to_ntriples(parse_rdf(data, media_type, name="the RDF data", base=graph_iri))
        try:
            self._post(
                "/store",
                method="PUT",
                params={"graph": graph_iri},
                data=body,
                headers={"Content-Type": "application/n-triples"},
            )
        except _BadRequest as exc:
            raise RdfInputError(f"the RDF data could not be parsed: {exc}") from None
        finally:
            self._generation += 1

    def changed_sources(self, sources: Sequence[Source]) -> tuple[list[Source], list[str]]:
        """The server keeps no record of what it was loaded from: every source counts."""
        return list(sources), []

    def replace_sources(
        self,
        sources: Sequence[Source],
        drop: Sequence[str] = (),
        on_progress: Progress | None = None,
    ) -> None:
        """Stage every file, then swap them in with one update (one transaction)."""
        swap(self, stage(self, sources, on_progress), drop)

    def record_sources(self, sources: Sequence[Source]) -> None:
        """Nothing to record (see ``changed_sources``)."""

    def loading(self) -> contextlib.AbstractContextManager[None]:
        """Nothing changes while loading: queries go to the server as always."""
        return contextlib.nullcontext()

    def warm(self) -> None:
        """Nothing to prepare: the server holds its own data."""

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
        self._queries.clear()
