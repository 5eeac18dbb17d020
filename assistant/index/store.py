"""The vector store: one Chroma collection per dense model, embedded on disk or on a Chroma server.

With ``chroma_url`` set the same code talks to a server through ``HttpClient``, which is how a deployment grows past
one machine. Vectors are always computed by our own bundled models and passed in: Chroma's default embedding
function would try to download a model.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.core.config import Settings
from assistant.core.schema import Chunk
from assistant.index.coalescing import Coalescer

COLLECTION_PREFIX = "netzero-chunks-"
_PAGE = 2000


@dataclass(frozen=True)
class _Nearest:
    model: str
    vector: np.ndarray
    k: int
    where: dict[str, Any] | None


@dataclass(frozen=True)
class _Fetch:
    model: str
    ids: tuple[str, ...]
    include: tuple[str, ...]


def _client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise ValueError(f"NETZERO_CHROMA_URL {settings.chroma_url!r} is not a URL like http://127.0.0.1:8000")
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    path = settings.index_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class ChunkStore:
    """Chunks and their vectors, one collection per embedding model, addressed by model name."""

    def __init__(self, settings: Settings) -> None:
        self._client = _client(settings)
        self._collections: dict[str, Any] = {}
        # concurrent questions share their Chroma calls (one round trip, one query of several vectors)
        self._nearest: Coalescer[_Nearest, list[tuple[str, float]]] = Coalescer(self._nearest_batch)
        self._fetch: Coalescer[_Fetch, dict[str, tuple[Any, Any, Any]]] = Coalescer(self._fetch_batch)

    def reopen(self) -> None:
        """Forget the collection handles: a rebuild, maybe by another replica, may have replaced the collections."""
        self._collections.clear()

    def collection(self, model: str) -> Any:
        if model not in self._collections:
            self._collections[model] = self._client.get_or_create_collection(
                COLLECTION_PREFIX + model,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
        return self._collections[model]

    def models(self) -> list[str]:
        """Models that have a collection in this store."""
        names = [c if isinstance(c, str) else c.name for c in self._client.list_collections()]
        return sorted(n[len(COLLECTION_PREFIX) :] for n in names if n.startswith(COLLECTION_PREFIX))

    def count(self, model: str) -> int:
        return int(self.collection(model).count())

    def upsert(self, model: str, chunks: list[Chunk], vectors: np.ndarray) -> None:
        """Write chunks with their vectors; an existing id is overwritten, so a repeat never duplicates."""
        if not chunks:
            return
        self.collection(model).upsert(
            ids=[c.chunk_id for c in chunks],
            embeddings=np.asarray(vectors, dtype=np.float32),
            documents=[c.text for c in chunks],
            metadatas=[c.to_store_metadata() for c in chunks],
        )

    def ids_for_doc(self, model: str, doc_id: str) -> set[str]:
        return set(self.collection(model).get(where={"doc_id": doc_id}, include=[])["ids"])

    def delete_ids(self, model: str, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), _PAGE):
            self.collection(model).delete(ids=ids[start : start + _PAGE])

    def delete_doc(self, model: str, doc_id: str, keep: set[str] | None = None) -> int:
        """Delete every chunk of ``doc_id`` except those in ``keep``; returns how many went."""
        stale = self.ids_for_doc(model, doc_id) - (keep or set())
        self.delete_ids(model, stale)
        return len(stale)

    def doc_ids(self, model: str) -> set[str]:
        """Every document id present in the collection (a full scan: used only to repair after a crash)."""
        return {str(meta.get("doc_id", "")) for _, _, meta in self.iter_all(model, with_text=False)}

    def iter_all(self, model: str, with_text: bool = True) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every (id, text, metadata) in the collection, paged so a large index is not loaded at once."""
        collection = self.collection(model)
        include = ["documents", "metadatas"] if with_text else ["metadatas"]
        offset = 0
        while True:
            page = collection.get(include=include, limit=_PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                return
            texts = page.get("documents") or [""] * len(ids)
            for chunk_id, text, meta in zip(ids, texts, page["metadatas"]):
                yield chunk_id, text or "", dict(meta or {})
            offset += len(ids)

    def get(self, model: str, ids: list[str]) -> list[Chunk]:
        """Chunks by id, in the order asked; unknown ids are left out."""
        if not ids:
            return []
        found = self._fetch(_Fetch(model, tuple(ids), ("documents", "metadatas")))
        return [Chunk.from_store(cid, found[cid][0] or "", found[cid][1]) for cid in ids if cid in found]

    def get_with_vectors(self, model: str, ids: list[str]) -> tuple[list[Chunk], dict[str, np.ndarray]]:
        """``get`` and ``vectors`` in one read of the store: a search reads its head's texts and, to rescore
        them, their vectors (one round trip, not two)."""
        if not ids:
            return [], {}
        found = self._fetch(_Fetch(model, tuple(ids), ("documents", "metadatas", "embeddings")))
        known = [cid for cid in ids if cid in found]
        chunks = [Chunk.from_store(cid, found[cid][0] or "", found[cid][1]) for cid in known]
        return chunks, {cid: np.asarray(found[cid][2], dtype=np.float32) for cid in known}

    def vectors(self, model: str, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks ``ids`` (a few candidates, not a scan); unknown ids are left out."""
        if not ids:
            return {}
        found = self._fetch(_Fetch(model, tuple(ids), ("embeddings",)))
        return {cid: np.asarray(found[cid][2], dtype=np.float32) for cid in ids if cid in found}

    def nearest(
        self, model: str, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """The ids of the ``k`` nearest chunks with their cosine similarity, best first: no text is read, so a
        search fetches the text of its fused head once instead of every candidate of every model."""
        return self._nearest(_Nearest(model, np.asarray(vector, dtype=np.float32).reshape(-1), k, where or None))

    def _nearest_batch(self, queries: list[_Nearest]) -> list[list[tuple[str, float]] | Exception]:
        """Searches asked at the same time: one Chroma query per model, depth and filter (an error stays with the
        searches that share its filter)."""
        found: list[list[tuple[str, float]] | Exception] = [[] for _ in queries]
        groups: dict[tuple[str, int, str], list[int]] = defaultdict(list)
        for index, query in enumerate(queries):
            groups[(query.model, query.k, json.dumps(query.where, sort_keys=True, default=str))].append(index)
        for indexes in groups.values():
            first = queries[indexes[0]]
            try:
                result = self.collection(first.model).query(
                    query_embeddings=np.vstack([queries[i].vector for i in indexes]),
                    n_results=first.k,
                    where=first.where,
                    include=["distances"],
                )
            except Exception as error:
                for index in indexes:
                    found[index] = error
                continue
            for index, ids, distances in zip(indexes, result["ids"], result["distances"]):
                found[index] = [(cid, 1.0 - float(distance)) for cid, distance in zip(ids, distances)]
        return found

    def _fetch_batch(self, fetches: list[_Fetch]) -> list[dict[str, tuple[Any, Any, Any]]]:
        """Reads by id asked at the same time: one Chroma call per model and fields, for the union of their ids.
        Each read gets {id: (text, metadata, vector)}, with None for a field it did not ask for."""
        rows: dict[tuple[str, tuple[str, ...]], dict[str, tuple[Any, Any, Any]]] = {}
        for model, include in {(f.model, f.include) for f in fetches}:
            ids = sorted({cid for f in fetches if (f.model, f.include) == (model, include) for cid in f.ids})
            page = self.collection(model).get(ids=ids, include=list(include))
            fields = [page.get(name) for name in ("documents", "metadatas", "embeddings")]
            columns = [list(field) if field is not None else [None] * len(page["ids"]) for field in fields]
            rows[(model, include)] = {cid: row for cid, *row in zip(page["ids"], *columns)}
        return [rows[(f.model, f.include)] for f in fetches]

    def drop(self, model: str) -> None:
        """Delete a model's whole collection (used by ``--rebuild``)."""
        self._collections.pop(model, None)
        if model in self.models():
            self._client.delete_collection(COLLECTION_PREFIX + model)

    def vectors_for_doc(self, model: str, doc_id: str) -> dict[str, np.ndarray]:
        """Existing vectors of a document's chunks, keyed by the content hash at the end of each chunk id."""
        page = self.collection(model).get(where={"doc_id": doc_id}, include=["embeddings"])
        embeddings = page.get("embeddings")
        if embeddings is None or len(page["ids"]) == 0:
            return {}
        return {cid.rsplit("::", 1)[-1]: np.asarray(vec, dtype=np.float32) for cid, vec in zip(page["ids"], embeddings)}
