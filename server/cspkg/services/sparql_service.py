"""Running SPARQL for clients: limits, federation policy, write authorisation, validation.

The store runs whatever it is given; this layer decides what it is given.  It is the
same for both stores, which is what lets the endpoint behave identically on each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from ..config import Settings
from ..errors import CspkgError, ProtocolError, QueryTooComplex, RequestTooLarge
from ..store.base import Formats, QueryResult, SerializedResult, Store
from ..store.embedded import EmbeddedStore
from ..store.query_shape import ShapeLimits, measure
from ..store.sparql_text import has_dataset_clause
from ..store.update_scope import UpdateScope, update_scope
from .access import Tokens, Writer, require_admin, writes_enabled
from .audit import log_write, request_address
from .federation_policy import check_remote_iris
from .write_check import check_literal_sizes, check_write


@dataclass
class SparqlService:
    """SPARQL query and update with the deployment's limits applied."""

    store: Store
    settings: Settings
    _write_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    """One write at a time: each is validated against the state it will be applied to."""
    tokens: Tokens = field(init=False, repr=False)
    """The tokens as salted hashes, the wrong-token counter and the audit key."""

    def __post_init__(self) -> None:
        self.tokens = Tokens(self.settings)

    @property
    def write_lock(self) -> threading.Lock:
        """Held while any write (SPARQL Update, Graph Store) is checked and committed."""
        return self._write_lock

    @property
    def shape_limits(self) -> ShapeLimits:
        settings = self.settings
        return ShapeLimits(
            settings.max_query_depth,
            settings.max_operator_chain,
            settings.max_triple_patterns,
            settings.max_path_length,
        )

    @property
    def writes_enabled(self) -> bool:
        return writes_enabled(self.settings)

    def _check_text(self, text: str, base_iri: str | None) -> None:
        if len(text.encode("utf-8")) > self.settings.max_query_length:
            raise RequestTooLarge(
                f"the request is longer than {self.settings.max_query_length} bytes"
            )
        problem = self.shape_limits.problem(measure(text))
        if problem is not None:
            raise QueryTooComplex(problem)
        check_remote_iris(text, self.settings.service_allow_list, base_iri)

    @staticmethod
    def _check_iris(*groups: Sequence[str]) -> None:
        for group in groups:
            for iri in group:
                try:
                    NamedNode(iri)
                except ValueError:
                    raise ProtocolError(f"'{iri}' is not an absolute IRI") from None

    def query(
        self,
        text: str,
        default_graph_uris: Sequence[str] = (),
        named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
        formats: Formats | None = None,
    ) -> QueryResult | SerializedResult:
        """Check, then run with the configured timeout and row limit.

        ``formats`` (kind -> media type) lets the store answer already serialized."""
        self._check_text(text, base_iri)
        self._check_iris(default_graph_uris, named_graph_uris)
        return self.store.query(
            text,
            default_graph_uris=default_graph_uris,
            named_graph_uris=named_graph_uris,
            timeout=self.settings.query_timeout,
            max_rows=self.settings.max_rows,
            base_iri=base_iri,
            formats=formats,
        )

    def authorize_write(self, authorization: str | None) -> Writer:
        """Who the bearer token names (``access.py``): 401/403/429 as there."""
        return self.tokens.identify(authorization, request_address.get())

    def audit(
        self,
        outcome: str,
        text: str,
        authorization: str | None,
        who: str | None = None,
        error: CspkgError | None = None,
        client: str | None = None,
    ) -> None:
        """The one way writes are logged (``audit.py``): the token's keyed fingerprint and
        the client's address on every line; a wrong token past the address's share of
        lines (``access.TokenFailures``) leaves none."""
        if error is not None and not getattr(error, "audited", True):
            return
        fingerprint = self.tokens.fingerprint(authorization)
        log_write(outcome, text, fingerprint, client or request_address.get() or None, who)

    def update(
        self,
        text: str,
        *,
        authorization: str | None,
        using_graph_uris: Sequence[str] = (),
        using_named_graph_uris: Sequence[str] = (),
        base_iri: str | None = None,
        client: str | None = None,
    ) -> None:
        """Authorise, check, try the update on a scratch copy, validate it, then commit.

        The copy (of just the graphs the update names, when its text says which) is what
        makes "invalid data refused whole" hold on both stores: nothing reaches the real
        store until the state it would produce has passed the shapes.
        Writes are serialised, so two updates that each pass cannot combine into a state
        that would not.  Every attempt leaves one audit line (``services/audit.py``).
        """
        try:
            with self._write_lock:
                writer = self._update(
                    text, authorization, using_graph_uris, using_named_graph_uris, base_iri
                )
        except CspkgError as exc:
            self.audit(
                f"refused ({type(exc).__name__})", text, authorization, error=exc, client=client
            )
            raise
        self.audit("committed", text, authorization, writer.describe(), client=client)

    def _update(
        self,
        text: str,
        authorization: str | None,
        using_graph_uris: Sequence[str],
        using_named_graph_uris: Sequence[str],
        base_iri: str | None,
    ) -> Writer:
        writer = self.authorize_write(authorization)
        require_admin(writer, "SPARQL Update")
        self._check_text(text, base_iri)
        self._check_iris(using_graph_uris, using_named_graph_uris)
        if (using_graph_uris or using_named_graph_uris) and has_dataset_clause(text):
            raise ProtocolError(
                "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH"
            )
        options = {
            "using_graph_uris": using_graph_uris,
            "using_named_graph_uris": using_named_graph_uris,
            "base_iri": base_iri,
        }
        scope = update_scope(text, using_graph_uris, using_named_graph_uris, base_iri)
        store = self.store
        if isinstance(store, EmbeddedStore) and store.pool is not None:
            # Evaluated in a worker; only the resulting data is applied here.
            graphs = None if scope is None else sorted(scope.changes | scope.reads)
            found = store.try_update(
                text, graphs=graphs, timeout=self.settings.query_timeout, **options
            )  # type: ignore[arg-type]
            check_literal_sizes(found.added, self.settings)
            self.apply_checked(lambda target: target.apply_change(found), scope)  # type: ignore[attr-defined]
            return writer
        self.apply_checked(lambda target: target.update(text, **options), scope)  # type: ignore[arg-type]
        return writer

    def apply_checked(self, change: Callable[[Store], None], scope: UpdateScope | None) -> None:
        """Try ``change`` on a scratch copy and validate the result (``write_check.py``),
        and only then apply it to the real store: invalid data is refused whole.

        ``scope``: the graphs the change touches, when known; ``None`` checks the whole
        dataset.  The one mechanism behind SPARQL Update and Graph Store writes;
        callers hold ``write_lock`` so the state checked is the state changed.
        """
        check_write(self.store, change, self.settings, scope)
        change(self.store)
