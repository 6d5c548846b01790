"""crime-trend, crime-change and crime-seasonal: every figure computed here from the CSV
rows the store was imported from (tests/conftest.py ``crime_months``), never copied."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from cspkg.catalog import Catalog
from cspkg.errors import ParameterError
from cspkg.services.canned_queries import run_canned
from tests.conftest import CrimeMonths

BASE = "https://cspkg.example.org/"
PRIORITY = BASE + "def/cannock-chase-csp/priorities/"
ALIGNMENT = "alignment/cannock-chase-csp-priorities-to-police-uk-categories.ttl"


def _aligned(crime_months: CrimeMonths) -> dict[str, set[str]]:
    """CSP priority IRI -> the crime type labels (as the CSV writes them) it concerns."""
    data = crime_months.settings.data_dir
    links = Graph().parse(data / ALIGNMENT)
    scheme = Graph().parse(data / "reference" / "police-uk-crime-categories.ttl")
    found: dict[str, set[str]] = defaultdict(set)
    for priority, category in links.subject_objects(SKOS.relatedMatch):
        found[str(priority)].add(str(scheme.value(category, SKOS.prefLabel)))
    return found


def _run(crime_months: CrimeMonths, catalog: Catalog, name: str, **values: str) -> list[dict]:
    return run_canned(crime_months.store, catalog.get(name), values).records()


def _by_month(rows: list[dict[str, str]], types: set[str] | None = None) -> Counter[str]:
    counted: Counter[str] = Counter({r["Month"]: 0 for r in rows})
    counted.update(r["Month"] for r in rows if types is None or r["Crime type"] in types)
    return counted


def test_trend_of_all_crime(crime_months: CrimeMonths, catalog: Catalog) -> None:
    got = {r["month"]: int(r["crimes"]) for r in _run(crime_months, catalog, "crime-trend")}
    assert got == dict(_by_month(crime_months.rows))
    assert len(got) == 7  # three archive months and four relabelled ones


def test_trend_of_a_priority_through_the_alignment(
    crime_months: CrimeMonths, catalog: Catalog
) -> None:
    asb = PRIORITY + "anti-social-behaviour"
    types = _aligned(crime_months)[asb]
    assert {"Anti-social behaviour", "Public order"} <= types
    got = {
        r["month"]: int(r["crimes"])
        for r in _run(crime_months, catalog, "crime-trend", priority=asb)
    }
    assert got == dict(_by_month(crime_months.rows, types))


def test_trend_of_a_category_by_name_between_months(
    crime_months: CrimeMonths, catalog: Catalog
) -> None:
    got = {
        r["month"]: int(r["crimes"])
        for r in _run(
            crime_months,
            catalog,
            "crime-trend",
            category=BASE + "def/police-uk/crime-categories/burglary",
            **{"from": "2018-03", "to": "2019-02"},
        )
    }
    expected = _by_month(crime_months.rows, {"Burglary"})
    assert got == {m: n for m, n in expected.items() if "2018-03" <= m <= "2019-02"}
    assert list(got) == sorted(got)


def test_trend_refuses_a_month_that_is_not_yyyy_mm(
    crime_months: CrimeMonths, catalog: Catalog
) -> None:
    with pytest.raises(ParameterError, match="YYYY-MM"):
        _run(crime_months, catalog, "crime-trend", **{"from": "March 2019"})


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:]) - 1


def _expected_change(rows: list[dict[str, str]], types: set[str]) -> dict[str, tuple[int, ...]]:
    """comparison -> (current, current months, previous, previous months, change, percent)."""
    months = {_index(r["Month"]) for r in rows}
    latest = max(months)
    april = latest - (latest - 3) % 12
    found = {}
    for comparison, start in (("Latest 12 months", latest - 11), ("Financial year to date", april)):

        def total(lo: int, hi: int) -> int:
            return sum(
                1 for r in rows if r["Crime type"] in types and lo <= _index(r["Month"]) <= hi
            )

        current, previous = total(start, latest), total(start - 12, latest - 12)
        loaded = (
            sum(1 for m in months if start <= m <= latest),
            sum(1 for m in months if start - 12 <= m <= latest - 12),
        )
        percent = None
        if previous:
            exact = 100 * (current - previous) / previous
            percent = math.floor(exact + 0.5)  # SPARQL's ROUND: halves go up
        found[comparison] = (current, loaded[0], previous, loaded[1], current - previous, percent)
    return found


def test_change_per_category_and_priority(crime_months: CrimeMonths, catalog: Catalog) -> None:
    answer = _run(crime_months, catalog, "crime-change")
    aligned = _aligned(crime_months)
    labels = {r["Crime type"] for r in crime_months.rows}
    checked = 0
    for record in answer:
        if record["rowKind"] == "category":
            types = {record["rowLabel"]}
            assert record["rowLabel"] in labels
        else:
            types = aligned[record["row"]]
        expected = _expected_change(crime_months.rows, types)[record["comparison"]]
        got = (
            int(record["current"]), int(record["currentMonths"]), int(record["previous"]),
            int(record["previousMonths"]), int(record["change"]),
            None if record["percent"] is None else int(record["percent"]),
        )  # fmt: skip
        assert got == expected, (record["comparison"], record["rowLabel"])
        checked += 1
    kinds = Counter((r["comparison"], r["rowKind"]) for r in answer)
    assert kinds[("Latest 12 months", "category")] == len(labels)
    assert kinds[("Financial year to date", "priority")] == len(
        [p for p in aligned if p.startswith(PRIORITY)]
    )
    assert checked == len(answer)


def test_change_periods_are_named(crime_months: CrimeMonths, catalog: Catalog) -> None:
    answer = _run(crime_months, catalog, "crime-change")
    periods = {(r["comparison"], r["currentFrom"], r["currentTo"]) for r in answer}
    assert periods == {
        ("Latest 12 months", "2018-06", "2019-05"),
        ("Financial year to date", "2019-04", "2019-05"),
    }


def test_seasonal_view(crime_months: CrimeMonths, catalog: Catalog) -> None:
    answer = _run(
        crime_months,
        catalog,
        "crime-seasonal",
        category=BASE + "def/police-uk/crime-categories/violent-crime",
    )
    rows = crime_months.rows
    years: dict[int, set[str]] = defaultdict(set)
    crimes: Counter[int] = Counter()
    for r in rows:
        years[int(r["Month"][5:])].add(r["Month"][:4])
        crimes[int(r["Month"][5:])] += r["Crime type"] == "Violence and sexual offences"
    got = {
        int(r["monthOfYear"]): (int(r["crimes"]), int(r["years"]), int(r["average"]))
        for r in answer
    }
    assert got == {
        m: (crimes[m], len(years[m]), math.floor(crimes[m] / len(years[m]) + 0.5)) for m in years
    }
    assert got[1][1] == 1 and got[2][1] == 2  # January of 2019 only; February of 2018 and 2019


def test_category_uri_is_a_priority_category(crime_months: CrimeMonths) -> None:
    """The priority rows' IRIs are the plan's priorities (a sanity check of the fixture)."""
    assert URIRef(PRIORITY + "anti-social-behaviour") in {URIRef(p) for p in _aligned(crime_months)}


def test_hot_spots_over_months_list_each_lsoa_once(
    crime_months: CrimeMonths, catalog: Catalog
) -> None:
    """LSOAs are described once (not in every month's file), so no row repeats."""
    asb = PRIORITY + "anti-social-behaviour"
    types = _aligned(crime_months)[asb]
    answer = _run(crime_months, catalog, "crime-hotspots", priority=asb, limit="1000")
    got = [(r["lsoaLabel"], int(r["crimes"])) for r in answer]
    expected = Counter(r["LSOA name"] for r in crime_months.rows if r["Crime type"] in types)
    assert len(got) == len({label for label, _ in got})
    assert dict(got) == dict(expected)
