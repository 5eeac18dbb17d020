"""The shipped corpus keeps its promises: valid front matter from the controlled lists, real sources, ISO dates,
no copied paragraphs, and gold questions that point at real documents and facts."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from assistant.core.config import PROJECT_ROOT
from assistant.core.vocabulary import vocabulary
from ingest.loaders import load
from ingest.metadata import split_front_matter

CORPUS = PROJECT_ROOT / "corpus"
GOLD = PROJECT_ROOT / "eval" / "gold"
REQUIRED = ("title", "doc_type", "source", "sources", "date", "topics", "lang", "summary")
MARKDOWN = sorted(CORPUS.rglob("*.md"))


def _doc_id(path: Path) -> str:
    return path.relative_to(CORPUS).with_suffix("").as_posix()


def _front(path: Path) -> tuple[dict, str]:
    return split_front_matter(path, path.read_text(encoding="utf-8"))


def test_corpus_is_large_enough() -> None:
    kinds = defaultdict(int)
    for path in MARKDOWN:
        kinds[_front(path)[0].get("doc_type")] += 1
    assert kinds["guidance"] >= 25 and kinds["case-study"] >= 25, dict(kinds)
    assert list(CORPUS.rglob("*.pdf")) and list(CORPUS.rglob("*.html")), "ship at least one PDF and one HTML"


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: _doc_id(p))
def test_front_matter_is_valid(path: Path) -> None:
    vocab = vocabulary()
    meta, body = _front(path)
    missing = [key for key in REQUIRED if not meta.get(key)]
    assert not missing, f"missing {missing}"
    assert meta["doc_type"] in vocab["doc_types"]
    assert meta["lang"] in vocab["langs"]
    assert isinstance(meta["date"], dt.date), f"date {meta['date']!r} is not an ISO date"
    assert set(meta["topics"]) <= set(vocab["topics"]), set(meta["topics"]) - set(vocab["topics"])
    assert set(meta.get("audience", [])) <= set(vocab["audiences"]), meta.get("audience")
    for url in [meta["source"], *meta["sources"]]:
        assert re.match(r"https?://[^\s/]+\.[^\s]+$", url), f"not an http(s) URL: {url}"
    if "city" in meta:
        assert vocab["cities"].get(meta["city"]) == meta.get("country"), (meta["city"], meta.get("country"))
    if "country" in meta:
        assert meta["country"] in vocab["countries"]
    if meta["doc_type"] == "case-study":
        assert meta.get("city"), "a case study names its city"
    assert len(body.split()) >= 150, "a document has at least 150 words"


def _paragraphs() -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in MARKDOWN:
        for paragraph in re.split(r"\n\s*\n", _front(path)[1]):
            text = " ".join(paragraph.split())
            if len(text.split()) >= 12 and not text.startswith(("#", "|")):
                found[text].append(_doc_id(path))
    return found


def test_no_paragraph_appears_in_two_documents() -> None:
    shared = {text[:80]: docs for text, docs in _paragraphs().items() if len(set(docs)) > 1}
    assert not shared


def _gold() -> list[dict]:
    rows = []
    for path in sorted(GOLD.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def test_gold_questions_cover_what_the_issue_asks() -> None:
    rows = _gold()
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "gold ids are unique"
    answerable = [r for r in rows if r["answerable"]]
    assert len(answerable) >= 80
    assert sum(1 for r in rows if not r["answerable"]) >= 15
    assert sum(1 for r in rows if r["lang"] in {"fr", "de", "es", "it", "pl"}) >= 15


def test_gold_answers_exist_in_the_corpus() -> None:
    texts = {}
    for path in [*MARKDOWN, *CORPUS.rglob("*.pdf"), *CORPUS.rglob("*.html")]:
        doc = load(path)
        texts[_doc_id(path)] = " ".join(" ".join(p.text.split()) for p in doc.parts).lower()
    for row in _gold():
        for doc_id in row["doc_ids"]:
            assert doc_id in texts, f"{row['id']}: no document {doc_id}"
        for fact in row["facts"]:
            assert any(" ".join(fact.lower().split()) in texts[d] for d in row["doc_ids"]), f"{row['id']}: {fact!r}"


def test_vocabulary_cities_are_in_listed_countries() -> None:
    vocab = vocabulary()
    assert set(vocab["cities"].values()) <= set(vocab["countries"])
    assert yaml.safe_load((CORPUS / "vocabulary.yaml").read_text(encoding="utf-8")) == vocab
