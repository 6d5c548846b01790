"""``/alignment/{partnership}/{year}``: a plan's alignment suggestions to review.

The page lists the suggester's proposals (each with its score and the evidence that
matched) and takes a person's decisions (accept, reject or change, with a reason) with
the admin token or the partnership's own; decided ones are listed with who decided,
when and why.  Its ``.json`` twin lists the same rows.  The logic is
``services/alignment_entry.py`` and ``alignment_review.py``.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from ..services import alignment_entry, delivery
from ..services.alignment_review import Review, load_review
from .context import services
from .pagekit import Alternate, data, page, wants_html

bp = Blueprint("alignment", __name__)


def _known_plan(partnership: str, year: str) -> None:
    """An unknown plan in the path is 404, as on the delivery pages."""
    found = services()
    delivery.resolve_plan(found.store, found.settings, f"{partnership}/{year}", found.queries)


def _review(partnership: str, year: str) -> Review:
    """The plan's review; a Commissioner plan asked for that is unknown is 400."""
    _known_plan(partnership, year)
    found = services()
    chosen = request.values.get("commissionerPlan", "").strip()[:200] or None
    return load_review(found.settings, f"{partnership}/{year}", chosen)


def _rows(review: Review) -> list[dict[str, object]]:
    return [
        {
            "suggestion": row.key,
            "from": row.source_label,
            "fromKind": "CSP priority" if row.kind == "priority" else "action",
            "suggestedPriority": row.target_label,
            "score": row.score,
            "evidence": list(row.evidence),
            "status": row.status,
            "changedTo": row.changed_to,
            "reason": row.reason,
            "decidedBy": row.decided_by,
        }
        for row in review.rows
    ]


@bp.route("/alignment/<partnership>/<year>", methods=["GET", "POST"])
def review(partnership: str, year: str) -> Response:
    here = {"partnership": partnership, "year": year}
    found = services()
    outcome = alignment_entry.Outcome()
    answers: dict[str, str] = {}
    _known_plan(partnership, year)  # 404 before anything is checked or written
    if request.method == "POST":
        answers = {k: v[:4000] for k, v in request.form.items() if k != "token"}
        outcome = alignment_entry.submit(
            found.sparql,
            f"{partnership}/{year}",
            request.form.get("commissionerPlan", "").strip()[:200] or None,
            answers,
            request.form.get("token", ""),
        )
        if outcome.done:
            answers = {}
    current = _review(partnership, year)
    twins = [Alternate(url_for("alignment.review_json", **here), "application/json", "JSON")]
    if not wants_html():
        body = {"plan": str(current.plan), "commissionerPlan": str(current.commissioner_plan),
                "suggestions": _rows(current)}  # fmt: skip
        return data(body, twins, status=outcome.status)
    return page(
        "alignment/review.html",
        twins,
        status=outcome.status,
        review=current,
        pending=[r for r in current.rows if r.status == "suggested"],
        decided=[r for r in current.rows if r.status != "suggested"],
        outcome=outcome,
        errors=outcome.errors,
        answers=answers,
        names=alignment_entry.field_names,
        commissioner_key="/".join(str(current.commissioner_plan).split("/")[-2:]),
    )


@bp.get("/alignment/<partnership>/<year>.json")
def review_json(partnership: str, year: str) -> Response:
    current = _review(partnership, year)
    return data({"plan": str(current.plan), "commissionerPlan": str(current.commissioner_plan),
                 "suggestions": _rows(current)})  # fmt: skip
