"""The board report's outcomes section in Word: the same rows as the HTML's
(``templates/board-outcomes.html``), the status written out beside its colour."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..services.delivery_model import Delivery

FILLS = {"green": "CCE2D8", "amber": "FFF7BF", "red": "F4CDC6"}
"""Cell shades, as the HTML report's ``rag--`` classes."""


def add_outcomes(
    document: Any, d: Delivery, table: Callable[[Any, list[str], list[list[str]]], Any],
    shade: Callable[[Any, str], None],
) -> None:  # fmt: skip
    document.add_heading("Outcomes", level=2)
    if not d.outcomes:
        document.add_paragraph("No outcome measures are recorded for this plan.")
        return
    document.add_paragraph(
        "What the partnership measures its plan by. A recorded-crime measure takes its actual "
        "from police.uk once all three months of the quarter are loaded; Amber is within each "
        "measure's band of its target."
    )
    rows = []
    for o in d.outcomes:
        about = f"{o.name} ({o.ref}; {o.direction_text}; {o.source_text})"
        baseline = o.shown(o.baseline) + (
            f" ({o.baseline_period})" if o.baseline is not None and o.baseline_period else ""
        )
        rows.append([about, baseline, o.shown(o.target), o.shown(o.actual), o.status_label])
    made = table(document, ["Measure", "Baseline", "Target", "Actual", "Status"], rows)
    for index, o in enumerate(d.outcomes, start=1):
        if o.status in FILLS:
            shade(made.rows[index].cells[4], FILLS[o.status])
