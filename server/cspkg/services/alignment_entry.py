"""One submission of the alignment review page.

The page is the workbook's second door: its answers become ``Decision``s checked by
``alignment_review.apply_decisions`` (the same messages as ``cspkg import-alignment``),
written to the plan's suggestions and reviewed files all together, and the store is
brought up to date by the one loading path (``loading.load_sources``: the changed files
validated with the shapes, swapped in atomically).  If the store refuses them the files
are put back as they were.  Who may decide: the admin token, or the token of the plan's
own partnership (``agency_tokens`` key ``partnership/{slug}``); anyone else gets 403,
no token 401.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ..errors import AuthenticationRequired, CspkgError, QueryRefused, RateLimited
from ..namespaces import CSPKG
from .access import Writer
from .alignment_review import (
    PROJECT,
    Decision,
    Review,
    ReviewRejected,
    apply_decisions,
    check,
    load_review,
)
from .data_files import write_all
from .loading import project_sources, reload_sources
from .sparql_service import SparqlService

MAX_FIELD = 4_000


@dataclass
class Outcome:
    """What a submission did, or the problems found (by form field)."""

    accepted: int = 0
    changed: int = 0
    rejected: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    status: int = 200

    @property
    def done(self) -> bool:
        return not self.errors and (self.accepted + self.changed + self.rejected) > 0


def field_names(number: int) -> dict[str, str]:
    """Form field ids of one row (the page's labels and error links use them)."""
    return {
        "key": f"decision-{number}",
        "decision": f"decision-{number}",
        "change_to": f"change-{number}",
        "reason": f"reason-{number}",
        "by": "by",
    }


def may_review(writer: Writer, review: Review) -> bool:
    """The admin, or the plan's own partnership."""
    partnership = review.graph.value(review.plan, CSPKG.partnership)
    return writer.is_admin or (partnership is not None and writer.agency == str(partnership))


def submit(
    sparql: SparqlService,
    plan_name: str,
    commissioner_plan: str | None,
    answers: Mapping[str, str],
    token: str,
) -> Outcome:
    """Check the token and every decision; write and reload, or say what is wrong."""
    store, settings = sparql.store, sparql.settings
    review = load_review(settings, plan_name, commissioner_plan)
    decisions = _decisions(review, answers)
    errors = _field_errors(review, decisions)
    authorization = f"Bearer {token.strip()}" if token.strip() else None
    refused = None
    try:
        writer = sparql.authorize_write(authorization)
    except AuthenticationRequired:
        refused = Outcome(errors={"token": "Enter your access token"}, status=401)
    except RateLimited as exc:
        message = f"Too many wrong access tokens were sent from here: try again in {exc.retry_after} seconds"
        refused = Outcome(errors={"token": message}, status=429)
    except QueryRefused as exc:
        sparql.audit("refused", "REVIEW alignment", authorization, error=exc)
        message = (
            "The access token is not right: check it, or ask the service's administrator"
            if sparql.writes_enabled
            else "This service does not take reviews: no access tokens are set up"
        )
        refused = Outcome(errors={"token": message}, status=403)
    what = f"REVIEW alignment of <{review.plan}>"
    if refused is None and not may_review(writer, review):
        sparql.audit("refused (not its partnership)", what, authorization, who=writer.describe())
        refused = Outcome(
            errors={"token": "This token is not the partnership's: only the plan's own "
                    "partnership or the administrator may review its suggestions"},
            status=403,
        )  # fmt: skip
    if refused is not None:
        refused.errors.update(errors)
        return refused
    if errors:
        return Outcome(errors=errors, status=400)
    agent = URIRef(writer.agency) if writer.agency else URIRef(settings.base + PROJECT)
    with sparql.write_lock:
        before = _texts(settings.data_dir)
        try:
            outcome = apply_decisions(settings, review, decisions, agent)
        except ReviewRejected as exc:
            return Outcome(errors=_by_field(exc), status=400)
        written = {path.resolve() for path in outcome.written}
        changed = [s for s in project_sources(settings) if s.path.resolve() in written]
        try:
            reload_sources(store, changed, settings)
        except CspkgError:
            _restore(settings.data_dir, before)
            sparql.audit("refused (shapes)", what, authorization, who=writer.describe())
            return Outcome(
                errors={
                    "decision-1": "The decisions could not be stored: they break the data's rules"
                },
                status=422,
            )
    sparql.audit("committed", what, authorization, who=writer.describe())
    return Outcome(outcome.accepted, outcome.changed, outcome.rejected, status=200)


def _decisions(review: Review, answers: Mapping[str, str]) -> list[Decision]:
    """The form's answers as one decision per suggestion (an empty one: not decided)."""
    by = answers.get("by", "")[:MAX_FIELD]
    found = []
    for row in review.rows:
        names = field_names(row.number)
        found.append(
            Decision(
                row.key,
                answers.get(names["decision"], "")[:40],
                answers.get(names["reason"], "")[:MAX_FIELD],
                by,
                answers.get(names["change_to"], "")[:200],
                "",
                tuple(names.items()),
            )
        )
    return found


def _field_errors(review: Review, decisions: list[Decision]) -> dict[str, str]:
    """Every problem with the answers, by field, before anything is written."""
    if not any(d.decision.strip() for d in decisions):
        return {"decision-1": "Choose accept, reject or change for at least one suggestion"}
    try:
        check(review, decisions)
    except ReviewRejected as exc:
        return _by_field(exc)
    return {}


def _by_field(exc: ReviewRejected) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in exc.problems:
        errors.setdefault(problem.column, problem.message[:1].upper() + problem.message[1:])
    return errors


def _texts(data_dir: Path) -> dict[Path, str | None]:
    folder = data_dir / "alignment"
    found: dict[Path, str | None] = {}
    for sub in ("suggested", "reviewed"):
        for path in sorted((folder / sub).glob("*.ttl")):
            found[path] = path.read_text(encoding="utf-8")
    return found


def _restore(data_dir: Path, before: dict[Path, str | None]) -> None:
    """Put the alignment files back as they were (and remove ones that were not there)."""
    now = _texts(data_dir)
    for path in now:
        if path not in before:
            path.unlink(missing_ok=True)
    write_all({path: text for path, text in before.items() if text is not None})


__all__ = ["Outcome", "field_names", "may_review", "submit"]
