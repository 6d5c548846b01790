"""One progress update reported through the service's form.

The form is a second door to the same rooms: its answers become one row, checked by the
progress service (``progress.read_entries``: the same messages as ``cspkg
import-progress``), turned into a new update that revises the current one
(``progress.updates_graph``, by ``progress_write.mint``: the service names it, dates it and
attributes it to the token's agency), and written the way the agency's Graph Store POST
is (``GraphStore.report``), which checks the token and the agency's scope, validates with
the shapes and leaves the audit line.
Nothing here writes to the store any other way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from ..errors import AuthenticationRequired, CspkgError, QueryRefused, RateLimited
from ..rdf.progress_table import ProgressRow, ProgressTable
from . import progress_write
from .access import actions_in_scope, progress_graph
from .graph_store import GraphStore
from .progress import (
    COMMENTARY_MAX,
    PlanProgress,
    ProgressRejected,
    read_entries,
    status_scheme,
)
from .progress_write import Proposal

FIELDS: dict[str, str] = {
    "action": "Action",
    "period": "Quarter",
    "status": "Status",
    "progress": "Percentage complete",
    "commentary": "Commentary",
}
"""Form field -> the name its errors use (the progress service's column keys).  Who
reported is not asked: the service takes it from the token (``progress_write``)."""

SOURCE = "the progress form"

WHEN_EMPTY: dict[str, str] = {
    "action": "Select the action you are reporting on",
    "period": "Select the quarter you are reporting on",
    "status": "Select the action's status",
}
"""A required field left empty, in GOV.UK words (the import's say row and column)."""

WHEN_WRONG: dict[str, str] = {
    "status": "Select the action's status",
    "progress": "Enter a percentage from 0 to 100",
    "commentary": f"Commentary must be {COMMENTARY_MAX:,} characters or less",
}
"""A field whose answer cannot be used, where the form has one clear thing to ask for;
other fields keep the progress service's message, which says what is wrong."""


@dataclass(frozen=True)
class FieldError:
    """A problem with one field, for the form's error summary and the field itself."""

    field: str
    message: str


@dataclass
class Outcome:
    """What a submission did: the update written, or the problems found."""

    update: str | None = None
    unchanged: bool = False
    errors: list[FieldError] = field(default_factory=list)
    status: int = 200
    """HTTP status for the page: 201 written, 400/401/403/422 refused."""


def plan_from_store(graph_store: GraphStore, plan: str) -> PlanProgress:
    """The plan's actions and every update reported so far (``progress_write``)."""
    return progress_write.plan_from_store(graph_store.store, graph_store.settings, plan)


def submit(
    graph_store: GraphStore,
    plan: str,
    answers: Mapping[str, str],
    token: str,
    today: date,
) -> Outcome:
    """Check and write one update from the form's ``answers`` with the agency's ``token``."""
    settings = graph_store.settings
    authorization = f"Bearer {token.strip()}" if token.strip() else None
    errors: list[FieldError] = []
    status = 400
    writer = None
    try:
        writer = graph_store.sparql.authorize_write(authorization)
    except AuthenticationRequired:
        errors.append(FieldError("token", "Enter your agency's access token"))
        status = 401
    except RateLimited as exc:
        message = f"Too many wrong access tokens were sent from here: try again in {exc.retry_after} seconds"
        errors.append(FieldError("token", message))
        status = 429
    except QueryRefused:
        message = (
            "The access token is not right: check it, or ask the partnership's administrator"
            if graph_store.sparql.writes_enabled
            else "This service does not take progress reports: no access tokens are set up"
        )
        errors.append(FieldError("token", message))
        status = 403
    progress = plan_from_store(graph_store, plan)
    values: dict[str, str | None] = {key: answers.get(key, "").strip() or None for key in FIELDS}
    table = ProgressTable(
        SOURCE,
        hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest(),
        [ProgressRow(1, dict(values))],
        columns=dict(FIELDS),
    )
    try:
        (entry,) = read_entries(table, progress, status_scheme(settings), today)
    except ProgressRejected as exc:
        errors += [_form_error(problem.column, problem.message, values) for problem in exc.problems]
    if errors or writer is None:
        return Outcome(errors=errors, status=status)
    if writer.agency is not None and not actions_in_scope(
        graph_store.store, writer.agency, [str(entry.action.iri)], settings
    ):
        message = (
            f"Your agency neither leads nor supports action {entry.action.ordinal}: "
            "choose one of your agency's actions"
        )
        what = f"FORM progress on <{entry.action.iri}>"
        graph_store.sparql.audit("refused (not its action)", what, authorization, writer.describe())
        return Outcome(errors=[FieldError("action", message)], status=403)
    proposal = Proposal(
        str(entry.action.iri), entry.quarter, str(entry.status), entry.percent, entry.commentary
    )
    target = progress_graph(settings.base, plan)
    try:
        written = graph_store.report(target, proposal, authorization)
    except QueryRefused as exc:
        return Outcome(errors=[FieldError("action", _sentence(str(exc)))], status=403)
    except CspkgError as exc:  # the shapes refused it (ValidationFailed)
        return Outcome(errors=[FieldError("status", _sentence(str(exc)))], status=422)
    if written.update is None:
        return Outcome(unchanged=True)
    return Outcome(update=written.update, status=201)


def _form_error(column: str, message: str, values: Mapping[str, str | None]) -> FieldError:
    """One of the progress service's row problems as the form's message for its field."""
    key = {label: name for name, label in FIELDS.items()}.get(column, "action")
    wording = WHEN_EMPTY.get(key) if values.get(key) is None else WHEN_WRONG.get(key)
    return FieldError(key, wording or _sentence(message))


def _sentence(text: str) -> str:
    """A service message as a GOV.UK error message: starts with a capital letter."""
    return text[:1].upper() + text[1:] if text else text
