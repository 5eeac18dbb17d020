"""Reading a question's words in the sources' words, with the real multilingual model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.features import QuestionFacts
from assistant.core.config import PROJECT_ROOT
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


def test_a_question_in_another_language_is_read_in_the_sources_words(translator: WordTranslator, e5: Embedder) -> None:
    question = "Quanti partner hanno firmato il contratto di Bologna?"
    facts = QuestionFacts.of(question, None, True, lambda term: translator.translate(term, e5))
    backers = "Two tiers of backers were named in it: 24 partners and 70 supporters."
    shares = facts.term_shares([backers, "Trees shade the streets."])
    assert shares[0].sum() > shares[1].sum() == 0
    assert "partner" in facts.counted  # "quanti partner" counts the sources' partners
    assert facts.places == ["Bologna"] and facts.answer_type is AnswerType.COUNT and facts.foreign


def test_a_capitalised_word_of_the_question_s_language_is_no_name(translator: WordTranslator, e5: Embedder) -> None:
    """ "Ville d'Amsterdam" made "Ville" a name the answer had to hold, and a French question was refused: the
    sources say "City of Amsterdam". A word the sources write as it is ("Portal") stays a name."""
    question = "Je viens d'arriver à la Ville de Milan : que propose le Portal de la Mission ?"
    facts = QuestionFacts.of(question, None, True, lambda term: translator.translate(term, e5))
    assert facts.names == ["Portal", "Mission"]
