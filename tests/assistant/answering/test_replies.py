"""A citation names the heading its cited sentence stands under, not only its passage's first section."""

from __future__ import annotations

from assistant.answering.replies import Citation, heading_over
from assistant.core.schema import Chunk, SearchResult

PASSAGE = (
    "## Who this page is for\n\nNew Mission Cities.\n\n"
    "## Step 1: Meet your city advisor\n\nNetZeroCities assigns each Mission City a city advisor.\n\n"
    "## Step 2: Open the Portal\n\n- templates for the three parts;\n- a resource pack."
)


def cited(sentence: str) -> Citation:
    chunk = Chunk("guide-0", "guide", PASSAGE, {"section": "Who this page is for"})
    return Citation(1, SearchResult(chunk, 1.0), [sentence])


def test_a_sentence_is_cited_under_the_heading_it_stands_under() -> None:
    assert heading_over(PASSAGE, "NetZeroCities assigns each Mission City a city advisor.") == (
        "Step 1: Meet your city advisor"
    )
    assert heading_over(PASSAGE, "a resource pack.") == "Step 2: Open the Portal"
    assert heading_over(PASSAGE, "Meet your city advisor: NetZeroCities assigns …") == "Step 1: Meet your city advisor"


def test_a_citation_shows_its_sentence_s_heading_and_falls_back_to_the_passage_s_section() -> None:
    assert cited("a resource pack.").location == "section “Step 2: Open the Portal”"
    assert cited("a resource pack.").to_dict()["section"] == "Step 2: Open the Portal"
    assert cited("A sentence the passage does not hold.").location == "section “Who this page is for”"
