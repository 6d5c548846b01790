"""Thing pages that explain, over the real data: agency, priorities, action, plan."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import requests

from cspkg.config import load_settings
from cspkg.services.plan_import import import_plan
from cspkg.store import EmbeddedStore
from cspkg.store.sources import find_sources
from cspkg.web import create_app
from tests.conftest import Live
from tests.fixtures.plans.corpus import BY_NAME

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
CSP = "/doc/def/cannock-chase-csp/priorities/"
PCC = "/doc/def/staffordshire-police-and-crime-plan-2021-24/priorities/"


def get(live: Live, path: str) -> str:
    response = requests.get(live.url + path, headers=HTML, timeout=30)
    assert response.status_code == 200, path
    return response.text


def section(text: str, marker: str) -> str:
    """The HTML of the first table carrying ``marker``."""
    start = text.index(marker)
    return text[start : text.index("</table>", start)]


def test_agency_page_counts_its_units_actions_and_marks_them(real_live: Live) -> None:
    text = get(real_live, "/doc/organisation/staffordshire-police")
    actions = section(text, "data-actions")
    assert actions.count('class="govuk-table__row"') - 1 == 6  # as agency-actions finds
    assert "data-through-unit" in actions and "Early Intervention and Prevention Unit" in actions
    assert "Cannock Chase District Council - Community Safety Team" in section(
        text, "data-partners"
    )
    assert "<title>Staffordshire Police – agency – CSP Knowledge Graph</title>" in text
    assert re.search(
        r"data-action-count>6 in Cannock Chase CSP Delivery Plan 2024/25: leads 1, supports 5<",
        text,
    )


def test_csp_priority_separates_crime_flags_double_counting_and_the_period(
    real_live: Live,
) -> None:
    text = get(real_live, CSP + "anti-social-behaviour")
    assert section(text, "data-actions").count("<tr") - 1 == 12  # one row per action
    assert "Commissioner priorities it serves" in text and "data-serves" in text
    assert "data-period-caveat" in text and "2019-01" in text and "2024-04-01" in text
    categories = section(text, "data-categories")
    assert "Public order" in categories and "data-double-counted" in categories
    assert "Community Cohesion &amp; Tackling Extremism" in categories
    assert "Cannock Chase 012B" in section(text, "data-hot-spots")


def test_commissioner_priority_with_no_action_is_a_gap(real_live: Live) -> None:
    gap = get(real_live, PCC + "a-more-effective-criminal-justice-system")
    assert "data-gap" in gap and "No action in the plans serves this priority" in gap
    served = get(real_live, PCC + "a-local-and-responsive-service")
    assert "data-gap" not in served
    assert "Through CSP priorities" in section(served, "data-actions")


def test_action_shows_its_source_lines_alignment_and_findings(real_live: Live) -> None:
    text = get(
        real_live, "/doc/action/cannock-chase-csp/2024-25/02-fund-annual-package-asb-diversionary"
    )
    source = text[text.index("data-source-lines") :]
    assert re.search(r'cspkg-line-no">88</span> CSP to fund an annual package', source)
    assert "lines 87–111" in text
    assert "Why (the confirmed rationale)" in text and "A Local and Responsive Service" in text
    assert "data-findings" in text
    assert "Led by" in text and 'href="/doc/organisation/vysions-youth-service"' in text


def test_plan_page_has_numbers_and_tables(real_live: Live) -> None:
    text = get(real_live, "/doc/delivery-plan/cannock-chase-csp/2024-25")
    assert re.search(r'data-count="actions"><span class="cspkg-count">17<', text)
    assert section(text, "data-actions").count("<tr") - 1 == 17


def test_vocabulary_terms_render_locally(real_live: Live) -> None:
    text = get(real_live, "/doc/def/cspkg?term=meetsPriority")
    assert re.search(r"<h1[^>]*>meets priority</h1>", text, re.IGNORECASE)
    assert 'href="https://cspkg.example.org' not in text  # never the base host


def test_action_page_names_its_commissioner_plan_and_offers_the_other(real_live: Live) -> None:
    """One Police and Crime Plan at a time, named: the cited one, with a link to the other;
    following it shows that plan's priorities, never both mixed."""
    action = "/doc/action/cannock-chase-csp/2024-25/03-fund-safe-houses-scheme-cannock"
    text = get(real_live, action)
    named = text.split("data-commissioner-plan>", 1)[1].split("</p>", 1)[0]
    assert (
        "Staffordshire Police and Crime Plan 2021-24</strong> (the Police and Crime Plan" in named
    )
    other = re.search(r'href="(\?commissionerPlan=[^"]+)"', named)
    assert other and "Staffordshire Police and Crime Plan 2024-28" in named
    table = section(text, "data-commissioner")
    assert "2021-24/priorities/" in table and "2024-28/priorities/" not in table
    later = get(real_live, action + other.group(1).split("#")[0].replace("&amp;", "&"))
    assert "Under the <strong>Staffordshire Police and Crime Plan 2024-28</strong>." in later
    table = section(later, "data-commissioner")
    assert "2024-28/priorities/" in table and "2021-24/priorities/" not in table


def test_action_page_says_what_the_plans_unmapped_columns_say(tmp_path: Path) -> None:
    """A council workbook with 'RAG' and 'Lead officer' columns no property holds: the
    action page shows them under the plan's column titles, with its reference and measure."""
    settings = load_settings(environ={})
    plan = BY_NAME["kettlewick-council-workbook.xlsx"]
    out = tmp_path / "data"
    import_plan(plan.build(plan, tmp_path / plan.name), settings, out)
    store = EmbeddedStore()
    store.replace_sources(find_sources(settings.base, [settings.ontology_dir, out]))
    client = create_app(replace(settings, data_dir=out), store).test_client()
    found = store.query(
        'SELECT ?a WHERE { ?a <https://cspkg.example.org/def/cspkg#actionReference> "K1" }'
    )
    (iri,) = [r["a"] for r in found.records()]
    page = client.get(iri.replace(settings.base + "id/", "/doc/"), headers=HTML)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    answer = client.get("/queries/action.json", query_string={"action": iri}).get_json()
    store.close()
    said = {r["propertyLabel"]["value"]: r["value"]["value"] for r in answer["rows"]}
    assert said["Plan's reference"] == "K1"
    assert said["Measure of success"] == "Walkabouts held monthly"
    notes = text[text.index("data-annotations") :].split("</dl>", 1)[0]
    cells = re.findall(
        r'__key">([^<]*)</dt>\s*<dd class="govuk-summary-list__value">([^<]*)<', notes
    )
    assert cells == [("Lead officer", "A. Fictional"), ("RAG", "Green")]
    assert re.search(r"Plan's reference</dt>\s*<dd[^>]*>K1<", text)
    assert re.search(r"Measure of success</dt>\s*<dd[^>]*>Walkabouts held monthly<", text)
    assert "Also in the plan's table" in text


def test_action_heading_and_title_show_its_whole_first_paragraph(real_live: Live) -> None:
    """The data cuts long action labels ("…"); the page's heading and title do not, and
    the paragraph is not said twice: the description goes on with the next one."""
    text = get(
        real_live, "/doc/action/cannock-chase-csp/2024-25/01-chair-manage-multi-agency-community"
    )
    heading = re.search(r'<h1 class="govuk-heading-(\w)">([^<]*)</h1>', text)
    assert heading is not None
    first = (
        "CSP to chair and manage the multi-agency Community Safety Hub (CSH), ensuring that "
        "all key crime/vulnerability issues and emerging trends which are affecting the "
        "community, and individuals, are tackled."
    )
    assert heading.groups() == ("m", first)  # long: the smaller heading size
    assert f"<title>{first} – action – CSP Knowledge Graph</title>" in text
    said = text[text.index("data-description") : text.index("data-action-summary")]
    assert first not in said and said.count("<p ") == 1  # the second paragraph only
