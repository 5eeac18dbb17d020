"""Is the answer in the sources? Combined evidence from dense similarity and how much of the question the best
passages cover, with thresholds calibrated per embedding model on the gold set (bench/calibrate_abstention.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.core.schema import SearchResult
from assistant.core.text import analyse, capitalised_names, question_terms
from assistant.index.bm25 import BM25Index

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")

# Used until a calibration file exists: cosine ranges in which each model's relevant and irrelevant matches fall,
# for passages (lo, hi) and for single sentences (sentence_lo, sentence_hi: bench/calibrate_sentences.py).
_DEFAULTS = {
    "minilm": {
        "lo": 0.15,
        "hi": 0.75,
        "coverage_weight": 0.5,
        "answer_at": 0.45,
        "off_topic_below": 0.2,
        "sentence_lo": 0.05,
        "sentence_hi": 0.75,
        "duplicate_at": 0.92,
    },
    "e5": {
        "lo": 0.78,
        "hi": 0.92,
        "coverage_weight": 0.2,
        "answer_at": 0.45,
        "off_topic_below": 0.2,
        "sentence_lo": 0.73,
        "sentence_hi": 0.9,
        "duplicate_at": 0.97,
    },
}


@dataclass(frozen=True)
class Evidence:
    model: str
    dense: float
    coverage: float
    score: float
    answerable: bool
    off_topic: bool

    def to_dict(self) -> dict[str, float | str | bool]:
        return {
            "model": self.model,
            "dense": round(self.dense, 4),
            "coverage": round(self.coverage, 4),
            "score": round(self.score, 4),
            "answerable": self.answerable,
            "off_topic": self.off_topic,
        }


def load_calibration(path: Path = CALIBRATION_PATH) -> dict[str, dict[str, float]]:
    if path.is_file():
        stored = json.loads(path.read_text(encoding="utf-8"))
        return {
            model: {**_DEFAULTS.get(model, {}), **values}
            for model, values in stored.items()
            if isinstance(values, dict)
        } | {m: v for m, v in _DEFAULTS.items() if m not in stored}
    return dict(_DEFAULTS)


def update_calibration(chosen: dict[str, dict[str, float]], path: Path = CALIBRATION_PATH) -> None:
    """Merge newly calibrated values into the file, model by model, keeping what other calibrations wrote."""
    stored = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for model, values in chosen.items():
        stored[model] = {**stored.get(model, {}), **values}
    path.write_text(json.dumps(stored, indent=2) + "\n", encoding="utf-8")


def english_terms(question: str) -> list[set[str]]:
    """A question's search terms, each a group of one stem (``coverage`` takes groups)."""
    return [{term} for term in sorted(set(question_terms(question)))]


def coverage(terms: Sequence[set[str]], results: list[SearchResult], bm25: BM25Index | None, top: int = 3) -> float:
    """IDF-weighted share of the question's terms found in the best-covering of the top passages. A term is a group
    of stems, any of which counts: a word of another language is present when one of its readings in the sources'
    words is (without that, a question in Italian covered nothing and was refused as off-topic)."""
    terms = [stems for stems in terms if stems]
    if not terms or not results:
        return 0.0
    weights = [max(bm25.idf(sorted(stems))) if bm25 is not None else 1.0 for stems in terms]
    total = sum(weights) or 1.0
    best = 0.0
    for result in results[:top]:
        present = set(analyse(f"{result.title} {result.section or ''} {result.text}"))
        best = max(best, sum(w for stems, w in zip(terms, weights) if stems & present) / total)
    return best


def assess(
    terms: Sequence[set[str]],
    results: list[SearchResult],
    model: str,
    bm25: BM25Index | None,
    calibration: dict[str, dict[str, float]] | None = None,
) -> Evidence:
    """Combine the best dense similarity of ``model`` and the lexical coverage of the question's ``terms`` (see
    ``coverage``) into one calibrated decision."""
    params = (calibration or load_calibration()).get(model, _DEFAULTS["minilm"])
    dense = max((r.signals.get(model, 0.0) for r in results[:5]), default=0.0)
    dense_norm = min(1.0, max(0.0, (dense - params["lo"]) / max(params["hi"] - params["lo"], 1e-6)))
    cover = coverage(terms, results, bm25)
    weight = params["coverage_weight"]
    score = (1 - weight) * dense_norm + weight * cover
    return Evidence(model, dense, cover, score, score >= params["answer_at"], score < params["off_topic_below"])


_ABSENCE = re.compile(
    r"\b(do(es)?n[o']t (give|say|state|confirm|publish|record|report|include|list|specify|mention|name)"
    r"|do(es)? not (give|say|state|confirm|publish|record|report|include|list|specify|mention|name)"
    r"|(is|are|was|were) not (given|published|stated|known|confirmed|available|recorded|found|reported)"
    r"|could not (find|confirm|be confirmed)|no (official|published) \w+|not (yet )?(confirmed|published)"
    r"|(none|nothing) (is|was) (given|published|found))\b",
    re.I,
)


def states_absence(sentence: str) -> bool:
    """A sentence saying the sources do not give something: quoting it is an abstention, not an answer."""
    return bool(_ABSENCE.search(sentence))


def unseen_names(question: str, bm25: BM25Index | None) -> list[str]:
    """Capitalised names in the question (not its first word) that no indexed passage ever mentions: the corpus
    cannot know about them, so any answer would be about something else."""
    if bm25 is None or not len(bm25):
        return []
    unseen = []
    for name in (word for run in capitalised_names(question.strip()) for word in run.split()):
        stems = analyse(name)
        if stems and not any(stem in bm25.vocab for stem in stems):
            unseen.append(name)
    return unseen
