"""The stored answer model: plain numbers that round-trip, and a clear error when code and file disagree."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.answering.answer_model import LONG_MODEL_PATH, LogisticModel, answer_model_for, load_answer_model


def test_a_logistic_model_is_the_sigmoid_of_standardised_features_and_round_trips() -> None:
    model = LogisticModel(("a", "b"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0]), 0.5)
    p = model.probability(np.array([[3.0, 0.5]]))[0]
    assert p == pytest.approx(1 / (1 + np.exp(-(1.0 - 0.5 + 0.5))))
    again = LogisticModel.from_dict(model.to_dict(), ("a", "b"))
    assert again.probability(np.array([[3.0, 0.5]]))[0] == pytest.approx(p)


def test_a_model_stored_for_other_features_is_refused_by_name() -> None:
    model = LogisticModel(("a",), np.zeros(1), np.ones(1), np.ones(1), 0.0)
    with pytest.raises(ValueError, match=r"answer_model\.json: features \['a'\] differ"):
        LogisticModel.from_dict(model.to_dict(), ("a", "b"))


def test_a_long_document_is_answered_by_the_long_model_and_a_short_one_by_the_other() -> None:
    short, long = load_answer_model(), load_answer_model(LONG_MODEL_PATH)
    assert short.from_passages == 0 < long.from_passages and short.trained_on != long.trained_on
    assert answer_model_for(long.from_passages) is long and answer_model_for(long.from_passages + 500) is long
    assert answer_model_for(long.from_passages - 1) is short and answer_model_for(0) is short


def test_the_long_model_s_file_is_named_when_its_features_differ_from_the_code_s(tmp_path) -> None:
    stored = load_answer_model(LONG_MODEL_PATH).to_dict()
    stored["answer"]["features"] = stored["answer"]["features"][:-1]
    (tmp_path / LONG_MODEL_PATH.name).write_text(json.dumps(stored), encoding="utf-8")
    with pytest.raises(ValueError, match=r"answer_model_long\.json: features"):
        load_answer_model(tmp_path / LONG_MODEL_PATH.name)
