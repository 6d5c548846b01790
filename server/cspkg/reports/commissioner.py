"""The board report's Commissioner's edition: one Police and Crime Plan across every
partnership's plan, from the same model as the ``/commissioner`` page
(``services/commissioner_view.CommissionerView``), three ways like the board report:
HTML (Jinja, the board report's stylesheet), PDF (that HTML by WeasyPrint) and Word
(python-docx, real headings and tables).  Only confirmed links are counted, and it says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO

from ..errors import CspkgError
from ..services.commissioner_view import CommissionerView
from .board import (
    FORMATS,
    RAG_FILL,
    TEMPLATES,
    _environment,
    _long_date,
    _shade,
    _table,
    html_to_pdf,
    landscape_document,
)

CONFIRMED_ONLY = (
    "Only confirmed links are counted: a CSP priority or an action that a person (or the "
    "project) has aligned to a Commissioner priority, with a written rationale. Suggestions "
    "waiting for a review are shown apart and never counted."
)


def title(view: CommissionerView) -> str:
    return f"The Commissioner's view: {view.commissioner_label}"


def file_name(view: CommissionerView, form: str) -> str:
    """``staffordshire-2024-28-commissioner-report[-2024-Q3].pdf``."""
    key = "-".join(view.commissioner_plan.rstrip("/").split("/")[-2:]) or "plan"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in key)
    quarter = f"-{view.period}" if view.period else ""
    safe_quarter = "".join(c if c.isalnum() or c in "-_" else "-" for c in quarter)
    return f"{safe}-commissioner-report{safe_quarter}.{FORMATS[form][1]}"


def render(view: CommissionerView, form: str, prepared: date | None = None) -> bytes:
    renderers: dict[str, Callable[[CommissionerView, date], bytes]] = {
        "html": lambda v, p: render_html(v, p).encode("utf-8"),
        "docx": render_docx,
        "pdf": lambda v, p: html_to_pdf(render_html(v, p)),
    }
    if form not in renderers:
        raise CspkgError(f"unknown report format '{form}': use html, docx or pdf")
    return renderers[form](view, prepared or date.today())


def render_html(view: CommissionerView, prepared: date) -> str:
    return _environment.get_template("commissioner-report.html").render(
        v=view,
        title=title(view),
        css=(TEMPLATES / "board-report.css").read_text(encoding="utf-8"),
        prepared=_long_date(prepared),
        confirmed_only=CONFIRMED_ONLY,
    )


def render_docx(view: CommissionerView, prepared: date) -> bytes:
    document = landscape_document(title(view))
    document.add_heading(title(view), level=1)
    document.add_paragraph(
        f"Every partnership's delivery plan in the CSP Knowledge Graph against the priorities "
        f"of the {view.commissioner_label}. Prepared {_long_date(prepared)}."
    )
    document.add_paragraph(CONFIRMED_ONLY)

    document.add_heading("Coverage: actions serving each priority", level=2)
    header = ["Partnership plan", *(label for _, label in view.priorities), "Priorities served"]
    rows = [
        [
            row.label,
            *(
                f"{c.confirmed}" + (f" (+{c.suggested} suggested)" if c.suggested else "")
                for c in row.cells
            ),
            f"{row.served} of {len(view.priorities)}",
        ]
        for row in view.plans
    ]
    table = _table(document, header, rows)
    for i, row in enumerate(view.plans, start=1):
        for j, cell in enumerate(row.cells, start=1):
            if not cell.confirmed:
                _shade(table.cell(i, j), RAG_FILL["red"])

    document.add_heading("Gaps", level=2)
    if view.unserved:
        names = ", ".join(g.label for g in view.unserved)
        document.add_paragraph(f"No partnership's plan serves {names} (by confirmed links).")
    else:
        document.add_paragraph(
            "Every Commissioner priority is served by at least one partnership's plan."
        )
    _table(
        document,
        ["Commissioner priority", "Plans serving it", "Plans with no action for it"],
        [[g.label, str(g.plans_serving), "; ".join(g.plans_without) or "None"] for g in view.gaps],
    )

    document.add_heading("Agencies in several partnerships' plans", level=2)
    if view.agencies:
        _table(
            document,
            ["Agency", "Partnerships", "Actions per plan"],
            [
                [a.label, str(a.partnerships), "; ".join(
                    f"{p.plan_label}: {p.actions} (leads {p.leads}, supports {p.supports})" for p in a.plans
                )]
                for a in view.agencies
            ],
        )  # fmt: skip
    else:
        document.add_paragraph("No agency is named in more than one partnership's plan.")

    if view.period:
        document.add_heading(f"Delivery in {view.period}", level=2)
        if view.delivery:
            _table(
                document,
                ["Partnership plan", "Commissioner priority", "Actions by status"],
                [
                    [d.plan_label, d.priority_label, "; ".join(f"{label}: {n}" for label, n, _ in d.counts)]
                    for d in view.delivery
                ],
            )  # fmt: skip
        else:
            document.add_paragraph("No partnership has progress updates for that quarter.")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


__all__ = ["CONFIRMED_ONLY", "file_name", "render", "title"]
