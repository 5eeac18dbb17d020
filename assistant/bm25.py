"""A BM25 index over the chunks, kept as a sparse matrix beside the Chroma collection.

Built once per sync (never per query) and scored with one sparse matrix-vector product, so a query over tens of
thousands of chunks costs a few milliseconds. Title and section words are counted extra times (field weighting),
and the per-chunk filter fields are kept as arrays so filters apply here exactly as they do in Chroma.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from assistant.text import analyse

SIDECAR_NAME = "bm25.npz"
FILTER_FIELDS = ("doc_id", "city", "country", "doc_type", "lang")


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.2
    b: float = 0.75
    title_weight: int = 2
    section_weight: int = 2


class BM25Index:
    """Chunk ids, a term → row vocabulary and a (terms × chunks) matrix of BM25 weights."""

    def __init__(self, chunk_ids: list[str], vocab: dict[str, int], weights: sparse.csr_matrix,
                 fields: dict[str, list[Any]]) -> None:
        self.chunk_ids = chunk_ids
        self.vocab = vocab
        self.weights = weights
        self.fields = fields

    def __len__(self) -> int:
        return len(self.chunk_ids)

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, dict[str, Any]]], params: BM25Params = BM25Params()) -> "BM25Index":
        """Index (chunk id, text, metadata) rows."""
        chunk_ids: list[str] = []
        fields: dict[str, list[Any]] = {name: [] for name in (*FILTER_FIELDS, "topics", "date_num")}
        vocab: dict[str, int] = {}
        term_rows: list[int] = []
        doc_cols: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        for col, (chunk_id, text, meta) in enumerate(rows):
            chunk_ids.append(chunk_id)
            for name in FILTER_FIELDS:
                fields[name].append(meta.get(name) or "")
            fields["topics"].append(list(meta.get("topics") or []))
            fields["date_num"].append(int(meta.get("date_num") or 0))
            tokens = (analyse(text) + analyse(str(meta.get("title") or "")) * params.title_weight
                      + analyse(str(meta.get("section") or "")) * params.section_weight)
            lengths.append(len(tokens))
            tf: dict[int, int] = {}
            for token in tokens:
                row = vocab.setdefault(token, len(vocab))
                tf[row] = tf.get(row, 0) + 1
            term_rows.extend(tf.keys())
            doc_cols.extend([col] * len(tf))
            counts.extend(tf.values())
        n_docs = len(chunk_ids)
        if n_docs == 0:
            return cls([], {}, sparse.csr_matrix((0, 0), dtype=np.float32), fields)
        tf_matrix = sparse.csr_matrix(
            (np.asarray(counts, dtype=np.float32), (np.asarray(term_rows), np.asarray(doc_cols))),
            shape=(len(vocab), n_docs),
        )
        doc_len = np.asarray(lengths, dtype=np.float32)
        norm = params.k1 * (1 - params.b + params.b * doc_len / max(doc_len.mean(), 1.0))
        df = np.diff(tf_matrix.indptr).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        coo = tf_matrix.tocoo()
        values = coo.data * (params.k1 + 1) / (coo.data + norm[coo.col]) * idf[coo.row]
        weights = sparse.csr_matrix((values.astype(np.float32), (coo.row, coo.col)), shape=tf_matrix.shape)
        return cls(chunk_ids, vocab, weights, fields)

    def idf(self, terms: list[str]) -> list[float]:
        """Inverse document frequency of analysed terms; a term the index never saw gets the highest value."""
        n_docs = max(len(self.chunk_ids), 1)
        df = np.diff(self.weights.indptr)
        values = []
        for term in terms:
            count = float(df[self.vocab[term]]) if term in self.vocab else 0.0
            values.append(float(np.log1p((n_docs - count + 0.5) / (count + 0.5))))
        return values

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for ``query`` (a repeated query term counts once)."""
        rows = sorted({self.vocab[t] for t in analyse(query) if t in self.vocab})
        if not rows or not self.chunk_ids:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return np.asarray(self.weights[rows].sum(axis=0)).ravel()

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The ``k`` best (chunk id, score) with a positive score, restricted to ``mask`` when given."""
        scores = self.scores(query)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        positive = int((scores > 0).sum())
        k = min(k, positive)
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunk_ids[i], float(scores[i])) for i in top]

    def save(self, folder: Path) -> None:
        """Write atomically: a reader never sees a half-written index."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / SIDECAR_NAME
        tmp = folder / (SIDECAR_NAME + ".tmp.npz")
        meta = json.dumps({"chunk_ids": self.chunk_ids, "vocab": self.vocab, "fields": self.fields})
        np.savez(tmp, data=self.weights.data, indices=self.weights.indices, indptr=self.weights.indptr,
                 shape=np.asarray(self.weights.shape), meta=np.frombuffer(meta.encode("utf-8"), dtype=np.uint8))
        os.replace(tmp, target)

    @classmethod
    def load(cls, folder: Path) -> "BM25Index | None":
        path = folder / SIDECAR_NAME
        if not path.is_file():
            return None
        with np.load(path) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            weights = sparse.csr_matrix((data["data"], data["indices"], data["indptr"]),
                                        shape=tuple(int(x) for x in data["shape"]))
        return cls(meta["chunk_ids"], meta["vocab"], weights, meta["fields"])
