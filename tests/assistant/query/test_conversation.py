"""Follow-up questions rewritten into standalone queries from the history, without an LLM."""

from __future__ import annotations

import pytest

from assistant.query.asker import asker_group
from assistant.query.conversation import Conversation, situation, standalone


def test_what_about_another_city_substitutes_the_city() -> None:
    assert standalone("what about Lahti?", ["What is Heidelberg's target?"]) == "What is Lahti's target?"
    assert (
        standalone("And what about Espoo?", ["What is Lahti doing about commuting?"])
        == "What is Espoo doing about commuting?"
    )


@pytest.mark.parametrize("follow_up", ["And for Malmö?", "What about Vitoria-Gasteiz?"])
def test_other_short_forms_substitute_the_city_too(follow_up: str) -> None:
    rewritten = standalone(follow_up, ["What is Lahti doing about commuting?"])
    city = follow_up.split()[-1].rstrip("?")
    assert rewritten == f"What is {city} doing about commuting?"


def test_a_question_with_a_pronoun_carries_the_previous_subject() -> None:
    rewritten = standalone("how much did it cost?", ["What did Budapest do with its pilot grant?"])
    assert rewritten.startswith("how much did it cost?")
    assert {"Budapest", "pilot", "grant"} <= set(rewritten.strip("()?").replace("(", " ").split())


def test_a_self_contained_question_is_unchanged() -> None:
    history = ["What did Budapest do with its pilot grant?"]
    assert standalone("How large are the Pilot Cities grants?", history) == "How large are the Pilot Cities grants?"
    assert (
        standalone("Which Finnish cities joined the Mission in 2022?", history)
        == "Which Finnish cities joined the Mission in 2022?"
    )


@pytest.mark.parametrize("question", ["What is the Mission Label?", "Who runs NetZeroCities?"])
def test_a_short_self_contained_question_is_unchanged(question: str) -> None:
    assert standalone(question, ["What did Budapest do with its pilot grant?"]) == question


def test_the_first_question_is_its_own_standalone_question() -> None:
    assert standalone("  and what about Espoo?  ", []) == "and what about Espoo?"


def test_a_conversation_keeps_the_user_words_and_the_searched_queries() -> None:
    conversation = Conversation()
    first = conversation.rewrite("What is Lahti doing about commuting?")
    conversation.add("What is Lahti doing about commuting?", first)
    second = conversation.rewrite("and what about Espoo?")
    conversation.add("and what about Espoo?", second)
    assert conversation.questions == ["What is Lahti doing about commuting?", "and what about Espoo?"]
    assert conversation.standalone_questions == [
        "What is Lahti doing about commuting?",
        "What is Espoo doing about commuting?",
    ]


def test_a_replayed_history_is_the_same_as_one_asked_here() -> None:
    asked = ["What is Lahti doing about commuting?", "and what about Espoo?"]
    replayed = Conversation.replayed(asked)
    assert replayed.questions == asked
    assert replayed.standalone_questions[-1] == "What is Espoo doing about commuting?"
    assert replayed.rewrite("What about Turku?") == "What is Turku doing about commuting?"


def test_a_follow_up_builds_on_the_last_standalone_question_not_the_user_words() -> None:
    conversation = Conversation()
    for question in ["What is Lahti doing about commuting?", "and what about Espoo?"]:
        conversation.add(question, conversation.rewrite(question))
    assert conversation.rewrite("What about Turku?") == "What is Turku doing about commuting?"


@pytest.mark.parametrize(
    ("message", "query"),
    [
        (
            "Dear NetZeroCities team, who reviews a Climate City Contract? Kind regards",
            "who reviews a Climate City Contract?",
        ),
        ("Hello, what is a CCC?\n\nBest regards,\nAnna Nowak", "what is a CCC?"),
        (
            "Bonjour, quelles villes polonaises sont des villes de la Mission ? Merci d'avance",
            "quelles villes polonaises sont des villes de la Mission ?",
        ),
        ("What does the twinning cost? Thank you very much!", "What does the twinning cost?"),
        ("Can we still apply for twinning? Best regards, Ana", "Can we still apply for twinning?"),
    ],
)
def test_greetings_and_sign_offs_are_not_searched(message: str, query: str) -> None:
    assert standalone(message, []) == query


@pytest.mark.parametrize(
    "question",
    [
        "Hi-tech solutions, which cities use them?",
        "How do we say thank you",
        "Thank you",
        "Care homes, schools and offices: which need retrofits first?",
    ],
)
def test_words_that_only_look_like_pleasantries_are_kept(question: str) -> None:
    assert standalone(question, []) == question


def test_a_follow_up_naming_its_own_subject_carries_only_the_earlier_names() -> None:
    start = "We are a mid-sized city outside the 112. How do we start working towards climate neutrality?"
    assert standalone("and how long does twinning take?", [start]) == "and how long does twinning take?"
    assert (
        standalone("and how many partners signed?", ["What is in Milan's climate city contract?"])
        == "and how many partners signed? (Milan)"
    )
    assert (
        standalone("and how long does it take?", ["How does twinning work for Lahti?"])
        == "and how long does it take? (Lahti twinning)"
    )


def test_a_follow_up_keeps_the_askers_situation_from_an_earlier_turn() -> None:
    conversation = Conversation()
    for question in ("We are a mid-sized city outside the 112. How do we start?", "and is there funding for that?"):
        conversation.add(question, conversation.rewrite(question))
    searched = conversation.standalone_questions[-1]
    assert searched.startswith("We are a mid-sized city outside the 112. and is there funding for that?")
    assert asker_group(searched) == "other-cities"
    assert situation("I work for the city of Kalmar. What is twinning?") == "I work for the city of Kalmar."


def test_a_follow_up_that_says_who_asks_or_a_history_that_never_did_is_left_as_it_is() -> None:
    conversation = Conversation()
    conversation.add("We are a Mission City. How do we start?", "We are a Mission City. How do we start?")
    assert conversation.rewrite("We are not a Mission City after all. What now?").startswith("We are not a Mission")
    plain = Conversation()
    plain.add("What is twinning?", "What is twinning?")
    assert plain.rewrite("and how long does it take?") == standalone(
        "and how long does it take?", ["What is twinning?"]
    )
