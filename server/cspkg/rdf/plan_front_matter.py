"""A plan's front matter: the partnership, the plan's year, its strategic priorities and
the Commissioner's plan it cites, found in headings, bullet lists and paragraphs.

The seed's template says it in fixed sentences ("The specific Strategic Priorities for
Cannock Chase's CSP for 2024/25 are:"); other plans put the partnership and year in a
title and the priorities under a heading.  Each fact has a list of ways to find it, tried
in order; what none of them finds is either an error (the partnership and year) or an
empty answer the import reports (no priority list: the actions' priorities are used).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import PlanDocumentError
from .dates import plan_year
from .plan_document import Line
from .plan_record import CommissionerPlanRecord, Named, Notice, PriorityRecord, strip_bullet

YEAR = r"(?:19|20)\d{2}\s*[/-]\s*(?:\d{4}|\d{2})"
PARTNERSHIP_LINE = re.compile(
    r"Strategic Priorities for (?P<name>.+?)(?:[’']s)? CSP for (?P<year>\d{4}/\d{2,4})",
    re.IGNORECASE,
)
NAME = r"[A-Z][\w.-]*(?:[ -](?:[A-Z][\w.-]*|and|upon|on|under|in|the|&))*?"
TITLE_LINE = re.compile(rf"(?P<name>{NAME})(?:[’']s)?\s+(?:Community Safety Partnership|CSP)\b")
YEAR_IN_TEXT = re.compile(rf"\b(?P<year>{YEAR})\b")
COMMISSIONER_LINE = re.compile(
    r"(?P<area>[A-Z][\w-]*(?: [A-Z][\w-]*)*) Police, Fire and Crime Commissioner[’']s "
    r"(?P<years>\d{4}-\d{2,4}) (?P<title>Police and Crime Plan)"
)
PCP_NAME = re.compile(
    r"(?P<title>Police(?:,| and)? (?:Fire and )?Crime Plan|Police, Fire and Crime Plan)", re.I
)
PCP_AREA = re.compile(
    r"(?P<area>[A-Z][a-z]+(?: [A-Z][a-z]+)*?)(?:[’']s)? (?:Police(?:,| and)? (?:Fire and )?"
    r"Crime (?:Commissioner|Plan)|Commissioner|PF?CC)"
)
NOT_AN_AREA = {"The", "Our", "This", "A", "In", "Under", "We", "Police"}
PRIORITY_HEADING = re.compile(r"\bpriorit(?:y|ies)\b", re.I)
NOT_CSP_PRIORITIES = re.compile(r"commissioner|police(?:,| and)? (?:fire )?|crime plan|pf?cc", re.I)
APPROACHES_LINE = re.compile(r"recommends that the approach.*?should be (?P<rest>.+)$", re.I)
APPROACH_PHRASE = re.compile(r"[A-Z][a-z]+(?:\s+(?:(?:and|for|of)\s+)?[A-Z][a-z]+)*")
NUMBERED = re.compile(r"^\s*(?:\d+|[a-z])[.)]\s+")


@dataclass
class FrontMatter:
    """What the plan says about itself before its actions."""

    partnership: str
    year: str
    introduction: tuple[str, ...]
    priorities: tuple[PriorityRecord, ...]
    commissioner: CommissionerPlanRecord | None
    notices: list[Notice] = field(default_factory=list)


def normal_year(text: str) -> str:
    """'2025-26', '2025/2026' -> '2025/26' (a financial year); anything else as written."""
    span = plan_year(text)
    if span is None:
        return " ".join(text.split())
    return f"{span[0].year}/{span[1].year % 100:02d}"


def _find(lines: tuple[Line, ...], pattern: re.Pattern[str]) -> tuple[int, re.Match[str] | None]:
    """The index of the first line matching ``pattern``, and the match."""
    for index, line in enumerate(lines):
        match = pattern.search(line.text)
        if match:
            return index, match
    return -1, None


def _item(line: Line) -> tuple[str, bool]:
    """A line's text without its bullet or number, and whether it was a list item."""
    text, bulleted = strip_bullet(line.text)
    numbered = NUMBERED.match(text)
    if numbered:
        text = text[numbered.end() :]
    return text.strip(), bulleted or bool(numbered) or line.kind == "bullet"


def read_front_matter(
    source: str,
    lines: tuple[Line, ...],
    partnership: str | None = None,
    year: str | None = None,
) -> FrontMatter:
    """Find the front matter in ``lines`` (what precedes the actions); a layout file's
    ``partnership`` and ``year`` win over what the text says."""
    notices: list[Notice] = []
    index, match = _find(lines, PARTNERSHIP_LINE)
    if match is not None:
        name, found_year = match.group("name").strip(), match.group("year")
        priorities = _seed_priorities(source, lines, index)
    else:
        name, found_year = _title(lines)
        priorities = _listed_priorities(source, lines)
    name, found_year = partnership or name, year or found_year
    if not name or not found_year:
        raise PlanDocumentError(
            source,
            None,
            "cannot find the partnership and the plan's year: expected a title such as "
            "'Exampleton Community Safety Partnership Delivery Plan 2025/26' (or name them "
            "in a layout file: partnership = ..., year = ...)",
        )
    if not priorities:
        notices.append(
            Notice("front matter", "the plan lists no strategic priorities; its actions' are used")
        )
    return FrontMatter(
        partnership=name,
        year=found_year if match is not None else normal_year(found_year),
        introduction=_introduction(lines),
        priorities=priorities,
        commissioner=_commissioner(source, lines),
        notices=notices,
    )


def _title(lines: tuple[Line, ...]) -> tuple[str | None, str | None]:
    """The partnership and year from a title, headings first."""
    ordered = sorted(range(len(lines)), key=lambda i: lines[i].kind != "heading")
    name = year = None
    for index in ordered:
        line = lines[index]
        if name is None and (found := TITLE_LINE.search(line.text)):
            name = re.sub(r"^The\s+", "", found.group("name").strip())
            # the year on the title's line, or the title's next line (a title over two rows)
            for near in lines[index : index + 3]:
                if year is None and (same := YEAR_IN_TEXT.search(near.text)) is not None:
                    year = same.group("year")
        if year is None and line.kind == "heading" and (found := YEAR_IN_TEXT.search(line.text)):
            year = found.group("year")
    return name, year


def _introduction(lines: tuple[Line, ...]) -> tuple[str, ...]:
    for line in lines:
        if line.kind in ("heading", "bullet") or strip_bullet(line.text)[1]:
            continue
        if len(line.text) >= 40:
            return (line.text,)
    return ()


def _check_twice(source: str, priorities: list[PriorityRecord]) -> tuple[PriorityRecord, ...]:
    from .plan_record import priority_key

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
    return tuple(priorities)


def _seed_priorities(
    source: str, lines: tuple[Line, ...], index: int
) -> tuple[PriorityRecord, ...]:
    """The lines after the seed template's sentence, up to the first prose line."""
    priorities: list[PriorityRecord] = []
    for line in lines[index + 1 :]:
        if not line.text:
            continue
        text, bulleted = strip_bullet(line.text)
        if not bulleted and (len(text) > 100 or text.endswith(".")):
            break
        priorities.append(PriorityRecord(label=text, line=line.number, notes=line.footnotes))
    if not priorities:
        raise PlanDocumentError(
            source, lines[index].number, "the plan lists no strategic priorities"
        )
    return _check_twice(source, priorities)


def _listed_priorities(source: str, lines: tuple[Line, ...]) -> tuple[PriorityRecord, ...]:
    """The list under the first heading or sentence about priorities (not the Commissioner's)."""
    for index, line in enumerate(lines):
        if not PRIORITY_HEADING.search(line.text) or NOT_CSP_PRIORITIES.search(line.text):
            continue
        if strip_bullet(line.text)[1] or line.kind == "bullet" or len(line.text) > 200:
            continue
        items = _list_after(lines, index)
        if items:
            return _check_twice(source, items)
    return ()


def _list_after(lines: tuple[Line, ...], index: int) -> list[PriorityRecord]:
    items: list[PriorityRecord] = []
    for line in lines[index + 1 :]:
        if not line.text:
            continue
        text, listed = _item(line)
        short = len(text) <= 100 and not text.endswith(".") and line.kind != "heading"
        if not (listed or short):
            break
        label, colon, description = text.partition(":")
        if colon and len(label) <= 80 and description.strip():
            items.append(PriorityRecord(label.strip(), line.number, description.strip()))
        else:
            items.append(PriorityRecord(text, line.number, notes=line.footnotes))
    return items


def _commissioner(source: str, lines: tuple[Line, ...]) -> CommissionerPlanRecord | None:
    index, match = _find(lines, COMMISSIONER_LINE)
    if match is not None:
        return _seed_commissioner(source, lines, index, match)
    for index, line in enumerate(lines):
        title = PCP_NAME.search(line.text)
        years = YEAR_IN_TEXT.search(line.text)
        if title is None or years is None:
            continue
        areas = [a for a in PCP_AREA.findall(line.text) if a.split()[0] not in NOT_AN_AREA]
        if not areas:
            continue
        priorities = [
            p for p in _list_after(lines, index) if not PRIORITY_HEADING.fullmatch(p.label)
        ]
        return CommissionerPlanRecord(
            area=areas[0],
            years=pcp_years(years.group("year")),
            title="Police and Crime Plan",
            line=line.number,
            priorities=tuple(priorities),
            approaches=(),
        )
    return None


def pcp_years(text: str) -> str:
    """'2024-2028', '2024/28', '2024 – 28' -> '2024-28'."""
    first, second = re.split(r"\s*[/-]\s*", text.strip(), maxsplit=1)
    return f"{first}-{second[-2:]}"


def _seed_commissioner(
    source: str, lines: tuple[Line, ...], index: int, match: re.Match[str]
) -> CommissionerPlanRecord:
    line = lines[index]
    priorities: list[PriorityRecord] = []
    approaches: list[Named] = []
    for later in lines[index + 1 :]:
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
