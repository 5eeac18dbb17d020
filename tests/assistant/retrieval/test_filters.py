"""Metadata filters: built from loose user input, and applied identically to BM25 (mask) and Chroma (where)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.core.config import Settings
from assistant.index.bm25 import BM25Index
from assistant.index.embeddings import get_embedder
from assistant.index.store import ChunkStore
from assistant.retrieval.filters import SearchFilter
from ingest.indexer import sync
from ingest.metadata import SIDECAR_SUFFIX
from tests.conftest import write_md


def dated(folder: Path, slug: str, title: str, body: str, date: str, **extra: str) -> Path:
    """A Markdown document like ``write_md`` writes, with its own date ('' for none)."""
    path = write_md(folder, slug, title, body, **extra)
    line = f"date: {date}\n" if date else ""
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2024-05-01\n", line), encoding="utf-8")
    return path


def test_from_pairs_accepts_aliases_comma_lists_and_loose_spelling() -> None:
    search_filter = SearchFilter.from_pairs(
        {
            "city": ["malmo, lahti"],
            "type": ["Case Study"],
            "topic": ["Pilot Cities"],
            "language": ["EN"],
            "from": ["2023"],
            "to": ["2024-06"],
        }
    )
    assert search_filter == SearchFilter(
        city=("Malmö", "Lahti"),
        doc_type=("case-study",),
        topics=("pilot-cities",),
        lang=("en",),
        date_from="2023",
        date_to="2024-06",
    )


def test_a_name_outside_the_vocabulary_is_kept_as_typed() -> None:
    assert SearchFilter.from_pairs({"city": [" Atlantis "]}).city == ("Atlantis",)


def test_an_unknown_key_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match="'region'"):
        SearchFilter.from_pairs({"city": ["Lahti"], "region": ["Nordics"]})


@pytest.mark.parametrize("value", ["soon", "24", ""])
def test_a_bad_date_is_a_value_error(value: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        SearchFilter.from_pairs({"date_from": [value]})


REVIEWED = {"status": {"$ne": "unreviewed"}}


def test_nothing_filtered_leaves_only_the_reviewed_documents_and_no_mask() -> None:
    empty = SearchFilter.from_pairs(None)
    assert empty.is_empty() and empty.to_where() == REVIEWED
    assert empty.mask({"doc_id": ["a"], "status": [""], "uploader": [""]}) is None


def test_to_where_shapes() -> None:
    assert SearchFilter(city=("Lahti",)).to_where() == {"$and": [REVIEWED, {"city": {"$in": ["Lahti"]}}]}
    assert SearchFilter(topics=("mobility",)).to_where() == {"$and": [REVIEWED, {"topics": {"$contains": "mobility"}}]}
    assert SearchFilter(topics=("mobility", "twinning"), country=("Finland",)).to_where() == {
        "$and": [
            REVIEWED,
            {"country": {"$in": ["Finland"]}},
            {"$or": [{"topics": {"$contains": "mobility"}}, {"topics": {"$contains": "twinning"}}]},
        ]
    }
    assert SearchFilter().for_reader("alice").to_where() == {"$or": [REVIEWED, {"uploader": "alice"}]}


def test_a_bare_year_or_month_counts_whole() -> None:
    assert SearchFilter(date_from="2024", date_to="2024").to_where() == {
        "$and": [REVIEWED, {"date_num": {"$gte": 20240000}}, {"date_num": {"$lte": 20241299}}]
    }
    assert SearchFilter(date_to="2024-05").to_where() == {"$and": [REVIEWED, {"date_num": {"$lte": 20240599}}]}
    assert SearchFilter(date_to="2024-05-01").to_where() == {"$and": [REVIEWED, {"date_num": {"$lte": 20240501}}]}


def test_an_unreviewed_upload_is_masked_for_everyone_but_its_uploader() -> None:
    columns = {
        "doc_id": ["corpus", "alice-new", "alice-approved", "bob-new"],
        "status": ["", "unreviewed", "approved", "unreviewed"],
        "uploader": ["", "alice", "alice", "bob"],
    }
    assert SearchFilter().mask(columns).tolist() == [True, False, True, False]
    assert SearchFilter().for_reader("alice").mask(columns).tolist() == [True, True, True, False]
    assert SearchFilter().for_reader("bob").mask(columns).tolist() == [True, False, True, True]
    assert SearchFilter().for_reader("alice").describe() == ""


def test_the_mask_over_bm25_fields() -> None:
    columns = {
        "doc_id": ["a", "b", "c", "d"],
        "city": ["Lahti", "", "Espoo", ""],
        "country": ["Finland"] * 3 + [""],
        "doc_type": ["case-study", "guidance", "case-study", "guidance"],
        "lang": ["en"] * 4,
        "topics": [["mobility"], ["twinning"], ["mobility", "energy-systems"], []],
        "date_num": [20191231, 20240501, 20250101, 0],
    }
    assert SearchFilter(topics=("energy-systems", "twinning")).mask(columns).tolist() == [False, True, True, False]
    assert SearchFilter(date_to="2024").mask(columns).tolist() == [True, True, False, False]
    assert SearchFilter(date_from="2024", doc_type=("case-study",)).mask(columns).tolist() == [
        False,
        False,
        True,
        False,
    ]


def test_bm25_mask_and_chroma_where_select_the_same_chunks(settings: Settings, docs_folder: Path) -> None:
    dated(
        docs_folder,
        "call-2022",
        "The 2022 call",
        "The first call of the Pilot Cities Programme opened in 2022.",
        "2022-09-05",
        city="Malmö",
        country="Sweden",
    )
    dated(
        docs_folder,
        "round-2025",
        "The 2025 round",
        "A new twinning round starts in November 2025 for twins.",
        "2025-11-01",
    )
    dated(docs_folder, "undated", "An undated note", "A note without any date about twinning and commuting.", "")
    uploaded = dated(docs_folder, "alice-upload", "Alice's upload", "Twinning notes Alice uploaded for cities.", "")
    uploaded.with_name(uploaded.name + SIDECAR_SUFFIX).write_text("uploader: alice\nstatus: unreviewed\n")
    assert not sync([docs_folder], settings).failed
    bm25 = BM25Index.load(settings.index_dir)
    store = ChunkStore(settings)
    assert bm25 is not None and store.count("minilm") == len(bm25) == 7
    vector = get_embedder("minilm", settings.threads).embed_query("cities")

    def selected(pairs: dict[str, list[str]], reader: str = "") -> tuple[set[str], set[str]]:
        search_filter = SearchFilter.from_pairs(pairs).for_reader(reader)
        mask = search_filter.mask(bm25.fields)
        kept = mask if mask is not None else [True] * len(bm25)  # None: nothing is filtered out
        by_mask = {doc for doc, keep in zip(bm25.fields["doc_id"], kept) if keep}
        ids = [cid for cid, _ in store.nearest("minilm", vector, 50, search_filter.to_where())]
        by_where = {chunk.doc_id for chunk in store.get("minilm", ids)}
        return by_mask, by_where

    expected = {
        "city=malmo": ({"city": ["malmo"]}, {"call-2022"}),
        "country": ({"country": ["finland"]}, {"lahti"}),
        "topics": ({"topic": ["mobility", "pilot-cities"]}, {"lahti", "pilots"}),
        "year from": ({"date_from": ["2024"]}, {"twinning", "pilots", "lahti", "round-2025"}),
        "year to": ({"date_to": ["2024"]}, {"twinning", "pilots", "lahti", "call-2022"}),
        "one year": ({"date_from": ["2024"], "date_to": ["2024"]}, {"twinning", "pilots", "lahti"}),
        "month to": ({"date_to": ["2022-09"]}, {"call-2022"}),
        "day from": ({"date_from": ["2024-05-02"]}, {"round-2025"}),
        "doc id": ({"doc_id": ["undated", "lahti"]}, {"undated", "lahti"}),
        "type and lang": (
            {"doc_type": ["guidance"], "lang": ["EN"]},
            {"twinning", "pilots", "lahti", "call-2022", "round-2025", "undated"},
        ),
        "nothing": ({"city": ["Espoo"]}, set()),
    }
    for name, (pairs, docs) in expected.items():
        by_mask, by_where = selected(pairs)
        assert by_mask == by_where == docs, name
    everyone = {"twinning", "pilots", "lahti", "call-2022", "round-2025", "undated"}
    assert selected({}, "bob") == (everyone, everyone)
    assert selected({}, "alice") == (everyone | {"alice-upload"}, everyone | {"alice-upload"})
    on_twinning = {"twinning", "call-2022", "round-2025", "undated"}
    assert selected({"topic": ["twinning"]}, "alice") == (
        on_twinning | {"alice-upload"},
        on_twinning | {"alice-upload"},
    )
    assert selected({"topic": ["twinning"]}, "bob") == (on_twinning, on_twinning)


def test_a_mask_with_unknown_names_keeps_nothing() -> None:
    columns = {
        "doc_id": ["a"],
        "city": ["Lahti"],
        "country": [""],
        "doc_type": [""],
        "lang": [""],
        "topics": [[]],
        "date_num": [0],
    }
    assert not np.any(SearchFilter.from_pairs({"city": ["Atlantis"]}).mask(columns))
