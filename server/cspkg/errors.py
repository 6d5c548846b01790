"""The project's exceptions.  Each names what the user did wrong, never a traceback.

The web layer maps these to HTTP status codes by type in one place; the CLI maps them to
exit codes.  Messages are safe to show to users: they never contain server paths.
"""

from __future__ import annotations


class CspkgError(Exception):
    """Base class: anything the project raises on purpose."""


class PlanDocumentError(CspkgError):
    """A plan document could not be read as a delivery plan.

    Carries the source name and 1-based line so the message can point at the fault;
    ``where`` replaces the line in the message when a table position says more
    ("table 1, row 4, column 'Timescale'").
    """

    def __init__(
        self, source: str, line: int | None, problem: str, where: str | None = None
    ) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        self.where = where
        if where:
            place = f"{source}: {where}"
        else:
            place = f"{source}:{line}" if line is not None else source
        super().__init__(f"{place}: {problem}")


class RegisterError(CspkgError):
    """The curated agency register is malformed (duplicate alias, unknown parent...)."""


class RdfInputError(CspkgError):
    """An RDF file or upload could not be parsed."""


class ValidationFailed(CspkgError):
    """Data broke the SHACL shapes, so it was not loaded."""

    def __init__(self, message: str, report: object | None = None) -> None:
        self.report = report
        super().__init__(message)


class QuerySyntaxError(CspkgError):
    """A SPARQL query or update could not be parsed; the message carries the position.

    ``line`` and ``column`` are 1-based when the parser reported them.
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.line = line
        self.column = column
        super().__init__(message)


class ProtocolError(CspkgError):
    """A request broke the SPARQL 1.1 Protocol (two queries, wrong method, bad encoding...)."""


class UnsupportedMediaType(ProtocolError):
    """A POST body came with a media type the protocol does not allow there."""


class MethodNotAllowed(ProtocolError):
    """The resource exists but not for this method (a write to the read-only union graph).

    ``allowed`` is what the ``Allow`` header of the 405 answer lists.
    """

    def __init__(self, message: str, allowed: tuple[str, ...]) -> None:
        self.allowed = allowed
        super().__init__(message)


class QueryTooComplex(ProtocolError):
    """A query or update is over one of the shape limits (``store/query_shape.py``)."""


class NotAcceptable(CspkgError):
    """No result format the client accepts can carry this kind of result."""


class RequestTooLarge(CspkgError):
    """A query, update or upload is longer than the configured limit."""


class UriTooLong(RequestTooLarge):
    """The request target (path and query string) is longer than the configured limit."""


class RateLimited(CspkgError):
    """A client sent more requests than the configured rate allows (or holds more than its
    fair share of the query workers)."""

    audited = True
    """False for a write refused because its address sent too many wrong tokens: one
    audit line said so when it began; each attempt since is not logged."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class QueryTimeout(CspkgError):
    """A query ran past the configured time limit and was stopped."""


class QueryRefused(CspkgError):
    """A query is well formed but not allowed here (update without token, SERVICE off-list...)."""


class TokenRefused(QueryRefused):
    """A bearer token that is none of the configured ones (403).  ``audited`` is false
    once its address has had its share of audit lines (``services/access.py``)."""

    audited = True


class AuthenticationRequired(QueryRefused):
    """A write came without the ``Authorization: Bearer`` token the service was started with."""


class QueryUnsupported(CspkgError):
    """The backend would answer this query wrongly or cannot run it (its profile says so):
    refused rather than answered differently from the other stores."""


class StoreUnavailable(CspkgError):
    """The backing store (for example a remote SPARQL server) could not be reached."""

    retry_after = 5


class WorkerFailed(StoreUnavailable):
    """A worker process died (a crash in the engine) or hit its memory cap; it has been
    replaced, and the request can be sent again."""


class ServiceBusy(StoreUnavailable):
    """Every query worker is taken and the waiting queue is full (503, ``Retry-After``)."""

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class ResultTooLarge(RequestTooLarge):
    """An answer is larger than ``max_result_bytes`` (413): ask for fewer rows."""


class ParameterError(CspkgError):
    """A canned-query parameter is unknown or its value is not of the declared type.

    ``candidates`` are the labels of things the value may have meant (closest first)."""

    def __init__(
        self,
        name: str,
        expected: str,
        value: str | None = None,
        candidates: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.expected = expected
        self.value = value
        self.candidates = candidates
        closest = f" (closest: {'; '.join(candidates)})" if candidates else ""
        super().__init__(f"parameter '{name}': expected {expected}{closest}")


class CatalogError(CspkgError):
    """A canned-query file (``queries/*.rq``) is malformed: bad header or bad SPARQL.

    Raised at start-up, naming the file and 1-based line, so a broken query never ships.
    """

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source = source
        self.line = line
        self.problem = problem
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class NotFound(CspkgError):
    """Nothing answers at this address: raised, never built as a response by hand, so
    every 404 (query, graph, page) goes through the one status table."""


class QueryNotFound(NotFound):
    """No canned query has the requested name."""


class GraphNotFound(NotFound):
    """The Graph Store Protocol request names a graph that holds no triples."""


class PageNotFound(NotFound):
    """No page at this URL (an unknown path, or a thing the graph knows nothing about)."""


class DeliveryNotFound(PageNotFound):
    """No delivery plan or reporting quarter answers to what was given (404); the
    message says what is accepted."""


class ReportUnavailable(CspkgError):
    """A report format cannot be made on this machine (a system library is missing)."""
