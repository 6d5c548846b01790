"""``/delivery``: a plan's delivery per quarter, its board report, and progress reporting.

Plans are named in URLs by their key (``/delivery/cannock-chase-csp/2024-25``) and
quarters by notation (``?period=2024-Q3``), never by IRI.  The page, its ``.json``
twin and the board report downloads all come from one model
(``services/delivery.build``); this module only adds URLs and HTTP.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, request, url_for

from ..errors import DeliveryNotFound, ParameterError
from ..rdf.periods import PeriodError, parse_period
from ..reports.board import FORMATS, report_file_name
from ..services import delivery, progress_entry
from ..services.delivery_model import Delivery, Named, Period, Status
from ..services.graph_store import GraphStore
from .context import services
from .pagekit import Alternate, data, page, wants_html
from .report_download import Prepared, report_download

bp = Blueprint("delivery", __name__)

TAGS = {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red"}
"""GOV.UK tag colour per RAG rating; a status with no rating is grey.  The tag's text
always says the colour too (``Off track (Red)``)."""


@bp.app_template_global("rag_class")
def rag_class(rag: str | None) -> str:
    """Templates: the GOV.UK tag class for a RAG colour key ("green", ...; grey for none)."""
    return TAGS.get(rag or "", "govuk-tag--grey")


@bp.app_template_global("rag_tag")
def rag_tag(status: Status | None) -> str:
    """Templates: the GOV.UK tag class for a status's RAG colour (grey for none)."""
    return rag_class(status.rag if status else None)


def plan_key(plan: Named) -> str:
    """``cannock-chase-csp/2024-25``: how a plan is named in URLs."""
    return delivery.plan_key(plan.iri)


QUARTER_EXPECTED = "a quarter such as 2024-Q3 or Q3 2024/25"
"""What the ``period`` parameter takes, in every refusal of it (page, JSON, text)."""


def _period(plan: Named) -> Period:
    """The quarter asked for (``?period=``), else the plan's default.

    A quarter written badly or unknown to the graph is the request's fault, not a
    missing page: ``ParameterError`` (400), naming what is expected."""
    found = services()
    given = request.args.get("period", "").strip()
    if not given:
        return delivery.default_period(found.store, found.settings, plan, date.today())
    try:
        return delivery.resolve_period(found.store, found.settings, given)
    except DeliveryNotFound:
        raise ParameterError("period", QUARTER_EXPECTED, given[:40]) from None


def _model(partnership: str, year: str) -> tuple[Delivery, str]:
    found = services()
    plan = delivery.resolve_plan(found.store, found.settings, f"{partnership}/{year}")
    return delivery.build(
        found.store, found.settings, plan, _period(plan), queries=found.queries
    ), plan_key(plan)


def _quarter_refused(plan: Named, here: dict[str, str], given: str) -> Response:
    """The quarter picker again, with a GOV.UK error summary and what was typed (400)."""
    found = services()
    try:
        parse_period(given)
        message = "Enter a quarter of this plan, such as 2024-Q3 or Q3 2024/25"
    except PeriodError:
        message = f"Enter {QUARTER_EXPECTED}"
    quarters = [
        (p.label.split(" (")[0], url_for("delivery.plan", **here, period=p.notation))
        for p in delivery.plan_quarters(found.store, found.settings, plan)
    ]
    return page(
        "delivery/quarter.html",
        [],
        status=400,
        plan=plan,
        given=given,
        message=message,
        quarters=quarters,
        here=url_for("delivery.plan", **here),
    )


@bp.get("/delivery")
def index() -> Response:
    found = services()
    plans = delivery.plans(found.store, found.settings)
    listed = [
        {
            "plan": p.iri,
            "title": p.label,
            "href": url_for("delivery.plan", partnership=k.split("/")[0], year=k.split("/")[-1]),
        }
        for p in plans
        if len((k := plan_key(p)).split("/")) == 2
    ]
    if not wants_html():
        return data({"plans": listed})
    return page("delivery/index.html", [], plans=listed)


@bp.get("/delivery/<partnership>/<year>")
def plan(partnership: str, year: str) -> Response:
    here = {"partnership": partnership, "year": year}
    found = services()
    chosen = delivery.resolve_plan(found.store, found.settings, f"{partnership}/{year}")
    try:
        period_of = _period(chosen)
    except ParameterError:
        if not wants_html():
            raise
        return _quarter_refused(chosen, here, request.args.get("period", "").strip()[:200])
    model = delivery.build(found.store, found.settings, chosen, period_of, queries=found.queries)
    period = {"period": model.period.notation}
    twins = [Alternate(url_for("delivery.plan_json", **here, **period), "application/json", "JSON")]
    if not wants_html():
        return data(model.as_json(), twins)
    downloads = [
        (
            url_for("delivery.board_report", **here, form=form, **period),
            {"html": "Web page (HTML)", "docx": "Word document", "pdf": "PDF"}[form],
            FORMATS[form][0].split(";")[0],
        )
        for form in FORMATS
    ]
    return page(
        "delivery/plan.html",
        twins,
        d=model,
        downloads=downloads,
        report_href=url_for("delivery.report_progress", **here),
        here=url_for("delivery.plan", **here),
    )


@bp.route("/delivery/<partnership>/<year>/progress", methods=["GET", "POST"])
def report_progress(partnership: str, year: str) -> Response:
    """The form a lead agency reports an action's progress with (its token in the form:
    browsers cannot send a bearer header; the token is never written back to the page)."""
    found = services()
    plan = delivery.resolve_plan(found.store, found.settings, f"{partnership}/{year}")
    here = {"partnership": partnership, "year": year}
    quarters = delivery.plan_quarters(found.store, found.settings, plan)
    outcome = progress_entry.Outcome()
    answers: dict[str, str] = {}
    if request.method == "POST":
        answers = {key: request.form.get(key, "") for key in progress_entry.FIELDS}
        outcome = progress_entry.submit(
            GraphStore(found.sparql), plan.iri, answers, request.form.get("token", ""), date.today()
        )
    else:
        today = date.today()
        answers["period"] = delivery.default_period(
            found.store, found.settings, plan, today
        ).notation
        answers["action"] = request.args.get("action", "")
    progress = progress_entry.plan_from_store(GraphStore(found.sparql), plan.iri)
    done = outcome.update is not None or outcome.unchanged
    return page(
        "delivery/progress.html",
        [],
        status=outcome.status,
        plan=plan,
        outcome=outcome,
        done=done,
        answers=answers,
        errors={e.field: e.message for e in outcome.errors},
        actions=sorted(progress.actions.values(), key=lambda a: a.ordinal),
        quarters=quarters,
        statuses=delivery.statuses(found.store, found.settings),
        fields=progress_entry.FIELDS,
        commentary_max=progress_entry.COMMENTARY_MAX,
        delivery_href=url_for("delivery.plan", **here, period=answers.get("period") or None),
    )


@bp.get("/delivery/<partnership>/<year>.json")
def plan_json(partnership: str, year: str) -> Response:
    model, _ = _model(partnership, year)
    return data(model.as_json())


@bp.get("/delivery/<partnership>/<year>/board-report.<form>")
def board_report(partnership: str, year: str, form: str) -> Response:
    """The board report as a download: HTML, Word or PDF.

    Made once per plan, quarter, as-at date and store version (``report_download``)."""
    if form not in FORMATS:
        raise DeliveryNotFound("The board report comes as .html, .docx or .pdf.")
    found = services()
    given = request.args.get("period", "").strip()
    try:
        quarter = parse_period(given).notation if given else ""
    except PeriodError:
        quarter = given  # refused below (400), and a refusal is never cached

    def prepare() -> Prepared:
        plan = delivery.resolve_plan(found.store, found.settings, f"{partnership}/{year}")
        period = _period(plan)

        def model() -> Delivery:
            # overdue as the delivery page judges it (the quarter as it closed): one number
            return delivery.build(found.store, found.settings, plan, period, queries=found.queries)

        name = ("board", plan.iri, period.notation, date.today().isoformat(), form)
        return Prepared(name, model, report_file_name(plan.iri, period.notation, form))

    # Known from the URL alone, so a report already made costs no query at all.
    return report_download((partnership, year, quarter), form, "board", prepare)
