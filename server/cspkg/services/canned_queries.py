"""Run a canned query on the configured store, with the deployment's limits.

Binding happens in :mod:`cspkg.catalog` (values become RDF terms, never text), so the
same bound query runs on the embedded and the remote store; this layer adds the timeout,
the row limit and the SERVICE allow-list, and reads parameters out of a request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pyoxigraph import NamedNode

from ..catalog import CannedQuery, Catalog, Parameter
from ..config import Settings
from ..errors import ParameterError
from ..store.base import Formats, SelectResult, SerializedResult, Store
from .federation_policy import check_remote_iris

CANDIDATE_LIMIT = 500
"""At most this many suggestions per IRI parameter: a datalist, not a data dump."""
_ORG = "http://www.w3.org/ns/org#"
OUTSIDE_SUBCLASSES: dict[str, tuple[str, ...]] = {
    _ORG + "Organization": (_ORG + "FormalOrganization", _ORG + "OrganizationalUnit"),
}
"""Subclass axioms of outside vocabularies whose ontologies are not loaded in the store
(W3C ORG), so a ``class=org:Organization`` hint also suggests units of organisations."""


@dataclass(frozen=True)
class Answer:
    """A canned query's result with what produced it (for links, forms and metadata)."""

    query: CannedQuery
    values: dict[str, str]
    """The values given, after dropping empty ones (form fields left blank)."""
    bound: dict[str, str | None]
    """Every parameter's effective value: given, default (``today`` resolved) or ``None``."""
    result: SelectResult | SerializedResult
    """Rows, or the rows already written when ``run`` was given ``formats``."""

    @property
    def table(self) -> SelectResult:
        if not isinstance(self.result, SelectResult):
            raise TypeError("this answer was written by the store; it has no rows")
        return self.result


def run_canned(
    store: Store,
    query: CannedQuery,
    values: Mapping[str, str] | None = None,
    *,
    today: date | None = None,
    timeout: float | None = None,
    max_rows: int | None = None,
    allow_list: Sequence[str] = (),
) -> SelectResult:
    """Bind ``values`` (raising ``ParameterError`` for bad ones) and run."""
    sparql = query.bind(dict(values or {}), today=today)
    return _select(store, sparql, timeout, max_rows, allow_list)


def select(store: Store, sparql: str, settings: Settings) -> SelectResult:
    """A SELECT of the project's own (not a catalogue query) with the deployment's limits."""
    return _select(
        store, sparql, settings.query_timeout, settings.max_rows, settings.service_allow_list
    )


def _select(
    store: Store,
    sparql: str,
    timeout: float | None,
    max_rows: int | None,
    allow_list: Sequence[str] = (),
) -> SelectResult:
    result = _select_or_written(store, sparql, timeout, max_rows, allow_list, None)
    assert isinstance(result, SelectResult)
    return result


def _select_or_written(
    store: Store,
    sparql: str,
    timeout: float | None,
    max_rows: int | None,
    allow_list: Sequence[str],
    formats: Formats | None,
) -> SelectResult | SerializedResult:
    check_remote_iris(sparql, allow_list)  # a bound $endpoint is user input
    result = store.query(sparql, timeout=timeout, max_rows=max_rows, formats=formats)
    tabular = isinstance(result, SelectResult) or (
        isinstance(result, SerializedResult) and result.kind == "results"
    )
    if not tabular:  # the catalogue admits SELECT only
        raise TypeError("a canned query returned a non-tabular result")
    return result


def effective_values(
    query: CannedQuery, values: Mapping[str, str], today: date | None = None
) -> dict[str, str | None]:
    """Each parameter's value as it will be bound: given, else default, else ``None``."""
    effective: dict[str, str | None] = {}
    for parameter in query.parameters:
        raw = values.get(parameter.name, parameter.default)
        if raw is not None and parameter.type == "date" and raw == "today":
            raw = (today or date.today()).isoformat()
        effective[parameter.name] = raw
    return effective


def request_values(query: CannedQuery, pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Parameter values from ``(key, value)`` pairs such as a query string.

    Keys starting ``_`` are the service's own (``_format``) and skipped; an empty value
    means "not given" because an HTML form sends every field; a repeated key is refused,
    as is an unknown one, so a typo never silently runs the default query.
    """
    values: dict[str, str] = {}
    seen: set[str] = set()
    for key, value in pairs:
        if key.startswith("_"):
            continue
        query.parameter(key)
        if key in seen:
            raise ParameterError(key, "a single value (it was given more than once)")
        seen.add(key)
        if value != "":
            values[key] = value
    return values


@dataclass
class CannedQueries:
    """The catalogue bound to a store and the deployment's timeout and row limit."""

    catalog: Catalog
    store: Store
    settings: Settings
    today: date | None = field(default=None, repr=False)
    """Pinned by tests; ``None`` means the real date."""

    def run(
        self,
        name: str,
        pairs: Iterable[tuple[str, str]] = (),
        formats: Formats | None = None,
    ) -> Answer:
        """Run the named query with request values; ``QueryNotFound``/``ParameterError``.

        With ``formats`` (``{"results": media type}``) the store may answer already
        written, as for ``/sparql``: a query worker then ships bytes, not pickled terms."""
        query = self.catalog.get(name)
        values = request_values(query, pairs)
        sparql = query.bind(values, today=self.today)
        settings = self.settings
        result = _select_or_written(
            self.store,
            sparql,
            settings.query_timeout,
            settings.max_rows,
            settings.service_allow_list,
            formats,
        )
        return Answer(query, values, effective_values(query, values, self.today), result)

    def candidates(self, parameter: Parameter) -> list[tuple[str, str]]:
        """``(iri, label)`` of things of the parameter's ``class``, for form suggestions.

        Subclasses count (``rdfs:subClassOf*``) so a hint like ``skos:Concept`` or
        ``org:Organization`` also finds instances typed more narrowly.  The first
        ``CANDIDATE_LIMIT`` things found are labelled and sorted here, not the
        alphabetically first of all of them: that sort visited every instance (every
        action in the store: 48 s at 10M triples) on every form page.
        """
        if parameter.type != "iri" or parameter.rdf_class is None:
            return []
        classes = (parameter.rdf_class, *OUTSIDE_SUBCLASSES.get(parameter.rdf_class, ()))
        sparql = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?thing (SAMPLE(COALESCE(?pref, ?plain)) AS ?label) WHERE {{
  {{
    SELECT DISTINCT ?thing WHERE {{
      VALUES ?class {{ {" ".join(str(NamedNode(c)) for c in classes)} }}
      ?thing a/rdfs:subClassOf* ?class .
      FILTER (isIRI(?thing))
    }}
    LIMIT {CANDIDATE_LIMIT}
  }}
  OPTIONAL {{ ?thing skos:prefLabel ?pref }}
  OPTIONAL {{ ?thing rdfs:label ?plain }}
}}
GROUP BY ?thing"""
        result = _select(self.store, sparql, self.settings.query_timeout, CANDIDATE_LIMIT)
        found = [
            (thing.value, label.value if label is not None else thing.value)
            for thing, label in result.rows
            if thing is not None
        ]
        return sorted(found, key=lambda pair: (pair[1], pair[0]))
