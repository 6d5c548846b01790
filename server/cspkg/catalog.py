"""The canned-query catalogue: ``queries/*.rq`` read once, validated, bound safely.

Header format
-------------
A query file opens with ``#`` comment lines, one ``key: value`` field per line, ending
at the first line that is not a comment.  A line ``#   more`` (two or more spaces after
the ``#``) continues the previous field; a bare ``#`` is a blank line.  Fields:

``title`` (required)        short name shown in lists
``description`` (required)  what the query returns
``question`` (optional)     the question it answers, in a user's words
``param`` (repeatable)      ``NAME TYPE [key=value ...] [optional]``
``columns`` (required)      the SELECT variables, in order, separated by spaces

``TYPE`` is ``iri``, ``string``, ``date``, ``month`` (``YYYY-MM``), ``integer`` or ``boolean``.  Param keys:
``label="..."`` (form label), ``default=...`` (``<iri>`` relative to the base, or a
``prefix:name`` from :data:`cspkg.namespaces.PREFIXES`; ``today`` for dates; ``another``
for an iri with a class: a thing of that class other than the other parameters' values,
chosen against the store by ``services/canned_queries.py``, so two plans are compared),
``class=...`` (for iri: the type a good value has; forms list its instances; not
enforced, a wrong IRI just matches nothing), ``min=N`` and ``max=N`` (for integer: the
range a value must be in, e.g. a page size).  ``optional`` means "may be left out".

Binding
-------
In the SPARQL body a parameter is written ``$name``; ``?`` variables are ordinary.  At
load the body is split into text and ``$name`` placeholders by a scanner that knows
SPARQL's comments, strings and IRIs, so ``$`` inside them is left alone.  Binding turns
each user value into a pyoxigraph term (checked per its type) and puts the term's
N-Triples form where the placeholder was; a non-negative integer is put as a bare
number (``20``, the same value as ``"20"^^xsd:integer``) so that it may also stand in
``LIMIT`` and ``OFFSET``.  That form is one SPARQL token whose escaping
pyoxigraph did (quotes, backslashes, newlines), and IRIs are rejected unless they hold
no character that could end an IRI token, so a value can never become syntax.  An
optional parameter left out becomes a fresh variable ``?_unbound_name`` (a wildcard;
``COALESCE(?x = $p, true)`` filters only when given).

Why not a ``VALUES`` block: a trailing ``VALUES`` joins *after* grouping, so it cannot
constrain a variable that is not projected, and an inserted one cannot reach into
subqueries.  Why not pyoxigraph's ``substitutions``: the same text must run on a remote
SPARQL server.  Every file is checked at load by binding defaults (or samples) and
parsing the result with pyoxigraph, whose projected variables must equal ``columns``;
a syntax error is placed on a line by rdflib's parser, which stops nearer the fault.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery

from .errors import CatalogError, ParameterError, QueryNotFound
from .fragments import FORMS, expand, load_forms, load_fragments
from .namespaces import DEFAULT_BASE, PREFIXES
from .presentation import FIELDS as PRESENTATION_FIELDS
from .presentation import Presentation, parse_presentation
from .store.sparql_text import remote_iris

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "date", "month", "integer", "boolean")
MAX_VALUE_LENGTH = 2000
FIELDS = {"title", "description", "question", "param", "columns"} | PRESENTATION_FIELDS

_NAME = re.compile(r"[a-z][A-Za-z0-9_]*\Z")
_FIELD = re.compile(r"#\s?([A-Za-z-]+):\s*(.*)\Z")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]+\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\Z")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])\Z")
FIRST_YEAR, LAST_YEAR = 2000, 2100
"""Dates outside these years are typing mistakes (12025), not questions about plans."""
_INTEGER = re.compile(r"[+-]?\d{1,18}\Z")
_BOOLEANS = {"true": "true", "1": "true", "false": "false", "0": "false"}
_SPARQL_TOKENS = re.compile(
    r"""(?P<skip>\#[^\n]*
        |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
        |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'
        |<[^<>"{}|^`\\\x00-\x20]*>)
      |\$(?P<param>\w+)
      |(?P<other>[^#"'<$]+|.)""",
    re.VERBOSE | re.DOTALL,
)
_ORACLE_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


ANOTHER = "another"
"""An iri default meaning "a thing of the class other than the other parameters' values":
chosen when the query runs (the store says what there is), never bound as it stands."""


@dataclass(frozen=True)
class Parameter:
    """One declared parameter; ``default`` is already resolved (absolute IRI, etc.)."""

    name: str
    type: str
    label: str
    default: str | None = None
    optional: bool = False
    rdf_class: str | None = None
    minimum: int | None = None
    maximum: int | None = None

    def expects(self) -> str:
        """Words for error messages: what a good value looks like."""
        return {
            "iri": 'an absolute IRI such as https://example.org/x (no spaces or <>"{}|^`\\)',
            "string": f"text of at most {MAX_VALUE_LENGTH} characters",
            "date": (
                f"a real date such as 2025-01-31 or 31/01/2025, in the years {FIRST_YEAR} "
                f"to {LAST_YEAR}, or 'today'"
            ),
            "month": f"a month as YYYY-MM, such as 2024-04, in the years {FIRST_YEAR} to {LAST_YEAR}",
            "integer": self._range(),
            "boolean": "true or false",
        }[self.type]

    def _range(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"a whole number, at least {self.minimum}"
        if self.maximum is not None:
            return f"a whole number, at most {self.maximum}"
        return "a whole number"

    def in_range(self, number: int) -> bool:
        return (self.minimum is None or number >= self.minimum) and (
            self.maximum is None or number <= self.maximum
        )

    def term(self, raw: str, today: date | None = None) -> ox.NamedNode | ox.Literal:
        """Parse a user's value into an RDF term, or raise :class:`ParameterError`."""
        if len(raw) > MAX_VALUE_LENGTH:
            raise ParameterError(self.name, self.expects(), raw[:40])
        try:
            if self.type == "iri" and raw == ANOTHER and self.default == ANOTHER:
                raise ParameterError(self.name, "a value (no other thing to choose)")
            if self.type == "iri":
                iri = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
                if _IRI.match(iri):
                    return ox.NamedNode(iri)
            elif self.type == "string":
                return ox.Literal(raw)
            elif self.type == "date":
                if raw == "today":
                    return _typed((today or date.today()).isoformat(), "date")
                day = _read_date(raw.strip())
                if day is not None and FIRST_YEAR <= day.year <= LAST_YEAR:
                    return _typed(day.isoformat(), "date")
            elif self.type == "month":
                match = _MONTH.match(raw.strip())
                if match and FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
                    return _typed(raw.strip(), "gYearMonth")
            elif self.type == "integer":
                if _INTEGER.match(raw) and self.in_range(int(raw)):
                    return _typed(str(int(raw)), "integer")
            elif self.type == "boolean" and raw.lower() in _BOOLEANS:
                return _typed(_BOOLEANS[raw.lower()], "boolean")
        except (ValueError, UnicodeError):
            pass
        raise ParameterError(self.name, self.expects(), raw)


def _read_date(text: str) -> date | None:
    """``YYYY-MM-DD`` or the UK's ``DD/MM/YYYY``; ``None`` if neither or not a real day."""
    try:
        if _DATE.match(text):
            return date.fromisoformat(text)
        match = _UK_DATE.match(text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    return None


def _typed(lexical: str, xsd_type: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + xsd_type))


@dataclass(frozen=True)
class CannedQuery:
    """A validated canned query.  ``sparql`` is the file as written; use :meth:`bind`."""

    name: str
    title: str
    description: str
    question: str | None
    parameters: tuple[Parameter, ...]
    columns: tuple[str, ...]
    sparql: str
    segments: tuple[str | Parameter, ...] = field(repr=False, compare=False, default=())
    presentation: Presentation = field(default_factory=Presentation, compare=False)
    forms: dict[str, tuple[str | Parameter, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """The same question in a form one engine answers right (``queries/forms/DIALECT/``),
    by dialect (``Store.dialect``: a backend profile's name); the same parameters and
    columns, checked at load."""

    @property
    def group(self) -> str:
        return self.presentation.group

    @property
    def hidden(self) -> tuple[str, ...]:
        return self.presentation.hidden

    @property
    def rows_per(self) -> str | None:
        return self.presentation.rows

    def title_of(self, column: str) -> str:
        """A column's title in words (the header's ``titles``, or spelled out)."""
        return self.presentation.title_of(column)

    @property
    def federated(self) -> bool:
        """True when the query calls out with SERVICE: it answers only where its endpoint
        is on the deployment's allow-list (empty by default)."""
        return bool(remote_iris(self.sparql))

    def parameter(self, name: str) -> Parameter:
        """The named parameter, or :class:`ParameterError` listing the ones there are."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(name, f"a known parameter (this query takes: {known})")

    def example(self, values: dict[str, str] | None = None) -> str:
        """The query bound to its defaults (or ``values``, which a ``default=another``
        needs), without the header lines that only say how pages present the answer
        (``group``, ``titles``...): an example for the editor."""
        kept: list[str] = []
        skipping = False
        for line in self.bind(values).splitlines(keepends=True):
            match = _FIELD.match(line.rstrip())
            if match is not None:
                skipping = match.group(1) in PRESENTATION_FIELDS
            elif not (skipping and line.startswith("#  ")):
                skipping = False
            if not skipping:
                kept.append(line)
        return "".join(kept)

    def bind(
        self,
        values: dict[str, str] | None = None,
        *,
        today: date | None = None,
        dialect: str | None = None,
    ) -> str:
        """The SPARQL text with every ``$name`` replaced by a term built from ``values``
        (the form written for ``dialect``, if there is one)."""
        values = dict(values or {})
        for name in values:
            self.parameter(name)
        texts: dict[str, str] = {}
        for parameter in self.parameters:
            raw = values.get(parameter.name, parameter.default)
            if raw is not None:
                term = parameter.term(raw, today)
                bare = parameter.type == "integer" and not term.value.startswith("-")
                texts[parameter.name] = term.value if bare else str(term)
            elif parameter.optional:
                texts[parameter.name] = f"?_unbound_{parameter.name}"
            else:
                raise ParameterError(parameter.name, "a value (it is required)")
        segments = self.forms.get(dialect or "", self.segments)
        return "".join(
            texts[part.name] if isinstance(part, Parameter) else part for part in segments
        )


@dataclass(frozen=True)
class Catalog:
    """Every canned query, by name, in file-name order."""

    queries: tuple[CannedQuery, ...]
    fragments: dict[str, str] = field(default_factory=dict, compare=False)
    """``queries/fragments/*.rq`` by name: the shared rules (``cspkg.fragments``)."""

    def expand(self, text: str, source: str = "query") -> str:
        """A service's own query text with its ``#include`` lines filled in."""
        return expand(source, text, self.fragments)

    def get(self, name: str) -> CannedQuery:
        """The named query, or :class:`QueryNotFound`."""
        for query in self.queries:
            if query.name == name:
                return query
        message = f"no canned query named '{name}'"
        close = self.close_names(name)
        if close:
            message += "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        raise QueryNotFound(message)

    def close_names(self, name: str, limit: int = 2) -> list[str]:
        """Query names spelled like ``name`` (a typo, a missing plural), best first."""
        from rapidfuzz import fuzz, process

        found = process.extract(name, self.names(), scorer=fuzz.ratio, limit=limit, score_cutoff=75)
        return [match for match, _, _ in found]

    def names(self) -> tuple[str, ...]:
        """Query names in catalogue order."""
        return tuple(query.name for query in self.queries)


def load_catalog(directory: Path, base: str = DEFAULT_BASE) -> Catalog:
    """Read and validate every ``*.rq`` in ``directory``; the first fault stops loading."""
    paths = sorted(directory.glob("*.rq"))
    if not paths:
        raise CatalogError(directory.name, None, "no canned queries (*.rq) found")
    fragments = load_fragments(directory)
    queries = []
    for path in paths:
        query = parse_query(path.stem, path.read_text(encoding="utf-8"), base, fragments)
        for dialect, form in load_forms(directory, query.name).items():
            query = _with_form(query, dialect, form, fragments)
        queries.append(query)
    return Catalog(tuple(queries), fragments)


def _with_form(
    query: CannedQuery, dialect: str, text: str, fragments: dict[str, str]
) -> CannedQuery:
    """``query`` with its ``dialect`` form, checked like the query itself: it parses,
    takes only the query's parameters and gives the same columns."""
    source = f"{FORMS}/{dialect}/{query.name}.rq"
    text = expand(source, text, fragments)
    segments = _split(source, text, {p.name: p for p in query.parameters})
    _check_sparql(replace(query, name=source.removesuffix(".rq"), segments=segments), 1)
    return replace(query, forms={**query.forms, dialect: segments})


def parse_query(
    name: str, text: str, base: str = DEFAULT_BASE, fragments: dict[str, str] | None = None
) -> CannedQuery:
    """Parse and validate one query file's text; errors name ``{name}.rq`` and a line.
    ``#include NAME`` lines in the body take the text of ``fragments[NAME]``."""
    source = f"{name}.rq"
    fields, lines = _read_header(source, text)
    text = expand(source, text, fragments or {})
    for key in ("title", "description", "columns"):
        if key not in fields:
            raise CatalogError(source, 1, f"missing required header field '{key}'")
    parameters = tuple(
        _parse_param(source, line, value, base)
        for value, line in zip(fields.get("param", []), lines.get("param", []), strict=True)
    )
    seen: set[str] = set()
    for parameter, line in zip(parameters, lines.get("param", []), strict=True):
        if parameter.name in seen:
            raise CatalogError(source, line, f"parameter '{parameter.name}' declared twice")
        seen.add(parameter.name)
    columns = tuple(fields["columns"][0].split())
    query = CannedQuery(
        name=name,
        title=fields["title"][0],
        description=fields["description"][0],
        question=fields.get("question", [None])[0],
        parameters=parameters,
        columns=columns,
        sparql=text,
        segments=_split(source, text, {p.name: p for p in parameters}),
        presentation=parse_presentation(source, fields, lines, columns),
    )
    _check_sparql(query, lines["columns"][0])
    return query


def _read_header(source: str, text: str) -> tuple[dict[str, list[str]], dict[str, list[int]]]:
    fields: dict[str, list[str]] = {}
    lines: dict[str, list[int]] = {}
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip()
        if not line.startswith("#"):
            break
        if line == "#":
            last = None
            continue
        if last is not None and line.startswith("#  "):
            fields[last][-1] += " " + line[1:].strip()
            continue
        match = _FIELD.match(line)
        if match is None:
            raise CatalogError(source, number, "expected a header line '# key: value'")
        key, value = match.group(1), match.group(2).strip()
        if key not in FIELDS:
            raise CatalogError(source, number, f"unknown header field '{key}'")
        if key in fields and key != "param":
            raise CatalogError(source, number, f"header field '{key}' given twice")
        if not value:
            raise CatalogError(source, number, f"header field '{key}' is empty")
        fields.setdefault(key, []).append(value)
        lines.setdefault(key, []).append(number)
        last = key
    return fields, lines


def _parse_param(source: str, line: int, value: str, base: str) -> Parameter:
    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise CatalogError(source, line, f"param: {exc}") from None
    if len(words) < 2:
        raise CatalogError(source, line, "param: expected 'NAME TYPE [key=value ...]'")
    name, kind, options = words[0], words[1], words[2:]
    if not _NAME.match(name):
        raise CatalogError(source, line, f"param: bad name '{name}' (use [a-z][A-Za-z0-9_]*)")
    if kind not in PARAM_TYPES:
        raise CatalogError(source, line, f"param {name}: type must be one of {PARAM_TYPES}")
    settings: dict[str, str] = {}
    optional = False
    for option in options:
        key, equals, setting = option.partition("=")
        if option == "optional":
            optional = True
        elif equals and key in ("label", "default", "class", "min", "max") and key not in settings:
            settings[key] = setting
        else:
            raise CatalogError(source, line, f"param {name}: unexpected '{option}'")
    rdf_class = settings.get("class")
    if rdf_class is not None:
        if kind != "iri":
            raise CatalogError(source, line, f"param {name}: class= applies to iri only")
        rdf_class = _header_iri(source, line, rdf_class, base)
    bounds: dict[str, int] = {}
    for key in ("min", "max"):
        if key in settings:
            if kind != "integer" or not _INTEGER.match(settings[key]):
                raise CatalogError(
                    source, line, f"param {name}: {key}= takes a whole number, for integer only"
                )
            bounds[key] = int(settings[key])
    default = settings.get("default")
    if default is not None and optional:
        raise CatalogError(source, line, f"param {name}: optional and default= conflict")
    if default == ANOTHER and (kind != "iri" or rdf_class is None):
        raise CatalogError(source, line, f"param {name}: default=another needs iri and class=")
    if default is not None and kind == "iri" and default != ANOTHER:
        default = _header_iri(source, line, default, base)
    parameter = Parameter(
        name,
        kind,
        settings.get("label", name),
        default,
        optional,
        rdf_class,
        bounds.get("min"),
        bounds.get("max"),
    )
    if default is not None and default != ANOTHER:
        try:
            parameter.term(default)
        except ParameterError as exc:
            raise CatalogError(source, line, f"param {name}: bad default: {exc}") from None
    return parameter


def _header_iri(source: str, line: int, text: str, base: str) -> str:
    """``<iri>`` (relative to the base) or ``prefix:name`` to an absolute IRI."""
    if text.startswith("<") and text.endswith(">"):
        return urljoin(base, text[1:-1])
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    raise CatalogError(source, line, f"'{text}' is neither <iri> nor a known prefix:name")


def _split(source: str, text: str, params: dict[str, Parameter]) -> tuple[str | Parameter, ...]:
    """Cut the text at every ``$name`` outside comments, strings and IRIs."""
    segments: list[str | Parameter] = []
    used: set[str] = set()
    buffer: list[str] = []
    for match in _SPARQL_TOKENS.finditer(text):
        name = match.group("param")
        if name is None:
            buffer.append(match.group(0))
            continue
        if name not in params:
            line = text.count("\n", 0, match.start()) + 1
            raise CatalogError(source, line, f"${name} is not a declared param")
        segments.extend(["".join(buffer), params[name]])
        buffer = []
        used.add(name)
    segments.append("".join(buffer))
    unused = sorted(params.keys() - used)
    if unused:
        raise CatalogError(source, None, f"param '{unused[0]}' is declared but never used")
    return tuple(segments)


def _check_sparql(query: CannedQuery, columns_line: int) -> None:
    """Bind samples, parse with pyoxigraph and compare the projection with ``columns``."""
    samples = {"iri": "urn:cspkg:sample", "string": "sample", "date": "today", "month": "2024-04"}
    samples |= {"integer": "0", "boolean": "true"}
    trials = [
        {
            p.name: p.default if p.default not in (None, ANOTHER) else samples[p.type]
            for p in query.parameters
        }
    ]
    if any(p.optional for p in query.parameters):
        trials.append({p.name: trials[0][p.name] for p in query.parameters if not p.optional})
    source = f"{query.name}.rq"
    for values in trials:
        try:
            result = ox.Store().query(query.bind(values))
        except SyntaxError as exc:
            match = _ORACLE_ERROR.match(str(exc))
            line = _error_line(query.bind(values)) or (int(match.group(1)) if match else None)
            problem = match.group(3) if match else str(exc)
            raise CatalogError(source, line, f"SPARQL: {problem}") from None
        if not isinstance(result, ox.QuerySolutions):
            raise CatalogError(source, None, "canned queries must be SELECT queries")
        projected = tuple(variable.value for variable in result.variables)
        if projected != query.columns:
            problem = f"columns {' '.join(query.columns)} but SELECT gives {' '.join(projected)}"
            raise CatalogError(source, columns_line, problem)


def _error_line(text: str) -> int | None:
    """Where rdflib's parser stops: usually the faulty line, where pyoxigraph reports EOF."""
    try:
        parseQuery(text)
    except ParseException as exc:
        return int(exc.lineno)
    return None
