"""Reading a question's words in the sources' words, with the real multilingual model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.extractive import Candidate, ExtractiveComposer
from assistant.answering.relevance import load_calibration
from assistant.api import _foreign_topic, _gives_value
from assistant.core.config import PROJECT_ROOT
from assistant.core.schema import Chunk, SearchResult
from assistant.index.embeddings import Embedder, get_embedder
from assistant.index.word_vectors import VOCABULARY_MODEL, WordTranslator, vocabulary_words
from assistant.query.answer_types import AnswerType

MILAN = (
    "Milan's Climate City Contract lists 157 actions worth about €6 billion in total. About €2.6 billion of it "
    "comes from the city and €3.3 billion from stakeholders."
)


@pytest.fixture(scope="module")
def e5() -> Embedder:
    return get_embedder(VOCABULARY_MODEL)


@pytest.fixture(scope="module")
def translator(e5: Embedder) -> WordTranslator:
    """The words of the shipped guidance: a vocabulary as broad as a real index's."""
    texts = [path.read_text(encoding="utf-8") for path in sorted((PROJECT_ROOT / "corpus" / "guidance").glob("*.md"))]
    return WordTranslator.empty(e5.dim).extended(texts, e5)


def test_vocabulary_words_are_lower_case_letters_without_stopwords() -> None:
    assert vocabulary_words("The Mayor's 2030 salary, and CO2 in Kraków!") == {"mayor", "salary", "kraków"}


def test_a_word_of_another_language_is_read_as_the_sources_words_for_it(
    translator: WordTranslator, e5: Embedder
) -> None:
    assert "actions" in translator.translate("azioni", e5)
    assert "contract" in translator.translate("contratto", e5)
    assert "mayor" in translator.translate("sindaco", e5)
    assert len(translator.translate("objectif", e5)) == 3


def test_extending_embeds_only_new_words_and_a_saved_vocabulary_loads_the_same(tmp_path: Path, e5: Embedder) -> None:
    small = WordTranslator.empty(e5.dim).extended(["Twinning pairs cities."], e5)
    assert sorted(small.words) == ["cities", "pairs", "twinning"]
    assert small.extended(["Cities pairs."], e5) is small
    grown = small.extended(["Cities learn through twinning."], e5)
    assert len(grown) == 4 and grown.words[:3] == small.words
    grown.save(tmp_path)
    loaded = WordTranslator.load(tmp_path)
    assert loaded is not None and loaded.words == grown.words
    assert loaded.translate("jumelage", e5) == grown.translate("jumelage", e5)
    assert WordTranslator.load(tmp_path / "none") is None


def _milan() -> tuple[list[Candidate], list[SearchResult]]:
    chunk = Chunk("milan::0000::x", "milan", MILAN, {"title": "Milan case study", "city": "Milan"})
    return [Candidate(MILAN.split(". ")[0] + ".", 0, 0)], [SearchResult(chunk, score=1.0, rank=1)]


def test_a_question_in_another_language_must_share_its_topic_with_the_answer(
    translator: WordTranslator, e5: Embedder
) -> None:
    chosen, passages = _milan()

    def translate(term: str) -> list[str]:
        return translator.translate(term, e5)

    salary = "Qual è lo stipendio del sindaco di Milano?"
    assert "milan" not in _foreign_topic(salary, translate)  # the place is judged apart
    assert not _gives_value(AnswerType.ANY, salary, chosen, passages, True, translate)
    assert _gives_value(
        AnswerType.COUNT, "Quante azioni prevede il contratto di Milano?", chosen, passages, True, translate
    )
    assert _gives_value(AnswerType.ANY, salary, chosen, passages, True, None)  # no vocabulary: not checked


def test_word_overlap_and_counts_reach_a_question_in_another_language(translator: WordTranslator, e5: Embedder) -> None:
    bologna = (
        "Bologna presented its Climate City Contract on 1 March 2024. The headline figure is the roughly €11 "
        "billion of investment attached to the 241 actions. Two tiers of backers were named in it: 24 partners "
        "and 70 supporters."
    )
    chunk = Chunk("bologna::0000::x", "bologna", bologna, {"title": "Bologna case study", "city": "Bologna"})
    params = load_calibration()[VOCABULARY_MODEL]
    composer = ExtractiveComposer(
        e5, None, (params["sentence_lo"], params["sentence_hi"]), translate=lambda term: translator.translate(term, e5)
    )
    picks = composer.select(
        "Quanti partner hanno firmato il contratto di Bologna?", [SearchResult(chunk, score=1.0, rank=1)], "explore"
    )
    assert picks[0].text.startswith("Two tiers of backers") and picks[0].lexical > 0
