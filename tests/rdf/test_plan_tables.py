"""Table layouts: random FICTIONAL Word table plans come back whole; bad cells are named."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspkg.config import Settings
from cspkg.errors import PlanDocumentError
from cspkg.rdf.agency_register import REGISTER_FILE, load_register
from cspkg.rdf.plan_document import MAX_ROWS, read_plan_document
from cspkg.rdf.plan_layout import load_layout
from cspkg.rdf.plan_parser import parse_plan
from cspkg.rdf.plan_record import PlanRecord, priority_key
from cspkg.services.plan_import import import_plan
from tests.fixtures.plans.layouts import write_table_docx, write_xlsx

REGISTER = load_register(Path(__file__).parents[2] / "data" / REGISTER_FILE)
KNOWS = lambda name: REGISTER.resolve(name) is not None  # noqa: E731
PRIORITY_POOL = ("Anti-Social Behaviour", "Domestic Abuse", "Fraud", "Road Safety",
                 "Knife Crime", "Hate Crime", "Modern Slavery", "Rural Crime")  # fmt: skip
REGISTERED = ("Staffordshire Police", "Probation Service", "Vysions Youth Service",
              "Cannock Chase District Council", "Staffordshire Fire and Rescue Service")  # fmt: skip
FICTIONAL = ("Exampleton Allotment Society", "Exampleton Bowls Club", "Friends of Example Park")
WORDS = ("fictional", "patrol", "scheme", "review", "youth", "sessions", "awareness", "week",
         "talks", "residents", "pilot", "training", "mapping", "visits", "campaign")  # fmt: skip
TITLES = {
    "action": ("Action", "Activity", "What we will do"),
    "lead": ("Lead", "Lead agency", "Owner", "Responsible"),
    "partners": ("Partners", "Supporting partners", "Additional agencies"),
    "priority": ("Priority", "Strategic priority", "Theme"),
    "target": ("Timescale", "Target date", "By when", "Deadline"),
}
MONTHS = ("January February March April May June July August September October November "
          "December").split()  # fmt: skip


@st.composite
def targets(draw: st.DrawFn) -> tuple[str, date | None]:
    """A target as a person writes it, and the last day it allows."""
    year = draw(st.integers(2024, 2030))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    quarter = draw(st.integers(1, 4))
    form = draw(st.sampled_from(["month", "date", "numeric", "fy", "quarter", "season", "tbc"]))
    ends = {
        "month": (f"{MONTHS[month - 1]} {year}", date(year, month, 28)),
        "date": (f"{day} {MONTHS[month - 1]} {year}", date(year, month, day)),
        "numeric": (f"{day:02d}/{month:02d}/{year}", date(year, month, day)),
        "fy": (f"{year}/{(year + 1) % 100:02d}", date(year + 1, 3, 31)),
        "quarter": (f"Q{quarter} {year}/{(year + 1) % 100:02d}", None),
        "season": (f"Spring {year}", date(year, 5, 31)),
        "tbc": ("TBC", None),
    }
    return ends[form]


@st.composite
def table_plans(draw: st.DrawFn) -> dict[str, object]:
    priorities = draw(st.lists(st.sampled_from(PRIORITY_POOL), min_size=1, max_size=4, unique=True))
    headings = draw(st.booleans())
    actions = []
    for _ in range(draw(st.integers(1, 7))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=7))
        text = " ".join(words).capitalize() + "."
        pool = REGISTERED + FICTIONAL
        leads = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True))
        partners = draw(st.lists(st.sampled_from(pool), max_size=3, unique=True))
        count = 1 if headings else draw(st.integers(1, len(priorities)))
        chosen = draw(st.lists(st.sampled_from(priorities), min_size=count, max_size=count,
                               unique=True))  # fmt: skip
        actions.append((text, leads, partners, chosen, draw(targets())))
    if headings:
        actions.sort(key=lambda a: priorities.index(a[3][0]))
    titles = {key: draw(st.sampled_from(options)) for key, options in TITLES.items()}
    separator = draw(st.sampled_from(["\n", "; "]))
    return {"priorities": priorities, "headings": headings, "actions": actions,
            "titles": titles, "separator": separator}  # fmt: skip


def write_plan(path: Path, plan: dict[str, object]) -> Path:
    document = Document()
    document.add_heading("Exampleton Community Safety Partnership Plan 2026/27", level=1)
    document.add_paragraph("FICTIONAL TEST PLAN written by a property-based test.")
    document.add_heading("Strategic priorities", level=2)
    for priority in plan["priorities"]:  # type: ignore[attr-defined]
        document.add_paragraph(priority, style="List Bullet")
    titles, sep, headings = plan["titles"], plan["separator"], plan["headings"]
    keys = ["action", "lead", "partners", *([] if headings else ["priority"]), "target"]
    table = document.add_table(rows=1, cols=len(keys))
    for column, key in enumerate(keys):
        table.cell(0, column).text = titles[key]  # type: ignore[index]
    current = None
    for text, leads, partners, chosen, (target, _end) in plan["actions"]:  # type: ignore[attr-defined]
        if headings and chosen[0] != current:
            row = table.add_row()
            row.cells[0].merge(row.cells[-1]).text = chosen[0]
            current = chosen[0]
        values = {"action": text, "lead": sep.join(leads), "partners": sep.join(partners),  # type: ignore[attr-defined]
                  "priority": sep.join(chosen), "target": target}  # type: ignore[attr-defined]  # fmt: skip
        row = table.add_row()
        for column, key in enumerate(keys):
            row.cells[column].text = values[key]
    document.save(str(path))
    return path


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(plan=table_plans())
def test_random_table_plans_come_back_whole(tmp_path: Path, plan: dict[str, object]) -> None:
    path = write_plan(tmp_path / "random.docx", plan)
    record = parse_plan(read_plan_document(path), knows_agency=KNOWS)
    assert [p.label for p in record.priorities] == plan["priorities"]
    assert not [w for w in record.warnings if "priority" in w.message]
    assert len(record.actions) == len(plan["actions"])  # type: ignore[arg-type]
    for got, (text, leads, partners, chosen, (target, end)) in zip(
        record.actions,
        plan["actions"],
        strict=True,  # type: ignore[call-overload]
    ):
        assert got.paragraphs == (text,)
        assert [n.text for n in got.responsible] == leads
        assert [n.text for n in got.supporting] == partners
        assert {priority_key(p.text) for p in got.priorities} == {priority_key(c) for c in chosen}
        assert got.target is not None and got.target.text == target
        if target == "TBC":
            assert got.target.unknown
        elif end is not None and got.target.end is not None:
            assert got.target.end.replace(day=1) == end.replace(day=1)
            if not target.startswith(MONTHS[end.month - 1]):
                assert got.target.end == end
        else:
            assert got.target.form == "quarter" and got.target.end is not None


def _docx_with_target(tmp_path: Path, target: str) -> Path:
    path = write_table_docx(tmp_path / "plan.docx", headings=False)
    text = path.read_bytes()
    assert b"Spring 2027" in zipfile.ZipFile(path).read("word/document.xml")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "bad.docx", "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"Spring 2027", target.encode())
            out.writestr(item, data)
    assert text
    return tmp_path / "bad.docx"


def test_unreadable_date_names_table_row_and_column(settings: Settings, tmp_path: Path) -> None:
    bad = _docx_with_target(tmp_path, "whenever we can")
    out = tmp_path / "out"
    with pytest.raises(PlanDocumentError) as caught:
        import_plan(bad, settings, out)
    assert str(caught.value) == (
        "bad.docx: table 1, row 5, column 'By when': cannot read the target date "
        "'whenever we can': " + str(caught.value).split("'whenever we can': ")[1]
    )
    assert caught.value.line is not None
    assert not out.exists()


def test_unreadable_date_in_a_sheet_names_row_and_column_letter(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "plan.xlsx")
    book = load_workbook(path)
    book.active["F13"] = "next spring"
    book.save(path)
    with pytest.raises(PlanDocumentError) as caught:
        parse_plan(read_plan_document(path))
    assert str(caught.value).startswith(
        "plan.xlsx: sheet 'Delivery plan', row 13, column F ('By when'): "
        "cannot read the target date 'next spring'"
    )


def test_missing_lead_names_the_cell(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "plan.xlsx")
    book = load_workbook(path)
    book.active["C10"] = "N/A"
    book.save(path)
    with pytest.raises(PlanDocumentError, match=r"row 10, column C \('Lead'\): the action has no"):
        parse_plan(read_plan_document(path))


def test_commas_split_only_registered_names(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "plan.xlsx")
    book = load_workbook(path)
    book.active["D10"] = "Staffordshire Police, Probation Service"
    book.active["D11"] = "Smith, Jones and Partners"
    book.active["D12"] = "-"
    book.save(path)
    record = parse_plan(read_plan_document(path), knows_agency=KNOWS)
    supporting = [[n.text for n in a.supporting] for a in record.actions[:3]]
    assert supporting == [["Staffordshire Police", "Probation Service"],
                          ["Smith, Jones and Partners"], []]  # fmt: skip


def test_too_many_rows_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("big")
    for number in range(MAX_ROWS + 1):
        sheet.append([f"row {number}"])
    book.save(tmp_path / "big.xlsx")
    with pytest.raises(PlanDocumentError, match=f"sheet 'big' has more than {MAX_ROWS} rows"):
        read_plan_document(tmp_path / "big.xlsx")


def test_a_package_that_unpacks_too_far_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"\0" * 101_000_000)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(PlanDocumentError, match="unpacks to too much"):
        read_plan_document(path)


def test_layout_file_names_what_synonyms_cannot(tmp_path: Path) -> None:
    document = Document()
    document.add_paragraph("FICTIONAL TEST PLAN for the layout file.")
    table = document.add_table(rows=2, cols=4)
    titles = ("Initiative", "Accountable body", "Completion", "Focus")
    values = ("Fictional lantern walk.", "Staffordshire Police", "Q2", "Dark Evenings")
    for column, (title, value) in enumerate(zip(titles, values, strict=True)):
        table.cell(0, column).text = title
        table.cell(1, column).text = value
    path = tmp_path / "odd.docx"
    document.save(str(path))
    with pytest.raises(PlanDocumentError, match="no actions found"):
        parse_plan(read_plan_document(path))
    layout_file = tmp_path / "odd.toml"
    layout_file.write_text(
        'partnership = "Exampleton"\nyear = "2026-27"\n\n[columns]\naction = "Initiative"\n'
        'responsible = "Accountable body"\ntarget = "Completion"\npriorities = "Focus"\n',
        encoding="utf-8",
    )
    record: PlanRecord = parse_plan(read_plan_document(path), load_layout(layout_file))
    assert (record.partnership, record.year) == ("Exampleton", "2026/27")
    assert record.layout.endswith("as layout file odd.toml says")
    action = record.actions[0]
    assert action.target is not None and action.target.end == date(2026, 9, 30)
    assert [p.label for p in record.priorities] == ["Dark Evenings"]
    assert [w.message.split(";")[0] for w in record.warnings] == [
        "the plan lists no strategic priorities",
        "priority 'Dark Evenings' is not in the plan's list of strategic priorities",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('colour = "red"\n', "unknown key(s) colour"),
        ('layout = "poster"\n', 'layout must be "narrative" or "table"'),
        ("table = 0\n", "table must be a whole number from 1"),
        ('[columns]\nwho = "Lead"\n', "unknown column field(s) who"),
        ("table = [\n", "not a TOML layout file"),
    ],
)
def test_layout_file_mistakes(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "layout.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanDocumentError) as caught:
        load_layout(path)
    assert message in str(caught.value) and str(caught.value).startswith("layout.toml: ")


def test_unknown_commissioner_plan_is_imported_as_stated_with_a_warning(
    settings: Settings, tmp_path: Path
) -> None:
    path = write_table_docx(tmp_path / "plan.docx", headings=False)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "w.docx", "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"Staffordshire Police, Fire", b"Westmere Police, Fire")
                data = data.replace(b"2024-28", b"2019-22")
            out.writestr(item, data)
    report = import_plan(tmp_path / "w.docx", settings, tmp_path / "out")
    assert any(
        "Westmere Police and Crime Plan 2019-22 is not a Commissioner's plan the project knows"
        in w.message
        for w in report.warnings
    )
    assert (tmp_path / "out/commissioner/westmere-police-and-crime-plan-2019-22.ttl").is_file()


def test_a_sheet_with_priority_rows_over_its_actions(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["FICTIONAL: Exampleton CSP action plan 2026-27"])
    sheet.append(["No.", "What we will do", "Owner", "Deadline"])
    sheet.append(["Priority 1: Fraud"])
    sheet.append(["1", "Fictional scam talks.", "Staffordshire Police", "Q2"])
    sheet.append(["Priority 2: Rural Crime"])
    sheet.append(["2", "Fictional farm watch.", "Staffordshire Police", "31/01/2027"])
    book.save(tmp_path / "plan.xlsx")
    record = parse_plan(read_plan_document(tmp_path / "plan.xlsx"))
    assert record.layout.endswith("priorities as row headings)")
    assert [(a.reference, a.heading.text if a.heading else None) for a in record.actions] == [
        ("1", "Fraud"),
        ("2", "Rural Crime"),
    ]
    assert [a.target.end if a.target else None for a in record.actions] == [
        date(2026, 9, 30),
        date(2027, 1, 31),
    ]
    assert [w.where for w in record.warnings if "not in the plan's list" in w.message] == [
        "sheet 'Sheet', row 3",
        "sheet 'Sheet', row 5",
    ]


def test_notes_are_reported_never_priorities_and_only_trailing_notes_end_the_table(
    tmp_path: Path,
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["FICTIONAL: Exampleton Community Safety Partnership Plan 2026/27"])
    sheet.append(["Action", "Lead", "Priority", "By when"])
    sheet.append(["Fictional lantern walk.", "Staffordshire Police", "Fraud", "Q3"])
    sheet.append(["Note: the next action is new this year."])
    sheet.append([None])
    sheet.append(["Fictional litter pick.", "Staffordshire Police", "Fraud", "Q4"])
    sheet.append([None])
    sheet.append(["Updated quarterly by the fictional partnership team"])
    sheet.append(["Contact: fictional@example.org"])
    book.save(tmp_path / "notes.xlsx")
    record = parse_plan(read_plan_document(tmp_path / "notes.xlsx"))
    assert [a.paragraphs[0] for a in record.actions] == [
        "Fictional lantern walk.",
        "Fictional litter pick.",
    ]
    assert [p.label for p in record.priorities] == ["Fraud"]
    inside = [w.where for w in record.warnings if "a note in the table" in w.message]
    under = [w.where for w in record.warnings if "a note under the table" in w.message]
    assert inside == ["sheet 'Sheet', row 4"]
    assert under == ["sheet 'Sheet', row 8", "sheet 'Sheet', row 9"]
