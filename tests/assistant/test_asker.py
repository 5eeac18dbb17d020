"""What a message says about who is asking: the asker's own city or country is context, not the subject."""

from __future__ import annotations

import pytest

from assistant.asker import own_names, without_own_names


@pytest.mark.parametrize(("message", "names"), [
    ("We are a municipality of 60,000 inhabitants in Portugal. How do we start?", {"Portugal"}),
    ("Hello, I work for the city of Kalmar. Where do we begin?", {"Kalmar"}),
    ("Our town, Tartu, would like to join twinning. Can we still apply?", {"Tartu"}),
    ("Nous sommes une commune de Bretagne. Comment commencer ?", {"Bretagne"}),
    ("How does Kalmar plan to reach climate neutrality?", set()),
    ("We are a town in Poland. Which Polish cities are Mission Cities in Poland?", set()),  # asked about as well
])
def test_own_names_are_the_names_only_the_self_description_holds(message: str, names: set[str]) -> None:
    assert own_names(message) == names


def test_without_own_names_leaves_the_question_whole_otherwise() -> None:
    assert without_own_names("I work for the city of Kalmar. Where do we begin?", {"Kalmar"}) == \
        "I work for the city of . Where do we begin?"
    assert without_own_names("Where do we begin?", set()) == "Where do we begin?"


@pytest.mark.parametrize("message", [
    "I'm drafting a note on climate partner agreements - how many partners had Klagenfurt signed up by mid-2025?",
    "We are a city in Sweden and want to know how Malmö did it.",
    "We are interested in how Lahti runs CitiCAP.",
])
def test_a_clause_that_does_not_describe_the_asker_keeps_its_names(message: str) -> None:
    assert not own_names(message) & {"Klagenfurt", "Malmö", "Lahti"}


def test_a_longer_self_description_still_names_the_askers_country() -> None:
    assert own_names("Hi, I'm the climate coordinator of a small city in Slovenia. Which funding can we apply for?") \
        == {"Slovenia"}
