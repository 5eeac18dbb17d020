"""Hybrid retrieval: BM25 and one or two dense models, fused by weighted scores (min-max or reciprocal rank),
reranked (by a local cross-encoder when one is configured, else rescored from stored vectors and sentences),
de-duplicated, with neighbouring chunks merged where a passage was cut mid-thought. A question in another language
than the sources is read in their words first (the index's vocabulary), so English-only signals can search it.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np

from assistant.core.config import Settings
from assistant.core.languages import query_language
from assistant.core.schema import Chunk, SearchResult
from assistant.index.bm25 import SIDECAR_NAME, BM25Index
from assistant.index.embeddings import Embedder, get_embedder
from assistant.index.generation import read_generation
from assistant.index.store import ChunkStore
from assistant.index.word_vectors import MULTILINGUAL_MODELS, VOCABULARY_MODEL, VOCABULARY_NAME, WordTranslator
from assistant.retrieval.filters import SearchFilter
from assistant.retrieval.fusion import FusionConfig, fused_scores
from assistant.retrieval.reranker import CrossEncoderReranker, Reranker
from assistant.retrieval.rescoring import (
    PASSAGES_KEPT,
    query_weights,
    rescored,
    sentence_coverage,
    top_similarity,
)

_DENSE_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="netzero-dense")


@lru_cache(maxsize=PASSAGES_KEPT)
def _normalised(text: str) -> str:
    """A passage's words alone, the key under which copies of it are one (kept: passages recur between searches)."""
    return re.sub(r"\W+", " ", text.lower()).strip()


class SearchEngine:
    """Runs a query against the store's dense collections and the BM25 sidecar, and fuses the results."""

    def __init__(
        self,
        settings: Settings,
        fusion: FusionConfig | None = None,
        reranker: Reranker | None = None,
        store: ChunkStore | None = None,
    ) -> None:
        self.settings = settings
        self.fusion = fusion or FusionConfig()
        self.store = store or ChunkStore(settings)
        stored = set(self.store.models())
        self.models = [m for m in settings.dense_models if m in stored]
        self.primary = self.models[0] if self.models else settings.dense_models[0]
        self.reranker = reranker or (CrossEncoderReranker(settings.reranker_path) if settings.reranker_path else None)
        self._bm25: BM25Index | None = None
        self._complete: frozenset[str] = frozenset()  # the chunk ids of the last complete sync
        self._version = ""
        self._vocabulary: tuple[str, WordTranslator | None] = ("", None)
        self._lock = threading.Lock()
        self.refresh()

    def _published(self) -> str:
        """What identifies the index's last finished sync: its generation token (the BM25 sidecar's modification
        time for an index last synced before generations were written)."""
        folder = self.settings.index_dir
        token = read_generation(folder)
        if token:
            return token
        path = folder / SIDECAR_NAME
        return f"bm25:{path.stat().st_mtime_ns}" if path.is_file() else ""

    def refresh(self) -> None:
        """Reload the BM25 sidecar if a sync finished since it was loaded, on this process or on another replica
        sharing the index (or rebuild one in an old format)."""
        version = self._published()
        with self._lock:
            if version == self._version:
                return
            self.store.reopen()
            stored = set(self.store.models())
            self.models = [m for m in self.settings.dense_models if m in stored]
            self._bm25 = BM25Index.load(self.settings.index_dir)
            if self._bm25 is None and version and stored:
                source = self.primary if self.primary in stored else sorted(stored)[0]
                self._bm25 = BM25Index.build(self.store.iter_all(source))
                self._bm25.save(self.settings.index_dir)
            self._complete = frozenset(self._bm25.chunk_ids) if self._bm25 is not None else frozenset()
            self._version = version

    def vocabulary(self) -> WordTranslator | None:
        """The sources' words with their multilingual vectors, reloaded when a sync finished (never one being
        written); ``None`` when the index has none or cross-lingual reading is off."""
        path = self.settings.index_dir / VOCABULARY_NAME
        written = self._version if path.is_file() and self.settings.crosslingual else ""
        if written != self._vocabulary[0]:
            self._vocabulary = (written, WordTranslator.load(self.settings.index_dir) if written else None)
        return self._vocabulary[1]

    def reading(self, query: str) -> str:
        """A question in another language read in the sources' words ("" for English, or without a vocabulary)."""
        vocabulary = self.vocabulary() if query_language(query) != "en" else None
        if vocabulary is None or not len(vocabulary):
            return ""
        return vocabulary.read_query(query, self.embedder(VOCABULARY_MODEL))

    @property
    def version(self) -> str:
        """Changes whenever a sync finishes rewriting the index."""
        return self._version

    @property
    def bm25(self) -> BM25Index | None:
        return self._bm25

    def embedder(self, model: str) -> Embedder:
        """The loaded model called ``model`` that embeds questions, at this engine's thread count and precision."""
        return get_embedder(model, self.settings.threads, self.settings.precision, self.settings.model_cache)

    def warm_up(self) -> None:
        """Load the query models now, so the first question is not the slow one, nor the first in another language:
        each model's ONNX Runtime session is opened (and, on a first start, its file made) here, not at a question."""
        for model in self.models:
            self.embedder(model).embed_query("warm up")
        if self.vocabulary() is not None:
            self.embedder(VOCABULARY_MODEL).embed_queries(["warm", "up"])

    def candidates(
        self, query: str, search_filter: SearchFilter | None = None, depth: int | None = None, reading: str = ""
    ) -> dict[str, list[tuple[str, float]]]:
        """Ranked (chunk id, score) lists per signal; no text is read here (``fuse`` reads the head's). With a
        ``reading`` of the query in the sources' words, BM25 and an English-only model search the reading."""
        depth = depth or self.fusion.candidates
        search_filter = search_filter or SearchFilter()
        where = search_filter.to_where()
        complete = self._complete

        def nearest(model: str) -> list[tuple[str, float]]:
            # a sync writes the store as it goes and the BM25 sidecar last: chunks it has not finished are not
            # searched, so a question asked while documents are indexed is answered from the last complete index
            vector = self._query_vector(model, query, reading)
            found = self.store.nearest(model, vector, depth, where)
            return [(cid, score) for cid, score in found if not complete or cid in complete]

        # The dense models embed the query at the same time: each is a few ms of native code that frees the GIL.
        found = (
            list(_DENSE_POOL.map(nearest, self.models)) if len(self.models) > 1 else [nearest(m) for m in self.models]
        )
        lists = dict(zip(self.models, found))
        if self._bm25 is not None and len(self._bm25):
            # the reading alone: the question's own words ("de", "plan", "verde") matched passages in a neighbouring
            # language on other topics (the development set's other-language recall@5 0.913 -> 1.000)
            lexical = reading or query
            lists["bm25"] = list(self._bm25.search(lexical, depth, search_filter.mask(self._bm25.fields)))
        return lists

    def fuse(
        self,
        lists: dict[str, list[tuple[str, float]]],
        foreign: bool,
        head: int | None = None,
        vectors: dict[str, np.ndarray] | None = None,
    ) -> list[SearchResult]:
        """Fuse the candidate lists (see ``fused_scores``), keeping each retriever's raw score as a signal; only
        the best ``head`` results (all when None) are kept, and their texts are read in one call. Given a
        ``vectors`` dict, that call also fills it with the primary model's stored vectors of the head, which
        ``rescore`` reads instead of asking the store again."""
        scores = fused_scores(lists, self.fusion, foreign)
        ranked_ids = sorted(scores, key=lambda cid: -scores[cid])[:head]
        fused = {cid: SearchResult(Chunk(cid, "", ""), scores[cid]) for cid in ranked_ids}
        for signal, ranked in lists.items():
            for chunk_id, score in ranked:
                if chunk_id in fused:
                    fused[chunk_id].signals[signal] = score
        if vectors is None:
            chunks = self.store.get(self.primary, ranked_ids)
        else:
            chunks, stored = self.store.get_with_vectors(self.primary, ranked_ids)
            vectors.update(stored)
        for chunk in chunks:
            fused[chunk.chunk_id].chunk = chunk
        return [fused[cid] for cid in ranked_ids if fused[cid].chunk.text]

    def search(
        self,
        query: str,
        k: int = 5,
        search_filter: SearchFilter | None = None,
        depth: int | None = None,
        merge_neighbours: bool = True,
    ) -> list[SearchResult]:
        """The ``k`` best passages for ``query``, best first, ranks from 1."""
        self.refresh()
        query = query.strip()
        if not query:
            return []
        foreign = query_language(query) != "en"
        reading = self.reading(query) if foreign else ""
        rescoring = self.reranker is None and bool(self.fusion.rescore_depth)
        stored: dict[str, np.ndarray] | None = {} if rescoring else None
        head = max(self.fusion.rescore_depth, 3 * k)
        results = self.fuse(self.candidates(query, search_filter, depth, reading), foreign, head, stored)
        if self.reranker is not None:
            results = self.reranker.rerank(query, results)
        elif rescoring:
            results = self.rescore(query, results, reading, stored)
        results = self._dedupe(results)
        if merge_neighbours:
            results = self._merge_neighbours(results[: max(k * 3, k)])
        results = results[:k]
        for rank, result in enumerate(results, start=1):
            result.rank = rank
        return results

    def _query_vector(self, model: str, query: str, reading: str) -> np.ndarray:
        """``model``'s vector of the query: an English-only model embeds its ``reading`` in the sources' words."""
        text = query if model in MULTILINGUAL_MODELS or not reading else reading
        return self.embedder(model).embed_query(text)

    def rescore(
        self,
        query: str,
        results: list[SearchResult],
        reading: str = "",
        stored: dict[str, np.ndarray] | None = None,
    ) -> list[SearchResult]:
        """Reorder the best ``rescore_depth`` fused results by ``rescored``; the rest keep their place below.
        The fused score stays in the ``fused`` signal; a dense model lacking a head vector is skipped. A head
        passage that only BM25 found gets each model's similarity from its stored vector: missing, it read as 0,
        and the passages that answer a question in another language were judged off-topic for it. ``stored``:
        the primary model's vectors that ``fuse`` already read."""
        head, tail = results[: self.fusion.rescore_depth], results[self.fusion.rescore_depth :]
        if not head:
            return results
        ids = [r.chunk_id for r in head]
        similarities = []
        for model in self.models:
            lacking = [r for r in head if model not in r.signals]
            if not lacking and not self.fusion.similarity_weight:
                continue
            if model == self.primary and stored is not None and all(cid in stored for cid in ids):
                found = {cid: stored[cid] for cid in ids}
            else:
                found = self.store.vectors(model, ids)
            missing = [r for r in lacking if r.chunk_id in found]
            if missing:
                vector = self._query_vector(model, query, reading)
                for result in missing:
                    result.signals[model] = float(found[result.chunk_id] @ vector)
            if self.fusion.similarity_weight and len(found) == len(ids):
                similarities.append(top_similarity(np.stack([found[cid] for cid in ids])))
        coverage = [0.0] * len(head)
        if self.fusion.sentence_weight:
            idf = self._bm25.idf if self._bm25 is not None else (lambda terms: [1.0] * len(terms))
            weights = query_weights(f"{query} {reading}" if reading else query, idf)
            coverage = [sentence_coverage(weights, r.text) for r in head]
        scores = rescored(
            [r.score for r in head], similarities, coverage, self.fusion.similarity_weight, self.fusion.sentence_weight
        )
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
                first, second = (
                    (neighbour.chunk, result.chunk)
                    if neighbour.chunk.metadata.get("position", 0) < position
                    else (result.chunk, neighbour.chunk)
                )
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
        chunks = [
            Chunk.from_store(cid, text or "", meta)
            for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"])
        ]
        return [SearchResult(chunk, 0.0) for chunk in sorted(chunks, key=lambda c: c.metadata.get("position", 0))]

    def _chunk_at(self, doc_id: str, position: int) -> Chunk | None:
        page = self.store.collection(self.primary).get(
            where={"$and": [{"doc_id": doc_id}, {"position": position}]}, include=["documents", "metadatas"]
        )
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
