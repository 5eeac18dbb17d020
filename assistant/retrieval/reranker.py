"""The last ordering step over fused candidates: a hook, and a local cross-encoder that fills it."""

from __future__ import annotations

import os
from typing import Protocol

from assistant.core.schema import SearchResult


class Reranker(Protocol):
    """A last ordering step over the fused candidates (a local cross-encoder, or anything else)."""

    def rerank(self, query: str, results: list[SearchResult]) -> list[SearchResult]: ...


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder loaded from a local folder (``NETZERO_RERANKER_PATH``)."""

    def __init__(self, path: str, top_n: int = 30) -> None:
        from sentence_transformers import CrossEncoder

        if not os.path.isdir(path):
            raise FileNotFoundError(f"NETZERO_RERANKER_PATH {path!r} is not a folder with a cross-encoder model")
        self._model = CrossEncoder(path, device="cpu")
        self._top_n = top_n

    def rerank(self, query: str, results: list[SearchResult]) -> list[SearchResult]:
        head, tail = results[: self._top_n], results[self._top_n :]
        if not head:
            return results
        scores = self._model.predict([(query, r.chunk.embedding_text()) for r in head])
        for result, score in zip(head, scores):
            result.signals["rerank"] = float(score)
        head.sort(key=lambda r: -r.signals["rerank"])
        return head + tail
