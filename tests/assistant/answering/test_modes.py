"""The three answer shapes (start, explore, draft) and the matching honest abstentions."""

from __future__ import annotations

import re

from assistant.answering.modes import DRAFT_OPENING, SIGN_OFF, render, render_abstention
from assistant.answering.replies import Citation
from tests.assistant.conftest import result

GRANTS = result(
    "Grants were €0.5 million, €1 million or €1.5 million per pilot.",
    date="2024-11-26",
    source="https://netzerocities.eu/pilot-cities-programme/",
    section="Calls > Call 1",
)
LAHTI = result(
    "Lahti phased out coal in 2019.",
    title="Lahti case study",
    rank=2,
    date="2023-03-06",
    source="https://example.org/lahti",
    section="",
    page=4,
)
PICKS = [
    ("Register on the NetZeroCities portal.", 1),
    ("Appoint a transition team.", 2),
    ("Sign the Climate City Contract.", 1),
]
SUGGESTIONS = ["Is Lahti a Mission City?", "What is twinning?", "Who funds pilots?", "A fourth question?"]


def citations() -> list[Citation]:
    return [Citation(1, GRANTS, ["Register on the NetZeroCities portal."]), Citation(2, LAHTI, ["Appoint a team."])]


def test_start_numbers_the_steps_and_keeps_each_citation() -> None:
    answer = render("start", PICKS, citations(), SUGGESTIONS)
    steps = re.findall(r"^(\d+)\. (.+) \[(\d)\]$", answer, re.M)
    assert steps == [
        ("1", "Register on the NetZeroCities portal.", "1"),
        ("2", "Appoint a transition team.", "2"),
        ("3", "Sign the Climate City Contract.", "1"),
    ]
    assert "You could also ask" not in answer


def test_start_for_a_factual_question_is_an_overview_without_numbers() -> None:
    answer = render("start", PICKS, citations(), SUGGESTIONS, steps=False)
    assert not re.search(r"^\d+\. ", answer, re.M) and "Appoint a transition team. [2]" in answer


def test_explore_gives_the_overview_then_at_most_three_next_questions() -> None:
    answer = render("explore", PICKS, citations(), SUGGESTIONS)
    overview, more = answer.split("\n\nYou could also ask:\n")
    assert overview == (
        "Register on the NetZeroCities portal. [1]\n\n- Appoint a transition team. [2]\n"
        "- Sign the Climate City Contract. [1]"
    )
    assert more.splitlines() == [f"- {q}" for q in SUGGESTIONS[:3]]


def test_explore_without_suggestions_has_no_empty_list() -> None:
    assert "You could also ask" not in render("explore", PICKS, citations(), [])


def test_a_foreign_question_is_told_the_answer_comes_from_english_sources() -> None:
    assert render("explore", PICKS, citations(), [], foreign=True).startswith("(Answer drawn from English sources.)")
    assert not render("explore", PICKS, citations(), []).startswith("(")


def test_draft_is_a_letter_with_a_dated_sources_list_and_a_sign_off() -> None:
    answer = render("draft", PICKS, citations(), SUGGESTIONS)
    assert answer.startswith(f"{DRAFT_OPENING}Register on the NetZeroCities portal. [1]")
    assert answer.endswith(SIGN_OFF)
    sources = answer.split("\n\nSources:\n")[1].split("\n\n")[0].splitlines()
    assert sources == [
        "[1] Pilot Cities Programme, section “Call 1” (2024-11-26): https://netzerocities.eu/pilot-cities-programme/",
        "[2] Lahti case study, p. 4 (2023-03-06): https://example.org/lahti",
    ]
    assert "as of 2024-11-26" in answer  # the newest source date
    assert "You could also ask" not in answer


def test_draft_opens_with_the_answer_and_lists_the_supporting_points() -> None:
    answer = render("draft", PICKS, citations(), [], lead=2)
    body = answer.split(DRAFT_OPENING)[1].split("\n\nThis reflects")[0]
    assert body == (
        "Register on the NetZeroCities portal. [1] Appoint a transition team. [2]\n\n"
        "- Sign the Climate City Contract. [1]"
    )


def test_an_undated_source_says_so() -> None:
    undated = Citation(1, result("Text.", date=""), [])
    answer = render("draft", [("A sentence from it.", 1)], [undated], [])
    assert "(undated)" in answer and "This reflects our sources as of" not in answer


def test_off_topic_abstention_says_what_the_assistant_is_for() -> None:
    answer = render_abstention("explore", True, [], [])
    assert "EU Mission for 100 Climate-Neutral and Smart Cities" in answer and "Nearby" not in answer


def test_near_topic_abstention_names_nearby_titles_and_answerable_questions() -> None:
    answer = render_abstention(
        "explore", False, ["Lahti case study", "Espoo case study", "Twinning", "Fourth"], ["Is Lahti a Mission City?"]
    )
    assert "do not cover this question" in answer
    assert "Nearby, they cover: “Lahti case study”; “Espoo case study”; “Twinning”." in answer
    assert "Fourth" not in answer and answer.endswith("Questions I can answer:\n- Is Lahti a Mission City?")


def test_draft_abstention_is_a_letter_that_says_whom_to_ask() -> None:
    answer = render_abstention("draft", False, ["Lahti case study"], [])
    assert answer.startswith("Dear colleague,") and answer.endswith(SIGN_OFF)
    assert "NetZeroCities advisor" in answer and "Lahti case study" in answer


def test_an_abstention_quoting_the_sources_keeps_the_quote_and_a_draft_lists_them() -> None:
    cited = [Citation(1, GRANTS, ["The budget was not published."])]
    quote = "The budget was not published. [1]"
    explore = render_abstention("explore", False, ["Nearby title"], [], quote=quote, sources=cited)
    assert explore == f"My sources do not give a definite answer to this. What they say: {quote}"
    draft = render_abstention("draft", False, [], [], quote=quote, sources=cited)
    assert f"What they say: {quote}" in draft
    assert draft.split("Sources:\n")[1].startswith("[1] Pilot Cities Programme, section “Call 1” (2024-11-26)")
