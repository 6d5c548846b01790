"""One number everywhere: each delivery figure read from every view of it agrees.

Two partnerships' plans (the seed and the fictional Exampleton), both Police and Crime
Plans, and two quarters of FICTIONAL updates (tests/fixtures/consistency/README.md: four
actions Complete in Q3 and silent in Q4, a superseded update, a supporter's update sent
through the progress form).  For each figure one test reads the delivery page, its JSON,
the canned query (its JSON twin and its .xlsx), the board report (HTML and Word) and the
CLI, and finds one number, the hand-counted one.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from flask.testing import FlaskClient
from openpyxl import load_workbook

from cspkg.cli import cli
from cspkg.config import Settings, load_settings
from cspkg.services.plan_import import import_plan
from cspkg.services.progress_import import import_progress
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from cspkg.web import create_app

from .conftest import FIXTURES

HERE = FIXTURES / "consistency"
B = "https://cspkg.example.org/"
CANNOCK = "cannock-chase-csp/2024-25"
EXAMPLETON = "exampleton-csp/2024-25"
POLICE_TOKEN = "fictional-police-token"
QUARTER = "2024-Q4"
AS_AT = "2025-04-01"
"""The day after Q4: the quarter as it closed, the delivery page's default for overdue."""
PCP_2021 = B + "id/police-and-crime-plan/staffordshire/2021-24"
PCP_2024 = B + "id/police-and-crime-plan/staffordshire/2024-28"
RETURNS = (
    ("cannock-chase-2024-q3.csv", CANNOCK),
    ("cannock-chase-2024-q3-resubmitted.csv", CANNOCK),
    ("cannock-chase-2024-q4.csv", CANNOCK),
    ("exampleton-2024-q3.csv", EXAMPLETON),
    ("exampleton-2024-q4.csv", EXAMPLETON),
)


@dataclass(frozen=True)
class World:
    """The service over the fixture, and the CLI over the same data folder."""

    client: FlaskClient
    settings: Settings
    runner: CliRunner

    def cli(self, *args: str) -> str:
        result = self.runner.invoke(
            cli, list(args), env={"CSPKG_DATA_DIR": str(self.settings.data_dir)}
        )
        assert result.exit_code == 0, result.output
        return result.output


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    served = load_settings(environ={})
    data = tmp_path_factory.mktemp("consistency") / "data"
    shutil.copytree(served.data_dir, data, ignore=shutil.ignore_patterns("crime", "progress"))
    settings = replace(
        served,
        data_dir=data,
        progress_files=True,
        agency_tokens=(("staffordshire-police", POLICE_TOKEN),),
    )
    import_plan(FIXTURES / "plans" / "exampleton-csp-delivery-plan-2024-25.txt", settings, data)
    for name, plan in RETURNS:
        import_progress(HERE / name, settings, plan, today=date(2025, 4, 10))
    store = EmbeddedStore()
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, data]))
    client = create_app(settings, store).test_client()
    # the supporter's update: Staffordshire Police supports action 14
    answers = {"token": POLICE_TOKEN, "action": "14", "period": "Q4 2024/25",
               "status": "At risk", "commentary": "Fictional: partners' patrols cut."}  # fmt: skip
    sent = client.post(f"/delivery/{CANNOCK}/progress", data=answers)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    yield World(client, settings, CliRunner())
    store.close()


# --- reading the views -----------------------------------------------------------------


class _Tables(HTMLParser):
    """Every table of a page with its caption or the heading before it, cells as text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.heading = ""
        self._text: list[str] | None = None
        self._in: str | None = None
        self._rows: list[list[str]] | None = None
        self._caption = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3", "caption", "th", "td"):
            self._in, self._text = tag, []
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in and self._text is not None:
            text = " ".join("".join(self._text).split())
            if tag in ("h2", "h3"):
                self.heading = text
            elif tag == "caption":
                self._caption = text
            elif self._rows:
                self._rows[-1].append(text)
            self._in, self._text = None, None
        if tag == "table" and self._rows is not None:
            self.tables.append((self._caption or self.heading, self._rows))
            self._rows = None


def html_tables(html: str) -> list[tuple[str, list[list[str]]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def docx_tables(data: bytes) -> list[tuple[str, list[list[str]]]]:
    """Word tables with the heading paragraph before each, in document order."""
    document = Document(BytesIO(data))
    found: list[tuple[str, list[list[str]]]] = []
    heading = ""
    tables = iter(document.tables)
    paragraphs = {p._p: p for p in document.paragraphs}
    for block in document.element.body.iterchildren():
        if block in paragraphs and paragraphs[block].style.name.startswith("Heading"):
            heading = paragraphs[block].text.strip()
        elif block.tag.endswith("}tbl"):
            table = next(tables)
            rows = [[" ".join(cell.text.split()) for cell in row.cells] for row in table.rows]
            found.append((heading, rows))
    return found


def table(tables: list[tuple[str, list[list[str]]]], title: str) -> list[list[str]]:
    """The table whose caption or heading starts with ``title``."""
    for name, rows in tables:
        if name.startswith(title):
            return rows
    raise AssertionError(f"no table '{title}' in {[name for name, _ in tables]}")


def cell(rows: list[list[str]], row: str, column: str) -> int:
    """The number in the row whose first cell is ``row``, under the header ``column``."""
    header = rows[0]
    at = next(i for i, title in enumerate(header) if title.startswith(column))
    found = [r for r in rows[1:] if r and r[0] == row]
    assert len(found) == 1, (row, [r[0] for r in rows[1:]])
    return int(found[0][at])


def xlsx_records(data: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(BytesIO(data), read_only=True)["Answer"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip([str(h) for h in rows[0]], row, strict=True)) for row in rows[1:]]


def csv_records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(text)))


def _twins(world: World, name: str, params: dict[str, str]) -> dict[str, list[dict[str, object]]]:
    """The canned query's rows from its JSON twin, its .xlsx and ``cspkg query`` (CSV)."""
    json = world.client.get(f"/queries/{name}.json", query_string=params)
    assert json.status_code == 200, json.get_data(as_text=True)
    workbook = world.client.get(f"/queries/{name}.xlsx", query_string=params)
    assert workbook.status_code == 200
    args = [a for k, v in params.items() for a in ("-p", f"{k}={v}")]
    return {
        "json": [{k: v and v["value"] for k, v in row.items()} for row in json.get_json()["rows"]],
        "xlsx": xlsx_records(workbook.data),
        "cli": csv_records(world.cli("query", name, *args, "--format", "csv")),  # type: ignore[dict-item]
    }


def _delivery(world: World, plan: str) -> tuple[str, dict[str, object]]:
    page = world.client.get(f"/delivery/{plan}?period={QUARTER}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    json = world.client.get(f"/delivery/{plan}.json?period={QUARTER}")
    return page.get_data(as_text=True), json.get_json()


def _board(world: World, plan: str, tmp: Path) -> dict[str, list[tuple[str, list[list[str]]]]]:
    """The board report's tables: HTML and Word downloads, and Word from ``cspkg report``."""
    html = world.client.get(f"/delivery/{plan}/board-report.html?period={QUARTER}")
    word = world.client.get(f"/delivery/{plan}/board-report.docx?period={QUARTER}")
    out = tmp / "board.docx"
    world.cli("report", plan, "--period", QUARTER, "--format", "docx", "--out", str(out))
    return {
        "report html": html_tables(html.get_data(as_text=True)),
        "report docx": docx_tables(word.data),
        "cli report": docx_tables(out.read_bytes()),
    }


# --- the figures -------------------------------------------------------------------------

LABELS = {
    "not-started": "Not started", "on-track": "On track", "at-risk": "At risk",
    "off-track": "Off track", "complete": "Complete", "withdrawn": "Withdrawn",
    "no-update": "No update",
}  # fmt: skip
Grid = dict[tuple[str, str], int]
"""(priority, status) -> actions."""


def _grid(rows: list[list[str]]) -> Grid:
    """A counts table (priorities down, statuses across, then Actions) as a grid."""
    header = [title.split(" (")[0] for title in rows[0]]
    return {
        (row[0], header[i]): int(row[i])
        for row in rows[1:]
        for i in range(1, len(header) - 1)
        if int(row[i])
    }


def _json_grid(rows: list[dict[str, object]]) -> Grid:
    return {
        (str(r["priorityLabel"]), LABELS[key]): int(n)  # type: ignore[call-overload]
        for r in rows
        for key, n in r["byStatus"].items()  # type: ignore[attr-defined]
        if n
    }


def _query_grid(rows: list[dict[str, object]]) -> Grid:
    """Rows of priority, status and actions (the xlsx and CSV say it in words)."""
    grid: Grid = {}
    for r in rows:
        words = {k: v for k, v in r.items() if "(IRI)" not in k}  # the xlsx: titles in words
        priority = r.get("priorityLabel") or next(
            v for k, v in words.items() if k.lower().endswith("priority")
        )
        status = r.get("statusLabel") or r.get("Status")
        count = int(r.get("actions") or r.get("Actions") or 0)  # type: ignore[call-overload]
        if count:
            grid[(str(priority), str(status))] = count
    return grid


def _numbers(rows: list[list[str]]) -> list[int]:
    """The action numbers (first column) of a table of actions."""
    return [int(row[0]) for row in rows[1:] if row and row[0].isdigit()]


def _ordinals(rows: list[dict[str, object]]) -> list[int]:
    return sorted(int(r.get("ordinal") or r.get("Ordinal") or 0) for r in rows)  # type: ignore[call-overload]


def test_status_counts_per_csp_priority(world: World, tmp_path: Path) -> None:
    page, model = _delivery(world, CANNOCK)
    views = {
        "page": _grid(table(html_tables(page), "Actions per CSP priority")),
        "json": _json_grid(model["byCspPriority"]),  # type: ignore[arg-type]
    }
    for name, tables in _board(world, CANNOCK, tmp_path).items():
        views[name] = _grid(table(tables, "Actions per CSP priority" if "html" in name else
                                  "Delivery by CSP priority"))  # fmt: skip
    for name, rows in _twins(
        world, "delivery-status", {"plan": CANNOCK, "period": QUARTER}
    ).items():
        views[f"delivery-status {name}"] = _query_grid(rows)
    asb = {status: n for (p, status), n in views["page"].items() if p.startswith("Anti-Social")}
    # 12 actions meet ASB: 4, 6 (Complete in Q3, silent since) and 15 Complete; 9 and 14
    # (the supporter's update) At risk; 7 Off track; 1 On track; 2, 5, 8, 11, 16 none
    assert asb == {"Complete": 3, "At risk": 2, "Off track": 1, "On track": 1, "No update": 5}
    for name, grid in views.items():
        assert grid == views["page"], name


@pytest.mark.parametrize(("pcp", "label"), [(PCP_2021, "2021-24"), (PCP_2024, "2024-28")])
def test_status_counts_per_commissioner_priority(
    world: World, tmp_path: Path, pcp: str, label: str
) -> None:
    title = f"Staffordshire Police and Crime Plan {label}"
    page, model = _delivery(world, CANNOCK)
    (view,) = [v for v in model["byCommissionerPriority"] if v["commissionerPlan"] == pcp]  # type: ignore[attr-defined]
    views = {
        "page": _grid(table(html_tables(page), f"Actions per priority of {title}")),
        "json": _json_grid(view["priorities"]),
    }
    for name, tables in _board(world, CANNOCK, tmp_path).items():
        views[name] = _grid(table(tables, f"Actions per priority of {title}" if "html" in name
                                  else title))  # fmt: skip
    params = {"plan": CANNOCK, "period": QUARTER, "commissionerPlan": pcp}
    for name, rows in _twins(world, "delivery-by-commissioner-priority", params).items():
        views[f"by-commissioner {name}"] = _query_grid(rows)
    if label == "2024-28":  # every action serves "Impactful partnerships"
        partners = {s: n for (p, s), n in views["page"].items() if p == "Impactful partnerships"}
        assert partners == {"Complete": 5, "Withdrawn": 1, "On track": 1, "At risk": 2,
                            "Off track": 1, "No update": 7}  # fmt: skip
    for name, grid in views.items():
        assert grid == views["page"], name


@pytest.mark.parametrize(("plan", "expected"), [(CANNOCK, [2, 5, 8, 11, 13, 16, 17]),
                                                (EXAMPLETON, [1, 4])])  # fmt: skip
def test_no_update(world: World, tmp_path: Path, plan: str, expected: list[int]) -> None:
    """Complete in Q3 then silent in Q4 is Complete, not "no update", in every view."""
    page, model = _delivery(world, plan)
    assert _numbers(table(html_tables(page), "Actions with no update")) == expected
    assert model["byStatus"]["no-update"] == len(expected)  # type: ignore[index]
    assert [a["number"] for a in model["missingUpdates"]] == expected  # type: ignore[attr-defined]
    for name, tables in _board(world, plan, tmp_path).items():
        assert _numbers(table(tables, "Actions with no update")) == expected, name
        summary = table(tables, "Actions by latest status" if "html" in name else "Summary")
        assert cell(summary, "No update", "Actions") == len(expected), name
    for name, rows in _twins(world, "missing-updates", {"plan": plan, "period": QUARTER}).items():
        assert _ordinals(rows) == expected, name


def test_overdue(world: World, tmp_path: Path) -> None:
    """Due by 31 March 2025, judged on 1 April: 2 (never reported), 7 (Off track), 14 (the
    supporter's At risk); 3, 4, 6 and 10 are Complete, so not overdue."""
    expected = [2, 7, 14]
    page, model = _delivery(world, CANNOCK)
    assert model["asOf"] == AS_AT
    assert _numbers(table(html_tables(page), "Past their target")) == expected
    assert [a["number"] for a in model["overdue"]] == expected  # type: ignore[attr-defined]
    for name, tables in _board(world, CANNOCK, tmp_path).items():
        title = "Actions past their target" if "html" in name else "Overdue actions"
        assert _numbers(table(tables, title)) == expected, name
    rows = _twins(world, "overdue-actions", {"plan": CANNOCK, "date": AS_AT})
    for name, found in rows.items():
        actions = [str(r.get("action") or r.get("Action (IRI)")) for r in found]
        assert sorted(int(a.rsplit("/", 1)[-1].split("-")[0]) for a in actions) == expected, name


def test_exceptions(world: World, tmp_path: Path) -> None:
    """Off track first (7), then At risk (9, and 14 from the supporting agency)."""
    expected = [7, 9, 14]
    page, model = _delivery(world, CANNOCK)
    assert _numbers(table(html_tables(page), "Actions off track or at risk")) == expected
    assert [a["number"] for a in model["exceptions"]] == expected  # type: ignore[attr-defined]
    for name, tables in _board(world, CANNOCK, tmp_path).items():
        title = "Actions off track or at risk" if "html" in name else "Exceptions"
        assert _numbers(table(tables, title)) == expected, name
    for name, rows in _twins(world, "exceptions", {"plan": CANNOCK, "period": QUARTER}).items():
        assert _ordinals(rows) == expected, name


def test_an_agencys_actions(world: World) -> None:
    """Staffordshire Police's actions, its units' included: 6 in the seed plan (1, 2, 3, 11,
    14, 17) and 3 in Exampleton's, on its page, in the agency-actions question and the CLI."""
    page = world.client.get(
        "/doc/organisation/staffordshire-police", headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = int(re.match(r"\d+", html.split("data-action-count>", 1)[1]).group())  # type: ignore[union-attr]
    assert shown == 9
    rows = _twins(world, "agency-actions", {"agency": "Staffordshire Police"})
    for name, found in rows.items():
        actions = {str(r.get("action") or r.get("Action (IRI)")) for r in found}
        assert len(actions) == shown, name


def test_the_form_and_the_files_are_one_history(world: World) -> None:
    """The supporter's update came through the form; it is in the plan's progress file
    (which the CLI above read), beside the imported ones, in one graph."""
    text = (world.settings.data_dir / "progress" / "cannock-chase-csp-2024-25.ttl").read_text()
    assert "Fictional: partners' patrols cut." in text  # the form's
    assert "Fictional: approval refused; redesign needed." in text  # a file's, superseding
    assert "Progress updates for Cannock Chase CSP Delivery Plan 2024/25." in text
