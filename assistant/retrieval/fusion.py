"""Fusion of candidate lists from BM25 and the dense models: weighted min-max scores or reciprocal rank."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FusionConfig:
    """How candidate lists are combined. Defaults were tuned on SciFact's training queries (bench/tune_fusion.py)."""

    k: int = 5
    weights: tuple[tuple[str, float], ...] = (("bm25", 1.0), ("minilm", 0.75), ("e5", 0.75))
    # For a question not in English the English-only signals (BM25 stems, MiniLM) mostly add noise.
    foreign_weights: tuple[tuple[str, float], ...] = (("bm25", 0.3), ("minilm", 0.2), ("e5", 1.0))
    candidates: int = 50
    # "minmax": weighted sum of each list's scores scaled to [0, 1] (beat RRF on SciFact train, 0.748 vs 0.744);
    # "rrf": weighted reciprocal rank, 1/(k + rank), where ``k`` applies.
    method: str = "minmax"
    # Rescoring of the fused head when no cross-encoder is configured (assistant/rescore.py); 0 turns it off.
    # Tuned on SciFact train (bench/tune_fusion.py): nDCG@10 0.748 -> 0.754, a plateau around these values.
    rescore_depth: int = 30
    similarity_weight: float = 1.25
    sentence_weight: float = 0.5

    def weight(self, signal: str, foreign: bool) -> float:
        return dict(self.foreign_weights if foreign else self.weights).get(signal, 0.0)


def fused_scores(
    lists: Mapping[str, Sequence[tuple[str, float]]], config: FusionConfig, foreign: bool
) -> dict[str, float]:
    """Fused score of every id in the ranked ``(id, score)`` lists: the weighted sum of each list's contributions."""
    fused: dict[str, float] = {}
    for signal, ranked in lists.items():
        weight = config.weight(signal, foreign)
        for (item_id, _), part in zip(ranked, _contributions(ranked, config)):
            fused[item_id] = fused.get(item_id, 0.0) + weight * part
    return fused


def _contributions(ranked: Sequence[tuple[str, float]], config: FusionConfig) -> list[float]:
    """What each entry of one list adds before weighting: 1/(k + rank) for RRF, else its score min-max scaled."""
    if config.method == "rrf":
        return [1.0 / (config.k + rank) for rank in range(1, len(ranked) + 1)]
    scores = [score for _, score in ranked]
    low = min(scores, default=0.0)
    span = max(scores, default=0.0) - low
    return [(score - low) / span if span > 0 else 1.0 for score in scores]
