"""Reading a value by name: labels, codes, abbreviations, IRIs, and what is refused."""

from __future__ import annotations

import pytest

from cspkg.catalog import Parameter
from cspkg.errors import ParameterError
from cspkg.services.parameters import Choice, resolve, words_for

P = Parameter("priority", "iri", "CSP priority", rdf_class="urn:class")
ASB = Choice("urn:p/anti-social-behaviour", "Anti-Social Behaviour (ASB)", ("ASB-1",))
FRAUD = Choice("urn:p/fraud", "Fraud")
SHOPS = Choice("urn:c/anti-social-behaviour", "Anti-social behaviour")
CHOICES = [ASB, FRAUD]


@pytest.mark.parametrize(
    ("typed", "iri"),
    [
        ("Anti-Social Behaviour (ASB)", ASB.iri),
        ("anti-social behaviour (asb)", ASB.iri),
        ("ASB", ASB.iri),
        ("asb-1", ASB.iri),
        ("fraud", FRAUD.iri),
        ("  FRAUD ", FRAUD.iri),
        ("https://elsewhere.example/x", "https://elsewhere.example/x"),
        ("<urn:p/fraud>", "urn:p/fraud"),
    ],
)
def test_a_thing_is_named_by_label_code_abbreviation_or_iri(typed: str, iri: str) -> None:
    assert resolve(P, typed, CHOICES) == iri


def test_a_name_of_two_things_is_refused_listing_both() -> None:
    with pytest.raises(ParameterError) as caught:
        resolve(P, "anti social behaviour", [ASB, FRAUD, SHOPS])
    assert caught.value.expected.startswith("one CSP priority")
    assert set(caught.value.candidates) == {ASB.label, SHOPS.label}


def test_an_unknown_name_is_refused_with_the_closest_first() -> None:
    with pytest.raises(ParameterError) as caught:
        resolve(P, "Frawd", CHOICES)
    assert caught.value.value == "Frawd" and caught.value.candidates[0] == "Fraud"
    assert "name or code of a CSP priority" in caught.value.expected


@pytest.mark.parametrize("hostile", ['x" } UNION {', "a b:c", "} ."])
def test_text_that_names_nothing_is_refused_not_passed_on(hostile: str) -> None:
    with pytest.raises(ParameterError):
        resolve(P, hostile, CHOICES)


def test_kinds_of_thing_in_words() -> None:
    assert words_for(P) == "CSP priority"
    assert words_for(Parameter("agency", "iri", "Agency")) == "agency"
    assert words_for(Parameter("plan", "iri", "Delivery plan (all if empty)")) == "delivery plan"


def test_other_names_for_the_chooser_are_codes_and_abbreviations_not_the_label() -> None:
    labelled = Choice("urn:x", "Fraud", ("fraud", "FR-1", "Scams (SC)"))
    assert ASB.other_names == ("ASB-1", "ASB")
    assert labelled.other_names == ("FR-1", "Scams (SC)", "SC")
    assert FRAUD.other_names == ()
