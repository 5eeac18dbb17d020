"""Hybrid retrieval: BM25 and one or two dense models, fused by weighted scores (min-max or reciprocal rank),
reranked (by a local cross-encoder when one is configured, else rescored from stored vectors and sentences),
de-duplicated, with neighbouring chunks merged where a passage was cut mid-thought.

``SearchEngine`` does the work; ``HybridRetriever`` exposes it as a langchain ``BaseRetriever``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.bm25 import SIDECAR_NAME, BM25Index
from assistant.config import Settings
from assistant.embeddings import get_embedder
from assistant.filters import SearchFilter
from assistant.languages import query_language
from assistant.rescore import query_weights, rescored, sentence_coverage, top_similarity
from assistant.schema import Chunk
from assistant.store import ChunkStore


_DENSE_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="netzero-dense")


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


@dataclass
class SearchResult:
    """One retrieved passage with its fused score and the raw signal of each retriever that found it."""

    chunk: Chunk
    score: float
    rank: int = 0
    signals: dict[str, float] = field(default_factory=dict)
    merged_ids: list[str] = field(default_factory=list)

    chunk_id = property(lambda self: self.chunk.chunk_id)
    doc_id = property(lambda self: self.chunk.doc_id)
    text = property(lambda self: self.chunk.text)
    title = property(lambda self: self.chunk.title)
    source = property(lambda self: str(self.chunk.metadata.get("source") or ""))
    page = property(lambda self: self.chunk.metadata.get("page"))
    section = property(lambda self: self.chunk.metadata.get("section"))
    date = property(lambda self: self.chunk.metadata.get("date"))

    def to_dict(self) -> dict[str, Any]:
        """The search result as the CLI's JSON contract names it."""
        return {
            "rank": self.rank, "score": round(self.score, 6), "doc_id": self.doc_id, "chunk_id": self.chunk_id,
            "title": self.title, "source": self.source, "page": self.page, "section": self.section,
            "date": self.date, "text": self.text,
            "doc_type": self.chunk.metadata.get("doc_type"), "city": self.chunk.metadata.get("city"),
            "country": self.chunk.metadata.get("country"),
        }


class Reranker(Protocol):
    """A last ordering step over the fused candidates (a local cross-encoder, or anything else)."""

    def rerank(self, query: str, results: list[SearchResult]) -> list[SearchResult]:
        ...


class CrossEncoderReranker:
    """A sentence-transformers cross-encoder loaded from a local folder (``NETZERO_RERANKER_PATH``)."""

    def __init__(self, path: str, top_n: int = 30) -> None:
        from sentence_transformers import CrossEncoder

        if not os.path.isdir(path):
            raise FileNotFoundError(f"NETZERO_RERANKER_PATH {path!r} is not a folder with a cross-encoder model")
        self._model = CrossEncoder(path, device="cpu")
        self._top_n = top_n

    def rerank(self, query: str, results: list[SearchResult]) -> list[SearchResult]:
        head, tail = results[: self._top_n], results[self._top_n:]
        if not head:
            return results
        scores = self._model.predict([(query, r.chunk.embedding_text()) for r in head])
        for result, score in zip(head, scores):
            result.signals["rerank"] = float(score)
        head.sort(key=lambda r: -r.signals["rerank"])
        return head + tail


def fused_scores(lists: Mapping[str, Sequence[tuple[str, float]]], config: FusionConfig,
                 foreign: bool) -> dict[str, float]:
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


def _normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


class SearchEngine:
    """Runs a query against the store's dense collections and the BM25 sidecar, and fuses the results."""

    def __init__(self, settings: Settings, fusion: FusionConfig | None = None,
                 reranker: Reranker | None = None, store: ChunkStore | None = None) -> None:
        self.settings = settings
        self.fusion = fusion or FusionConfig()
        self.store = store or ChunkStore(settings)
        stored = set(self.store.models())
        self.models = [m for m in settings.dense_models if m in stored]
        self.primary = self.models[0] if self.models else settings.dense_models[0]
        self.reranker = reranker or (CrossEncoderReranker(settings.reranker_path) if settings.reranker_path else None)
        self._bm25: BM25Index | None = None
        self._bm25_mtime = 0.0
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """Reload the BM25 sidecar if a sync rewrote it since it was loaded (or rebuild one in an old format)."""
        path = self.settings.index_dir / SIDECAR_NAME
        mtime = path.stat().st_mtime if path.is_file() else 0.0
        with self._lock:
            if mtime == self._bm25_mtime:
                return
            stored = set(self.store.models())
            self.models = [m for m in self.settings.dense_models if m in stored]
            self._bm25 = BM25Index.load(self.settings.index_dir)
            if self._bm25 is None and mtime and stored:
                source = self.primary if self.primary in stored else sorted(stored)[0]
                self._bm25 = BM25Index.build(self.store.iter_all(source))
                self._bm25.save(self.settings.index_dir)
                mtime = path.stat().st_mtime
            self._bm25_mtime = mtime

    @property
    def version(self) -> float:
        """Changes whenever a sync rewrites the index (the BM25 sidecar's modification time)."""
        return self._bm25_mtime

    @property
    def bm25(self) -> BM25Index | None:
        return self._bm25

    def warm_up(self) -> None:
        """Load the query models now, so the first question is not the slow one."""
        for model in self.models:
            get_embedder(model, self.settings.threads).embed_query("warm up")

    def candidates(self, query: str, search_filter: SearchFilter | None = None,
                   depth: int | None = None) -> dict[str, list[tuple[str, float]]]:
        """Ranked (chunk id, score) lists per signal; no text is read here (``fuse`` reads the head's)."""
        depth = depth or self.fusion.candidates
        search_filter = search_filter or SearchFilter()
        where = search_filter.to_where()

        def nearest(model: str) -> list[tuple[str, float]]:
            vector = get_embedder(model, self.settings.threads).embed_query(query)
            return list(self.store.nearest(model, vector, depth, where))

        # The dense models embed the query at the same time: each is a few ms of native code that frees the GIL.
        found = list(_DENSE_POOL.map(nearest, self.models)) if len(self.models) > 1 else [
            nearest(m) for m in self.models]
        lists = dict(zip(self.models, found))
        if self._bm25 is not None and len(self._bm25):
            lists["bm25"] = list(self._bm25.search(query, depth, search_filter.mask(self._bm25.fields)))
        return lists

    def fuse(self, lists: dict[str, list[tuple[str, float]]], foreign: bool,
             head: int | None = None) -> list[SearchResult]:
        """Fuse the candidate lists (see ``fused_scores``), keeping each retriever's raw score as a signal; only
        the best ``head`` results (all when None) are kept, and their texts are read in one call."""
        scores = fused_scores(lists, self.fusion, foreign)
        ranked_ids = sorted(scores, key=lambda cid: -scores[cid])[:head]
        fused = {cid: SearchResult(Chunk(cid, "", ""), scores[cid]) for cid in ranked_ids}
        for signal, ranked in lists.items():
            for chunk_id, score in ranked:
                if chunk_id in fused:
                    fused[chunk_id].signals[signal] = score
        for chunk in self.store.get(self.primary, ranked_ids):
            fused[chunk.chunk_id].chunk = chunk
        return [fused[cid] for cid in ranked_ids if fused[cid].chunk.text]

    def search(self, query: str, k: int = 5, search_filter: SearchFilter | None = None,
               depth: int | None = None, merge_neighbours: bool = True) -> list[SearchResult]:
        """The ``k`` best passages for ``query``, best first, ranks from 1."""
        self.refresh()
        query = query.strip()
        if not query:
            return []
        foreign = query_language(query) != "en"
        results = self.fuse(self.candidates(query, search_filter, depth), foreign,
                            head=max(self.fusion.rescore_depth, 3 * k))
        if self.reranker is not None:
            results = self.reranker.rerank(query, results)
        elif self.fusion.rescore_depth:
            results = self.rescore(query, results)
        results = self._dedupe(results)
        if merge_neighbours:
            results = self._merge_neighbours(results[: max(k * 3, k)])
        results = results[:k]
        for rank, result in enumerate(results, start=1):
            result.rank = rank
        return results

    def rescore(self, query: str, results: list[SearchResult]) -> list[SearchResult]:
        """Reorder the best ``rescore_depth`` fused results by ``rescored``; the rest keep their place below.
        The fused score stays in the ``fused`` signal; a dense model lacking a head vector is skipped."""
        head, tail = results[: self.fusion.rescore_depth], results[self.fusion.rescore_depth:]
        if not head:
            return results
        ids = [r.chunk_id for r in head]
        similarities = []
        if self.fusion.similarity_weight:
            for model in self.models:
                found = self.store.vectors(model, ids)
                if len(found) == len(ids):
                    similarities.append(top_similarity(np.stack([found[cid] for cid in ids])))
        coverage = [0.0] * len(head)
        if self.fusion.sentence_weight:
            idf = self._bm25.idf if self._bm25 is not None else (lambda terms: [1.0] * len(terms))
            weights = query_weights(query, idf)
            coverage = [sentence_coverage(weights, r.text) for r in head]
        scores = rescored([r.score for r in head], similarities, coverage, self.fusion.similarity_weight,
                          self.fusion.sentence_weight)
        for result, score in zip(head, scores):
            result.signals["fused"] = result.score
            result.score = float(score)
        head.sort(key=lambda r: -r.score)
        return head + tail

    @staticmethod
    def _dedupe(results: list[SearchResult]) -> list[SearchResult]:
        seen: set[str] = set()
        unique = []
        for result in results:
            key = _normalised(result.text)
            if key in seen:
                continue
            seen.add(key)
            unique.append(result)
        return unique

    def _merge_neighbours(self, results: list[SearchResult]) -> list[SearchResult]:
        """Join adjacent chunks of one document that both ranked, and complete a passage that ends on a colon."""
        merged: list[SearchResult] = []
        by_position: dict[tuple[str, int], SearchResult] = {}
        for result in results:
            position = result.chunk.metadata.get("position")
            if position is None:
                merged.append(result)
                continue
            neighbour = by_position.get((result.doc_id, position - 1)) or by_position.get((result.doc_id, position + 1))
            if neighbour is not None and len(neighbour.merged_ids) < 2:
                first, second = ((neighbour.chunk, result.chunk)
                                 if neighbour.chunk.metadata.get("position", 0) < position
                                 else (result.chunk, neighbour.chunk))
                neighbour.chunk = _join(first, second)
                neighbour.merged_ids.append(second.chunk_id)
                for key, value in result.signals.items():
                    neighbour.signals[key] = max(value, neighbour.signals.get(key, value))
                by_position[(result.doc_id, position)] = neighbour
                continue
            merged.append(result)
            by_position[(result.doc_id, position)] = result
        for result in merged[:5]:
            if result.text.rstrip().endswith(":") and not result.merged_ids:
                following = self._chunk_at(result.doc_id, int(result.chunk.metadata.get("position", -2)) + 1)
                if following is not None:
                    result.chunk = _join(result.chunk, following)
                    result.merged_ids.append(following.chunk_id)
        return merged

    def document(self, doc_id: str) -> list[SearchResult]:
        """Every passage of one document in its order, unscored: a guide read on past the passages that ranked."""
        page = self.store.collection(self.primary).get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        chunks = [Chunk.from_store(cid, text or "", meta)
                  for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"])]
        return [SearchResult(chunk, 0.0) for chunk in sorted(chunks, key=lambda c: c.metadata.get("position", 0))]

    def _chunk_at(self, doc_id: str, position: int) -> Chunk | None:
        page = self.store.collection(self.primary).get(
            where={"$and": [{"doc_id": doc_id}, {"position": position}]}, include=["documents", "metadatas"])
        if not page["ids"]:
            return None
        return Chunk.from_store(page["ids"][0], page["documents"][0] or "", page["metadatas"][0])


def _join(first: Chunk, second: Chunk) -> Chunk:
    """One passage from two adjacent chunks, dropping the overlap the second repeats from the first."""
    text = second.text
    tail = first.text[-400:]
    for cut in range(min(len(tail), len(text)), 20, -1):
        if text.startswith(tail[-cut:]):
            text = text[cut:]
            break
    meta = dict(first.metadata)
    return Chunk(first.chunk_id, first.doc_id, f"{first.text}\n\n{text.strip()}", meta)


class HybridRetriever(BaseRetriever):
    """The search engine as a langchain retriever, so it plugs into any langchain chain."""

    engine: Any
    k: int = 5
    search_filter: Any = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        results = self.engine.search(query, k=self.k, search_filter=self.search_filter)
        return [
            Document(page_content=r.text, id=r.chunk_id,
                     metadata={**r.chunk.metadata, "chunk_id": r.chunk_id, "score": r.score, "rank": r.rank})
            for r in results
        ]
