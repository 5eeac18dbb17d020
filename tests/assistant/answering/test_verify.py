"""One answer policy for every engine: the model's judgement and citations that hold."""

from __future__ import annotations

from assistant.answering.composer import Judgement
from assistant.answering.replies import Citation, Reply
from assistant.answering.verify import Refusal, citations_hold, verify
from assistant.core.schema import Chunk, SearchResult

PASSAGE = SearchResult(Chunk("d::0000::x", "d", "Lahti phased out coal in 2019. It cut emissions by 70%."), 1.0)


def reply(answer: str, sentences: list[str]) -> Reply:
    return Reply("q", "explore", answer, False, citations=[Citation(1, PASSAGE, sentences)])


def test_a_reply_whose_citations_hold_passes_when_the_passages_answer() -> None:
    good = reply("Lahti phased out coal in 2019. [1]", ["Lahti phased out coal in 2019."])
    assert citations_hold(good) and verify(good, Judgement(0.9, 0.5)).passed


def test_the_passages_not_answering_is_an_abstention_whatever_the_engine_wrote() -> None:
    good = reply("Lahti phased out coal in 2019. [1]", ["Lahti phased out coal in 2019."])
    assert verify(good, Judgement(0.2, 0.5)).refusal is Refusal.NOT_ANSWERED


def test_a_marker_without_its_citation_or_a_sentence_the_passage_lacks_does_not_hold() -> None:
    dangling = reply("Lahti phased out coal in 2019. [1] It closed a plant. [2]", ["Lahti phased out coal in 2019."])
    invented = reply("Lahti phased out oil in 2019. [1]", ["Lahti phased out oil in 2019."])
    for bad in (dangling, invented):
        assert verify(bad, Judgement(0.9, 0.5)).refusal is Refusal.INVALID_CITATION
