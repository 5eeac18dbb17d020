"""Which member of a series (wave, edition, cohort) a question asks about, and which ones a sentence is about."""

from __future__ import annotations

import pytest

from assistant.query.ordinals import ordinals_asked, ordinals_in


@pytest.mark.parametrize(
    "question, asked",
    [
        ("How many took part in the second edition of the Online Discussion Groups?", {2: "second edition"}),
        ("Quelles villes ont reçu le label lors de la deuxième vague ?", {2: "deuxième vague"}),
        ("Welche Städte erhielten das Label in der dritten Welle?", {3: "dritten Welle"}),
        ("¿Qué ciudades recibieron el sello en la segunda ola?", {2: "segunda ola"}),
        ("Quali città sono nella seconda ondata?", {2: "seconda ondata"}),
        ("Które miasta były w drugiej fali?", {2: "drugiej fali"}),
        ("Which cities were in Wave 4?", {4: "Wave 4"}),
        ("What was decided at the third Mission Board meeting?", {3: "third Mission Board meeting"}),
    ],
)
def test_a_question_names_a_member_of_a_series_in_six_languages(question: str, asked: dict[int, str]) -> None:
    assert ordinals_asked(question) == asked


@pytest.mark.parametrize(
    "question",
    [
        "What do we do first?",  # "first" asks for no member of a series
        "Secondo il rapporto, quali città hanno un piano?",  # Italian "secondo" = "according to"
        "How many cities signed in 2023?",
    ],
)
def test_no_ordinal_is_asked_for_by_adverbs_prepositions_or_years(question: str) -> None:
    assert ordinals_asked(question) == {}


@pytest.mark.parametrize(
    "text, found",
    [
        ("The first edition drew 180 participants.", {1}),
        ("Wave: 2; When: March 2024; New labels: 23.", {2}),
        ("Cohort 3 later added Greek pilots, after the wave-5 count.", {3, 5}),
        ("Valencia hosted the third conference in 2024.", {3}),
        ("The city signed its contract in 2024.", set()),
    ],
)
def test_a_sentence_names_members_of_a_series_as_words_or_numbers(text: str, found: set[int]) -> None:
    assert ordinals_in(text) == found
