"""The language of a short question: it picks the fusion weights and the 'drawn from English sources' note."""

from __future__ import annotations

import pytest

from assistant.core.languages import query_language


@pytest.mark.parametrize(
    "question, language",
    [
        ("How large are the grants for pilot cities?", "en"),
        ("Quelles sont les villes de la mission et comment sont-elles choisies ?", "fr"),
        ("Welche Städte sind in der Mission und wie werden sie ausgewählt?", "de"),
        ("¿Cuáles son las ciudades de la misión y cómo se eligen?", "es"),
        ("Quali sono le città della missione e come vengono scelte?", "it"),
        ("Jakie miasta są w misji i jak zostały wybrane?", "pl"),
        ("Combien coûte le programme pour une ville ?", "fr"),
        ("Wie viel kostet das Programm für eine Stadt?", "de"),
    ],
)
def test_questions_in_the_six_languages(question: str, language: str) -> None:
    assert query_language(question) == language


@pytest.mark.parametrize(
    "question",
    [
        "What is Malmö doing about heating?",
        "What is Kraków doing about district heating?",
        "How is Łódź financing its climate plan?",
        "What did Sønderborg learn from its pilot?",
        "Is Łódź a Mission City?",
        "What about Wrocław, Rzeszów and Łódź?",
        "Which cities in España and Österreich joined the Mission?",
    ],
)
def test_an_english_question_naming_a_foreign_city_stays_english(question: str) -> None:
    assert query_language(question) == "en"


@pytest.mark.parametrize("question", ["Has Łódź signed a climate contract?", "Has Ústí nad Labem signed a contract?"])
def test_an_english_question_without_marker_words_naming_an_accented_city_stays_english(question: str) -> None:
    assert query_language(question) == "en"


def test_a_question_with_no_clues_is_english() -> None:
    assert query_language("SYCLA?") == "en" and query_language("") == "en"
