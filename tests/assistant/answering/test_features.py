"""General sentence features: what a question asks about, found in a sentence, its section, or nowhere."""

from __future__ import annotations

import numpy as np

from assistant.answering.features import SENTENCE_FEATURES, QuestionFacts, sentence_features
from assistant.answering.sentences import candidates
from assistant.core.schema import Chunk, SearchResult
from assistant.query.answer_types import AnswerType

COLUMN = {name: i for i, name in enumerate(SENTENCE_FEATURES)}


def passage(n: int, text: str, title: str, section: str = "") -> SearchResult:
    chunk = Chunk(f"doc{n}::0000::x", f"doc{n}", text, {"title": title, "section": section})
    return SearchResult(chunk, score=1.0 / (n + 1), rank=n + 1)


def features(question: str, results: list[SearchResult]) -> tuple[list[str], np.ndarray]:
    everything = candidates(results)
    pool = [c for c in everything if c.usable]
    facts = QuestionFacts.of(question, None)
    rows = sentence_features(facts, pool, everything, results, np.zeros(len(pool)), lambda r: r.score)
    return [c.text for c in pool], rows


def test_a_question_is_read_for_its_places_names_years_and_the_kind_of_value_asked() -> None:
    facts = QuestionFacts.of("How much did Lahti spend on the Kempower pilot in 2021?", None)
    assert facts.places == ["Lahti"] and facts.names == ["Kempower"] and facts.years == {"2021"}
    assert facts.answer_type is AnswerType.MONEY and not facts.foreign


def test_the_year_asked_counts_in_the_sentence_or_only_in_the_document_that_names_its_edition() -> None:
    results = [
        passage(0, "The plan cuts emissions by 40 percent by 2030 against 2005 levels.", "Resilience Strategy 2016"),
        passage(1, "In 2016 the city counted 812 street trees along the river.", "Tree census"),
    ]
    texts, rows = features("What does the 2016 resilience strategy aim for?", results)
    plan, trees = texts.index(texts[0]), 1
    assert rows[plan, COLUMN["year_in_context"]] == 1 and rows[plan, COLUMN["year_in_sentence"]] == 0
    assert rows[trees, COLUMN["year_in_sentence"]] == 1


def test_chart_labels_are_mostly_numbers_and_a_sentence_is_not() -> None:
    results = [passage(0, "2015 2016 2017 2018 2019 Transportation 41% 38% 35%. The city runs 12 bus lines.", "Plan")]
    texts, rows = features("How many bus lines are there?", results)
    by_text = dict(zip(texts, rows))
    labels = next(row for text, row in by_text.items() if text.startswith("2015"))
    assert labels[COLUMN["numeric_share"]] > 0.6 > by_text["The city runs 12 bus lines."][COLUMN["numeric_share"]]


def test_a_sentence_naming_another_place_than_the_one_asked_is_marked() -> None:
    results = [passage(0, "Espoo cut emissions by 22 percent. Lahti cut emissions by 70 percent.", "Nordic cities")]
    texts, rows = features("How much did Lahti cut its emissions?", results)
    by_text = dict(zip(texts, rows))
    assert by_text["Espoo cut emissions by 22 percent."][COLUMN["other_place"]] == 1
    assert by_text["Lahti cut emissions by 70 percent."][COLUMN["place_in_sentence"]] == 1


def test_a_number_asked_is_found_by_its_value_however_written() -> None:
    heard = QuestionFacts.of("Someone told me Leuven got €600k for its climate fund. Is that confirmed?", None)
    renovated = QuestionFacts.of("Did Vilnius renovate 2400 buildings by 2030?", None)
    assert heard.missing_from(["Leuven received €600,000 from the Capital Hub."])[2] == 0.0
    assert heard.missing_from(["Leuven received €0.6 million from the Capital Hub."])[2] == 0.0
    assert heard.missing_from(["Leuven received €500,000 from the Capital Hub."])[2] == 1.0
    assert renovated.missing_from(["2,400 buildings renovated by 2030"])[2] == 0.0
    assert renovated.missing_from(["240 buildings renovated by 2030"])[2] == 0.5  # 2030 found, 2400 not


def test_a_formula_or_a_code_is_not_a_name_the_sources_must_give() -> None:
    """The "CO2e" and the "A-1" of "A-1.4b" were names the picks had to hold: a Thessaloniki table question failed."""
    facts = QuestionFacts.of("Thessaloniki, table A-1.4b: electricity emissions (t CO2e/yr) of Stadtwerke?", None)
    assert facts.names == ["Stadtwerke"]


def test_a_unit_holding_a_digit_is_a_word_not_a_number_asked() -> None:
    """ "t CO2e" was counted as a figure the sources never give (they write "t CO2 equivalent"), and a table question
    on Lyon's 2019 emissions was refused."""
    asked = QuestionFacts.of("Lyon, table A-1.4b (2019): t CO2e for buildings & heating?", None)
    source = "A-1.4b: GHG emissions by source sector; Base year 2019; Unit t CO2 equivalent/year"
    assert asked.missing_from([source])[2] == 0.0
    assert asked.missing_from(["GHG emissions by source sector in 2018"])[2] == 1.0
