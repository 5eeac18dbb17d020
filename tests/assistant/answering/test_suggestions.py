"""Next questions are the corpus's own headings, phrased as questions a newcomer can click."""

from __future__ import annotations

import pytest

from assistant.answering.suggestions import suggest
from assistant.core.schema import Chunk, SearchResult


def result(n: int, title: str, section: str) -> SearchResult:
    return SearchResult(Chunk(f"doc{n}::0000::x", f"doc{n}", "text", {"title": title, "section": section}), 1.0)


def test_question_headings_come_first_and_are_kept_as_written() -> None:
    results = [
        result(0, "Oslo case study: the climate budget", "Peer learning: Oslo as a guide"),
        result(1, "Galway: a pilot city for home retrofit", "Galway > Is Galway a Mission City?"),
    ]
    assert suggest(results, set()) == [
        "Is Galway a Mission City?",
        "What does the Oslo case study page say about peer learning: Oslo as a guide?",
    ]


def test_a_title_that_asks_a_question_gives_that_question() -> None:
    results = [
        result(
            0,
            "Which cities hold the EU Mission Label? All six award waves, 2023–2026",
            "Wave 5 — October 2025: 11 cities",
        )
    ]
    assert suggest(results, set()) == ["Which cities hold the EU Mission Label?"]


def test_used_passages_and_repeated_headings_are_left_out() -> None:
    results = [
        result(0, "The Climate City Capital Hub: finance for cities", "Examples"),
        result(1, "Valencia case study", "Examples"),
        result(2, "Lahti case study", "Finance"),
    ]
    assert suggest(results, {"doc2::0000::x"}) == ["What does the Climate City Capital Hub page say about examples?"]


def test_a_question_heading_that_shares_no_word_with_its_title_carries_the_subject() -> None:
    results = [
        result(0, "The Climate City Contract: Part 1, the 2030 targets", "Who signs or commits?"),
        result(
            1,
            "How much does climate neutrality cost? Investment needs of the Mission Cities",
            "Who is expected to pay?",
        ),
    ]
    assert suggest(results, set()) == [
        "Who signs or commits? (Climate City Contract)",
        "Who is expected to pay? (Investment needs of the Mission Cities)",
    ]


def test_a_document_with_a_long_name_gives_no_made_up_question_for_a_plain_heading() -> None:
    results = [
        result(
            0,
            "How to start on climate neutrality if your city is not one of the 112 Mission Cities",
            "Who this page is for",
        )
    ]
    assert suggest(results, set()) == []


@pytest.mark.parametrize(
    ("heading", "read"),
    [
        ("Baseline emissions", "baseline emissions"),
        ("GHG Baseline", "GHG Baseline"),
        ("TRANSPORT EQUIPMENT AND WORK MACHINES", "TRANSPORT EQUIPMENT AND WORK MACHINES"),
        ("Relevance & Impact", "Relevance & Impact"),
        ("A-2.1: Description & assessment of policies", "A-2.1: Description & assessment of policies"),
    ],
)
def test_a_heading_keeps_its_capitals_unless_it_is_in_sentence_case(heading: str, read: str) -> None:
    [question] = suggest([result(0, "Climate City Contract", heading)], set())
    assert question == f"What does the Climate City Contract page say about {read}?"
