"""A canned query's HTML page: the form (choosers by name, errors kept with what was
typed) and the answer as a table for people (labels linked, no raw IRI columns).

Wording and URLs live here; what a value means and which things a parameter may name
come from ``services/canned_queries.py`` and ``services/parameters.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import render_template, url_for

from ..catalog import CannedQuery, Parameter
from ..config import PROJECT_ROOT
from ..errors import ParameterError
from ..services.canned_queries import Answer, by_name
from ..services.parameters import words_for
from ..store.base import SelectResult
from .context import services

AUTOCOMPLETE_DIR = PROJECT_ROOT / "node_modules" / "accessible-autocomplete" / "dist"
AUTOCOMPLETE_FILES = ("accessible-autocomplete.min.js", "accessible-autocomplete.min.css")


def autocomplete_available() -> bool:
    """The chooser's script is installed by ``npm ci``; without it the form still works."""
    return all((AUTOCOMPLETE_DIR / name).is_file() for name in AUTOCOMPLETE_FILES)


@dataclass
class Field:
    """One form control, ready for the template."""

    parameter: Parameter
    control: str
    """``select`` (a chooser of things, enhanced by accessible-autocomplete), ``boolean``
    or ``input``."""
    value: str
    hint: str
    required: bool
    options: list[tuple[str, str, bool]] = field(default_factory=list)
    """``(value, label, selected)``."""
    other_names: dict[str, str] = field(default_factory=dict)
    """Each option's other names (codes, abbreviations), ``|``-separated, for the chooser's
    ranking: an exact label, code or abbreviation comes first."""
    error: str | None = None
    candidates: list[tuple[str, str]] = field(default_factory=list)
    """``(label, url)``: the query again with a close candidate instead."""
    width: str = "govuk-!-width-two-thirds"
    empty: str = "Any"
    """The empty option's words: "Any", "Choose", or the default a query falls back to."""

    @property
    def chosen(self) -> bool:
        """Whether one of the options is selected (else the empty one is)."""
        return any(selected for _, _, selected in self.options)

    @property
    def id(self) -> str:
        return "param-" + self.parameter.name


def hint_for(parameter: Parameter) -> str:
    """What a value looks like, in words (never an IRI)."""
    if by_name(parameter):
        what = words_for(parameter)
        return f"Choose from the list, or type the name or code of the {what}"
    if parameter.type == "iri":
        return "A web address (IRI) such as https://example.org/x"
    hint = parameter.expects()
    return hint[:1].upper() + hint[1:]


def error_text(exc: ParameterError) -> str:
    """A GOV.UK-style error message for one bad value."""
    if exc.value is None:
        return str(exc)
    if exc.candidates and exc.expected.startswith("one "):
        return f"'{exc.value}' could be more than one {exc.expected.split(':')[0][4:]}: choose one"
    if exc.expected.startswith("the name or code of "):
        return f"Nothing is called '{exc.value}': choose from the list"
    return f"Enter {exc.expected}"


def fields(
    query: CannedQuery,
    values: dict[str, str],
    bound: dict[str, str | None],
    errors: list[ParameterError],
    answer: Answer | None = None,
) -> list[Field]:
    """Every parameter's control, keeping what was typed and saying what was wrong; an
    optional chooser left empty shows the one value the answer used, if it names one
    (the Police and Crime Plan the delivery plan cites), never a bare "Any"."""
    found = services()
    wrong = {exc.name: exc for exc in errors}
    shown = []
    for parameter in query.parameters:
        name = parameter.name
        exc = wrong.get(name)
        typed = values.get(name)
        value = typed if typed is not None else (bound.get(name) or "")
        required = parameter.default is None and not parameter.optional
        item = Field(parameter, "input", value, hint_for(parameter), required)
        if required:
            item.empty = "Choose"
        elif name in query.presentation.shows:
            item.empty = f"The default {words_for(parameter)}"
        if parameter.type == "boolean":
            item.control = "boolean"
        elif by_name(parameter):
            item.control = "select"
            chosen = (bound.get(name) or _used(answer, name)) if exc is None else value
            listed = found.queries.choices(parameter)
            options = [(c.iri, c.label, c.iri == chosen) for c in listed]
            item.other_names = {c.iri: "|".join(c.other_names) for c in listed if c.other_names}
            if chosen and not any(selected for _, _, selected in options):
                options.insert(0, (chosen, chosen, True))  # what was typed, kept
            item.options = options
        elif parameter.type in ("integer", "date", "month"):
            item.width = "govuk-input--width-10"
        if exc is not None:
            item.error = error_text(exc)
            item.candidates = [
                (label, _with(query, values, name, label)) for label in exc.candidates
            ]
        shown.append(item)
    return shown


def _used(answer: Answer | None, name: str) -> str:
    """The one value the answer's column of this name holds, for a query whose header
    says the column ``shows`` what the left-out optional parameter stood for, else ``""``."""
    if answer is None or not isinstance(answer.result, SelectResult):
        return ""
    table = answer.result
    if name not in answer.query.presentation.shows or name not in table.columns:
        return ""
    at = table.columns.index(name)
    found = {row[at].value for row in table.rows if row[at] is not None}
    return found.pop() if len(found) == 1 else ""


def _with(query: CannedQuery, values: dict[str, str], name: str, value: str) -> str:
    """The query's page with one value replaced."""
    changed = {**values, name: value}
    return url_for("queries.show", name=query.name) + "?" + urlencode(changed)


def render_page(
    query: CannedQuery,
    values: dict[str, str],
    errors: list[ParameterError],
    answer: Answer | None,
    twins: list[tuple[str, str, str]],
    pages: dict[str, str],
) -> str:
    """The whole page; ``answer`` is ``None`` when the values were refused."""
    bound = answer.bound if answer is not None else dict(values)
    table = shape(answer) if answer is not None else None
    if table is not None:
        table["summary"] = summary(query, values, bound, table)
    return render_template(
        "queries/query.html",
        query=query,
        fields=fields(query, values, bound, errors, answer),
        errors=errors,
        error_text=error_text,
        table=table,
        max_rows=services().settings.max_rows,
        autocomplete=autocomplete_available(),
        twins=twins,
        pages=pages,
    )


GROUP_ORDER = (
    "Alignment",
    "Coverage and gaps",
    "Agencies",
    "Delivery and dates",
    "Crime and place",
    "Comparing plans",
)
"""The questions analysts ask, in the catalogue's order; other groups follow."""


def catalogue_groups(queries: tuple[CannedQuery, ...]) -> list[dict[str, Any]]:
    """The catalogue by question: ``[{"name", "id", "queries": [{...}]}]``, each query
    with its parameters described in words (defaults by label, never an IRI)."""
    found = services()
    grouped: dict[str, list[dict[str, Any]]] = {}
    for query in queries:
        described = []
        for parameter in query.parameters:
            default = parameter.default
            if default == "another":
                default = f"another {words_for(parameter)}"
            elif default and by_name(parameter):
                names = {c.iri: c.label for c in found.queries.choices(parameter)}
                default = names.get(default, default.rstrip("/").rsplit("/", 1)[-1])
            described.append(
                {
                    "label": parameter.label,
                    "hint": hint_for(parameter),
                    "default": default if default != "today" else "today's date",
                    "required": parameter.default is None and not parameter.optional,
                }
            )
        entry = {
            "query": query,
            "parameters": described,
            "available": found.queries.available(query),
        }
        grouped.setdefault(query.group, []).append(entry)
    order = [g for g in GROUP_ORDER if g in grouped] + sorted(grouped.keys() - set(GROUP_ORDER))
    return [
        {"name": name, "id": name.lower().replace(" ", "-"), "queries": grouped[name]}
        for name in order
    ]


def summary(
    query: CannedQuery, values: dict[str, str], bound: dict[str, str | None], table: dict[str, Any]
) -> dict[str, Any] | None:
    """For a limited answer whose query counts the whole: what part of how many this is,
    and a link to all of it (``{"text", "all"}``)."""
    total, count = table.get("total"), table["count"]
    if total is None or query.presentation.total is None:
        return None
    noun = query.presentation.total[1]
    offset = int(bound.get("offset") or 0)
    if count >= total and offset == 0:
        return {"text": f"All {total} {noun}.", "all": None}
    if offset == 0:
        text = f"The top {count} of {total} {noun}."
    else:
        text = f"{noun[:1].upper()}{noun[1:]} {offset + 1} to {offset + count} of {total}."
    limit = next((p for p in query.parameters if p.name == "limit"), None)
    most = limit.maximum if limit is not None and limit.maximum is not None else total
    everything = {**values, "limit": str(min(total, most)), "offset": "0"}
    link = url_for("queries.show", name=query.name) + "?" + urlencode(everything)
    return {"text": text, "all": link, "all_text": f"Show all {min(total, most)}"}


def shape(answer: Answer) -> dict[str, Any]:
    """The answer as a table for people (see :mod:`cspkg.web.answer_table`)."""
    from .answer_table import people_table

    return people_table(answer)
