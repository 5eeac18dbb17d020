"""Places named in questions and passages: the vocabulary's cities and countries, by any of their names."""

from __future__ import annotations

import pytest

from assistant.query.places import mentions, named_places, place_spans, without_places
from tests.assistant.conftest import result


@pytest.mark.parametrize(
    "question, places",
    [
        ("What is Malmo doing about heating?", ["Malmö"]),
        ("What is Malmö doing about heating?", ["Malmö"]),
        ("What about LODZ and krakow?", ["Kraków", "Łódź"]),
        ("Which cities in Finland joined?", ["Finland"]),
        ("What is The Hague doing?", ["The Hague"]),
    ],
)
def test_named_places_finds_cities_and_countries_with_or_without_accents(question: str, places: list[str]) -> None:
    assert sorted(named_places(question)) == sorted(places)


@pytest.mark.parametrize(
    "question, place",
    [
        ("Which German cities are Mission Cities?", "Germany"),
        ("Welche deutschen Städte gehören zu den Missionsstädten?", "Germany"),
        ("Quelles villes françaises ont reçu le label ?", "France"),
        ("¿Qué ciudades españolas participan en la Misión?", "Spain"),
        ("Quali città italiane hanno firmato il contratto?", "Italy"),
        ("Które polskie miasta są w Misji?", "Poland"),
        ("Ile kosztuje plan Krakowa?", "Kraków"),
        ("Cosa fa Cracovia per il riscaldamento?", "Kraków"),
        ("What is Nantes doing on mobility?", "Nantes Métropole"),
        ("Which Dutch cities were selected?", "Netherlands"),
    ],
)
def test_a_place_is_named_by_its_adjective_exonym_or_short_name_in_six_languages(question: str, place: str) -> None:
    assert named_places(question) == [place]


def test_named_places_matches_whole_names_only() -> None:
    assert named_places("What is the best recipe for paella?") == []
    assert named_places("Is Romeo a city? Does Lundby count?") == []
    assert named_places("Dane z raportu. Haga clic en el enlace.") == []


def test_place_spans_point_into_the_text_as_written() -> None:
    text = "Wir sind eine Stadt in Österreich, nahe Kraków."
    assert [(place, text[start:end]) for place, start, end in place_spans(text)] == [
        ("Austria", "Österreich"),
        ("Kraków", "Kraków"),
    ]


def test_a_passage_mentions_a_place_by_text_or_metadata_without_accents() -> None:
    assert mentions(result("Malmo opened a district heating plant."), "Malmö")
    assert mentions(result("A harbour city's plan.", city="Malmö"), "Malmö")
    assert mentions(result("Nine German cities were selected."), "Germany")
    assert not mentions(result("Lund opened a district heating plant."), "Malmö")


def test_a_name_written_capitalised_in_the_vocabulary_counts_only_when_capitalised() -> None:
    assert named_places("Which Polish cities are Mission Cities?") == ["Poland"]
    assert named_places("Could you polish this reply before I send it?") == []


def test_a_text_naming_a_city_is_about_its_country_but_a_question_naming_it_asks_about_the_city() -> None:
    assert mentions(result("Our sources name eight: Aachen, Dortmund and Münster among them."), "Germany")
    assert named_places("How does Umeå set up its transition teams?") == ["Umeå"]


def test_without_places_keeps_what_a_question_asks_besides_where() -> None:
    assert without_places("How big was Malmö's grant in Sweden?").split() == [
        "How",
        "big",
        "was",
        "'s",
        "grant",
        "in",
        "?",
    ]
