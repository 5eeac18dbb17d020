"""The Chroma store on a real embedded Chroma: searches and reads asked at the same time share their calls, and
each caller still gets exactly what it would have got alone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from assistant.core.config import Settings
from assistant.core.schema import Chunk
from assistant.index.store import ChunkStore


def filled(settings: Settings, count: int = 40) -> tuple[ChunkStore, np.ndarray]:
    """A store of ``count`` chunks over two documents with random unit vectors."""
    vectors = np.random.default_rng(7).normal(size=(count, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chunks = [Chunk(f"doc{n % 2}-{n}", f"doc{n % 2}", f"passage {n}", {"title": f"Doc {n % 2}"}) for n in range(count)]
    store = ChunkStore(settings)
    store.upsert("minilm", chunks, vectors)
    return store, vectors


def test_an_empty_collection_finds_nothing(settings: Settings) -> None:
    assert ChunkStore(settings).nearest("minilm", np.ones(16, dtype=np.float32), 5) == []


def test_concurrent_searches_and_reads_get_what_each_gets_alone(settings: Settings) -> None:
    store, vectors = filled(settings)
    wheres = [None, {"doc_id": "doc1"}]
    asked = [(vectors[n], 5 + n % 3, wheres[n % 2]) for n in range(24)]
    alone = [store.nearest("minilm", vector, k, where) for vector, k, where in asked]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda a: store.nearest("minilm", *a), asked))
        texts = list(pool.map(lambda n: [c.text for c in store.get("minilm", [f"doc1-{n}", f"doc0-{n - 1}"])], [1, 3]))
        read = list(pool.map(lambda n: store.vectors("minilm", [f"doc0-{n}", "unknown"]), [0, 2, 4]))
    assert [[cid for cid, _ in found] for found in together] == [[cid for cid, _ in found] for found in alone]
    assert all(len(found) == k for found, (_, k, _) in zip(together, asked))
    assert all(cid.startswith("doc1") for found in together[1::2] for cid, _ in found)
    assert together[0][0] == ("doc0-0", together[0][0][1]) and abs(together[0][0][1] - 1.0) < 1e-4
    assert texts == [["passage 1", "passage 0"], ["passage 3", "passage 2"]]
    assert [list(found) for found in read] == [["doc0-0"], ["doc0-2"], ["doc0-4"]]
    assert np.allclose(read[1]["doc0-2"], vectors[2], atol=1e-6)


def test_texts_and_vectors_read_together_are_those_read_apart(settings: Settings) -> None:
    store, vectors = filled(settings)
    chunks, read = store.get_with_vectors("minilm", ["doc1-3", "unknown", "doc0-2"])
    assert [c.chunk_id for c in chunks] == ["doc1-3", "doc0-2"]
    assert [c.text for c in chunks] == [c.text for c in store.get("minilm", ["doc1-3", "doc0-2"])]
    assert list(read) == ["doc1-3", "doc0-2"] and np.allclose(read["doc1-3"], vectors[3], atol=1e-6)
    assert store.get_with_vectors("minilm", []) == ([], {})
