"""A BM25 index over the chunks, kept as a sparse matrix beside the Chroma collection.

Built once per sync (never per query) and scored with one sparse matrix-vector product, so a query over tens of
thousands of chunks costs a few milliseconds. Title and section words are counted extra times (field weighting),
and the per-chunk filter fields are kept as arrays so filters apply here exactly as they do in Chroma.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from assistant.core.text import analyse

SIDECAR_NAME = "bm25.npz"
FORMAT = 3  # 3: uploader and status columns; 2: raw term counts (1 stored weights, not updatable)
FILTER_FIELDS = ("doc_id", "city", "country", "doc_type", "lang", "uploader", "status")


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.2
    b: float = 0.75
    title_weight: int = 2
    section_weight: int = 2


class BM25Index:
    """Chunk ids, a term → row vocabulary, raw term counts (terms × chunks) and the BM25 weights derived from them.

    Keeping the counts lets a sync update the index by the chunks it changed instead of re-reading every chunk.
    """

    def __init__(
        self,
        chunk_ids: list[str],
        vocab: dict[str, int],
        counts: sparse.csr_matrix,
        fields: dict[str, list[Any]],
        params: BM25Params = BM25Params(),
    ) -> None:
        self.chunk_ids = chunk_ids
        self.vocab = vocab
        self.counts = counts
        self.fields = fields
        self.params = params
        self.weights = self._weigh(counts, params)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    @staticmethod
    def _weigh(counts: sparse.csr_matrix, params: BM25Params) -> sparse.csr_matrix:
        """BM25 weight of every (term, chunk) pair, vectorised over the count matrix."""
        n_docs = counts.shape[1]
        if n_docs == 0 or counts.nnz == 0:
            return sparse.csr_matrix(counts.shape, dtype=np.float32)
        doc_len = np.asarray(counts.sum(axis=0), dtype=np.float32).ravel()
        norm = params.k1 * (1 - params.b + params.b * doc_len / max(float(doc_len.mean()), 1.0))
        df = np.diff(counts.indptr).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        coo = counts.tocoo()
        values = coo.data * (params.k1 + 1) / (coo.data + norm[coo.col]) * idf[coo.row]
        return sparse.csr_matrix((values.astype(np.float32), (coo.row, coo.col)), shape=counts.shape)

    @staticmethod
    def _tokens(text: str, meta: dict[str, Any], params: BM25Params) -> list[str]:
        return (
            analyse(text)
            + analyse(str(meta.get("title") or "")) * params.title_weight
            + analyse(str(meta.get("section") or "")) * params.section_weight
        )

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, dict[str, Any]]], params: BM25Params = BM25Params()) -> "BM25Index":
        """Index (chunk id, text, metadata) rows."""
        return cls([], {}, sparse.csr_matrix((0, 0), dtype=np.float32), _empty_fields(), params).updated(set(), rows)

    def updated(self, remove: set[str], rows: Iterable[tuple[str, str, dict[str, Any]]]) -> "BM25Index":
        """A new index without the chunks in ``remove`` and with ``rows`` added (an id already present is replaced)."""
        rows = list(rows)
        replaced = remove | {chunk_id for chunk_id, _, _ in rows}
        keep = [i for i, chunk_id in enumerate(self.chunk_ids) if chunk_id not in replaced]
        vocab = dict(self.vocab)
        term_rows: list[int] = []
        doc_cols: list[int] = []
        values: list[int] = []
        for col, (_, text, meta) in enumerate(rows):
            tf: dict[int, int] = {}
            for token in self._tokens(text, meta, self.params):
                row = vocab.setdefault(token, len(vocab))
                tf[row] = tf.get(row, 0) + 1
            term_rows.extend(tf.keys())
            doc_cols.extend([col] * len(tf))
            values.extend(tf.values())
        old = self.counts.tocsc()[:, keep] if self.counts.shape[1] else sparse.csc_matrix((0, 0), dtype=np.float32)
        old = sparse.csc_matrix((old.data, old.indices, old.indptr), shape=(len(vocab), len(keep)))
        new = sparse.csc_matrix(
            (
                np.asarray(values, dtype=np.float32),
                (np.asarray(term_rows, dtype=np.int64), np.asarray(doc_cols, dtype=np.int64)),
            ),
            shape=(len(vocab), len(rows)),
        )
        counts = sparse.hstack([old, new], format="csr", dtype=np.float32)
        fields = {name: [column[i] for i in keep] for name, column in self.fields.items()}
        for _, _, meta in rows:
            for name in FILTER_FIELDS:
                fields[name].append(meta.get(name) or "")
            fields["topics"].append(list(meta.get("topics") or []))
            fields["date_num"].append(int(meta.get("date_num") or 0))
        chunk_ids = [self.chunk_ids[i] for i in keep] + [chunk_id for chunk_id, _, _ in rows]
        return BM25Index(chunk_ids, vocab, counts, fields, self.params)

    def idf(self, terms: list[str]) -> list[float]:
        """Inverse document frequency of analysed terms; a term the index never saw gets the highest value."""
        n_docs = max(len(self.chunk_ids), 1)
        df = np.diff(self.counts.indptr)
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
        meta = json.dumps(
            {
                "format": FORMAT,
                "chunk_ids": self.chunk_ids,
                "vocab": self.vocab,
                "fields": self.fields,
                "params": asdict(self.params),
            }
        )
        np.savez(
            tmp,
            data=self.counts.data,
            indices=self.counts.indices,
            indptr=self.counts.indptr,
            shape=np.asarray(self.counts.shape),
            meta=np.frombuffer(meta.encode("utf-8"), dtype=np.uint8),
        )
        os.replace(tmp, target)

    @classmethod
    def load(cls, folder: Path) -> "BM25Index | None":
        """The saved index, or ``None`` when there is none or it was written in an older format."""
        path = folder / SIDECAR_NAME
        if not path.is_file():
            return None
        with np.load(path) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            if meta.get("format") != FORMAT:
                return None
            counts = sparse.csr_matrix(
                (data["data"], data["indices"], data["indptr"]), shape=tuple(int(x) for x in data["shape"])
            )
        params = BM25Params(**meta.get("params", {}))
        return cls(meta["chunk_ids"], meta["vocab"], counts, meta["fields"], params)


def _empty_fields() -> dict[str, list[Any]]:
    return {name: [] for name in (*FILTER_FIELDS, "topics", "date_num")}
