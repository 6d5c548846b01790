"""The parser on the real seed plan and on small documents that break each rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cspkg.errors import PlanDocumentError
from cspkg.rdf.plan_document import read_plan_document
from cspkg.rdf.plan_parser import PlanRecord, parse_plan, parse_target, priority_key
from tests.conftest import FIXTURES, SEED_PLAN

MINIMAL = FIXTURES / "plans" / "minimal-plan.txt"


@pytest.fixture(scope="module")
def seed() -> PlanRecord:
    return parse_plan(read_plan_document(SEED_PLAN))


def parse_text(tmp_path: Path, text: str) -> PlanRecord:
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    return parse_plan(read_plan_document(path))


def broken(tmp_path: Path, old: str, new: str) -> PlanDocumentError:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text, "the fixture no longer contains the text this test edits"
    path = tmp_path / "plan.txt"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PlanDocumentError) as caught:
        parse_plan(read_plan_document(path), unlisted="refuse")
    return caught.value


def line_of(old: str, new: str, needle: str) -> int:
    """The 1-based line of ``needle`` in the fixture after replacing ``old`` by ``new``."""
    text = MINIMAL.read_text(encoding="utf-8").replace(old, new, 1)
    return text[: text.index(needle)].count("\n") + 1


def test_seed_has_17_actions_7_priorities_5_commissioner_priorities(seed: PlanRecord) -> None:
    assert len(seed.actions) == 17
    assert len(seed.priorities) == 7
    assert seed.commissioner is not None
    assert len(seed.commissioner.priorities) == 5
    assert [a.text for a in seed.commissioner.approaches] == [
        "Community Focussed",
        "Prevention and Early Intervention",
        "Solve Problems Together",
        "Value for Money",
        "Open and Transparent",
    ]
    assert (seed.partnership, seed.year) == ("Cannock Chase", "2024/25")


def test_seed_footnote_is_kept_but_not_in_the_label(seed: PlanRecord) -> None:
    drugs = next(p for p in seed.priorities if p.label.startswith("Drugs"))
    assert drugs.label == "Drugs & County Lines"
    assert drugs.notes and drugs.notes[0].startswith("County Lines refers to organised drug")


def test_seed_bookmarks_are_stripped(seed: PlanRecord) -> None:
    assert not any("[bookmark" in text for text in seed.introduction)
    assert seed.introduction[0].startswith("Community Safety Partnerships (CSPs)")


def test_priority_variants_agree() -> None:
    assert priority_key("Anti-social Behaviour (ASB)") == priority_key(
        "Anti-Social Behaviour (ASB)"
    )
    assert priority_key("Serious Violence and Violence Against Women & Girls") == priority_key(
        "Serious Violence & Violence Against Women and Girls"
    )
    assert priority_key("Safeguarding Vulnerable Persons") == priority_key(
        "Safeguarding Vulnerable Persons (incl. Alcohol, Drugs and Mental Health)"
    )
    assert priority_key("Fraud") != priority_key("Domestic Abuse")


def test_seed_actions_with_and_without_separators(seed: PlanRecord) -> None:
    # Action 7 follows action 6 with no separator line; 15 and 16 likewise.
    assert [a.first_line for a in seed.actions][5:8] == [187, 212, 230]
    assert seed.actions[5].last_line < seed.actions[6].first_line


def test_seed_heading_variants_and_na(seed: PlanRecord) -> None:
    first, fourth = seed.actions[0], seed.actions[3]
    assert len(first.supporting) == 24  # under " Additional Agencies involved"
    assert fourth.supporting == ()  # "N/A."
    assert seed.actions[13].paragraphs[0].startswith("Renewal/extension of PSPO")  # "Action "


def test_seed_grouped_agency_is_one_name(seed: PlanRecord) -> None:
    names = [n.text for n in seed.actions[0].supporting]
    assert any(n.startswith("Crime Support Agencies - Inc. (ASB Harmony") for n in names)


def test_seed_targets(seed: PlanRecord) -> None:
    targets = {a.ordinal: a.target for a in seed.actions}
    assert targets[1] is not None and targets[1].ongoing
    assert targets[8] is not None and targets[8].precision == "month"
    assert (targets[8].start, targets[8].due) == (date(2025, 4, 1), date(2025, 4, 30))
    assert targets[10] is not None and targets[10].end == date(2024, 12, 31)
    assert targets[2] is not None
    assert (targets[2].start, targets[2].end) == (date(2022, 4, 1), date(2025, 3, 31))
    assert all(t is not None for t in targets.values())


def test_parse_target_names_the_line() -> None:
    with pytest.raises(PlanDocumentError) as caught:
        parse_target("whenever", 12, "plan.txt")
    assert str(caught.value).startswith("plan.txt:12: cannot read the target date 'whenever'")


def test_minimal_fixture_parses(tmp_path: Path) -> None:
    record = parse_plan(read_plan_document(MINIMAL))
    assert [a.ordinal for a in record.actions] == [1, 2, 3]
    assert record.partnership == "Exampleton"
    target = record.actions[2].target
    assert target is not None and (target.end, target.precision) == (date(2031, 3, 31), "month")


def test_no_actions(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8").split("Action\n")[0]
    with pytest.raises(PlanDocumentError, match="no actions found"):
        parse_text(tmp_path, text)


def test_action_without_responsible_agency(tmp_path: Path) -> None:
    old = "Responsible Agency\nExampleton Friends of the Park.\n"
    error = broken(tmp_path, old, "")
    assert error.line == line_of(old, "", "Action \nFictional action two")
    assert "action 2" in error.problem and "no responsible agency" in error.problem


def test_unknown_heading(tmp_path: Path) -> None:
    old, new = "Target Date\nMarch 2031", "Target Quarter\nMarch 2031"
    error = broken(tmp_path, old, new)
    assert error.line == line_of(old, new, "Target Quarter")
    assert "unknown heading 'Target Quarter'" in error.problem


def test_unreadable_date(tmp_path: Path) -> None:
    old, new = "Target Date\nMarch 2031", "Target Date\nSometime in spring"
    error = broken(tmp_path, old, new)
    assert error.line == line_of(old, new, "Sometime")
    assert "cannot read the target date 'Sometime in spring'" in error.problem


def test_unknown_priority_names_the_line(tmp_path: Path) -> None:
    old, new = "· Fraud\nTarget Date\nMarch", "· Burglary\nTarget Date\nMarch"
    error = broken(tmp_path, old, new)
    assert error.line == line_of(old, new, "· Burglary")
    assert "'Burglary' is not one of the plan's strategic priorities" in error.problem


def test_unknown_priority_is_added_with_a_warning_by_default(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "· Fraud\nTarget Date\nMarch", "· Burglary\nTarget Date\nMarch"
    )
    record = parse_text(tmp_path, text)
    assert [p.label for p in record.priorities][-1] == "Burglary"
    line = line_of("· Fraud\nTarget Date\nMarch", "· Burglary\nTarget Date\nMarch", "· Burglary")
    assert any(
        w.where == f"line {line}" and "'Burglary' is not in the plan's list" in w.message
        for w in record.warnings
    )


def test_action_without_priorities(tmp_path: Path) -> None:
    error = broken(
        tmp_path,
        "Strategic Priority/ies:\n· Fraud\nTarget Date\nMarch",
        "Strategic Priority/ies:\nTarget Date\nMarch",
    )
    assert "action 3" in error.problem and "meets no strategic priority" in error.problem


def test_duplicate_section(tmp_path: Path) -> None:
    error = broken(
        tmp_path, "Target Date\nMarch 2031", "Target Date\nMarch 2031\nTarget Date\nMay 2031"
    )
    assert "second 'Target Date' section" in error.problem


def test_period_that_ends_before_it_starts(tmp_path: Path) -> None:
    error = broken(tmp_path, "1 April 2030 – 31 March 2031", "1 April 2031 – 31 March 2030")
    assert "ends before it starts" in error.problem


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"Introduction\nok\n\xff\xfe broken\n")
    with pytest.raises(PlanDocumentError) as caught:
        read_plan_document(path)
    assert caught.value.line == 3 and "UTF-8" in caught.value.problem


def test_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "plan.odt"
    path.write_bytes(b"PK")
    with pytest.raises(PlanDocumentError, match=r"unsupported file type '\.odt'"):
        read_plan_document(path)
