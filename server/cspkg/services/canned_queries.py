"""Run a canned query on the configured store, with the deployment's limits.

Binding happens in :mod:`cspkg.catalog` (values become RDF terms, never text), so the
same bound query runs on the embedded and the remote store; this layer adds the timeout,
the row limit and the SERVICE allow-list, and reads parameters out of a request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from pyoxigraph import Literal, NamedNode

from ..catalog import ANOTHER, CannedQuery, Catalog, Parameter
from ..config import Settings
from ..errors import ParameterError, QueryRefused
from ..rdf.cut_labels import first_paragraph, is_cut
from ..store.base import Formats, SelectResult, SerializedResult, Store
from .compare import pair_by_name
from .federation_policy import check_remote_iris, reachable
from .parameters import Choice, article, close, group_choices, resolve, words_for
from .results import label_columns

UNAVAILABLE = (
    "This query asks another organisation's SPARQL endpoint, and this service is not set up "
    "to allow any (its SERVICE allow-list is empty), so the query is unavailable here."
)
"""Why a federated query cannot answer on a deployment that allows no outside endpoint."""
CANDIDATE_LIMIT = 500
"""At most this many suggestions per IRI parameter: a datalist, not a data dump."""
_ORG = "http://www.w3.org/ns/org#"
OUTSIDE_SUBCLASSES: dict[str, tuple[str, ...]] = {
    _ORG + "Organization": (_ORG + "FormalOrganization", _ORG + "OrganizationalUnit"),
}
"""Subclass axioms of outside vocabularies whose ontologies are not loaded in the store
(W3C ORG), so a ``class=org:Organization`` hint also suggests units of organisations."""
FINISHED: dict[str, Callable[[SelectResult], SelectResult]] = {"compare-priorities": pair_by_name}
"""Queries whose rows a service finishes after the store answers (what SPARQL cannot do,
such as pairing names by likeness): every twin, the page and the CLI get the same rows."""


@dataclass(frozen=True)
class Answer:
    """A canned query's result with what produced it (for links, forms and metadata)."""

    query: CannedQuery
    values: dict[str, str]
    """The values given (as typed: a name stays a name), without empty ones."""
    bound: dict[str, str | None]
    """Every parameter's effective value: given (names resolved to IRIs), default
    (``today`` resolved) or ``None``."""
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
    sparql = query.bind(dict(values or {}), today=today, dialect=store.dialect)
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


def by_name(parameter: Parameter) -> bool:
    """Whether a value may name a thing (label or code) rather than give its IRI."""
    return parameter.type == "iri" and parameter.rdf_class is not None


def precheck(query: CannedQuery, values: Mapping[str, str]) -> None:
    """Refuse values that are wrong whatever the data holds (before loading a store);
    names of things are read later, against the store."""
    for name, raw in values.items():
        parameter = query.parameter(name)
        if not by_name(parameter):
            parameter.term(raw)


@dataclass
class CannedQueries:
    """The catalogue bound to a store and the deployment's timeout and row limit."""

    catalog: Catalog
    store: Store
    settings: Settings
    today: date | None = field(default=None, repr=False)
    """Pinned by tests; ``None`` means the real date."""
    _choices: dict[object, list[Choice]] = field(default_factory=dict, repr=False)

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
        if not self.available(query):
            raise QueryRefused(UNAVAILABLE)
        values = request_values(query, pairs)
        resolved, errors = self.check(query, values)
        if errors:
            raise errors[0]
        sparql = query.bind(resolved, today=self.today, dialect=self.store.dialect)
        settings = self.settings
        finish = FINISHED.get(query.name)
        result = _select_or_written(
            self.store,
            sparql,
            settings.query_timeout,
            settings.max_rows,
            settings.service_allow_list,
            None if finish else formats,
        )
        if finish is not None and isinstance(result, SelectResult):
            result = finish(result)
        return Answer(query, values, effective_values(query, resolved, self.today), result)

    def available(self, query: CannedQuery) -> bool:
        """False for a query that asks an outside SPARQL endpoint (``SERVICE``) when this
        deployment's allow-list lets it reach none: it can never answer here."""
        return reachable(query.sparql, self.settings.service_allow_list)

    def check(
        self, query: CannedQuery, values: Mapping[str, str]
    ) -> tuple[dict[str, str], list[ParameterError]]:
        """Every given value resolved (names to IRIs) and checked: the values to bind,
        and one error per bad parameter, so a form can show them all at once."""
        resolved: dict[str, str] = {}
        errors: list[ParameterError] = []
        for name, raw in values.items():
            parameter = query.parameter(name)
            try:
                value = raw
                if by_name(parameter):
                    value = self.resolve(parameter, raw)
                term = parameter.term(value, self.today)
                resolved[name] = term.value if parameter.type == "date" else value
            except ParameterError as exc:
                errors.append(exc)
        for parameter in query.parameters:
            if parameter.default == ANOTHER and parameter.name not in values:
                resolved[parameter.name] = self._another(query, parameter, resolved)
        return resolved, errors

    def _another(self, query: CannedQuery, parameter: Parameter, resolved: dict[str, str]) -> str:
        """For ``default=another``: the first thing of the class (by label) that no other
        parameter of the query names, so "compare" compares two plans; with only one
        thing in the store, that one."""
        taken = {resolved.get(p.name, p.default) for p in query.parameters if p != parameter}
        choices = self.choices(parameter)
        for choice in choices:
            if choice.iri not in taken:
                return choice.iri
        if choices:
            return choices[0].iri
        raise ParameterError(parameter.name, "a value (there is nothing to choose from)")

    def resolve(self, parameter: Parameter, raw: str) -> str:
        """The IRI of the thing of the parameter's class that ``raw`` names (a name, a
        code, a key or the IRI of a thing the store holds), or ``ParameterError`` with
        the closest candidates: the one rule for a plan, agency or quarter by name.

        ``resolve`` among the listed things; when the list was capped at
        ``CANDIDATE_LIMIT`` (a big store) and nothing listed fits, an exact name among
        all things of the class is looked up too (indexed: one pattern per name)."""
        choices = self.choices(parameter)
        try:
            found = resolve(parameter, raw, choices)
        except ParameterError:
            if len(choices) < CANDIDATE_LIMIT:
                raise
            exact = self._exact(parameter, raw.strip())
            if exact:
                return resolve(parameter, raw, exact)
            raise
        if any(choice.iri == found for choice in choices) or self._known(parameter, found):
            return found
        raise ParameterError(
            parameter.name,
            f"{article(words_for(parameter))} this service holds (it has nothing called "
            f"<{found[:120]}>)",
            raw,
            tuple(close(found.rstrip("/").rsplit("/", 1)[-1], choices)),
        )

    def _known(self, parameter: Parameter, iri: str) -> bool:
        """Whether ``iri`` is a thing of the parameter's class: an IRI given as it is, of a
        thing the (capped) list of choices left out; an unknown one is refused like an
        unknown name, never answered with no rows."""
        assert parameter.rdf_class is not None
        try:
            node = parameter.term(iri)
        except ParameterError:
            return False
        classes = (parameter.rdf_class, *OUTSIDE_SUBCLASSES.get(parameter.rdf_class, ()))
        sparql = (
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?class WHERE { "
            f"VALUES ?class {{ {' '.join(str(NamedNode(c)) for c in classes)} }} "
            f"{node} a/rdfs:subClassOf* ?class }} LIMIT 1"
        )
        return bool(_select(self.store, sparql, self.settings.query_timeout, 1).rows)

    def _exact(self, parameter: Parameter, name: str) -> list[Choice]:
        assert parameter.rdf_class is not None
        classes = (parameter.rdf_class, *OUTSIDE_SUBCLASSES.get(parameter.rdf_class, ()))
        sparql = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?thing ?name WHERE {{
  VALUES ?name {{ {Literal(name)} {Literal(name, language="en")} }}
  ?thing rdfs:label|skos:prefLabel|skos:altLabel|skos:notation ?name .
  VALUES ?class {{ {" ".join(str(NamedNode(c)) for c in classes)} }}
  FILTER EXISTS {{ ?thing a/rdfs:subClassOf* ?class }}
}}"""
        found = _select(self.store, sparql, self.settings.query_timeout, 50)
        return group_choices(
            (thing.value, text.value, None)
            for thing, text in found.rows
            if thing is not None and text is not None
        )

    def choices(self, parameter: Parameter) -> list[Choice]:
        """The things of the parameter's ``class``, each with all its names, for the
        form's chooser and for reading a value given by name.

        Subclasses count (``rdfs:subClassOf*``) so a hint like ``skos:Concept`` or
        ``org:Organization`` also finds instances typed more narrowly.  The first
        ``CANDIDATE_LIMIT`` things found are listed, not the alphabetically first of all
        of them: that sort visited every instance (every action in the store: 48 s at
        10M triples) on every form page.  Kept per store generation.
        """
        if parameter.type != "iri" or parameter.rdf_class is None:
            return []
        classes = (parameter.rdf_class, *OUTSIDE_SUBCLASSES.get(parameter.rdf_class, ()))
        key = (self.store.generation, classes)
        known = self._choices.get(key)
        if known is not None:
            return known
        sparql = f"""
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?thing ?label ?name WHERE {{
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
  BIND (COALESCE(?pref, ?plain, STR(?thing)) AS ?label)
  OPTIONAL {{ ?thing rdfs:label|skos:prefLabel|skos:altLabel|skos:notation ?name }}
}}"""
        timeout = self.settings.query_timeout
        result = _select(self.store, sparql, timeout, CANDIDATE_LIMIT * 20)
        found = group_choices(
            (thing.value, label.value, None if name is None else name.value)
            for thing, label, name in result.rows
            if thing is not None and label is not None
        )
        if len(self._choices) > 256:
            self._choices.clear()
        self._choices[key] = found
        return found

    def full_labels(self, table: SelectResult) -> SelectResult:
        """``table`` with every label the data cut short ("...…") replaced by the thing's
        full text (the first paragraph of its ``dcterms:description``): downloads carry
        whole labels.  One query for all the cut labels of the answer."""
        labels = label_columns(table.columns)
        at = {name: i for i, name in enumerate(table.columns)}
        cut: set[str] = set()
        for row in table.rows:
            for iri_column, label_column in labels.items():
                thing, label = row[at[iri_column]], row[at[label_column]]
                if isinstance(thing, NamedNode) and label is not None and is_cut(label.value):
                    cut.add(thing.value)
        if not cut:
            return table
        things = " ".join(str(NamedNode(iri)) for iri in sorted(cut))
        sparql = (
            "SELECT ?thing ?text WHERE { VALUES ?thing { " + things + " } "
            "?thing <http://purl.org/dc/terms/description> ?text }"
        )
        found = _select(self.store, sparql, self.settings.query_timeout, len(cut) * 4)
        whole = {
            thing.value: Literal(first_paragraph(text.value))
            for thing, text in found.rows
            if thing is not None and text is not None
        }
        rows = []
        for row in table.rows:
            cells = list(row)
            for iri_column, label_column in labels.items():
                thing = row[at[iri_column]]
                if thing is not None and thing.value in whole:
                    cells[at[label_column]] = whole[thing.value]
            rows.append(tuple(cells))
        return SelectResult(table.variables, rows, table.truncated)

    def candidates(self, parameter: Parameter) -> list[tuple[str, str]]:
        """``(iri, label)`` of things of the parameter's ``class``, for form suggestions."""
        return [(choice.iri, choice.label) for choice in self.choices(parameter)]
