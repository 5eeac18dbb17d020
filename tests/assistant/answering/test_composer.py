"""The composer with the shipped answer model and the real MiniLM: what it picks, how it reads it, and its judgement."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant.answering.answer_model import load_answer_model
from assistant.answering.composer import Composer
from assistant.answering.features import SENTENCE_FEATURES, QuestionFacts
from assistant.answering.relevance import Evidence
from assistant.core.schema import Chunk, SearchResult
from assistant.core.text import words
from assistant.index.bm25 import BM25Index
from assistant.index.embeddings import get_embedder

PILOTS = (
    "The Pilot Cities Programme funds city pilots across Europe. The first call opened on 5 September 2022. "
    "Grants were €0.5 million, €1 million or €1.5 million per pilot. Pilots test systemic change in several "
    "sectors at once."
)
TWINNING = (
    "Cities learn from each other through twinning. The twinning programme pairs cities for a year of "
    "exchange visits and workshops."
)
STEPS = (
    "A city that wants to join should take three steps:\n\n"
    "- Appoint a mission coordinator in the mayor's office.\n"
    "- Set up a transition team across departments.\n- Register on the NetZeroCities portal.\n\n"
    "The portal also lists the advisors who help new cities."
)
INVENTORY = (
    "Emissions from the city's own operations in 2010 totaled 184,778 metric tons of CO2e. "
    "The government operations inventory covers buildings, streetlights, vehicle fleet, water and wastewater. "
    "Buildings and facilities produced the largest share of the government operations emissions. "
    "The vehicle fleet was the second largest source of operations emissions in the inventory. "
    "Airport facilities accounted for 10 percent of emissions with 17,923 metric tons CO2e."
)
AIRPORT = (
    "Airport facilities emitted 17,923 metric tons of CO2e in 2010. "
    "Airport facilities emissions come mostly from heating the terminal buildings. "
    "The airport facilities include two terminals, a cargo hall and the control tower. "
    "Airport facilities emissions from lighting fell after the LED retrofit. "
    "Emissions of the airport facilities rose with passenger numbers until 2008. "
    "Airport ground vehicles are counted with the airport facilities emissions. "
    "The airport facilities plan sets out how their emissions will be halved. "
    "Airport facilities emissions are reported to the council every year. "
    "All in all, the city's own operations emitted 184,778 metric tons in 2010."
)
EVIDENCE = Evidence("minilm", 0.6, 0.8, 0.7, True, False)


def passage(n: int, text: str) -> SearchResult:
    chunk = Chunk(f"doc{n}::0000::x", f"doc{n}", text, {"title": f"Document {n}", "source": f"https://e.org/{n}"})
    return SearchResult(chunk, score=1.0 / (n + 1), rank=n + 1)


@pytest.fixture(scope="module")
def bm25() -> BM25Index:
    return BM25Index.build([(f"doc{i}", text, {}) for i, text in enumerate([PILOTS, TWINNING, STEPS])])


@pytest.fixture(scope="module")
def composer() -> Composer:
    return Composer(get_embedder("minilm", 2), load_answer_model(), (0.05, 0.75))


def compose(composer: Composer, bm25: BM25Index, question: str, results: list[SearchResult], mode: str = "explore"):
    return composer.compose(QuestionFacts.of(question, bm25), results, mode, EVIDENCE)


def test_an_amount_question_leads_with_the_sentence_that_gives_the_amount(composer: Composer, bm25: BM25Index) -> None:
    results = [passage(0, PILOTS), passage(1, TWINNING)]
    composition = compose(composer, bm25, "How large are the Pilot Cities grants?", results)
    assert "€1.5 million" in composition.picks[0].text
    for pick in composition.picks:  # every pick is quoted from the passage it came from
        assert set(words(pick.text)) <= set(words(results[pick.source].text))


def test_a_sentence_introducing_a_list_brings_its_items(composer: Composer, bm25: BM25Index) -> None:
    composition = compose(composer, bm25, "Which steps should a city take to join?", [passage(0, STEPS)])
    joined = " ".join(p.text for p in composition.picks)
    assert "Appoint a mission coordinator" in joined and "Register on the NetZeroCities portal" in joined


def test_each_ask_of_a_question_that_joins_two_gets_its_own_best_sentence(bm25: BM25Index) -> None:
    one_sentence = Composer(get_embedder("minilm", 2), load_answer_model(), (0.05, 0.75), max_sentences=1)
    question = "How large were the city's operations emissions in 2010, and how much came from airport facilities?"
    facts = replace(QuestionFacts.of(question, bm25), asks=1)  # no room made for the second ask: only its pick
    assert [part.text for part in facts.parts] == [
        "How large were the city's operations emissions in 2010,",
        "how much came from airport facilities?",
    ]
    for part in facts.parts:  # each ask keeps the whole question's year
        assert part.years == {"2010"}
    results = [passage(0, INVENTORY)]
    both = " ".join(p.text for p in one_sentence.compose(facts, results, "explore", EVIDENCE).picks)
    first = " ".join(p.text for p in one_sentence.compose(replace(facts, parts=()), results, "explore", EVIDENCE).picks)
    assert "184,778" in both and "17,923" in both
    assert "184,778" in first and "17,923" not in first


def test_a_question_joining_two_asks_is_answered_when_one_ask_is(composer: Composer, bm25: BM25Index) -> None:
    facts = QuestionFacts.of("How large are the Pilot Cities grants and which Kalmar officials sit on the jury?", bm25)
    results = [passage(0, PILOTS)]
    joined = composer.compose(facts, results, "explore", EVIDENCE).judgement
    whole = composer.compose(replace(facts, parts=()), results, "explore", EVIDENCE).judgement
    assert len(facts.parts) == 2
    assert joined.probability > whole.probability  # the grants' ask is judged on its own, not diluted by the jury's
    assert joined.answerable


def test_each_thing_a_question_joins_is_shown_its_best_sentence(composer: Composer) -> None:
    """ "the airport's emissions and the total": sentences on the airport filled the answer, and the total was left
    out, below them all on the whole question."""
    bm25 = BM25Index.build([(f"doc{i}", text, {}) for i, text in enumerate([PILOTS, TWINNING, STEPS, AIRPORT])])
    facts = QuestionFacts.of("Airport facilities emissions and the operations total?", bm25)
    total = "All in all, the city's own operations emitted 184,778 metric tons in 2010."
    shown = composer.compose(facts, [passage(0, AIRPORT)], "explore", EVIDENCE).picks
    whole = composer.compose(replace(facts, conjuncts=()), [passage(0, AIRPORT)], "explore", EVIDENCE).picks
    assert [c.text for c in facts.conjuncts] == ["Airport facilities emissions", "the operations total?"]
    assert total in [c.text for c in shown] and total not in [c.text for c in whole]


def test_each_thing_a_question_joins_is_compared_with_its_own_vector_and_judged_on_the_whole(
    composer: Composer,
) -> None:
    """Shown: the sentence nearest each part by its own embedding. Judged: on the whole question's similarity, as the
    answer model was fitted."""
    bm25 = BM25Index.build([(f"doc{i}", text, {}) for i, text in enumerate([PILOTS, TWINNING, STEPS, AIRPORT])])
    facts = QuestionFacts.of("Airport facilities emissions and the operations total?", bm25)
    read = composer.read(facts, [passage(0, AIRPORT)], every_sentence=True)
    assert read is not None
    dense = SENTENCE_FEATURES.index("dense")
    whole = read[3][:, dense]  # the whole question's similarity
    judged = composer._score_parts(facts.conjuncts, read, [passage(0, AIRPORT)])
    shown = composer._score_parts(facts.conjuncts, read, [passage(0, AIRPORT)], own_similarity=True)
    for (part, judged_rows, _), (_, shown_rows, _) in zip(judged, shown):
        assert np.allclose(judged_rows[:, dense], whole)
        assert np.allclose(shown_rows[:, dense], composer._similarity(read[2], part.embedded))
        assert not np.allclose(shown_rows[:, dense], whole)


def test_only_the_likeliest_sentences_are_embedded_and_the_answer_stays(bm25: BM25Index) -> None:
    few = Composer(get_embedder("minilm", 2), load_answer_model(), (0.05, 0.75), embedded_at_most=2)
    facts = QuestionFacts.of("How large are the Pilot Cities grants?", bm25)
    results = [passage(0, PILOTS), passage(1, TWINNING), passage(2, STEPS)]
    read = few.read(facts, results)
    assert read is not None and len(read[1]) == len(read[2]) == len(read[3]) == 2
    usable = [c for c in read[0] if c.usable]
    assert len(usable) > 2  # the rest were read for their features, not embedded
    every = few.read(facts, results, every_sentence=True)  # as the training script reads them
    assert every is not None and [c.text for c in every[1]] == [c.text for c in usable]
    assert "€1.5 million" in few.compose(facts, results, "explore", EVIDENCE, read=read).picks[0].text


def test_the_judgement_is_a_probability_against_the_model_s_cut_off(composer: Composer, bm25: BM25Index) -> None:
    on_topic = compose(composer, bm25, "How large are the Pilot Cities grants?", [passage(0, PILOTS)])
    off = compose(composer, bm25, "What is the population of Kalmar in 1995?", [passage(1, TWINNING)])
    assert 0.0 <= off.judgement.probability < on_topic.judgement.probability <= 1.0
    assert on_topic.judgement.answerable and on_topic.judgement.answer_at == load_answer_model().answer_at


def test_no_usable_sentence_gives_no_picks_and_no_answer(composer: Composer, bm25: BM25Index) -> None:
    composition = compose(composer, bm25, "How large are the grants?", [passage(0, "Grants? Yes.")])
    assert composition.picks == [] and not composition.judgement.answerable


def test_the_shipped_model_scores_every_feature_the_code_computes() -> None:
    model = load_answer_model()
    assert np.isfinite(model.sentence.coef).all() and np.isfinite(model.answer.coef).all()
    assert 0.0 < model.answer_at < 1.0 and 0.0 < model.keep_ratio <= 1.0
