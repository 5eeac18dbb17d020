"""Rescoring of the fused head from what the index already holds (stored vectors, BM25 idf), with no model.

Two signals lift a candidate: how close its vector is to the top fused hit (the relevant passages of one
question tend to resemble each other), and how much of the question one of its sentences covers (a claim is
usually matched by one sentence, while BM25 and the dense models score the whole passage). Weights live in
``FusionConfig``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import numpy as np

from assistant.core.text import analyse, split_sentences


def query_weights(query: str, idf: Callable[[list[str]], list[float]]) -> dict[str, float]:
    """Each distinct analysed term of ``query`` with its inverse document frequency."""
    terms = list(dict.fromkeys(analyse(query)))
    return dict(zip(terms, idf(terms)))


# passages whose analysis a process keeps between searches: 4,096 real-document passages hold about 30 MB (14,519
# held 105 MB: the 20,000 kept before would take 170 MB with their texts, half of what an answering process needs)
PASSAGES_KEPT = 4096


@lru_cache(maxsize=PASSAGES_KEPT)
def sentence_terms(text: str) -> tuple[frozenset[str], ...]:
    """The analysed terms of each sentence of a passage, kept between queries: passages recur, and analysing
    every sentence of the head is most of the rescoring's cost."""
    return tuple(frozenset(analyse(sentence)) for sentence in split_sentences(text))


def sentence_coverage(weights: Mapping[str, float], text: str) -> float:
    """The largest idf-weighted share of the query's terms found in one sentence of ``text``, in [0, 1]."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    best = 0.0
    for found in sentence_terms(text):
        best = max(best, sum(weight for term, weight in weights.items() if term in found))
    return best / total


def top_similarity(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row to the first row, min-max scaled to [0, 1] over the rows."""
    norms = np.linalg.norm(vectors, axis=1)
    unit = vectors / np.where(norms > 0, norms, 1.0)[:, None]
    sims = unit @ unit[0]
    span = float(sims.max() - sims.min())
    return (sims - sims.min()) / span if span > 0 else np.ones(len(sims))


def rescored(
    fused: Sequence[float],
    similarities: Sequence[np.ndarray],
    coverage: Sequence[float],
    similarity_weight: float,
    sentence_weight: float,
) -> np.ndarray:
    """New scores of a head ranked best first: the fused score, plus the ``top_similarity`` of each passage
    averaged over the dense models, plus its ``sentence_coverage``, each weighted."""
    scores = np.asarray(fused, dtype=np.float64).copy()
    if len(similarities):
        scores += similarity_weight * np.mean(similarities, axis=0)
    return scores + sentence_weight * np.asarray(coverage, dtype=np.float64)
