"""Calibrate each embedding model's question-to-sentence cosine range, which the extractive composer scales to 0..1.

The models' cosines live in very different ranges (MiniLM spreads from about 0 to 0.8, e5 crowds into 0.7-0.9), so a
fixed range either flattens e5's differences (every sentence scores 1) or wastes MiniLM's. For each model, the
questions it composes answers for (MiniLM English, e5 the others, as ``Assistant.evidence_model`` decides) are
grounded as ``ask`` grounds them, on the gold set's a-half only (the b-half stays held out for
bench/tune_answers.py); ``sentence_lo`` is the 5th percentile of the cosines between each question and the sentences
of its answer passages (below it: unrelated) and ``sentence_hi`` the 99th (the best matches). ``duplicate_at``, where
the composer treats two sentences as saying the same thing, is the cosine that only one in a thousand pairs of
sentences from the same answer passages exceeds.

    .venv/bin/python bench/calibrate_sentences.py [--write]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answering.relevance import CALIBRATION_PATH, update_calibration  # noqa: E402
from assistant.answering.sentences import candidates, sentence_vectors  # noqa: E402
from assistant.api import ANSWER_PASSAGES, Assistant  # noqa: E402
from assistant.index.embeddings import get_embedder  # noqa: E402
from assistant.query.conversation import standalone  # noqa: E402
from bench.answers import corpus_settings  # noqa: E402
from bench.gold import GOLD, load_questions  # noqa: E402

LOW_PERCENTILE = 5
HIGH_PERCENTILE = 99
DUPLICATE_PERCENTILE = 99.9


def cosines(assistant: Assistant, questions: list[str], model: str) -> tuple[np.ndarray, np.ndarray]:
    """Every cosine between a question and a usable sentence of the passages its answer is composed from, and
    every cosine between two of those sentences."""
    embedder = get_embedder(
        model, assistant.settings.threads, assistant.settings.precision, assistant.settings.model_cache
    )
    to_question, between = [np.zeros(0)], [np.zeros(0)]
    for question in questions:
        grounds = assistant.ground(standalone(question, []), model=model)
        query, passages = grounds.query, grounds.focused[:ANSWER_PASSAGES]
        texts = [c.text for c in candidates(passages) if c.usable]
        if texts:
            vectors = sentence_vectors(embedder, texts)
            to_question.append(vectors @ embedder.embed_query(query))
            between.append((vectors @ vectors.T)[np.triu_indices(len(texts), 1)])
    return np.concatenate(to_question), np.concatenate(between)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="merge the ranges into assistant/calibration.json")
    args = parser.parse_args(argv)
    assistant = Assistant(corpus_settings())
    questions = [q.q for q in load_questions(sorted(GOLD.glob("*-a.jsonl"))) if q.answerable]
    chosen = {}
    for model in assistant.engine.models:
        judged = [q for q in questions if assistant.evidence_model(q) == model]
        values, pairs = cosines(assistant, judged, model)
        if not values.size:
            print(f"{model}: not calibrated (it composes no answer for an a-half question)")
            continue
        lo, hi = (round(float(np.percentile(values, p)), 3) for p in (LOW_PERCENTILE, HIGH_PERCENTILE))
        duplicate = round(float(np.percentile(pairs, DUPLICATE_PERCENTILE)), 3)
        print(
            f"{model}: {len(judged)} questions, {values.size} sentences: sentence_lo {lo}, sentence_hi {hi} "
            f"(median {np.median(values):.3f}); duplicate_at {duplicate} ({pairs.size} pairs)"
        )
        chosen[model] = {"sentence_lo": lo, "sentence_hi": hi, "duplicate_at": duplicate}
    if args.write:
        update_calibration(chosen)
        print(f"wrote {CALIBRATION_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
