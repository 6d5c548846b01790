"""``/commissioner``: the Commissioner's view of one Police and Crime Plan across every
partnership's plan, with its ``.json`` twin and links to the canned queries' downloads.

Plans are chosen by name (``?commissionerPlan=staffordshire/2024-28`` or its title) and
quarters by notation (``?period=2024-Q3``); the model is ``services/commissioner_view``.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, request, url_for

from ..errors import PageNotFound
from ..reports import commissioner as report_edition
from ..reports.board import FORMATS
from ..services import commissioner_view
from .context import services
from .pagekit import Alternate, data, page, wants_html
from .report_download import Prepared, report_download

bp = Blueprint("commissioner", __name__)
FORM_NAMES = {"html": "web page (HTML)", "docx": "Word document", "pdf": "PDF"}


def _asked() -> tuple[str | None, str | None]:
    plan = request.args.get("commissionerPlan", "").strip()[:200] or None
    period = request.args.get("period", "").strip()[:40] or None
    return plan, period


@bp.get("/commissioner")
def view() -> Response:
    found = services()
    plan, period = _asked()
    model = commissioner_view.build(found.queries, plan, period)
    chosen = {"commissionerPlan": model.commissioner_plan}
    if period:
        chosen["period"] = period
    twins = [Alternate(url_for("commissioner.view_json", **chosen), "application/json", "JSON")]
    if not wants_html():
        return data(model.as_json(), twins)
    catalog = found.queries.catalog
    choices = found.queries.choices(
        catalog.get("commissioner-coverage").parameter("commissionerPlan")
    )
    quarters = found.queries.choices(catalog.get("commissioner-delivery").parameter("period"))
    downloads = [
        (catalog.get(name).title, url_for("queries.show", name=f"{name}.xlsx", **(
            {**chosen} if name == "commissioner-delivery" and period else
            {"commissionerPlan": model.commissioner_plan} if name != "commissioner-agencies" else {}
        )))
        for name in commissioner_view.QUERIES
        if name != "commissioner-delivery" or period
    ]  # fmt: skip
    reviews = {
        row.plan: url_for("alignment.review", partnership=row.plan.split("/")[-2], year=row.plan.split("/")[-1])
        for row in model.plans
        if "/delivery-plan/" in row.plan
    }  # fmt: skip
    reports = [
        (FORM_NAMES[form], url_for("commissioner.report", form=form, **chosen)) for form in FORMATS
    ]
    return page(
        "commissioner/view.html",
        twins,
        v=model,
        choices=choices,
        quarters=quarters,
        period=period or "",
        downloads=downloads,
        reviews=reviews,
        reports=reports,
    )


@bp.get("/commissioner.json")
def view_json() -> Response:
    plan, period = _asked()
    return data(commissioner_view.build(services().queries, plan, period).as_json())


@bp.get("/commissioner/report.<form>")
def report(form: str) -> Response:
    """The board report's Commissioner's edition as a download: HTML, Word or PDF, made
    once per plan, quarter, date and store version (``report_download``)."""
    if form not in FORMATS:
        raise PageNotFound("The Commissioner's report comes as .html, .docx or .pdf.")
    plan, period = _asked()

    def prepare() -> Prepared:
        view = commissioner_view.build(services().queries, plan, period)
        name = ("commissioner", view.commissioner_plan, view.period, date.today().isoformat(), form)
        return Prepared(name, lambda: view, report_edition.file_name(view, form))

    return report_download((plan, period), form, "commissioner", prepare)
