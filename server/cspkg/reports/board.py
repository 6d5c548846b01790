"""The quarterly board report, one model (``services/delivery_model.Delivery``) three ways.

* HTML: a Jinja template (``templates/board-report.html``), self-contained (its CSS
  inline, no scripts, nothing fetched), to attach to an email or open in a browser.
* PDF: that same HTML laid out by WeasyPrint (A4 landscape, page numbers), so the PDF
  and the HTML cannot say different things.  WeasyPrint is never allowed to fetch a URL.
* Word: python-docx, with real headings (Heading 1-3) and real tables, so a manager can
  edit it before it goes to the board.

RAG is written as text beside every colour (``Off track (Red)``), never colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..errors import CspkgError, ReportUnavailable
from ..services.delivery_model import ActionLine, CountRow, Delivery, Status
from ..unicode_text import isolate
from .outcomes_section import add_outcomes

TEMPLATES = Path(__file__).parent / "templates"

FORMATS: dict[str, tuple[str, str]] = {
    "html": ("text/html; charset=utf-8", "html"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": ("application/pdf", "pdf"),
}
"""Format name -> (media type, file extension)."""

RAG_FILL = {"green": "CCE2D8", "amber": "FFF7BF", "red": "F4CDC6"}
"""Cell shading per RAG colour, the same tints as the HTML tags (GOV.UK tag palette)."""

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def title(delivery: Delivery) -> str:
    """``Quarterly performance report, Q3 2024/25``."""
    return f"Quarterly performance report, {delivery.period.name}"


def file_name(delivery: Delivery, form: str) -> str:
    """``cannock-chase-csp-2024-25-2024-Q3-board-report.pdf``: plan key and quarter."""
    return report_file_name(delivery.plan.iri, delivery.period.notation, form)


def report_file_name(plan: str, quarter: str, form: str) -> str:
    """The file name of a plan's report for a quarter (``file_name``, before the model)."""
    key = plan.rstrip("/").split("/delivery-plan/")[-1].replace("/", "-")
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in key) or "plan"
    return f"{safe}-{quarter}-board-report.{FORMATS[form][1]}"


def render(delivery: Delivery, form: str, prepared: date | None = None) -> bytes:
    """The report in ``form`` (``html``, ``docx`` or ``pdf``)."""
    renderers: dict[str, Callable[[Delivery, date], bytes]] = {
        "html": lambda d, p: render_html(d, p).encode("utf-8"),
        "docx": render_docx,
        "pdf": render_pdf,
    }
    if form not in renderers:
        raise CspkgError(f"unknown report format '{form}': use html, docx or pdf")
    return renderers[form](delivery, prepared or date.today())


def render_html(delivery: Delivery, prepared: date) -> str:
    template = _environment.get_template("board-report.html")
    return template.render(
        d=delivery,
        title=title(delivery),
        css=(TEMPLATES / "board-report.css").read_text(encoding="utf-8"),
        author=author(delivery),
        prepared=_long_date(prepared),
        as_of=_long_date(delivery.as_of),
    )


def render_pdf(delivery: Delivery, prepared: date) -> bytes:
    return html_to_pdf(render_html(delivery, prepared))


def html_to_pdf(html: str) -> bytes:
    """A report's HTML laid out by WeasyPrint, which may fetch nothing."""
    try:
        from weasyprint import HTML  # heavy import (Pango): only when a PDF is asked for
    except OSError:  # the Pango library is missing
        raise ReportUnavailable(
            "PDF reports need the Pango library (Debian: libpango-1.0-0 libpangoft2-1.0-0); "
            "HTML and Word work without it"
        ) from None

    def refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError("the board report fetches nothing")

    document = HTML(string=html, url_fetcher=refuse)
    # PDF/UA-1: tagged (headings, tables, reading order) for screen readers; the title,
    # author (the partnership), subject and keywords come from the HTML's head.
    return bytes(document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True))


def author(delivery: Delivery) -> str:
    """Who the report is by: the partnership (else the plan)."""
    return delivery.partnership.label if delivery.partnership else delivery.plan.label


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- Word ---------------------------------------------------------------------------


def landscape_document(heading: str) -> Any:
    """A Word document set up as every report is: A4 landscape, 14 mm margins, Arial 10."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(14))
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(10)
    document.core_properties.title = heading
    return document


def render_docx(delivery: Delivery, prepared: date) -> bytes:
    d = delivery
    document = landscape_document(title(d))
    document.core_properties.subject = d.plan.label
    document.core_properties.author = author(d)
    document.core_properties.keywords = f"board report, {d.period.name}"

    if d.partnership is not None:
        document.add_paragraph(d.partnership.label)
    document.add_heading(title(d), level=1)
    document.add_paragraph(f"{d.plan.label}: {d.period.label}.")
    document.add_paragraph(
        f"Prepared {_long_date(prepared)} from the CSP Knowledge Graph. "
        f"Overdue is judged as at {_long_date(d.as_of)}."
    )

    document.add_heading("Summary", level=2)
    document.add_paragraph(_summary_sentence(d))
    rows = [[c.text, str(n)] for c, n in zip(d.columns, d.totals, strict=True)]
    table = _table(document, ["Status", "Actions"], [*rows, ["All actions", str(d.actions)]])
    for i, column in enumerate(d.columns, start=1):
        if column.rag in RAG_FILL:
            _shade(table.cell(i, 0), RAG_FILL[column.rag])

    document.add_heading("Delivery by CSP priority", level=2)
    document.add_paragraph("An action that meets several priorities is counted under each of them.")
    _count_table(document, d, d.by_priority, "CSP priority")

    document.add_heading("Exceptions: actions off track or at risk", level=2)
    _lines(
        document,
        d.exceptions,
        ["No.", "Action", "Lead", "Status", "Done", "Commentary", "Reported by"],
        lambda a: [_percent(a), isolate(a.commentary or ""), a.reporter or "Not recorded"],
        "No action is off track or at risk.",
    )

    document.add_heading("Actions with no update", level=2)
    _lines(
        document,
        d.missing,
        ["No.", "Action", "Lead", "Last status", "Target"],
        lambda a: [a.target or ""],
        "Every action has an update for the quarter.",
    )

    document.add_heading("Overdue actions", level=2)
    _lines(
        document,
        d.overdue,
        ["No.", "Action", "Lead", "Latest status", "Target"],
        lambda a: [a.target or ""],
        "No action is past its target without being complete.",
    )

    add_outcomes(document, d, _table, _shade)

    document.add_heading("Alignment with the Commissioner's priorities", level=2)
    document.add_paragraph(
        "Only confirmed links are counted: which Commissioner priorities each CSP priority "
        "(or an action directly) serves is a judgement confirmed by a person or the "
        "project, with a written rationale, not something the plans state; suggestions "
        "waiting for a review are not counted. An action is counted under every "
        "Commissioner priority it serves."
    )
    for view in d.commissioner:
        cited = " (the plan this delivery plan cites)" if view.cited else ""
        document.add_heading(view.plan.label + cited, level=3)
        _count_table(document, d, view.rows, "Commissioner priority")
    if not d.commissioner:
        document.add_paragraph("No Commissioner's plan is aligned with this plan's priorities.")

    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _summary_sentence(d: Delivery) -> str:
    rag = d.rag_totals()
    quarter = d.period.name
    return (
        f"The plan has {d.actions} actions. For {quarter}, {d.reported} have an update and "
        f"{len(d.missing)} have none. {rag['green']} rated Green, {rag['amber']} Amber and "
        f"{rag['red']} Red; {d.total('complete')} complete and {d.total('withdrawn')} "
        f"withdrawn. {len(d.exceptions)} off track or at risk; {len(d.overdue)} past their "
        "target without being complete."
    )


def _percent(a: ActionLine) -> str:
    return f"{a.percent}%" if a.percent is not None else ""


def _status_text(status: Status | None) -> str:
    return status.text if status is not None else "No update"


def _lines(
    document: Any,
    lines: Sequence[ActionLine],
    header: list[str],
    extra: Callable[[ActionLine], list[str]],
    empty: str,
) -> None:
    """Actions as a table: number, title, lead, status (shaded by RAG), then ``extra``."""
    if not lines:
        document.add_paragraph(empty)
        return
    rows = [
        [str(a.number or ""), a.action.label, a.lead, _status_text(a.status), *extra(a)]
        for a in lines
    ]
    table = _table(document, header, rows)
    for i, a in enumerate(lines, start=1):
        if a.status is not None and a.status.rag in RAG_FILL:
            _shade(table.cell(i, 3), RAG_FILL[a.status.rag])


def _count_table(document: Any, d: Delivery, rows: Sequence[CountRow], first: str) -> None:
    """Priorities by status; a cell with actions in a RAG column is shaded that colour."""
    header = [first, *(c.text for c in d.columns), "Actions"]
    body = [[r.priority.label, *(str(n) for n in r.counts), str(r.actions)] for r in rows]
    table = _table(document, header, body)
    for i, row in enumerate(rows, start=1):
        for j, (column, n) in enumerate(zip(d.columns, row.counts, strict=True), start=1):
            if n and column.rag in RAG_FILL:
                _shade(table.cell(i, j), RAG_FILL[column.rag])


def _table(document: Any, header: list[str], rows: list[list[str]]) -> Any:
    """A Word table with a bold header row that repeats on each page."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    return table


def _shade(cell: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
