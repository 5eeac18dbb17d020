"""The fact a question asks for, and whether a sentence gives one: the check behind "on topic, but no answer"."""

from __future__ import annotations

import pytest

from assistant.query.answer_types import (
    AnswerType,
    conjuncts,
    counted_things,
    counted_words,
    counts_of,
    question_parts,
    years_named,
)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How big was the grant for Limassol's cooling pilot?", AnswerType.MONEY),
        ("What was the exact euro cap for travel refunds?", AnswerType.MONEY),
        ("Quel budget annuel la ville consacre-t-elle aux pistes cyclables ?", AnswerType.MONEY),
        ("What is the estimated cost in euros of the tram line programme?", AnswerType.MONEY),
        ("What are the costs of retrofitting the schools?", AnswerType.MONEY),
        ("How much did Budapest get for its climate agency?", AnswerType.COUNT),
        ("How much does Klagenfurt still have to cut locally?", AnswerType.COUNT),
        ("Wie viele Städte nehmen teil?", AnswerType.COUNT),
        ("When does Munich want to be climate neutral?", AnswerType.DATE),
        ("Kiedy Kraków podpisał kontrakt?", AnswerType.DATE),
        ("How long does twinning take?", AnswerType.DATE),
        ("What is a Climate City Contract?", AnswerType.ANY),
        ("How does Oslo's climate budget work?", AnswerType.ANY),
        ("When did Lahti sign, and how many partners signed with it?", AnswerType.DATE),
        ("How many partners signed, and when? (Lahti)", AnswerType.COUNT),
    ],
)
def test_the_first_value_a_question_asks_for_sets_its_type(question: str, expected: AnswerType) -> None:
    assert AnswerType.asked_by(question) is expected


def test_money_needs_a_currency_or_a_scale() -> None:
    assert AnswerType.MONEY.held_by("Budapest received €1.5 million for a climate agency.")
    assert AnswerType.MONEY.held_by("The plan costs 3.3bn over ten years.")
    assert AnswerType.MONEY.held_by("Lund budgets 40 MSEK, about 4 million euros.")
    assert not AnswerType.MONEY.held_by("The pilot was announced in March 2023 with 53 cities.")


def test_a_year_alone_is_not_a_count_but_a_date() -> None:
    sentence = "The mayor signed the contract in September 2024."
    assert not AnswerType.COUNT.held_by(sentence)
    assert AnswerType.DATE.held_by(sentence)
    assert AnswerType.COUNT.held_by("Twenty-five partners signed the contract in 2024.")
    assert AnswerType.COUNT.held_by("The contract lists 157 actions.")
    assert AnswerType.DATE.held_by("Twinning takes about 18 months.")
    assert not AnswerType.DATE.held_by("The contract lists 157 actions.")


def test_any_is_held_by_every_sentence() -> None:
    assert AnswerType.ANY.held_by("Anything at all.")


def test_how_many_names_the_things_it_counts() -> None:
    assert counted_things("How many partners signed Milan's contract and how many actions are in it?") == {
        "partner",
        "action",
    }
    assert counted_things("how many commitments and actions does the Lisbon contract have") == {"commit", "action"}
    assert counted_things("how many cities signed and what did they promise?") == {"citi"}
    assert counted_things("What is a Climate City Contract?") == set()


def test_a_count_in_another_language_names_the_words_it_counts() -> None:
    assert counted_words("Quante azioni prevede il contratto di Bologna e quanti partner lo hanno firmato?") == [
        "azioni",
        "partner",
    ]
    assert counted_words("Combien d'actions et combien de villes ?") == ["actions", "villes"]
    assert counted_words("Wie viele Städte? ¿Cuántas acciones? Ile miast?") == ["Städte", "acciones", "miast"]
    assert counted_words("How many cities?") == []


def test_a_count_is_a_number_right_before_the_thing_counted() -> None:
    assert counts_of("The contract holds 157 actions:", {"action"}) == {"action"}
    assert counts_of("Espoo works with 25 climate partners.", {"partner"}) == {"partner"}
    assert counts_of("Nine Italian cities take part.", {"citi"}) == {"citi"}
    assert counts_of("It gathers more than 600 commitments and 150 actions.", {"commit", "action"}) == {
        "commit",
        "action",
    }
    assert counts_of("The actions run until 2030 in 12 districts.", {"action"}) == set()
    assert counts_of("In 2030 actions are reviewed.", {"action"}) == set()
    assert counts_of("The contract holds 157 actions.", set()) == set()


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("¿Cuántas toneladas de CO2 emitió Madrid en el año 1995?", {"1995"}),
        ("Lahti carbon neutral by 2025 or 2028?", {"2025", "2028"}),
        ("How many actions are in the contract?", set()),
        ("and how much did it cost? (Lahti 2021)", set()),
        ("How much did it cost in 2030s money, 12025 units?", set()),
    ],
)
def test_years_named_reads_the_years_a_question_asks_about(question: str, years: set[str]) -> None:
    assert years_named(question) == years


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "how many partners signed Milan's contract and how many actions are in it?",
            ["how many partners signed Milan's contract", "how many actions are in it?"],
        ),
        ("Who prepared the strategy, and when is it dated?", ["Who prepared the strategy,", "when is it dated?"]),
        ("what goal does the plan set and by when?", ["what goal does the plan set", "by when?"]),
        (
            "Mit wem hat Mannheim den Plan erarbeitet und womit verfolgt die Stadt den Fortschritt?",
            ["Mit wem hat Mannheim den Plan erarbeitet", "womit verfolgt die Stadt den Fortschritt?"],
        ),
        (
            "Quante azioni prevede il contratto e quanti partner lo hanno firmato?",
            ["Quante azioni prevede il contratto", "quanti partner lo hanno firmato?"],
        ),
        ("Ile kosztuje projekt i czego dotyczy?", ["Ile kosztuje projekt", "czego dotyczy?"]),
        # "and" joining two things of one ask, a word that only holds a joining word, context carried in brackets
        ("What are the costs and benefits of heat pumps?", ["What are the costs and benefits of heat pumps?"]),
        ("Who signs the e-mail and the letter?", ["Who signs the e-mail and the letter?"]),
        ("And how many? (Milan and when it signed)", ["And how many?"]),
    ],
)
def test_a_question_is_cut_into_its_asks_where_a_joining_word_meets_a_question_word(
    question: str, parts: list[str]
) -> None:
    assert question_parts(question) == parts


@pytest.mark.parametrize(
    ("question", "joined"),
    [
        ("t CO2e for buildings and the total?", ["t CO2e for buildings", "the total?"]),
        ("What are the costs and benefits of heat pumps?", ["What are the costs", "benefits of heat pumps?"]),
        ("Ile kosztuje projekt i czego dotyczy?", ["Ile kosztuje projekt", "czego dotyczy?"]),
        ("How many actions are there?", ["How many actions are there?"]),
    ],
)
def test_a_question_is_cut_into_the_things_it_joins_at_every_joining_word(question: str, joined: list[str]) -> None:
    assert conjuncts(question) == joined
