"""Council workbooks as people make them: random FICTIONAL plans (merged cells, title rows,
spacer rows, note rows, shuffled and renamed columns, extra columns) come back whole."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cspkg.rdf.plan_document import read_plan_document
from cspkg.rdf.plan_parser import parse_plan
from cspkg.rdf.plan_record import priority_key
from tests.rdf.test_plan_tables import (
    KNOWS,
    MONTHS,
    PRIORITY_POOL,
    REGISTERED,
    WORDS,
    targets,
)

TITLES = {
    "ref": ("Ref", "No.", "Action ref"),
    "action": ("Action", "What we will do", "Key actions", "Activity"),
    "lead": ("Lead", "Lead agency", "Owner", "Lead organisation(s)"),
    "partners": ("Partners", "Partners involved", "Supporting agencies involved",
                 "Key partners"),
    "priority": ("Priority", "Strategic priority", "Theme", "Priority area"),
    "target": ("Timescale", "Target date", "By when", "Target completion date", "Due by"),
    "outcome": ("Outcome", "How we will know", "Success measures", "KPI"),
}  # fmt: skip
EXTRA = ("RAG", "Lead officer", "Budget", "Comments")
NOTES = ("Note: ratings are reviewed quarterly.", "Key: R red, A amber, G green",
         "Source: the fictional strategic assessment", "* fictional footnote")  # fmt: skip


def _joined(names: list[str], style: str) -> str:
    if style == "and" and len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return ("\n" if style == "lines" else "; ").join(names)


@st.composite
def workbooks(draw: st.DrawFn) -> dict[str, object]:
    priorities = draw(st.lists(st.sampled_from(PRIORITY_POOL), min_size=1, max_size=4, unique=True))
    headings = draw(st.booleans())
    actions = []
    for number in range(draw(st.integers(1, 7))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=6))
        text = f"Fictional {' '.join(words)} {number}."
        leads = draw(st.lists(st.sampled_from(REGISTERED), min_size=1, max_size=2, unique=True))
        partners = draw(st.lists(st.sampled_from(REGISTERED), max_size=3, unique=True))
        priority = draw(st.sampled_from(priorities))
        excel = draw(st.booleans())
        target = draw(targets())
        if excel:  # an Excel date cell, shown as a date or as 'Mar-26'
            day = date(draw(st.integers(2025, 2029)), draw(st.integers(1, 12)), 15)
            shown = draw(st.sampled_from(["dd/mm/yyyy", "mmm-yy"]))
            target = (datetime(day.year, day.month, day.day), shown)
        extras = {e: draw(st.sampled_from(["", "Green", "A. Fictional", "£1,000"])) for e in EXTRA}
        actions.append({"ref": f"F{number + 1}", "text": text, "leads": leads,
                        "partners": partners, "priority": priority, "target": target,
                        "outcome": draw(st.sampled_from(["", "Fictional outcome"])),
                        "extras": extras, "spacer": draw(st.booleans())})  # fmt: skip
    actions.sort(key=lambda a: priorities.index(a["priority"]))  # grouped, for merges
    keys = ["ref", "action", "lead", "partners", "target", "outcome"]
    keys += [] if headings else ["priority"]
    extras = draw(st.lists(st.sampled_from(EXTRA), max_size=2, unique=True))
    order = draw(st.permutations(keys + extras))
    if order.index("action") > 0 and draw(st.booleans()):
        order = ["action", *[k for k in order if k != "action"]]
    return {
        "priorities": priorities,
        "headings": headings,
        "actions": actions,
        "order": order,
        "titles": {k: draw(st.sampled_from(v)) for k, v in TITLES.items()} | {e: e for e in extras},
        "style": draw(st.sampled_from(["lines", "semicolons", "and"])),
        "title_rows": draw(st.sampled_from(["one", "two", "merged", "readme"])),
        "merge_priorities": draw(st.booleans()),
        "notes": draw(st.lists(st.sampled_from(NOTES), max_size=2, unique=True)),
    }


def write_workbook(path: Path, plan: dict[str, object]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    front = ["FICTIONAL TEST PLAN written by a property-based test.", "Our strategic priorities"]
    front += list(plan["priorities"])  # type: ignore[call-overload]
    title = "Exampleton Community Safety Partnership Delivery Plan 2026/27"
    if plan["title_rows"] == "readme":
        about = book.create_sheet("Read me", 0)
        for line in (title, *front):
            about.append([line])
    else:
        rows = {"one": [title], "merged": [title],
                "two": ["Exampleton Community Safety Partnership", "Delivery Plan 2026/27"]}  # fmt: skip
        for line in rows[plan["title_rows"]] + front + [None]:  # type: ignore[index]
            sheet.append([line])
    order: list[str] = plan["order"]  # type: ignore[assignment]
    width = len(order)
    if plan["title_rows"] == "merged":
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([plan["titles"][key] for key in order])  # type: ignore[index]
    current, first = None, 0
    column = order.index("priority") + 1 if "priority" in order else 0
    for action in plan["actions"]:  # type: ignore[attr-defined]
        if action["priority"] != current:
            if column and plan["merge_priorities"] and first and sheet.max_row > first:
                sheet.merge_cells(start_row=first, start_column=column, end_row=sheet.max_row,
                                  end_column=column)  # fmt: skip
            current, first = action["priority"], 0
            if plan["headings"]:
                sheet.append([f"Priority: {current}"])
                sheet.merge_cells(start_row=sheet.max_row, start_column=1,
                                  end_row=sheet.max_row, end_column=width)  # fmt: skip
        target = action["target"]
        values = {"ref": action["ref"], "action": action["text"],
                  "lead": _joined(action["leads"], plan["style"]),
                  "partners": _joined(action["partners"], plan["style"]),
                  "priority": action["priority"], "target": target[0],
                  "outcome": action["outcome"], **action["extras"]}  # fmt: skip
        sheet.append([values[key] for key in order])
        if isinstance(target[0], datetime):
            sheet.cell(sheet.max_row, order.index("target") + 1).number_format = target[1]
        first = first or sheet.max_row
        if action["spacer"]:
            sheet.append([None])
    if column and plan["merge_priorities"] and first and sheet.max_row > first:
        last = sheet.max_row - (1 if plan["actions"][-1]["spacer"] else 0)  # type: ignore[index]
        if last > first:
            sheet.merge_cells(start_row=first, start_column=column, end_row=last,
                              end_column=column)  # fmt: skip
    sheet.append([None])
    for note in plan["notes"]:  # type: ignore[attr-defined]
        sheet.append([note])
    book.save(str(path))
    return path


def _due(target: tuple[object, object]) -> date | None:
    """The last day an Excel date cell allows: the day, or the month's end if shown 'mmm-yy'."""
    value, shown = target
    if not isinstance(value, datetime):
        return None
    if shown == "mmm-yy":
        from cspkg.rdf.dates import month_end

        return month_end(value.year, value.month)
    return value.date()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(plan=workbooks())
def test_random_workbooks_come_back_whole(tmp_path: Path, plan: dict[str, object]) -> None:
    path = write_workbook(tmp_path / "random.xlsx", plan)
    record = parse_plan(read_plan_document(path), knows_agency=KNOWS)
    assert (record.partnership, record.year) == ("Exampleton", "2026/27")
    assert [p.label for p in record.priorities] == plan["priorities"]
    assert not [w for w in record.warnings if "not in the plan's list" in w.message]
    assert len(record.actions) == len(plan["actions"])  # type: ignore[arg-type]
    notes = [w for w in record.warnings if "a note under the table" in w.message]
    assert len(notes) == len(plan["notes"])  # type: ignore[arg-type]
    extras = [k for k in plan["order"] if k in EXTRA]  # type: ignore[attr-defined]
    unmapped = [w.where for w in record.warnings if "no property holds" in w.message]
    assert len(unmapped) == len(extras) and all(
        any(f"'{e}'" in where for where in unmapped) for e in extras
    )
    for got, want in zip(record.actions, plan["actions"], strict=True):  # type: ignore[call-overload]
        assert got.paragraphs == (want["text"],)
        assert got.reference == want["ref"]
        assert [n.text for n in got.responsible] == want["leads"]
        assert [n.text for n in got.supporting] == want["partners"]
        assert {priority_key(p.text) for p in got.priorities} == {priority_key(want["priority"])}
        assert (got.outcome or "") == want["outcome"]
        assert dict(got.annotations) == {e: want["extras"][e] for e in extras if want["extras"][e]}
        text, end = want["target"]
        assert got.target is not None
        if isinstance(text, datetime):
            assert got.target.end == _due(want["target"])
        elif text == "TBC":
            assert got.target.unknown
        elif end is not None and got.target.end is not None:
            assert got.target.end.replace(day=1) == end.replace(day=1)
            if not text.startswith(MONTHS[end.month - 1]):
                assert got.target.end == end
