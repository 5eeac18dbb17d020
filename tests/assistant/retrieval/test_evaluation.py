"""The BEIR evaluation harness end to end on a tiny folder, with the real MiniLM model and the real store."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from assistant.core.config import Settings, load_settings
from assistant.index.embeddings import get_embedder
from assistant.retrieval import evaluation as evaluate
from assistant.retrieval.evaluation import evaluate_beir, load_corpus, load_qrels, score_run

DOCS = {
    "d1": ("Bicycle lanes", "Protected bicycle lanes along the river made cycling to work safer."),
    "d2": ("District heating", "A district heating network pipes hot water from a biomass plant to homes."),
    "d3": ("Heat pumps", "Air source heat pumps replaced oil boilers in municipal schools and libraries."),
    "d4": ("Tram extension", "The tram line extension connected the harbour to the central railway station."),
    "d5": ("Urban trees", "Planting street trees cools neighbourhoods during summer heatwaves."),
    "d6": ("Solar roofs", "Photovoltaic panels on public building roofs generate electricity."),
    "d7": ("Flood defence", "A sea wall and wetland restoration protect the old town from storm surges."),
    "d8": ("Food waste", "Restaurants compost food waste, which is turned into biogas for buses."),
    "d9": ("Insulation", "Retrofitting apartment blocks with wall insulation halves their heating demand."),
    "d10": ("Car sharing", "Electric car sharing stations reduce private car ownership in new districts."),
    "d11": ("Water meters", "Smart water meters detect leaks in the pipe network before they burst."),
    "d12": ("Citizen assembly", "A randomly selected citizen assembly advised the council on climate."),
}
QUERIES = {
    "q1": "protected bicycle lanes for commuters cycling to work",
    "q2": "district heating network from a biomass plant",
    "q3": "citizen assembly advising the council on climate",
}
QRELS = [("q1", "d1", 1), ("q2", "d2", 1), ("q3", "d12", 1)]


def _write_beir(folder: Path) -> Path:
    """A tiny BEIR folder: a gzipped corpus, queries and test qrels with a header line."""
    folder.mkdir(parents=True)
    with gzip.open(folder / "corpus.jsonl.gz", "wt", encoding="utf-8") as handle:
        for doc_id, (title, text) in DOCS.items():
            handle.write(json.dumps({"_id": doc_id, "title": title, "text": text, "metadata": {}}) + "\n")
    (folder / "queries.jsonl").write_text(
        "".join(json.dumps({"_id": qid, "text": text}) + "\n" for qid, text in QUERIES.items()), encoding="utf-8"
    )
    (folder / "qrels").mkdir()
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t{s}\n" for q, d, s in QRELS), encoding="utf-8"
    )
    return folder


@pytest.fixture()
def beir(tmp_path: Path) -> Path:
    return _write_beir(tmp_path / "tiny")


def test_loaders_read_gzip_corpus_and_skip_qrels_header(beir: Path) -> None:
    chunks = load_corpus(beir)
    assert [c.chunk_id for c in chunks] == list(DOCS)
    assert (chunks[0].doc_id, chunks[0].title, chunks[0].metadata["position"]) == ("d1", "Bicycle lanes", 0)
    assert load_qrels(beir, "test") == {"q1": {"d1": 1}, "q2": {"d2": 1}, "q3": {"d12": 1}}


def test_score_run_uses_standard_definitions() -> None:
    qrels = {"a": {"x": 1}, "b": {"y": 1}}
    run = {"a": {"x": 2.0, "z": 1.0}, "b": {"z": 2.0, "y": 1.0}}
    figures = score_run(run, qrels)
    assert figures["mrr@10"] == pytest.approx((1.0 + 0.5) / 2)
    assert figures["ndcg@10"] == pytest.approx((1.0 + 1 / 1.5849625) / 2, abs=1e-4)
    assert figures["recall@100"] == pytest.approx(1.0)


def test_score_run_counts_a_query_without_results_as_zero() -> None:
    figures = score_run({"a": {"x": 1.0}}, {"a": {"x": 1}, "b": {"y": 1}})
    assert figures["ndcg@10"] == pytest.approx(0.5)


def test_evaluate_beir_end_to_end_and_reuses_the_cache(
    beir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(dense_models=("minilm",), index=tmp_path / "index")
    figures = evaluate_beir(beir, settings)
    assert figures == pytest.approx({"ndcg@10": 1.0, "recall@100": 1.0, "mrr@10": 1.0})
    cache = list((tmp_path / "index").glob("vectors-minilm-*.npy"))
    assert len(cache) == 1
    mtime = cache[0].stat().st_mtime_ns

    def no_embedding(*args: object, **kwargs: object) -> None:
        raise AssertionError("the second run embedded documents again")

    monkeypatch.setattr(evaluate, "cached_vectors", no_embedding)
    assert evaluate_beir(beir, settings) == figures
    assert cache[0].stat().st_mtime_ns == mtime


def test_a_new_index_reuses_cached_vectors_without_embedding(
    beir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = load_corpus(beir)
    first = evaluate.cached_vectors("minilm", chunks, tmp_path / "cache")
    monkeypatch.setattr(evaluate, "get_embedder", lambda *a, **k: pytest.fail("embedded despite the cache"))
    again = evaluate.cached_vectors("minilm", chunks, tmp_path / "cache")
    assert again.shape == (len(DOCS), 384) and (again == first).all()


def test_cached_vectors_load_the_model_the_settings_load_for_questions(
    beir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(model_cache=tmp_path / "models", threads=1, precision="float32")
    asked: list[tuple[object, ...]] = []

    def recording(*args: object) -> object:
        asked.append(args)
        return get_embedder(*args)

    monkeypatch.setattr(evaluate, "get_embedder", recording)
    evaluate.cached_vectors("minilm", load_corpus(beir)[:2], tmp_path / "cache", settings)
    assert asked == [("minilm", 1, "float32", tmp_path / "models")]


def test_cached_vectors_resume_an_interrupted_embedding(
    beir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunks = load_corpus(beir)
    full = evaluate.cached_vectors("minilm", chunks, tmp_path / "a")
    stem = next((tmp_path / "a").glob("vectors-minilm-*.npy")).stem
    (tmp_path / "b").mkdir()
    np.save(tmp_path / "b" / f"{stem}.partial.npy", full[:5])
    embedded: list[str] = []

    class Recorder:
        dim = 384

        def embed_documents(self, texts: list[str]) -> np.ndarray:
            embedded.extend(texts)
            return full[5 : 5 + len(texts)]

    monkeypatch.setattr(evaluate, "get_embedder", lambda *a, **k: Recorder())
    resumed = evaluate.cached_vectors("minilm", chunks, tmp_path / "b")
    assert len(embedded) == len(DOCS) - 5 and (resumed == full).all()
    assert not list((tmp_path / "b").glob("*.partial.npy"))
