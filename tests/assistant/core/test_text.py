"""Sentences, search terms and accent folding: what chunking, BM25 and the answer engine all build on."""

from __future__ import annotations

import pytest

from assistant.core.text import (
    STOPWORDS,
    TITLE_MAX_CHARS,
    analyse,
    capitalised_names,
    capped,
    fold,
    question_terms,
    split_sentences,
    strip_bullet,
    without_spans,
    words,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Cities can ask for support, e.g. advice and grants. They sign up first.",
            ["Cities can ask for support, e.g. advice and grants.", "They sign up first."],
        ),
        (
            "The first call opened on 5 Sept. 2022 with €32 million. It closed in November.",
            ["The first call opened on 5 Sept. 2022 with €32 million.", "It closed in November."],
        ),
        (
            "Budapest received €1.5m. The money set up a climate agency.",
            ["Budapest received €1.5m.", "The money set up a climate agency."],
        ),
        (
            "Grants were €0.5 million or €1.5 million. Budapest got the top amount.",
            ["Grants were €0.5 million or €1.5 million.", "Budapest got the top amount."],
        ),
        (
            "It costs approx. 5 million, see Fig. 3 for details. Dr. Smith agrees.",
            ["It costs approx. 5 million, see Fig. 3 for details.", "Dr. Smith agrees."],
        ),
        (
            "Signed by Ing. Mag. Harald Tschurnig and Dipl.-Ing. Erwin Smole MBA. Mgr. Bc. Jana Nováková agrees.",
            [
                "Signed by Ing. Mag. Harald Tschurnig and Dipl.-Ing. Erwin Smole MBA.",
                "Mgr. Bc. Jana Nováková agrees.",
            ],
        ),
    ],
)
def test_abbreviations_dates_and_decimals_do_not_end_a_sentence(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_numbered_list_items_stay_whole_and_each_is_a_sentence() -> None:
    text = "To begin:\n1. Getting started\n2. Build a transition team\n3. Sign the contract"
    assert split_sentences(text) == [
        "To begin:",
        "1. Getting started",
        "2. Build a transition team",
        "3. Sign the contract",
    ]


def test_a_number_opening_a_paragraph_is_not_split_off() -> None:
    assert split_sentences("1. Getting started is the first step. Then cities apply.") == [
        "1. Getting started is the first step.",
        "Then cities apply.",
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "1. City Finance Specialists 2. Project Preparation 3. Neutral Capital Centre, which meets investors",
            [
                "1. City Finance Specialists",
                "2. Project Preparation",
                "3. Neutral Capital Centre, which meets investors",
            ],
        ),
        (
            "The Hub has work streams: 1. City Finance 2. Project Preparation",
            ["The Hub has work streams:", "1. City Finance", "2. Project Preparation"],
        ),
        (
            "- Advice with the EIB. - Help pooling projects. - Introductions to funders.",
            ["- Advice with the EIB.", "- Help pooling projects.", "- Introductions to funders."],
        ),
        ("Key actions • District heating • Solar on roofs", ["Key actions", "• District heating", "• Solar on roofs"]),
    ],
)
def test_a_list_run_into_one_line_is_cut_into_its_items(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In 2022, 100 cities were picked and 3 of them were in Malta.",  # numbers that do not count up from 1
        "The city - and its partners - agreed on 2 goals.",  # dashes in a paragraph that does not open with one
        "See point 1. The city agreed 2. rounds of talks.",  # a "1." that neither opens the paragraph nor follows ":"
    ],
)
def test_numbers_and_dashes_in_prose_are_not_list_markers(text: str) -> None:
    assert not any(s.startswith(("- ", "1.", "2.")) for s in split_sentences(text))


def test_bullets_are_sentences_of_their_own_and_lose_their_marker_on_request() -> None:
    sentences = split_sentences("The label opens doors to:\n- EIB advice\n- the Capital Hub")
    assert sentences == ["The label opens doors to:", "- EIB advice", "- the Capital Hub"]
    assert [strip_bullet(s) for s in sentences[1:]] == ["EIB advice", "the Capital Hub"]


def test_table_rows_are_sentences_of_their_own() -> None:
    text = "Waves at a glance.\n| City | Wave |\n| --- | --- |\n| Lahti | 2 |\n| Espoo | 1 |"
    assert split_sentences(text) == [
        "Waves at a glance.",
        "| City | Wave |",
        "| --- | --- |",
        "| Lahti | 2 |",
        "| Espoo | 1 |",
    ]


def test_paragraphs_and_wrapped_lines() -> None:
    text = "Lahti phased out coal\nin 2019.\n\nIts pilot works with employers."
    assert split_sentences(text) == ["Lahti phased out coal in 2019.", "Its pilot works with employers."]


def test_analyse_stems_and_drops_stopwords() -> None:
    assert analyse("The cities are running their programmes") == ["citi", "run", "programm"]
    assert analyse("city") == analyse("cities") == analyse("Cities")
    assert not set(analyse("what is the and of which")) and {"the", "which", "what"} <= STOPWORDS


def test_analyse_keeps_decimal_numbers_whole() -> None:
    assert "1.5" in analyse("€1.5 million per pilot") and "2019" in analyse("in 2019")


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("malmo", "Malmö"),
        ("lodz", "Łódź"),
        ("sonderborg", "Sønderborg"),
        ("guimaraes", "Guimarães"),
        ("krakow", "KRAKÓW"),
    ],
)
def test_accents_are_optional_in_search_terms(typed: str, stored: str) -> None:
    assert analyse(typed) == analyse(stored)
    assert fold(stored) == typed


def test_fold_keeps_words_apart_and_only_drops_marks() -> None:
    assert fold("Café Münster") == "cafe munster"
    assert words("Malmö's €1.5 million, Łódź") == ["malmo", "s", "1.5", "million", "lodz"]


def test_without_spans_cuts_overlapping_spans_once() -> None:
    assert without_spans("Bosnia and Herzegovina joined", [(0, 22), (11, 22)]) == "  joined"


def test_question_terms_leave_out_words_that_only_colour_the_asking() -> None:
    assert question_terms("What does a city actually get, exactly?") == analyse("What does a city get?")
    assert question_terms("Hello, please list the steps. Thank you") == analyse("list the steps")


def test_a_name_owning_another_is_two_names_and_a_spanish_question_word_is_none() -> None:
    assert capitalised_names("Which approach does Napa's Action All-4.1 ask for?") == ["Napa", "Action All-4"]
    assert capitalised_names("Is Oslo’s Climate Budget yearly?") == ["Oslo", "Climate Budget"]
    assert capitalised_names("¿Qué meta fija el plan de Savannah?") == ["Savannah"]
    assert capitalised_names("¡Hola! ¿Cuántos edificios tiene Cape Coral?") == ["Cape Coral"]


def test_a_possessive_opening_a_sentence_is_a_name_and_a_contraction_is_not() -> None:
    """ "Almere's 2030 target?" lost its only name with the capital a sentence opens with, so a question on a city
    the sources never name was answered from another city's contract."""
    assert capitalised_names("Almere's 2030 CO2 target - is it in the Amsterdam contract?") == [
        "Almere",
        "CO2",
        "Amsterdam",
    ]
    assert capitalised_names("Lyon CCC: Saint-Étienne's 2030 target?") == ["CCC", "Saint-Étienne"]
    assert capitalised_names("It's in the Amsterdam plan. What's in it?") == ["Amsterdam"]


def test_a_huge_title_is_capped_at_a_word_and_a_short_one_is_kept() -> None:
    huge = "Heat network expansion plan " * 4000  # 112 KB
    shown = capped(huge)
    assert len(shown) <= TITLE_MAX_CHARS and shown.endswith("network…") and huge.startswith(shown[:-1])
    assert capped("Lahti case study") == "Lahti case study"
    assert capped("x" * 400) == "x" * (TITLE_MAX_CHARS - 1) + "…"
