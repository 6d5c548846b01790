"""Charts over HTTP: SVG parses as XML, shows the expected labels and counts, escapes labels.

Expected numbers are worked out by hand from tests/fixtures/mini-plan.ttl.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests

from cspkg.services.charts import Bars, Item, heatmap
from cspkg.web.chart_layout import bars_layout, matrix_layout, shade, wrap
from tests.conftest import Live

SVG = "{http://www.w3.org/2000/svg}"
NAMES = (
    "action-priority",
    "priority-alignment",
    "actions-per-csp-priority",
    "actions-per-commissioner-priority",
    "agency-priority",
    "crime-trend",
    "crime-seasonal",
)


def svg(live: Live, name: str) -> ET.Element:
    response = requests.get(f"{live.url}/charts/{name}.svg", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(SVG + "title")]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(SVG + "text")]


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_is_svg_with_a_json_twin(pages_live: Live, name: str) -> None:
    root = svg(pages_live, name)
    assert root.tag == SVG + "svg" and int(root.get("width", "0")) <= 1366
    twin = requests.get(f"{pages_live.url}/charts/{name}.json", timeout=10)
    assert twin.status_code == 200 and twin.json()["chart"] == name


def test_action_priority_heatmap(pages_live: Live) -> None:
    data = requests.get(pages_live.url + "/charts/action-priority.json", timeout=10).json()
    assert [c["label"] for c in data["columns"]] == [
        "Anti-Social Behaviour",
        "Domestic Abuse",
        "Fraud",
        "Serious Violence & Violence Against Women and Girls",
    ]
    assert [r["label"][:12] for r in data["rows"]] == [
        "CSP to chair",
        "CSP to fund ",
        "Fraud campai",
        "CSP to fund ",
    ]
    assert data["rowTotals"] == [3, 1, 1, 2]
    assert data["columnTotals"] == [2, 3, 2, 0]
    root = svg(pages_live, "action-priority")
    assert "Serious Violence & Violence Against Women and Girls" in titles(root)
    on = [r for r in root.iter(SVG + "rect") if r.get("class") == "on"]
    assert len(on) == 7
    assert "Fraud campaign × Fraud: 1" in titles(root)


def test_priority_alignment_heatmap(pages_live: Live) -> None:
    data = requests.get(pages_live.url + "/charts/priority-alignment.json", timeout=10).json()
    pairs = {(c["row"].rsplit("/", 1)[1], c["column"].rsplit("/", 1)[1]) for c in data["cells"]}
    assert pairs == {
        ("anti-social-behaviour", "a-local-and-responsive-service"),
        ("domestic-abuse", "prevent-harm-and-protect-people"),
        ("domestic-abuse", "support-victims-and-witnesses"),
        ("fraud", "support-victims-and-witnesses"),
    }
    assert len(data["columns"]) == 4 and len(data["rows"]) == 4


def test_bar_charts_show_counts(pages_live: Live) -> None:
    root = svg(pages_live, "actions-per-csp-priority")
    assert "Domestic Abuse: 3 actions" in titles(root)
    assert "Serious Violence & Violence Against Women and Girls: 0 actions" in titles(root)
    values = [t.text for t in root.iter(SVG + "text") if t.get("class") == "value"]
    assert values == ["3", "2", "2", "0"]
    pcc = requests.get(
        pages_live.url + "/charts/actions-per-commissioner-priority.json", timeout=10
    ).json()
    assert {b["label"]: b["value"] for b in pcc["bars"]} == {
        "Support Victims and Witnesses": 4,
        "Prevent Harm and Protect People": 3,
        "A Local and Responsive Service": 2,
        "A More Effective Criminal Justice System": 0,
    }


def test_agency_priority_matrix_rolls_units_into_their_parent(pages_live: Live) -> None:
    data = requests.get(pages_live.url + "/charts/agency-priority.json", timeout=10).json()
    rows = {r["iri"]: r["label"] for r in data["rows"]}
    columns = {c["iri"]: c["label"] for c in data["columns"]}
    cells = {(rows[c["row"]], columns[c["column"]]): c["value"] for c in data["cells"]}
    assert "Community Safety Team" not in rows.values()  # counted with its council
    assert all(v >= 1 for v in cells.values())
    assert cells[("Staffordshire Police", "Domestic Abuse")] >= 1


def test_charts_page_embeds_every_chart(pages_live: Live) -> None:
    page = requests.get(pages_live.url + "/charts", headers={"Accept": "text/html"}, timeout=10)
    for name in NAMES:
        assert f'data-chart="{name}"' in page.text
        assert f'href="/charts/{name}.svg"' in page.text
    assert page.text.count("data-chart-table") == len(NAMES)  # each has its data as a table
    assert "<svg" in page.text and "<title>Domestic Abuse: 3 actions</title>" in page.text
    listing = requests.get(pages_live.url + "/charts.json", timeout=10).json()
    assert [c["name"] for c in listing] == list(NAMES)


def test_unknown_chart_is_404(pages_live: Live) -> None:
    assert requests.get(pages_live.url + "/charts/nope.svg", timeout=10).status_code == 404
    assert requests.get(pages_live.url + "/charts/nope.json", timeout=10).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_hostile_labels_are_escaped_in_svg(hostile_live: Live, name: str) -> None:
    raw = requests.get(f"{hostile_live.url}/charts/{name}.svg", timeout=10).text
    assert "<script" not in raw and "<img" not in raw
    root = ET.fromstring(raw)  # still well-formed XML
    assert root.tag == SVG + "svg"


def test_hostile_labels_survive_as_text(hostile_live: Live) -> None:
    root = svg(hostile_live, "actions-per-csp-priority")
    assert any(
        t.startswith('Fraud <script>alert(1)</script> & "friends" ]]>') for t in titles(root)
    )


def test_labels_wrap_and_are_never_cut() -> None:
    unit = "Cannock Chase District Council - Community Safety Team"
    lines = wrap(unit, 120)
    assert len(lines) > 1 and " ".join(lines) == unit
    assert wrap("Short", 120) == ["Short"]


def test_layouts_are_plain_and_fit_a_laptop() -> None:
    rows = [
        {
            "rowKind": "action",
            "row": f"urn:r{i}",
            "rowLabel": "x " * 45,
            "column": f"urn:c{j}",
            "columnLabel": "y" * 60,
            "covered": "true" if i == j else "false",
        }
        for i in range(30)
        for j in range(8)
    ]
    grid = matrix_layout(heatmap("h", "H", rows, "action"))
    assert grid.width < 1366 and [r.cells for r in grid.rows[:2]] == [((0, 1),), ((1, 1),)]
    bars = bars_layout(Bars("b", "B", "actions", ((Item("urn:a", "a " * 100), 5),)))
    assert bars.width < 1366 and bars.rows[0].length > 0 and len(bars.rows[0].lines) > 3
    assert " ".join(" ".join(bars.rows[0].lines).split()) == " ".join(("a " * 100).split())
    assert [shade(v, 12) for v in (0, 1, 5, 12)] == [0, 1, 2, 3]
