"""The stored answer model: plain numbers that round-trip, and a clear error when code and file disagree."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.answer_model import LogisticModel


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
