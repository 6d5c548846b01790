"""Parse a delivery plan's lines into plain records, before any RDF is made.

The template (one table row per action, exported by Word as one paragraph per cell) is:
an introduction naming the CSP's strategic priorities; the Commissioner's plan with its
priorities as ``Name: description`` lines and a sentence of recommended approaches; then
blocks that start with an ``Action`` heading and carry ``Responsible Agency``,
``Additional Agencies [involved]``, ``Priorities Met`` and ``Target Date`` sections.
Anything the parser cannot place is an error naming the line, never a guess.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from ..errors import PlanDocumentError
from .dates import Context, DateError, TargetDate, parse_target_date, plan_year
from .plan_document import Line, PlanDocument
from .plan_front_matter import read_front_matter
from .plan_layout import Layout
from .plan_record import (
    ActionRecord,
    Named,
    PlanRecord,
    PriorityBook,
    Unlisted,
    heading_key,
    is_none,
    priority_key,
    strip_bullet,
    target_notice,
)

__all__ = ["PlanRecord", "parse_plan", "parse_target", "priority_key"]

SECTION_HEADINGS = {
    "action": "action",
    "responsible agency": "responsible",
    "responsible agencies": "responsible",
    "additional agencies": "supporting",
    "additional agencies involved": "supporting",
    "priorities met": "priorities",
    "target date": "target",
    "target dates": "target",
}
SUBHEADINGS = {"strategic priority/ies", "strategic priorities", "strategic priority"}
HEADING_LIKE = re.compile(
    r"^(responsible|additional|lead|supporting|priorit|target|status|progress|outcome|"
    r"timescale|deadline|date)\w*(\s+[\w/()]+){0,3}:?$",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"^\*{3,}\s*$")


def parse_target(text: str, line: int, source: str, context: Context = None) -> TargetDate:
    """Read a target through the date grammar; an unreadable one names the line."""
    try:
        return parse_target_date(text, context)
    except DateError as exc:
        raise PlanDocumentError(source, line, str(exc)) from None


def parse_plan(
    document: PlanDocument,
    layout: Layout | None = None,
    unlisted: Unlisted = "add",
    knows_agency: Callable[[str], bool] | None = None,
) -> PlanRecord:
    """Parse a whole plan document in whichever layout it is; errors name the position.

    ``layout`` comes from a layout file (``--layout FILE``); None recognises the layout.
    """
    from .plan_tables import find_action_tables, parse_table_plan

    chosen = layout or Layout()
    if chosen.kind != "narrative":
        found = find_action_tables(document, chosen)
        if found:
            return parse_table_plan(document, found, chosen, unlisted, knows_agency)
        if chosen.kind == "table" or not document.lines:
            raise PlanDocumentError(
                document.name,
                None,
                "no table of actions found: expected a header row naming at least an "
                "Action column and a Lead, Priority or Timescale column",
            )
    return parse_narrative(document, chosen.partnership, chosen.year, unlisted)


def parse_narrative(
    document: PlanDocument,
    partnership: str | None = None,
    year: str | None = None,
    unlisted: Unlisted = "add",
) -> PlanRecord:
    """The seed's template: blocks headed 'Action' with their sections."""
    lines = document.lines
    starts = [i for i, line in enumerate(lines) if heading_key(line.text) == "action"]
    if not starts:
        raise PlanDocumentError(
            document.name,
            None,
            "no actions found: expected blocks headed 'Action' or a table with a header row",
        )
    front = read_front_matter(document.name, lines[: starts[0]], partnership, year)
    book = PriorityBook(document.name, front.priorities, unlisted)
    actions = []
    notices = list(front.notices)
    bounds = [*starts, len(lines)]
    context = plan_year(front.year)
    for ordinal, (begin, end) in enumerate(itertools.pairwise(bounds), start=1):
        action = _read_action(document.name, ordinal, lines[begin:end], book, context)
        notices += target_notice(action.target, f"line {action.target_line}")
        actions.append(action)
    return PlanRecord(
        source=document.name,
        partnership=front.partnership,
        year=front.year,
        introduction=front.introduction,
        priorities=book.priorities,
        commissioner=front.commissioner,
        actions=tuple(actions),
        layout="narrative (blocks headed 'Action')",
        warnings=(*document.notices, *notices, *book.notices),
    )


def _read_action(
    source: str,
    ordinal: int,
    block: tuple[Line, ...],
    book: PriorityBook,
    context: Context,
) -> ActionRecord:
    heading = block[0]
    sections: dict[str, list[Line]] = {"action": []}
    current = "action"
    last = heading.number
    for line in block[1:]:
        if not line.text or SEPARATOR.match(line.text):
            continue
        key = heading_key(line.text)
        if key in SECTION_HEADINGS:
            current = SECTION_HEADINGS[key]
            if current in sections:
                raise PlanDocumentError(
                    source, line.number, f"action {ordinal} has a second '{line.text}' section"
                )
            sections[current] = []
        elif key in SUBHEADINGS:
            pass
        elif HEADING_LIKE.match(line.text) and not line.text.endswith("."):
            raise PlanDocumentError(
                source,
                line.number,
                f"unknown heading '{line.text}' in action {ordinal}; known headings are "
                "Action, Responsible Agency, Additional Agencies, Priorities Met, Target Date",
            )
        else:
            sections[current].append(line)
        last = line.number

    where = f"action {ordinal} (starting at line {heading.number})"
    paragraphs = tuple(line.text for line in sections["action"])
    if not paragraphs:
        raise PlanDocumentError(source, heading.number, f"{where} has no text")
    responsible = _agencies(sections.get("responsible", []))
    if not responsible:
        raise PlanDocumentError(source, heading.number, f"{where} has no responsible agency")
    priorities = tuple(
        book.match(Named(strip_bullet(line.text)[0], line.number))
        for line in sections.get("priorities", [])
    )
    if not priorities:
        raise PlanDocumentError(source, heading.number, f"{where} meets no strategic priority")
    target_lines = sections.get("target", [])
    target = target_line = None
    if target_lines:
        text = " ".join(line.text for line in target_lines)
        target_line = target_lines[0].number
        target = parse_target(text, target_line, source, context)
    return ActionRecord(
        ordinal=ordinal,
        first_line=heading.number,
        last_line=last,
        paragraphs=paragraphs,
        responsible=responsible,
        supporting=_agencies(sections.get("supporting", [])),
        priorities=priorities,
        target=target,
        target_line=target_line,
    )


def _agencies(lines: list[Line]) -> tuple[Named, ...]:
    names: list[Named] = []
    for line in lines:
        text, _ = strip_bullet(line.text)
        text = text.rstrip(". ").strip()
        if is_none(text):
            continue
        names.append(Named(text, line.number))
    return tuple(names)
