"""The remote store: any SPARQL 1.1 Protocol + Graph Store Protocol server.

``backend`` is the server's base URL; its profile (``store/profiles.py``) says where
queries, updates and Graph Store writes go under it (Oxigraph's ``/query``, ``/update``,
``/store``; Virtuoso's ``/sparql``, ``/sparql-auth``, ``/sparql-graph-crud-auth``), how
writes authenticate, how the engine's own graphs are hidden from the union default graph,
and how errors, timeouts and partial answers look.  Nothing outside ``store/`` knows which
server it talks to.

Credentials for writes (``CSPKG_BACKEND_USER`` / ``CSPKG_BACKEND_PASSWORD``) live only in
the HTTP session's auth object: never in a URL, a log line or an error message.

Queries travel over a small pool of keep-alive connections (urllib3): a new TCP
connection per query (as SPARQLWrapper opens) cost more than a small query itself.
They are always sent as the protocol's ``query`` form field, so no keyword in the text
can turn one into an update.

Timeouts: the HTTP request is abandoned at the deadline and the client gets 503; the
server's own limit (``oxigraph serve --timeout-s``, or Virtuoso's ``timeout`` field sent
with each query) is what stops the work there.  An answer the server marks as cut short
(Virtuoso's anytime queries: ``X-SQL-State: S1TAT``) is a timeout, never a result.

Store version: on a profile with a version graph, every write through this class records
a new random version there, and ``generation`` reads it from the server, so several front
ends over one server key their caches on the same number.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import requests
import urllib3
from pyoxigraph import (
    NamedNode,
    Quad,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
    serialize,
)
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from ..errors import QueryTimeout, RdfInputError, StoreUnavailable
from ..rdf.safe_rdf import parse_rdf, to_ntriples
from .base import AskResult, Formats, Progress, QueryResult, SelectResult, SerializedResult
from .engine import ENGINE_FORMATS, collect, syntax_error, written_by_engine
from .profiles import VERSION_GRAPH, BackendProfile, backend_base, get_profile
from .sources import Source
from .sparql_text import dataset_clauses, inject_using, query_form
from .staging import stage, swap

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_GRAPH_ACCEPT = "application/n-triples, application/sparql-results+json;q=0.9"
_FORM = "application/x-www-form-urlencoded"
_QUERY_HEADERS = {"Accept": _ACCEPT, "Content-Type": _FORM}
_GRAPH_HEADERS = {"Accept": _GRAPH_ACCEPT, "Content-Type": _FORM}
"""CONSTRUCT and DESCRIBE ask for N-Triples first: a server that ignores ``q`` (Virtuoso)
takes the first type it can write, and its SPARQL JSON cannot carry a graph."""
POOL_CONNECTIONS = 16
"""Idle keep-alive connections kept to the server: at least the request threads (8)."""
CONNECT_TIMEOUT = 10.0
"""Seconds to open a connection to the server.  Every request has it and a read timeout
(the query's own, or ``write_timeout``), and a message naming which one ran out."""


VERSION_PREDICATE = "urn:cspkg:version"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEAN_ONE = re.compile(rb'"datatype": "' + _XSD_BOOLEAN.encode() + rb'", "value": "([01])"')


class _BadRequest(Exception):
    """The server rejected a write as malformed; callers say whether data or update."""


def _auth(profile: BackendProfile, user: str | None, password: str | None) -> AuthBase | None:
    if not user:
        return None
    if profile.auth == "digest":
        return HTTPDigestAuth(user, password or "")
    return HTTPBasicAuth(user, password or "")


def _refuse_non_query(sparql: str) -> None:
    """Text that is no query form (an update sent as ``query``, or garbage) gets the
    embedded engine's own 400 from its parser, never the server's answer to it
    (Virtuoso runs an update sent as a query and refuses it as a write: it was 503)."""
    try:
        Store().query(sparql)
    except SyntaxError as exc:
        raise syntax_error(str(exc)) from None


class RemoteStore:
    """A SPARQL server reached over HTTP.  The generation is the server's store version
    (profiles with a version graph) or counts the writes made through this object."""

    kind = "remote"

    def __init__(
        self,
        backend: str,
        write_timeout: float = 300.0,
        *,
        profile: BackendProfile | str = "oxigraph",
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        self.profile = get_profile(profile) if isinstance(profile, str) else profile
        self.backend = backend_base(backend, self.profile)
        self._write_timeout = write_timeout
        self._generation = 0
        self._http = requests.Session()
        self._http.auth = _auth(self.profile, user, password)
        self._queries = urllib3.PoolManager(
            num_pools=2, maxsize=POOL_CONNECTIONS, block=False, retries=False
        )

    @property
    def dialect(self) -> str:
        """The profile's name: canned queries run its form where they have one."""
        return self.profile.name

    @property
    def shared_version(self) -> bool:
        """Whether ``generation`` is the server's version, the same for every front end
        (the version graph is private: reading it takes the write account)."""
        return self.profile.version_graph and self._http.auth is not None

    @property
    def generation(self) -> int:
        """The server's store version (one small query), or the writes made through here."""
        if not self.shared_version:
            return self._generation
        query = (
            f"SELECT ?v WHERE {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> "
            f"<{VERSION_PREDICATE}> ?v }} }}"
        )
        response = self._post(
            self.profile.update_path,
            method="POST",
            data=[("query", query)],
            headers={"Accept": "application/sparql-results+json"},
        )
        result = self._parse(response.content, "application/sparql-results+json", None)
        assert isinstance(result, SelectResult)
        values = [int(row[0].value) for row in result.rows if row[0] is not None]
        return max(values, default=0)

    def check_setup(self) -> None:
        """Refuse to serve a server whose union default graph shows its own graphs: every
        answer would differ from the other stores' (``BackendProfile.setup`` fixes it).
        The write account, if given, is tried too (reading the store version), so a wrong
        password stops start-up rather than every later request."""
        for graph in self.profile.hidden_graphs:
            try:
                shown = self.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", timeout=10)
            except StoreUnavailable:
                return  # not up yet: every request will say so
            if shown == AskResult(True):
                raise StoreUnavailable(
                    f"the {self.profile.name} server shows its own graph <{graph}> to "
                    "queries: run the set-up for this profile (docs/deploy.md) first"
                )
        if self.shared_version:
            self.generation  # noqa: B018 - raises StoreUnavailable on refused credentials

    def _record_version(self) -> None:
        """The next version after a write, sent after it, so a reader never sees the new
        version with the old data.  Microseconds since the epoch, or one more than the
        version there if that is larger (a slow clock): it only grows.  Two front ends
        writing at once may leave both their triples; readers take the largest.
        (Virtuoso 7.2 cannot compute the increment in the update itself: an aggregate
        subquery there fails, an OPTIONAL-only WHERE inserts nothing.)"""
        self._generation += 1
        if not self.shared_version:
            return
        new = max(time.time_ns() // 1000, self.generation + 1)
        node, version = f"<{VERSION_GRAPH}>", f"<{VERSION_PREDICATE}>"
        increment = (
            f"DELETE WHERE {{ GRAPH {node} {{ {node} {version} ?old }} }} ;\n"
            f"INSERT DATA {{ GRAPH {node} {{ {node} {version} {new} }} }}"
        )
        self._post(self.profile.update_path, method="POST", data=[("update", increment)])

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
    ) -> QueryResult | SerializedResult:
        if query_form(sparql) is None:
            _refuse_non_query(sparql)
        if base_iri and self.profile.base_in_text:
            sparql = f"BASE <{base_iri}> {sparql}"
        results = (formats or {}).get("results")
        return self._run(sparql, default_graph_uris, named_graph_uris, timeout, max_rows, results)

    def _select(self, sparql: str) -> SelectResult:
        result = self._run(sparql, (), (), self._write_timeout, None)
        assert isinstance(result, SelectResult)
        return result

    def _run(
        self,
        sparql: str,
        default_graph_uris: Sequence[str],
        named_graph_uris: Sequence[str],
        timeout: float | None,
        max_rows: int | None,
        results_type: str | None = None,
    ) -> QueryResult | SerializedResult:
        profile = self.profile
        if not default_graph_uris and not named_graph_uris:
            # The server's union default graph would override the query's own FROM
            # clauses; the same dataset sent as protocol parameters takes precedence.
            default_graph_uris, named_graph_uris = dataset_clauses(sparql)
        form = [("query", profile.prepare(sparql))]
        form += [("default-graph-uri", iri) for iri in default_graph_uris]
        form += [("named-graph-uri", iri) for iri in named_graph_uris]
        if profile.timeout_param and timeout:
            # Half the deadline: the server stops and says so (a partial answer, refused
            # below) before this side gives up waiting, so its work ends with ours.
            form.append((profile.timeout_param, str(max(int(timeout * 500), 1))))
        body = urlencode(form).encode()
        graph = query_form(sparql) in ("construct", "describe")
        read = timeout if timeout is not None else self._write_timeout
        try:
            response = self._send(body, read, _GRAPH_HEADERS if graph else _QUERY_HEADERS)
        except NewConnectionError:  # a subclass of ConnectTimeoutError, but refused
            raise StoreUnavailable("the SPARQL server could not be reached") from None
        except ConnectTimeoutError:
            raise self._connect_timeout() from None
        except ReadTimeoutError:
            raise self._timeout(read) from None
        except (HTTPError, OSError):
            raise StoreUnavailable("the SPARQL server could not be reached") from None
        if response.status >= 300:
            raise profile.error(response.status, response.data.decode("utf-8", "replace"))
        if profile.partial_header is not None:
            header, value = profile.partial_header
            if (response.headers.get(header) or "").strip() == value:
                raise self._timeout(timeout)
        media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            data = self._clean(response.data, media_type)
            if media_type == "application/sparql-results+json" and results_type in ENGINE_FORMATS:
                written = self._rewritten(data, results_type, max_rows)
                if written is not None:
                    return written
            return self._parse(data, media_type, max_rows)
        except (SyntaxError, OSError):
            raise StoreUnavailable("the SPARQL server sent an unreadable answer") from None

    def _clean(self, data: bytes, media_type: str) -> bytes:
        """Bring the server's spelling to the standard's: blank node ids, booleans."""
        if media_type != "application/sparql-results+json":
            return data
        if self.profile.bnode_prefix:
            data = data.replace(b'"value": "' + self.profile.bnode_prefix, b'"value": "')
        if self.profile.canonical_booleans:
            data = _BOOLEAN_ONE.sub(
                lambda m: m.group(0)[:-3] + (b'"true"' if m.group(1) == b"1" else b'"false"'),
                data,
            )
        return data

    def _send(
        self, body: bytes, timeout: float, headers: dict[str, str]
    ) -> urllib3.BaseHTTPResponse:
        """POST a query form on a pooled connection, read in full within ``timeout``.

        A kept-alive connection the server has closed meanwhile fails before any answer
        (``ProtocolError``); a query is read-only, so it is sent once more on a new one.
        """
        try:
            return self._post_query(body, timeout, headers)
        except ProtocolError:
            return self._post_query(body, timeout, headers)

    def _post_query(
        self, body: bytes, timeout: float, headers: dict[str, str]
    ) -> urllib3.BaseHTTPResponse:
        return self._queries.request(
            "POST",
            self.backend + self.profile.query_path,
            body=body,
            headers=headers,
            timeout=urllib3.Timeout(connect=min(CONNECT_TIMEOUT, timeout), read=timeout),
        )

    @staticmethod
    def _timeout(timeout: float | None) -> QueryTimeout:
        if timeout is None:
            return QueryTimeout("the query ran longer than the SPARQL server allows")
        return QueryTimeout(
            f"the query ran longer than the {timeout:g} s limit and was stopped "
            "(read timeout: the SPARQL server did not answer in time)"
        )

    def _connect_timeout(self) -> StoreUnavailable:
        return StoreUnavailable(
            f"the SPARQL server at {self.backend} did not accept a connection within "
            f"{CONNECT_TIMEOUT:g} s (connect timeout)"
        )

    @staticmethod
    def _rewritten(data: bytes, media_type: str, max_rows: int | None) -> SerializedResult | None:
        """A SELECT answer parsed, then written again by the engine's serializer in the
        type the client asked for (never the server's bytes passed on), with no terms
        made in Python; ``None`` for ASK (or past the engine's budget): ``_parse``."""
        answer = parse_query_results(data, format=QueryResultsFormat.JSON)
        if not isinstance(answer, QuerySolutions):
            return None
        found = written_by_engine(answer, media_type, max_rows)
        if found is None:
            return None
        body, rows, truncated = found
        return SerializedResult("results", media_type, body, truncated, rows)

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
                timeout=(CONNECT_TIMEOUT, self._write_timeout), url=self.backend + path, **kwargs
            )
        except requests.ConnectTimeout:
            raise self._connect_timeout() from None
        except requests.ReadTimeout:
            raise StoreUnavailable(
                f"the SPARQL server at {self.backend} did not answer within "
                f"{self._write_timeout:g} s (read timeout)"
            ) from None
        except requests.RequestException:
            raise StoreUnavailable("the SPARQL server could not be reached") from None
        if response.status_code == 400:
            raise _BadRequest(response.text)
        if response.status_code == 401:
            raise StoreUnavailable(
                "the SPARQL server refused the backend credentials "
                "(CSPKG_BACKEND_USER / CSPKG_BACKEND_PASSWORD)"
            )
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
        if self.profile.using_in_text and (using_graph_uris or using_named_graph_uris):
            sparql = inject_using(sparql, using_graph_uris, using_named_graph_uris)
            using_graph_uris = using_named_graph_uris = ()
        if self.profile.update_rewrite is not None:
            sparql = self.profile.update_rewrite(sparql)
        if base_iri and self.profile.base_in_text:
            sparql = f"BASE <{base_iri}> {sparql}"
        form: list[tuple[str, str]] = [("update", sparql)]
        form += [("using-graph-uri", iri) for iri in using_graph_uris]
        form += [("using-named-graph-uri", iri) for iri in using_named_graph_uris]
        try:
            self._post(self.profile.update_path, method="POST", data=form)
        except _BadRequest as exc:
            raise self.profile.error(400, str(exc)) from None
        finally:
            self._record_version()

    def load_graph(self, graph_iri: str, data: bytes, media_type: str) -> None:
        """Graph Store Protocol PUT: the server replaces the graph in one transaction.

        Parsed here first (``safe_rdf``), so the server is only ever sent N-Triples we
        wrote: Oxigraph's RDF/XML reader expands entities without limit, and every backend
        (whatever formats its Graph Store reads) accepts or refuses the same documents."""
        body = to_ntriples(parse_rdf(data, media_type, name="the RDF data", base=graph_iri))
        try:
            self._post(
                self.profile.graph_store_path,
                method="PUT",
                params={"graph": graph_iri},
                data=body,
                headers={"Content-Type": "application/n-triples"},
            )
        except _BadRequest as exc:
            raise RdfInputError(f"the RDF data could not be parsed: {exc}") from None
        finally:
            self._record_version()

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
        result = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        hidden = set(self.profile.hidden_graphs)
        return sorted(
            row[0].value for row in result.rows if row[0] is not None and row[0].value not in hidden
        )

    def triple_count(self) -> int:
        result = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert result.rows[0][0] is not None
        return int(result.rows[0][0].value)

    def dump(self) -> bytes:
        if self.profile.dataset_dump:
            path = self.profile.graph_read_path or self.profile.graph_store_path
            response = self._post(path, method="GET", headers={"Accept": "application/n-quads"})
            return response.content
        return b"".join(self._dump_graph(graph) for graph in self.graphs())

    def _dump_graph(self, graph_iri: str) -> bytes:
        """One graph through the Graph Store Protocol, as N-Quads naming it."""
        path = self.profile.graph_read_path or self.profile.graph_store_path
        response = self._post(
            path,
            method="GET",
            params={"graph": graph_iri},
            headers={"Accept": "application/n-triples"},
        )
        graph = NamedNode(graph_iri)
        quads = (
            Quad(q.subject, q.predicate, q.object, graph)
            for q in parse(response.content, RdfFormat.N_TRIPLES)
        )
        return serialize(quads, format=RdfFormat.N_QUADS) or b""

    def close(self) -> None:
        self._http.close()
        self._queries.clear()
