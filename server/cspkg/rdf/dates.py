"""The target dates plans write, read into intervals: one table of forms, one entry point.

People write an action's deadline in many ways ("April 2025", "Q3 2025/26", "by end of
March 2026", "Spring 2026", "TBC").  Each form below is a pattern and a reading; the first
that matches the whole (normalised) text wins.  Every reading is an interval: ``start``
(None when the plan gives only a deadline) and ``end`` (the last day the target allows),
with the text as written kept beside it so nothing is lost in interpretation.

Readings that are the project's judgement rather than the plan's words, stated once here
and in docs/model.md: financial years run 1 April to 31 March and their quarters are
Q1 April-June, Q2 July-September, Q3 October-December, Q4 January-March; "2025-2027" is
calendar years (1 January 2025 to 31 December 2027); seasons are meteorological (spring
March-May, summer June-August, autumn September-November, winter December-February).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .periods import PeriodError, Quarter, parse_period

Precision = Literal["day", "month"]

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
DASH = re.compile(r"\s*[-–—‐]\s*")
EXPECTED = (
    "expected 'Ongoing', a month ('April 2025', 'Mar-26'), a date ('31 March 2025', '31/03/2025'), "
    "a period ('1 April 2022 - 31 March 2025', 'April - June 2025', '2025-2027'), a "
    "financial year ('2025/26'), a quarter ('Q3 2025/26'), 'by end of March 2026', a "
    "season ('Spring 2026') or 'TBC'"
)


MAX_LENGTH = 120


class DateError(ValueError):
    """A target the grammar cannot read; the message says why, the caller says where."""


@dataclass(frozen=True)
class TargetDate:
    """A target as written and the interval it means.

    ``precision`` is how exactly the plan states the end: a day, or a month ("April 2025"
    is due at the month's end but was not given a day).  ``unknown`` marks "TBC": the plan
    has a target but has not set it.
    """

    text: str
    form: str
    start: date | None = None
    end: date | None = None
    precision: Precision = "day"
    ongoing: bool = False
    unknown: bool = False

    @property
    def due(self) -> date | None:
        """The last day the target allows."""
        return self.end

    @property
    def spans(self) -> bool:
        """Whether the interval starts before the period its end names (a real period)."""
        if self.start is None or self.end is None:
            return False
        natural = self.end.replace(day=1) if self.precision == "month" else self.end
        return self.start < natural


@dataclass(frozen=True)
class Reading:
    """What a form reads: the interval and the precision of its end."""

    start: date | None
    end: date
    precision: Precision = "day"


Context = tuple[date, date] | None
"""The plan's own financial year (first and last day), for a quarter written alone."""


def plan_year(year: str) -> Context:
    """A plan's year as written ('2024/25', '2024-25') as its financial year, or None."""
    match = re.fullmatch(r"\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*", year)
    first = _fy_first(match[1], match[2]) if match else None
    if first is None:
        return None
    reading = financial_year(first)
    return reading.start, reading.end  # type: ignore[return-value]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def full_year(text: str) -> int:
    """'2025' or '25' as a year (two digits are this century)."""
    value = int(text)
    return value + 2000 if value < 100 else value


def financial_year(first: int) -> Reading:
    """The financial year that starts on 1 April of ``first``."""
    return Reading(date(first, 4, 1), date(first + 1, 3, 31))


def financial_quarter(first: int, quarter: int) -> Reading:
    """Quarter 1-4 of the financial year starting in April of ``first`` (rdf/periods.py
    is the one definition of financial quarters; reporting periods use it too)."""
    found = Quarter(first, quarter)
    return Reading(found.start, found.end, "month")


def _reporting_quarter(match: re.Match[str], _context: Context) -> Reading | None:
    """'2025-Q3' or 'Q3 2025/26', read by rdf/periods.py."""
    try:
        found = parse_period(match.group(0))
    except PeriodError:
        return None
    return Reading(found.start, found.end, "month")


def _fy_first(first: str, second: str) -> int | None:
    """The starting year of '2025/26', '2025-26' or '2025/2026'; None unless consecutive."""
    start = full_year(first)
    end = full_year(second) if len(second) == 4 else (start // 100) * 100 + int(second)
    return start if end == start + 1 else None


def _fy(match: re.Match[str], quarter: int | None = None) -> Reading | None:
    first = _fy_first(match["a"], match["b"])
    if first is None:
        return None
    return financial_year(first) if quarter is None else financial_quarter(first, quarter)


def _day(day: str, month: int, year: str) -> Reading:
    try:
        value = date(full_year(year), month, int(day))
    except ValueError:
        raise DateError(f"there is no {day}/{month}/{year}") from None
    return Reading(None, value)


def _month(month: int, year: str) -> Reading:
    value = full_year(year)
    return Reading(date(value, month, 1), month_end(value, month), "month")


def _quarter_alone(match: re.Match[str], context: Context) -> Reading:
    if context is None:
        raise DateError("a quarter without a year needs the plan's year, and it is not known")
    return financial_quarter(context[0].year, int(match["q"]))


def _season(name: str, year: int) -> Reading:
    first = SEASONS[name]
    last_year, last_month = (year + 1, 2) if first == 12 else (year, first + 2)
    return Reading(date(year, first, 1), month_end(last_year, last_month), "month")


FY = r"(?P<a>\d{4})\s*[/-]\s*(?P<b>\d{2}|\d{4})"
Reader = Callable[[re.Match[str], Context], Reading | None]
FORMS: tuple[tuple[str, str, Reader], ...] = (
    # (name, pattern over the normalised text, reading)
    ("iso date", r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})",
     lambda m, _: _day(m["d"], _month_number(m["m"]), m["y"])),
    ("financial year", rf"(?:(?:fy|financial year) )?{FY}", lambda m, _: _fy(m)),
    ("financial year", r"(?:fy|financial year) ?(?P<a>\d{2})\s*[/-]\s*(?P<b>\d{2})",
     lambda m, _: _fy(m)),
    ("iso month", r"(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])",
     lambda m, _: _month(int(m["m"]), m["y"])),
    ("date", rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)? (?P<m>{MONTH}),? (?P<y>\d{{4}})",
     lambda m, _: _day(m["d"], MONTHS[m["m"]], m["y"])),
    ("date", rf"(?P<m>{MONTH}) (?P<d>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<y>\d{{4}})",
     lambda m, _: _day(m["d"], MONTHS[m["m"]], m["y"])),
    ("numeric date", r"(?P<d>\d{1,2})[/.](?P<m>\d{1,2})[/.](?P<y>\d{4}|\d{2})",
     lambda m, _: _day(m["d"], _month_number(m["m"]), m["y"])),
    ("month", rf"(?P<m>{MONTH}),? (?P<y>\d{{4}})", lambda m, _: _month(MONTHS[m["m"]], m["y"])),
    ("month", rf"(?P<m>{MONTH})(?:-| ')(?P<y>\d{{2}})",  # Excel's mmm-yy: 'Mar-26', "Mar '26"
     lambda m, _: _month(MONTHS[m["m"]], m["y"])),
    ("quarter", rf"q[1-4],? (?:fy ?)?{FY}|\d{{4}} ?- ?q[1-4]", _reporting_quarter),
    ("quarter", rf"quarter ?(?P<q>[1-4]),? (?:of )?(?:fy ?)?{FY}",
     lambda m, _: _fy(m, int(m["q"]))),
    ("quarter", r"(?:q|quarter) ?(?P<q>[1-4])", _quarter_alone),
    ("season", r"(?P<s>spring|summer|autumn|fall|winter) (?P<y>\d{4})",
     lambda m, _: _season(m["s"], int(m["y"]))),
    ("season", rf"winter {FY}",
     lambda m, _: _season("winter", first) if (first := _fy_first(m["a"], m["b"])) else None),
    ("year", r"(?P<y>\d{4})",
     lambda m, _: Reading(date(int(m["y"]), 1, 1), date(int(m["y"]), 12, 31))),
)  # fmt: skip
COMPILED = tuple((name, re.compile(pattern), read) for name, pattern, read in FORMS)

ONGOING = re.compile(r"on[- ]?going(?: \([^)]*\))?|continuous|continual")
UNKNOWN = re.compile(r"tbc|tba|tbd|to be (?:confirmed|agreed|decided|determined)")
DEADLINE = re.compile(r"(?:by )?(?:the )?end(?: of)? (?P<x>.+)|by (?P<y>.+)")
THROUGHOUT = re.compile(r"(?:throughout|during|over|across) (?P<x>.+)")
PERIOD_PREFIX = re.compile(r"(?:(?:the )?project runs )?(?:from |between )?")
PERIOD_SEPARATOR = re.compile(r" - | to | until | and |-")
YEAR_TAIL = re.compile(r"(?:\d{4}|\d{4}\s*[/-]\s*\d{2,4})$")


def _month_number(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 12:
        raise DateError(f"there is no month {value}")
    return value


def normalise(text: str) -> str:
    """Lower case, one space, dashes as ' - ', no trailing full stop."""
    clean = " ".join(text.split()).rstrip(". ").lower().replace("’", "'")
    return DASH.sub(lambda m: " - " if m.group(0).strip() != m.group(0) else "-", clean)


def _point(text: str, context: Context) -> tuple[str, Reading] | None:
    """Read ``text`` as one of the table's forms, or None."""
    for name, pattern, read in COMPILED:
        match = pattern.fullmatch(text)
        reading = read(match, context) if match else None
        if reading is not None:
            return name, reading
    return None


def _period(text: str, context: Context) -> tuple[str, Reading] | None:
    """'X - Y', 'from X to Y', 'April - June 2025': X's start to Y's end."""
    body = text[PERIOD_PREFIX.match(text).end() :]  # type: ignore[union-attr]
    for separator in PERIOD_SEPARATOR.finditer(body):
        left, right = body[: separator.start()].strip(), body[separator.end() :].strip()
        if not left or not right:
            continue
        last = _point(right, context)
        if last is None:
            continue
        first = _point(left, context)
        if first is None:
            year = YEAR_TAIL.search(right)
            if year is None or YEAR_TAIL.search(left):
                continue
            first = _point(f"{left} {year.group(0)}", context)
            if first is None:
                continue
        start = first[1].start or first[1].end
        end = last[1]
        if end.end < start:
            raise DateError("the period ends before it starts")
        return "period", Reading(start, end.end, end.precision)
    return None


def parse_target_date(text: str, context: Context = None) -> TargetDate:
    """Read one target as written into a :class:`TargetDate`; raise DateError if unreadable.

    ``context`` is the plan's financial year, used only by a quarter written alone ("Q3").
    """
    written = " ".join(text.split()).rstrip(". ")
    if len(written) > MAX_LENGTH:
        raise DateError(f"the target date '{written[:40]}...' is too long to be a date")
    clean = normalise(written)
    if ONGOING.fullmatch(clean):
        return TargetDate(written, "ongoing", ongoing=True)
    if UNKNOWN.fullmatch(clean):
        return TargetDate(written, "to be confirmed", unknown=True)
    try:
        found = _read(clean, context)
    except DateError as exc:
        raise DateError(f"cannot read the target date '{written}': {exc}") from None
    if found is None:
        raise DateError(f"cannot read the target date '{written}': {EXPECTED}")
    form, reading = found
    return TargetDate(written, form, reading.start, reading.end, reading.precision)


def _read(clean: str, context: Context) -> tuple[str, Reading] | None:
    deadline = DEADLINE.fullmatch(clean)
    if deadline:
        inner = _read(deadline["x"] or deadline["y"], context)
        if inner is None:
            return None
        return "deadline", Reading(None, inner[1].end, inner[1].precision)
    throughout = THROUGHOUT.fullmatch(clean)
    if throughout:
        return _read(throughout["x"], context)
    return _point(clean, context) or _period(clean, context)
