"""Retrieval evaluation on a BEIR-format folder (corpus, queries, qrels): nDCG@10, recall@100 and MRR@10.

The corpus is indexed once under ``settings.index_dir`` (one chunk per document) and document vectors are
cached as ``.npy`` files beside the index, so a re-run neither re-embeds nor re-indexes. The pieces are public
so the benchmark scripts in ``bench/`` share them instead of copying.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.config import Settings, load_settings
from assistant.core.schema import Chunk, SearchResult
from assistant.index.bm25 import SIDECAR_NAME, BM25Index, BM25Params
from assistant.index.embeddings import get_embedder
from assistant.index.store import ChunkStore
from assistant.retrieval.engine import SearchEngine

Run = dict[str, dict[str, float]]
Qrels = dict[str, dict[str, int]]

MEASURES = {"ndcg@10": "nDCG@10", "recall@100": "R@100", "mrr@10": "RR@10"}
EMBED_BLOCK = 256
UPSERT_PAGE = 1000
BUILT_NAME = "beir-built.json"


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Objects of a JSON-lines file, gzipped or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_corpus(folder: Path) -> list[Chunk]:
    """One chunk per BEIR document (id, title, text), from corpus.jsonl or corpus.jsonl.gz."""
    path = folder / "corpus.jsonl"
    if not path.is_file():
        path = folder / "corpus.jsonl.gz"
    return [
        Chunk(
            str(doc["_id"]),
            str(doc["_id"]),
            str(doc.get("text") or ""),
            {"title": str(doc.get("title") or ""), "position": 0},
        )
        for doc in _jsonl(path)
    ]


def load_queries(folder: Path) -> dict[str, str]:
    """Query id → text, from queries.jsonl."""
    return {str(q["_id"]): str(q["text"]) for q in _jsonl(folder / "queries.jsonl")}


def load_qrels(folder: Path, split: str = "test") -> Qrels:
    """Query id → {document id: graded relevance}, from qrels/<split>.tsv (header line skipped)."""
    qrels: Qrels = {}
    with open(folder / "qrels" / f"{split}.tsv", encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows, None)
        for query_id, doc_id, score in rows:
            qrels.setdefault(query_id, {})[doc_id] = int(score)
    return qrels


def split_queries(folder: Path, split: str) -> tuple[dict[str, str], Qrels]:
    """The queries that have judgements in ``split``, with those judgements."""
    qrels = load_qrels(folder, split)
    queries = load_queries(folder)
    return {qid: queries[qid] for qid in qrels if qid in queries}, qrels


def fingerprint(chunks: Iterable[Chunk], extra: str = "") -> str:
    """A short hash of what the dense models read, so a cache is reused only for the same corpus."""
    digest = hashlib.sha256(extra.encode("utf-8"))
    for chunk in chunks:
        digest.update(f"{chunk.chunk_id}\0{chunk.embedding_text()}\0".encode("utf-8"))
    return digest.hexdigest()[:16]


def cached_vectors(
    model: str,
    chunks: list[Chunk],
    folder: Path,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Vectors of ``chunks`` for ``model``, embedded once into an .npy file; an interrupted run resumes. The model
    is the one ``settings`` (default: ``load_settings()``) load for questions, with their threads, precision and
    model cache, so an evaluation never loads a second instance of it."""
    settings = settings or load_settings()
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"vectors-{model}-{fingerprint(chunks)}"
    path = folder / f"{stem}.npy"
    if path.is_file():
        return np.load(path)
    partial_path = folder / f"{stem}.partial.npy"
    embedder = get_embedder(model, settings.threads, settings.precision, settings.model_cache)
    done = np.load(partial_path) if partial_path.is_file() else np.zeros((0, embedder.dim), dtype=np.float32)
    while len(done) < len(chunks):
        block = chunks[len(done) : len(done) + EMBED_BLOCK]
        done = np.vstack([done, embedder.embed_documents([c.embedding_text() for c in block])])
        np.save(partial_path, done)
        if progress is not None:
            progress(len(done), len(chunks))
    np.save(path, done)
    partial_path.unlink(missing_ok=True)
    return done


def bm25_rows(chunks: Iterable[Chunk]) -> list[tuple[str, str, dict[str, Any]]]:
    """(chunk id, text, metadata) rows as BM25Index.build reads them, the same as the indexer's."""
    return [(c.chunk_id, c.text, c.to_store_metadata()) for c in chunks]


def _read_built(folder: Path) -> dict[str, str]:
    path = folder / BUILT_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _write_built(folder: Path, built: dict[str, str]) -> None:
    (folder / BUILT_NAME).write_text(json.dumps(built, indent=1), encoding="utf-8")


def build_index(
    chunks: list[Chunk],
    settings: Settings,
    params: BM25Params = BM25Params(),
    progress: Callable[[str, int, int], None] | None = None,
) -> ChunkStore:
    """Store and BM25-index ``chunks`` under ``settings.index_dir``, skipping each part already built."""
    folder = settings.index_dir
    folder.mkdir(parents=True, exist_ok=True)
    built = _read_built(folder)
    corpus = fingerprint(chunks)
    store = ChunkStore(settings)
    for model in settings.dense_models:
        if built.get(model) == corpus and store.count(model) == len(chunks):
            continue
        on_block = (lambda done, total, m=model: progress(m, done, total)) if progress else None
        vectors = cached_vectors(model, chunks, folder, settings, on_block)
        store.drop(model)
        for start in range(0, len(chunks), UPSERT_PAGE):
            store.upsert(model, chunks[start : start + UPSERT_PAGE], vectors[start : start + UPSERT_PAGE])
        built[model] = corpus
        _write_built(folder, built)
    bm25_key = fingerprint(chunks, repr(params))
    if built.get("bm25") != bm25_key or not (folder / SIDECAR_NAME).is_file():
        BM25Index.build(bm25_rows(chunks), params).save(folder)
        built["bm25"] = bm25_key
        _write_built(folder, built)
    return store


def ranking_to_run(results: Iterable[SearchResult | tuple[str, float]]) -> dict[str, float]:
    """Document id → a score that keeps the given order (the first hit of a document counts)."""
    ids = list(dict.fromkeys(item.doc_id if isinstance(item, SearchResult) else item[0] for item in results))
    return {doc_id: float(len(ids) - rank) for rank, doc_id in enumerate(ids)}


def search_run(engine: SearchEngine, queries: dict[str, str], k: int = 100, depth: int = 100) -> Run:
    """Each query through the full search pipeline, as an ir_measures run (neighbour merging off)."""
    return {
        qid: ranking_to_run(engine.search(text, k=k, depth=depth, merge_neighbours=False))
        for qid, text in queries.items()
    }


def score_run(run: Run, qrels: Qrels, measures: dict[str, str] | None = None) -> dict[str, float]:
    """Measures (default nDCG@10, recall@100, MRR@10) averaged over all judged queries; no hits score 0."""
    import ir_measures

    measures = measures or MEASURES
    full_run = {qid: run.get(qid) or {} for qid in qrels}
    totals: dict[str, float] = {}
    parsed = [ir_measures.parse_measure(m) for m in measures.values()]
    for metric in ir_measures.iter_calc(parsed, qrels, full_run):
        totals[str(metric.measure)] = totals.get(str(metric.measure), 0.0) + metric.value
    return {name: totals.get(str(measure), 0.0) / len(qrels) for name, measure in zip(measures, parsed)}


def evaluate_beir(folder: Path, settings: Settings, split: str = "test") -> dict[str, float]:
    """Index the BEIR corpus in ``folder`` (once) and score the full search pipeline on ``split``."""
    folder = Path(folder)
    if settings.index is None:
        settings = settings.with_overrides(index=settings.data_dir / "beir" / folder.name)
    store = build_index(load_corpus(folder), settings)
    queries, qrels = split_queries(folder, split)
    return score_run(search_run(SearchEngine(settings, store=store), queries), qrels)
