"""Tune the extractive engine's sentence weights on one half of the gold set and report them on the other.

The gold files come in halves (``*-a.jsonl`` and ``*-b.jsonl``, written separately): the grid is ranked on the
answerable questions of the a-half only, and the best points are then scored once on the b-half, which no choice
looked at. The score is the share of questions whose picked sentences hold every expected fact (what
bench/answers.py counts, before rendering). Passages are retrieved once per question; sentence vectors are cached,
so the grid is only the composer's arithmetic.

    .venv/bin/python bench/tune_answers.py [--top N]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answering.extractive import SentenceWeights  # noqa: E402
from assistant.api import ANSWER_PASSAGES, Assistant  # noqa: E402
from assistant.core.schema import SearchResult  # noqa: E402
from assistant.query.conversation import standalone  # noqa: E402
from bench.answers import corpus_settings  # noqa: E402
from bench.gold import GOLD, Question, facts_in, load_questions  # noqa: E402

GRID = {
    "dense": (0.3, 0.45, 0.6),
    "lexical": (0.15, 0.25, 0.4, 0.55),
    "kind": (0.05, 0.1, 0.2),
    "prior": (0.1, 0.2, 0.3),
    "counted": (0.0, 0.15, 0.3),
}


@dataclass
class Case:
    """A gold question with the passages the assistant would compose its answer from."""

    question: Question
    query: str  # the question as it is searched and composed from
    passages: list[SearchResult]
    model: str
    foreign: bool  # in another language than the sources: composed with its words read in theirs


def retrieve(assistant: Assistant, questions: list[Question]) -> list[Case]:
    """Ground every answerable question once, as ``Assistant.ask`` does (greetings and sign-offs left out); the ones
    with no passage about their place are left out."""
    cases = []
    for question in questions:
        query = standalone(question.q, [])
        grounds = assistant.ground(query)
        if grounds.focused:
            cases.append(
                Case(question, grounds.query, grounds.focused[:ANSWER_PASSAGES], grounds.model, grounds.foreign)
            )
    return cases


def score(assistant: Assistant, cases: list[Case], weights: SentenceWeights) -> float:
    """Share of cases whose picked sentences hold every expected fact."""
    hits = 0
    for case in cases:
        composer = assistant.composer(case.model, weights, case.foreign)
        picks = composer.select(case.query, case.passages, case.question.mode)
        hits += facts_in(" ".join(p.text for p in picks), case.question)
    return hits / max(len(cases), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args(argv)
    assistant = Assistant(corpus_settings())
    halves = {
        half: [q for q in load_questions(sorted(GOLD.glob(f"*-{half}.jsonl"))) if q.answerable] for half in ("a", "b")
    }
    tune, held_out = (retrieve(assistant, halves[h]) for h in ("a", "b"))
    print(f"tuning on {len(tune)} answerable a-half questions; held out: {len(held_out)} b-half questions")
    grid = [SentenceWeights(**dict(zip(GRID, values))) for values in itertools.product(*GRID.values())]
    ranked = sorted(((score(assistant, tune, w), w) for w in grid), key=lambda point: -point[0])
    current = SentenceWeights()
    print(
        f"\ncurrent defaults: a {score(assistant, tune, current):.3f}, b {score(assistant, held_out, current):.3f}"
        f"  {current}"
    )
    print(f"\n## best {args.top} of {len(grid)} on the a-half, each then scored on the b-half")
    for value, weights in ranked[: args.top]:
        print(f"  a {value:.3f}  b {score(assistant, held_out, weights):.3f}  {weights}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
