"""What a message says about who is asking: the asker's own city or country is context, not the subject."""

from __future__ import annotations

import pytest

from assistant.query.asker import asker_group, own_names, with_group_stated, without_own_names


@pytest.mark.parametrize(
    ("message", "names"),
    [
        ("We are a municipality of 60,000 inhabitants in Portugal. How do we start?", {"Portugal"}),
        ("Hello, I work for the city of Kalmar. Where do we begin?", {"Kalmar"}),
        ("Our town, Tartu, would like to join twinning. Can we still apply?", {"Tartu"}),
        ("Nous sommes une commune de Bretagne. Comment commencer ?", {"Bretagne"}),
        ("How does Kalmar plan to reach climate neutrality?", set()),
        ("We are a town in Poland. Which Polish cities are Mission Cities in Poland?", set()),  # asked about as well
    ],
)
def test_own_names_are_the_names_only_the_self_description_holds(message: str, names: set[str]) -> None:
    assert own_names(message) == names


def test_without_own_names_leaves_the_question_whole_otherwise() -> None:
    assert (
        without_own_names("I work for the city of Kalmar. Where do we begin?", {"Kalmar"})
        == "I work for the city of . Where do we begin?"
    )
    assert without_own_names("Where do we begin?", set()) == "Where do we begin?"


@pytest.mark.parametrize(
    "message",
    [
        "I'm drafting a note on climate partner agreements - how many partners had Klagenfurt signed up by mid-2025?",
        "We are a city in Sweden and want to know how Malmö did it.",
        "We are interested in how Lahti runs CitiCAP.",
    ],
)
def test_a_clause_that_does_not_describe_the_asker_keeps_its_names(message: str) -> None:
    assert not own_names(message) & {"Klagenfurt", "Malmö", "Lahti"}


def test_a_longer_self_description_still_names_the_askers_country() -> None:
    assert own_names(
        "Hi, I'm the climate coordinator of a small city in Slovenia. Which funding can we apply for?"
    ) == {"Slovenia"}


@pytest.mark.parametrize(
    ("message", "group"),
    [
        ("We are not a Mission City. How do we start?", "other-cities"),
        ("Our town is not part of the Mission. Where do we begin?", "other-cities"),
        ("We were not selected in 2022. How can we get started?", "other-cities"),
        ("We're a mid-sized city outside the 112. How do we start?", "other-cities"),
        ("We were just selected as a Mission City. What happens first?", "mission-cities"),
        ("Our city is one of the 112 Mission Cities. Who reviews our contract?", "mission-cities"),
        ("Wir sind keine Missionsstadt. Wie fangen wir an?", "other-cities"),
        ("No somos una ciudad de la Misión. ¿Cómo empezamos?", "other-cities"),
        ("Nie jesteśmy miastem misji. Jak zacząć?", "other-cities"),
        ("Siamo una città della Missione. Come iniziamo?", "mission-cities"),
        ("Welche deutschen Städte sind Missionsstädte?", None),  # "sind" without "wir" is not the asker
        ("What happens to cities that were not selected?", None),  # says nothing of the asker
        ("How do we start as a Mission City?", "mission-cities"),
    ],
)
def test_the_askers_group_is_read_only_from_what_they_say_of_their_own_city(message: str, group: str | None) -> None:
    assert asker_group(message) == group


def test_not_being_a_mission_city_is_put_in_the_corpus_s_words() -> None:
    assert with_group_stated(
        "Dear colleagues, we are a town of 8,000 and not one of the 112 Mission Cities. Can we use the tools?"
    ) == ("Dear colleagues, We are a city outside the 112 Mission Cities. Can we use the tools?")
    assert with_group_stated("How do we start as a Mission City?") == "How do we start as a Mission City?"
