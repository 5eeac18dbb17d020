"""Calibrate when to abstain, per embedding model, on the gold set's answerable and unanswerable questions.

Each model is calibrated on the questions it judges in the assistant (e5 on those not in English, MiniLM on the
rest; see ``Assistant.evidence_model``). For each question the evidence features (best dense similarity,
IDF-weighted coverage of the question by the best passage) are computed once per model; a coarse grid picks the
coverage weight and the threshold with the best balanced accuracy. Two-fold cross-validation (by question order)
reports how well that generalises. The choice is written to assistant/calibration.json.

    .venv/bin/python bench/calibrate_abstention.py [--write]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answering.relevance import _DEFAULTS, CALIBRATION_PATH, update_calibration  # noqa: E402
from assistant.api import Assistant  # noqa: E402
from bench.answers import corpus_settings  # noqa: E402
from bench.gold import Question, load_questions  # noqa: E402

WEIGHTS = [round(0.1 * i, 1) for i in range(0, 10)]
THRESHOLDS = [round(0.02 * i, 2) for i in range(0, 46)]
MIN_RECALL = 0.95


@dataclass(frozen=True)
class Features:
    answerable: bool
    dense: float
    coverage: float
    found: bool  # some passage mentions every place the question names


def features(assistant: Assistant, questions: list[Question], model: str) -> list[Features]:
    rows = []
    for question in questions:
        grounds = assistant.ground(question.q, model=model)
        rows.append(
            Features(question.answerable, grounds.evidence.dense, grounds.evidence.coverage, bool(grounds.focused))
        )
    return rows


def decide(row: Features, model: str, weight: float, threshold: float) -> bool:
    lo, hi = _DEFAULTS[model]["lo"], _DEFAULTS[model]["hi"]
    dense = min(1.0, max(0.0, (row.dense - lo) / (hi - lo)))
    return row.found and (1 - weight) * dense + weight * row.coverage >= threshold


def balanced_accuracy(rows: list[Features], model: str, weight: float, threshold: float) -> float:
    positives = [r for r in rows if r.answerable]
    negatives = [r for r in rows if not r.answerable]
    recall = sum(decide(r, model, weight, threshold) for r in positives) / max(len(positives), 1)
    specificity = sum(not decide(r, model, weight, threshold) for r in negatives) / max(len(negatives), 1)
    return (recall + specificity) / 2


def recall(rows: list[Features], model: str, weight: float, threshold: float) -> float:
    positives = [r for r in rows if r.answerable]
    return sum(decide(r, model, weight, threshold) for r in positives) / max(len(positives), 1)


def best(rows: list[Features], model: str) -> tuple[float, float, float]:
    """(weight, threshold, balanced accuracy) among settings that keep false abstentions within the issue's
    target (answer at least 95% of answerable questions); ties go to the lower threshold, which abstains less."""
    scored = [
        (balanced_accuracy(rows, model, w, t), -t, w, t)
        for w in WEIGHTS
        for t in THRESHOLDS
        if recall(rows, model, w, t) >= MIN_RECALL
    ]
    accuracy, _, weight, threshold = max(scored)
    return weight, threshold, accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write assistant/calibration.json")
    args = parser.parse_args()
    assistant = Assistant(corpus_settings())
    questions = load_questions()
    chosen: dict[str, dict[str, float]] = {}
    for model in assistant.engine.models:
        judged = [q for q in questions if assistant.evidence_model(q.q) == model]
        if not any(q.answerable for q in judged) or all(q.answerable for q in judged):
            print(f"{model}: not calibrated (it judges no answerable or no unanswerable gold question)")
            continue
        rows = features(assistant, judged, model)
        weight, threshold, accuracy = best(rows, model)
        folds = [rows[0::2], rows[1::2]]
        held_out = [balanced_accuracy(folds[1 - i], model, *best(folds[i], model)[:2]) for i in range(2)]
        print(
            f"{model}: coverage weight {weight}, answer at {threshold}: balanced accuracy {accuracy:.3f} "
            f"(2-fold held-out {held_out[0]:.3f} / {held_out[1]:.3f}; {sum(r.answerable for r in rows)} "
            f"answerable, {sum(not r.answerable for r in rows)} unanswerable)"
        )
        chosen[model] = {"coverage_weight": weight, "answer_at": threshold, "off_topic_below": round(threshold / 2, 3)}
    if args.write:
        update_calibration(chosen)
        print(f"wrote {CALIBRATION_PATH}")


if __name__ == "__main__":
    main()
