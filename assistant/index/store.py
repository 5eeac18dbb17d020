"""The vector store: one Chroma collection per dense model, embedded on disk or on a Chroma server.

With ``chroma_url`` set the same code talks to a server through ``HttpClient``, which is how a deployment grows past
one machine. Vectors are always computed by our own bundled models and passed in: Chroma's default embedding
function would try to download a model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.core.config import Settings
from assistant.core.schema import Chunk

COLLECTION_PREFIX = "netzero-chunks-"
_PAGE = 2000


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
        page = self.collection(model).get(ids=list(ids), include=["documents", "metadatas"])
        found = {
            cid: Chunk.from_store(cid, text or "", meta)
            for cid, text, meta in zip(page["ids"], page["documents"], page["metadatas"])
        }
        return [found[i] for i in ids if i in found]

    def vectors(self, model: str, ids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of the chunks ``ids`` (a few candidates, not a scan); unknown ids are left out."""
        if not ids:
            return {}
        page = self.collection(model).get(ids=list(ids), include=["embeddings"])
        embeddings = page.get("embeddings")
        if embeddings is None:
            return {}
        return {cid: np.asarray(vec, dtype=np.float32) for cid, vec in zip(page["ids"], embeddings)}

    def nearest(
        self, model: str, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """The ids of the ``k`` nearest chunks with their cosine similarity, best first: no text is read, so a
        search fetches the text of its fused head once instead of every candidate of every model."""
        collection = self.collection(model)
        total = collection.count()
        if total == 0:
            return []
        result = collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=min(k, total),
            where=where or None,
            include=["distances"],
        )
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(result["ids"][0], result["distances"][0])]

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
