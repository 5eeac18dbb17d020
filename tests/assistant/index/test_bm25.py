"""The BM25 sidecar: ranking like the reference implementation, field weighting, idf, and a save/load round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from assistant.core.text import analyse
from assistant.index.bm25 import SIDECAR_NAME, BM25Index, BM25Params

TEXTS = {
    "lahti": "Lahti phased out coal in 2019 and its commuting pilot works with employers.",
    "espoo": "Espoo plans geothermal heat and a district heating network without coal.",
    "budapest": "Budapest set up a climate agency as a super ESCO for home retrofit.",
    "wells": "Geothermal wells in Espoo reach six kilometres; geothermal heat serves homes.",
    "twinning": "Twinning pairs twin cities with pilot cities so that they learn from each other.",
    "mannheim": "Mannheim retrofits schools and heats them with geothermal probes over many years of work with the "
    "utility company, the tenants and the school board.",
    "contract": "Cities sign a climate city contract with commitments and an action plan.",
    "krakow": "Kraków leads the NEEST pilot on retrofit of single family houses.",
    "dublin": "Dublin retrofits council homes and publishes a yearly retrofit report for tenants.",
}
PLAIN = BM25Params(title_weight=0, section_weight=0)


def rows(meta: dict[str, Any] | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    return [(doc_id, text, dict(meta or {})) for doc_id, text in TEXTS.items()]


def reference_top(query: str, n: int, k1: float, b: float) -> list[str]:
    reference = BM25Okapi([analyse(text) for text in TEXTS.values()], k1=k1, b=b)
    scores = reference.get_scores(analyse(query))
    ids = list(TEXTS)
    return [ids[i] for i in np.argsort(-scores, kind="stable")[:n]]


@pytest.mark.parametrize("query", ["geothermal probes", "council homes retrofit", "coal heating"])
def test_the_top_three_agree_with_rank_bm25(query: str) -> None:
    index = BM25Index.build(rows(), PLAIN)
    ours = [chunk_id for chunk_id, _ in index.search(query, 3)]
    assert len(ours) == 3
    assert ours == reference_top(query, 3, PLAIN.k1, PLAIN.b)


def test_only_chunks_with_a_query_term_are_returned_best_first() -> None:
    index = BM25Index.build(rows(), PLAIN)
    found = index.search("geothermal", 10)
    assert {chunk_id for chunk_id, _ in found} == {"espoo", "wells", "mannheim"}
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)
    assert found[0][0] == "wells"  # the term twice in a short passage
    assert index.search("zeppelin", 5) == [] and index.search("the of and", 5) == []


def test_a_repeated_query_term_counts_once() -> None:
    index = BM25Index.build(rows(), PLAIN)
    assert np.allclose(index.scores("geothermal geothermal coal"), index.scores("coal geothermal"))


def test_a_mask_restricts_the_candidates() -> None:
    index = BM25Index.build(rows(), PLAIN)
    mask = np.asarray([chunk_id != "wells" for chunk_id in index.chunk_ids])
    assert {chunk_id for chunk_id, _ in index.search("geothermal", 10, mask)} == {"espoo", "mannheim"}


def test_idf_is_higher_for_rarer_terms_and_highest_for_unseen_ones() -> None:
    index = BM25Index.build(rows(), PLAIN)
    in_docs = {
        term: sum(term in analyse(text) for text in TEXTS.values()) for term in analyse("Budapest coal geothermal")
    }
    assert in_docs == {"budapest": 1, "coal": 2, "geotherm": 3}
    budapest, coal, geothermal, unseen = index.idf(analyse("Budapest coal geothermal zeppelin"))
    assert unseen > budapest > coal > geothermal > 0


def test_a_title_match_outranks_a_body_only_match_of_equal_count() -> None:
    index = BM25Index.build(
        [
            (
                "titled",
                "The plan covers buses, bicycles and trains for daily trips.",
                {"title": "Ridesharing in Lahti"},
            ),
            (
                "body",
                "The plan covers ridesharing, bicycles and trains for daily trips.",
                {"title": "Mobility in Lahti"},
            ),
        ]
        + [(f"other{i}", text, {"title": "Other"}) for i, text in enumerate(TEXTS.values())]
    )
    assert [chunk_id for chunk_id, _ in index.search("ridesharing", 5)] == ["titled", "body"]


def test_the_section_heading_is_weighted_too() -> None:
    index = BM25Index.build(
        [
            ("sectioned", "Buses and trains run every ten minutes.", {"title": "Lahti", "section": "Commuting"}),
            ("body", "Buses, commuting and trains run every ten minutes.", {"title": "Lahti", "section": "Transport"}),
            ("other", "Schools teach climate classes.", {"title": "Lahti", "section": "Schools"}),
        ]
    )
    assert [chunk_id for chunk_id, _ in index.search("commuting", 5)] == ["sectioned", "body"]


def test_filter_fields_are_kept_per_chunk() -> None:
    index = BM25Index.build(
        [
            ("a", "text one", {"city": "Lahti", "topics": ["mobility"], "date_num": 20240501}),
            ("b", "text two", {"doc_type": "guidance"}),
        ]
    )
    assert index.fields["city"] == ["Lahti", ""] and index.fields["doc_type"] == ["", "guidance"]
    assert index.fields["topics"] == [["mobility"], []] and index.fields["date_num"] == [20240501, 0]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    index = BM25Index.build(rows({"city": "Lahti", "topics": ["mobility"], "title": "Cities"}))
    index.save(tmp_path / "index")
    assert (tmp_path / "index" / SIDECAR_NAME).is_file()
    assert not list((tmp_path / "index").glob("*.tmp*"))
    loaded = BM25Index.load(tmp_path / "index")
    assert loaded is not None and len(loaded) == len(index)
    assert loaded.chunk_ids == index.chunk_ids and loaded.vocab == index.vocab and loaded.fields == index.fields
    for query in ["geothermal probes", "retrofit", "Lahti coal"]:
        assert loaded.search(query, 5) == index.search(query, 5)


def test_loading_a_folder_without_a_sidecar_gives_none(tmp_path: Path) -> None:
    assert BM25Index.load(tmp_path) is None


def test_an_empty_index_finds_nothing() -> None:
    index = BM25Index.build([])
    assert len(index) == 0 and index.search("coal", 5) == []
