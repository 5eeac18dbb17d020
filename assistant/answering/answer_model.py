"""The learned answer model: two logistic regressions over general features, fitted on the development set of
real documents by ``bench/train_answers.py`` and stored as plain numbers in ``answer_model.json``.

- ``sentence``: the probability that a candidate sentence states what the question asks (its features:
  ``features.SENTENCE_FEATURES``);
- ``answer``: the probability that the passages answer the question at all (``ANSWER_FEATURES``), which decides
  between a cited answer and an honest abstention for every engine (``verify``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering.features import SENTENCE_FEATURES

MODEL_PATH = Path(__file__).with_name("answer_model.json")

ANSWER_FEATURES = (
    "best",
    "second",
    "top3_mean",
    "lead_dense",
    "lead_lexical",
    "evidence_score",
    "evidence_dense",
    "evidence_coverage",
    "type_asked",
    "type_held",
    "place_asked",
    "place_held",
    "names_held",
    "names_unseen",
    "year_asked",
    "year_held",
    "lead_absence",
    "terms_missing",
    "rarest_missing",
    "numbers_missing",
    "foreign",
)


@dataclass(frozen=True)
class LogisticModel:
    """A fitted logistic regression on standardised features: p = σ(((x − mean) / scale) · coef + intercept)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """The probability of the positive class for each row (features in ``self.features`` order)."""
        z = ((np.atleast_2d(rows) - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(float(self.intercept), 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], expected: tuple[str, ...]) -> LogisticModel:
        """A stored model; its features must be the ones the code computes, in the same order."""
        if tuple(data["features"]) != expected:
            raise ValueError(f"{MODEL_PATH.name}: features {data['features']} differ from the code's {list(expected)}")
        return cls(
            tuple(data["features"]),
            np.asarray(data["mean"], dtype=float),
            np.asarray(data["scale"], dtype=float),
            np.asarray(data["coef"], dtype=float),
            float(data["intercept"]),
        )


@dataclass(frozen=True)
class AnswerModel:
    """The sentence and answer models with the two cut-offs fitted beside them on the development set."""

    sentence: LogisticModel
    answer: LogisticModel
    answer_at: float  # answer when P(answerable) reaches it, else abstain
    keep_ratio: float  # a further sentence joins the lead when its probability reaches this share of the lead's
    trained_on: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "trained_on": self.trained_on,
            "answer_at": round(self.answer_at, 4),
            "keep_ratio": round(self.keep_ratio, 4),
            "sentence": self.sentence.to_dict(),
            "answer": self.answer.to_dict(),
        }

    def save(self, path: Path = MODEL_PATH) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerModel:
        return cls(
            LogisticModel.from_dict(data["sentence"], SENTENCE_FEATURES),
            LogisticModel.from_dict(data["answer"], ANSWER_FEATURES),
            float(data["answer_at"]),
            float(data["keep_ratio"]),
            str(data.get("trained_on", "")),
        )


@lru_cache(maxsize=4)
def load_answer_model(path: Path = MODEL_PATH) -> AnswerModel:
    """The stored model (read once per process)."""
    return AnswerModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
