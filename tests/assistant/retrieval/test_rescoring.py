"""The rescoring stage: its two signals, how they add to the fused score, and the search engine applying it
over a real Chroma index with the real MiniLM model (stored vectors fetched for the head only)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assistant.core.config import Settings
from assistant.core.text import analyse
from assistant.index.bm25 import BM25Index
from assistant.index.store import ChunkStore
from assistant.retrieval.engine import SearchEngine
from assistant.retrieval.rescoring import query_weights, rescored, sentence_coverage, top_similarity
from ingest.indexer import sync


def test_sentence_coverage_is_the_best_single_sentence_share_of_the_query() -> None:
    weights = dict.fromkeys(analyse("zeppelin freight harbour"), 1.0)
    text = "The zeppelin carried freight above the ring road. The harbour stayed busy."
    assert sentence_coverage(weights, text) == pytest.approx(2 / 3)
    assert sentence_coverage(weights, "Zeppelin freight left the harbour at dawn.") == pytest.approx(1.0)


def test_sentence_coverage_weighs_terms_and_is_zero_without_terms() -> None:
    rare, common = analyse("zeppelin city")
    assert sentence_coverage({rare: 3.0, common: 1.0}, "A zeppelin.") == pytest.approx(0.75)
    assert sentence_coverage({}, "Anything at all.") == 0.0


def test_query_weights_take_the_index_idf_once_per_term() -> None:
    index = BM25Index.build(
        [
            (f"c{i}", text, {"doc_id": f"d{i}"})
            for i, text in enumerate(
                ["The city runs buses.", "The city plants trees.", "A zeppelin flies over the city."]
            )
        ]
    )
    weights = query_weights("zeppelin city city", index.idf)
    assert list(weights) == analyse("zeppelin city")
    assert weights[analyse("zeppelin")[0]] > weights[analyse("city")[0]]


def test_top_similarity_is_one_for_the_top_row_and_scaled_to_the_unit_range() -> None:
    sims = top_similarity(np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]]))
    assert sims == pytest.approx([1.0, 0.0, np.sqrt(0.5)])
    assert top_similarity(np.array([[1.0, 0.0], [2.0, 0.0]])) == pytest.approx([1.0, 1.0])


def test_rescored_adds_the_weighted_signals_to_the_fused_scores() -> None:
    fused = [2.0, 1.9, 1.0]
    similarity = np.array([1.0, 0.0, 0.5])
    coverage = [0.0, 0.5, 1.0]
    assert rescored(fused, [similarity], coverage, 0.0, 0.0) == pytest.approx(fused)
    assert rescored(fused, [similarity, np.zeros(3)], coverage, 1.0, 2.0) == pytest.approx([2.5, 2.9, 3.25])
    assert rescored(fused, [], coverage, 1.0, 0.0) == pytest.approx(fused)


@pytest.fixture
def indexed(settings: Settings, docs_folder: Path) -> Settings:
    report = sync([docs_folder], settings)
    assert not report.failed
    return settings


def test_the_store_returns_vectors_of_the_asked_ids_only(indexed: Settings) -> None:
    store = ChunkStore(indexed)
    ids = [chunk_id for chunk_id, _, _ in store.iter_all("minilm", with_text=False)]
    found = store.vectors("minilm", [ids[0], "no-such-chunk"])
    assert list(found) == [ids[0]]
    assert found[ids[0]].shape == (384,)
    assert store.vectors("minilm", []) == {}


def test_search_rescores_the_head_and_keeps_the_fused_score(indexed: Settings) -> None:
    engine = SearchEngine(indexed)
    results = engine.search("How large were the pilot city grants?", k=3, merge_neighbours=False)
    assert results[0].title == "Pilot Cities Programme"
    assert all("fused" in r.signals and r.score >= r.signals["fused"] for r in results)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)

    plain = SearchEngine(indexed, fusion=replace(engine.fusion, rescore_depth=0))
    unrescored = plain.search("How large were the pilot city grants?", k=3, merge_neighbours=False)
    assert all("fused" not in r.signals for r in unrescored)
    assert {r.chunk_id for r in unrescored} == {r.chunk_id for r in results}
