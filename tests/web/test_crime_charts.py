"""The crime trend as a line chart: its geometry, and on the home and priority pages over
the derived months (figures from the CSV rows, not from the chart)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise

import pytest
from flask.testing import FlaskClient
from lxml import html

from cspkg.services.charts import MONTHS_OF_YEAR
from cspkg.services.crime_trends import Line, periods_differ
from cspkg.web import create_app
from cspkg.web.chart_layout import CHAR_WIDTH, line_layout, month_label
from tests.conftest import CrimeMonths

ASB = "https://cspkg.example.org/def/cannock-chase-csp/priorities/anti-social-behaviour"


@pytest.fixture(scope="module")
def client(crime_months: CrimeMonths) -> Iterator[FlaskClient]:
    app = create_app(crime_months.settings, crime_months.store)
    yield app.test_client()


def _months(n: int, start: int = 2016 * 12) -> tuple[tuple[str, int], ...]:
    return tuple((f"{(start + i) // 12}-{(start + i) % 12 + 1:02d}", 100 + i) for i in range(n))


@pytest.mark.parametrize("months", [1, 3, 12, 36, 60])
@pytest.mark.parametrize("width", [340, 760])
def test_month_labels_never_overlap_and_points_stay_inside(months: int, width: int) -> None:
    layout = line_layout(Line("t", "t", "crimes", _months(months)), width=width)
    xs = [x for x, _, _ in layout.x_labels]
    assert xs == sorted(xs) and xs[0] >= layout.left
    widest = CHAR_WIDTH * 4  # "2019" or "Sep", centred on x
    assert all(b - a >= widest + 4 for a, b in pairwise(xs))
    assert xs[-1] + widest / 2 <= width
    for p in layout.points:
        assert layout.left <= p.x <= layout.left + layout.plot_width
        assert layout.top <= p.y <= layout.top + layout.plot_height
    assert layout.ticks[-1][0] >= max(v for _, v in _months(months))
    assert len(layout.points) == months


def test_a_missing_month_breaks_the_line() -> None:
    points = (("2019-01", 5), ("2019-02", 6), ("2019-05", 7), ("2019-06", 8))
    layout = line_layout(Line("t", "t", "crimes", points))
    assert len(layout.segments) == 2
    assert layout.points[2].x - layout.points[1].x == pytest.approx(
        3 * (layout.points[1].x - layout.points[0].x)
    )


def test_periods_differ_unless_the_months_are_the_plans_year() -> None:
    year = ("2024-04-01", "2025-03-31")
    assert not periods_differ(("2024-04", "2025-03"), year)
    assert periods_differ(("2024-04", "2024-12"), year)  # part of the year
    assert periods_differ(("2022-04", "2025-03"), year)  # more than the year
    assert periods_differ(("2019-01", "2019-01"), year)
    assert not periods_differ((None, None), year)  # no crime: nothing to caveat


def _table(text: str, section: str, name: str = "crime-trend") -> dict[str, int]:
    tree = html.fromstring(text)
    [chart] = tree.xpath(f"//*[@id='{section}']/following::div[@data-chart='{name}'][1]")
    table = chart.xpath("following::details[@data-chart-table][1]//tbody/tr")
    return {row[0].text_content().strip(): int(row[1].text_content()) for row in table}


def _expected(rows: list[dict[str, str]], types: set[str] | None = None) -> dict[str, int]:
    counted: Counter[str] = Counter({r["Month"]: 0 for r in rows})
    counted.update(r["Month"] for r in rows if types is None or r["Crime type"] in types)
    return {month_label(m): n for m, n in sorted(counted.items())}


def test_home_page_shows_the_trend_with_its_table_and_the_caveat(
    client: FlaskClient, crime_months: CrimeMonths
) -> None:
    response = client.get("/")
    text = response.get_data(as_text=True)
    assert _table(text, "recorded-crime") == _expected(crime_months.rows)
    tree = html.fromstring(text)
    assert len(tree.xpath("//div[@data-chart='crime-trend']//svg//circle")) == 7
    assert len(tree.xpath("//div[@data-chart='crime-trend-narrow']//svg//circle")) == 7
    assert (
        tree.xpath("//*[@data-period-caveat]//p")[0]
        .text_content()
        .startswith("The crime figures are for 2018-02 to 2019-05")
    )


def _types(crime_months: CrimeMonths) -> dict[str, set[str]]:
    """Each CSP priority's police.uk category names, by the project's alignment file."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    data = crime_months.settings.data_dir
    links = Graph().parse(
        data / "alignment" / "cannock-chase-csp-priorities-to-police-uk-categories.ttl"
    )
    scheme = Graph().parse(data / "reference" / "police-uk-crime-categories.ttl")
    types: dict[str, set[str]] = defaultdict(set)
    for priority, category in links.subject_objects(SKOS.relatedMatch):
        types[str(priority)].add(str(scheme.value(category, SKOS.prefLabel)))
    return types


def test_priority_page_shows_its_own_trend(client: FlaskClient, crime_months: CrimeMonths) -> None:
    types = _types(crime_months)
    text = client.get("/doc/def/cannock-chase-csp/priorities/anti-social-behaviour").get_data(
        as_text=True
    )
    assert _table(text, "crime-trend") == _expected(crime_months.rows, types[ASB])
    assert "data-period-caveat" in text
    svg = client.get("/charts/crime-trend.svg", query_string={"priority": ASB})
    assert svg.status_code == 200 and svg.content_type.startswith("image/svg+xml")
    data_json = client.get("/charts/crime-trend.json", query_string={"priority": ASB}).get_json()
    assert {month_label(p["month"]): p["value"] for p in data_json["points"]} == _expected(
        crime_months.rows, types[ASB]
    )


def test_hostile_priority_parameter_is_a_clear_error(client: FlaskClient) -> None:
    response = client.get("/charts/crime-trend.json", query_string={"priority": "<script>"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "parameter 'priority'" in body and "<script>" not in body


def _seasonal(rows: list[dict[str, str]], types: set[str] | None = None) -> dict[str, int]:
    """Per month of the year loaded: crimes of ``types`` (all when None) over the years
    that month is loaded, rounded half up."""
    years: dict[int, set[str]] = defaultdict(set)
    total: Counter[int] = Counter()
    for r in rows:
        month = int(r["Month"][5:7])
        years[month].add(r["Month"][:4])
        total[month] += types is None or r["Crime type"] in types
    return {MONTHS_OF_YEAR[m - 1]: int(total[m] / len(years[m]) + 0.5) for m in sorted(years)}


def test_priority_page_shows_its_crime_by_month_of_the_year(
    client: FlaskClient, crime_months: CrimeMonths
) -> None:
    expected = _seasonal(crime_months.rows, _types(crime_months)[ASB])
    assert list(expected) == ["January", "February", "March", "May"]
    assert len({r["Month"] for r in crime_months.rows}) == 7  # some months in two years
    text = client.get("/doc/def/cannock-chase-csp/priorities/anti-social-behaviour").get_data(
        as_text=True
    )
    assert _table(text, "crime-seasonal", "crime-seasonal") == expected
    tree = html.fromstring(text)
    for div in ("crime-seasonal", "crime-seasonal-narrow"):  # wide, and narrow for phones
        labels = tree.xpath(f"//div[@data-chart='{div}']//svg//text[@class='label']")
        assert [t.text_content().strip() for t in labels] == list(expected)
    answer = client.get("/charts/crime-seasonal.json", query_string={"priority": ASB})
    assert {b["label"]: b["value"] for b in answer.get_json()["bars"]} == expected
    everything = client.get("/charts/crime-seasonal.json").get_json()
    assert {b["label"]: b["value"] for b in everything["bars"]} == _seasonal(crime_months.rows)
    assert 'data-chart="crime-seasonal"' in client.get("/charts").get_data(as_text=True)
