"""Is the answer in the sources: statements of absence, places named in a question, and term coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.relevance import coverage, english_terms, load_calibration, states_absence, update_calibration
from assistant.index.bm25 import BM25Index
from tests.assistant.conftest import result


@pytest.mark.parametrize(
    "sentence",
    [
        "The sources do not give a figure for the budget.",
        "The city has not published its budget.",
        "The amount was not published.",
        "The plan doesn't say when the tram opens.",
        "No official figure exists for 2030.",
        "The target year is not yet confirmed.",
    ],
)
def test_sentences_saying_the_sources_lack_something(sentence: str) -> None:
    assert states_absence(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Lahti published its plan in 2021.",
        "Not every city publishes a budget.",
        "The city did not give up on district heating.",
        "Grants were €0.5 million, €1 million or €1.5 million per pilot.",
    ],
)
def test_ordinary_sentences_do_not_state_absence(sentence: str) -> None:
    assert not states_absence(sentence)


def test_coverage_is_higher_for_the_passage_holding_the_rare_terms() -> None:
    index = BM25Index.build(
        [
            (f"c{i}", text, {})
            for i, text in enumerate(
                [
                    "Pilot cities test new ideas.",
                    "The pilot programme funds cities.",
                    "Cities learn from pilot cities.",
                    "Mannheim heats schools with geothermal probes.",
                    "Budapest runs a pilot for homes.",
                ]
            )
        ]
    )
    question = english_terms("Which pilot city heats schools with geothermal probes?")
    rare = [result("Mannheim heats schools with geothermal probes.")]
    common = [result("The pilot programme funds cities.")]
    assert coverage(question, rare, index) > 0.5 > coverage(question, common, index) > 0.0
    assert coverage(question, common + rare, index) == coverage(question, rare, index)  # the best passage counts


def test_coverage_reads_the_title_and_is_zero_without_passages() -> None:
    titled = [result("It began in 2019.", title="Geothermal probes in Mannheim schools")]
    assert coverage(english_terms("geothermal probes"), titled, None) == 1.0
    assert coverage(english_terms("geothermal probes"), [], None) == 0.0


def test_a_term_read_in_several_words_counts_when_any_of_them_is_there() -> None:
    # "sonde geotermiche" read in the sources' words: each Italian word is a group of its readings' stems
    read = [{"probe", "sensor"}, {"geotherm", "thermal"}]
    assert coverage(read, [result("Mannheim heats schools with geothermal probes.")], None) == 1.0
    assert coverage(read, [result("Sensors in every school.")], None) == 0.5
    assert coverage(read, [result("Schools and heat pumps.")], None) == 0.0


def test_update_calibration_merges_per_model_and_keeps_other_values(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    update_calibration({"minilm": {"answer_at": 0.4}, "e5": {"answer_at": 0.1}}, path)
    update_calibration({"e5": {"sentence_lo": 0.7, "sentence_hi": 0.85}}, path)
    loaded = load_calibration(path)
    assert loaded["e5"]["answer_at"] == 0.1
    assert (loaded["e5"]["sentence_lo"], loaded["e5"]["sentence_hi"]) == (0.7, 0.85)
    assert loaded["minilm"]["answer_at"] == 0.4
    assert "sentence_lo" in loaded["minilm"]  # a value never calibrated falls back to its default
