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
from dataclasses import dataclass

from ..errors import PlanDocumentError
from .dates import Context, DateError, TargetDate, parse_target_date, plan_year
from .plan_document import Line, PlanDocument

BULLETS = "·•●▪◦‣-*–"

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
NONE_WORDS = {"n/a", "na", "none", "-"}
HEADING_LIKE = re.compile(
    r"^(responsible|additional|lead|supporting|priorit|target|status|progress|outcome|"
    r"timescale|deadline|date)\w*(\s+[\w/()]+){0,3}:?$",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"^\*{3,}\s*$")
PARTNERSHIP_LINE = re.compile(
    r"Strategic Priorities for (?P<name>.+?)(?:[’']s)? CSP for (?P<year>\d{4}/\d{2,4})",
    re.IGNORECASE,
)
COMMISSIONER_LINE = re.compile(
    r"(?P<area>[A-Z][\w-]*(?: [A-Z][\w-]*)*) Police, Fire and Crime Commissioner[’']s "
    r"(?P<years>\d{4}-\d{2,4}) (?P<title>Police and Crime Plan)"
)
APPROACHES_LINE = re.compile(r"recommends that the approach.*?should be (?P<rest>.+)$", re.I)
APPROACH_PHRASE = re.compile(r"[A-Z][a-z]+(?:\s+(?:(?:and|for|of)\s+)?[A-Z][a-z]+)*")


@dataclass(frozen=True)
class Named:
    """A name as written in the plan, with the line it was read from."""

    text: str
    line: int


@dataclass(frozen=True)
class ActionRecord:
    """One action of the plan, with its position in the source."""

    ordinal: int
    first_line: int
    last_line: int
    paragraphs: tuple[str, ...]
    responsible: tuple[Named, ...]
    supporting: tuple[Named, ...]
    priorities: tuple[Named, ...]
    target: TargetDate | None
    target_line: int | None = None


@dataclass(frozen=True)
class PriorityRecord:
    """A priority as the plan names it, with its description and footnotes if any."""

    label: str
    line: int
    description: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommissionerPlanRecord:
    """The Police and Crime Plan the CSP works under, as the delivery plan states it."""

    area: str
    years: str
    title: str
    line: int
    priorities: tuple[PriorityRecord, ...]
    approaches: tuple[Named, ...]


@dataclass(frozen=True)
class PlanRecord:
    """Everything the parser read from one delivery plan."""

    source: str
    partnership: str
    year: str
    introduction: tuple[str, ...]
    priorities: tuple[PriorityRecord, ...]
    commissioner: CommissionerPlanRecord | None
    actions: tuple[ActionRecord, ...]


def strip_bullet(text: str) -> tuple[str, bool]:
    """Remove a leading bullet character; say whether there was one."""
    stripped = text.lstrip()
    if stripped and stripped[0] in BULLETS and (len(stripped) == 1 or stripped[1] == " "):
        return stripped[1:].strip(), True
    return stripped, False


def heading_key(text: str) -> str:
    """Normalise a heading: case, spacing and a trailing colon do not matter."""
    return " ".join(text.lower().rstrip(":").split())


def priority_key(text: str) -> str:
    """Normalise a priority name so that the plan's variants of one priority agree.

    "Anti-social" and "Anti-Social", "&" and "and", and a parenthetical such as
    "(incl. Alcohol, Drugs and Mental Health)" or "(ASB)" do not distinguish priorities.
    """
    text = re.sub(r"\([^)]*\)?", " ", text.lower()).replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def parse_target(text: str, line: int, source: str, context: Context = None) -> TargetDate:
    """Read a target through the date grammar; an unreadable one names the line."""
    try:
        return parse_target_date(text, context)
    except DateError as exc:
        raise PlanDocumentError(source, line, str(exc)) from None


def parse_plan(document: PlanDocument) -> PlanRecord:
    """Parse a whole plan document; raise PlanDocumentError naming the line at fault."""
    lines = document.lines
    starts = [i for i, line in enumerate(lines) if heading_key(line.text) == "action"]
    if not starts:
        raise PlanDocumentError(
            document.name, None, "no actions found: expected blocks headed 'Action'"
        )
    preamble = lines[: starts[0]]
    partnership, year, priorities = _read_csp_priorities(document.name, preamble)
    commissioner = _read_commissioner(document.name, preamble)
    known = {priority_key(p.label): p for p in priorities}
    actions = []
    bounds = [*starts, len(lines)]
    for ordinal, (begin, end) in enumerate(itertools.pairwise(bounds), start=1):
        actions.append(
            _read_action(document.name, ordinal, lines[begin:end], known, plan_year(year))
        )
    intro = tuple(line.text for line in preamble if line.text and line.text != "Introduction")
    return PlanRecord(
        source=document.name,
        partnership=partnership,
        year=year,
        introduction=intro[:1],
        priorities=priorities,
        commissioner=commissioner,
        actions=tuple(actions),
    )


def _find(lines: tuple[Line, ...], pattern: re.Pattern[str]) -> tuple[int, re.Match[str] | None]:
    """The index of the first line matching ``pattern``, and the match."""
    for index, line in enumerate(lines):
        match = pattern.search(line.text)
        if match:
            return index, match
    return -1, None


def _read_csp_priorities(
    source: str, preamble: tuple[Line, ...]
) -> tuple[str, str, tuple[PriorityRecord, ...]]:
    index, match = _find(preamble, PARTNERSHIP_LINE)
    if match is None:
        raise PlanDocumentError(
            source,
            None,
            "cannot find the sentence naming the CSP's strategic priorities "
            "('The specific Strategic Priorities for <area>'s CSP for <yyyy/yy> are:')",
        )
    priorities: list[PriorityRecord] = []
    for line in preamble[index + 1 :]:
        if not line.text:
            continue
        text, bulleted = strip_bullet(line.text)
        if not bulleted and (len(text) > 100 or text.endswith(".")):
            break
        priorities.append(PriorityRecord(label=text, line=line.number, notes=line.footnotes))
    if not priorities:
        raise PlanDocumentError(
            source, preamble[index].number, "the plan lists no strategic priorities"
        )
    seen: dict[str, PriorityRecord] = {}
    for priority in priorities:
        key = priority_key(priority.label)
        if key in seen:
            raise PlanDocumentError(
                source,
                priority.line,
                f"priority '{priority.label}' is listed twice (also at line {seen[key].line})",
            )
        seen[key] = priority
    return match.group("name").strip(), match.group("year"), tuple(priorities)


def _read_commissioner(source: str, preamble: tuple[Line, ...]) -> CommissionerPlanRecord | None:
    index, match = _find(preamble, COMMISSIONER_LINE)
    if match is None:
        return None
    line = preamble[index]
    priorities: list[PriorityRecord] = []
    approaches: list[Named] = []
    for later in preamble[index + 1 :]:
        if not later.text:
            continue
        found = APPROACHES_LINE.search(later.text)
        if found:
            approaches = [
                Named(phrase, later.number)
                for phrase in APPROACH_PHRASE.findall(found.group("rest"))
            ]
            break
        name, colon, description = later.text.partition(":")
        if not colon or len(name) > 80:
            raise PlanDocumentError(
                source, later.number, "expected a Commissioner priority as 'Name: description'"
            )
        priorities.append(PriorityRecord(name.strip(), later.number, description.strip()))
    if not priorities:
        raise PlanDocumentError(source, line.number, "the Commissioner's plan lists no priorities")
    return CommissionerPlanRecord(
        area=match.group("area").strip(),
        years=match.group("years"),
        title=match.group("title"),
        line=line.number,
        priorities=tuple(priorities),
        approaches=tuple(approaches),
    )


def _read_action(
    source: str,
    ordinal: int,
    block: tuple[Line, ...],
    known: dict[str, PriorityRecord],
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
    priorities = _priorities(source, sections.get("priorities", []), known)
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
        if text.lower() in NONE_WORDS or not text:
            continue
        names.append(Named(text, line.number))
    return tuple(names)


def _priorities(
    source: str, lines: list[Line], known: dict[str, PriorityRecord]
) -> tuple[Named, ...]:
    found: list[Named] = []
    for line in lines:
        text, _ = strip_bullet(line.text)
        if priority_key(text) not in known:
            listed = "; ".join(p.label for p in known.values())
            raise PlanDocumentError(
                source,
                line.number,
                f"'{text}' is not one of the plan's strategic priorities ({listed})",
            )
        found.append(Named(text, line.number))
    return tuple(found)
