"""The bundled embedding models: sentence vectors are cut to the head of a very long "sentence", passages are not;
a question's vector is computed once; MiniLM in bfloat16 gives float32's vectors; e5's lanes give one engine's."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from assistant.core.config import Settings
from assistant.index.embeddings import (
    CHARS_PER_TOKEN,
    E5_TOKENS,
    SENTENCE_TOKENS,
    E5Embedder,
    MiniLMEmbedder,
    cut_to_limit,
    get_embedder,
    runs_in_bfloat16,
)


def test_minilm_sentence_vectors_read_the_head_of_a_long_row_and_leave_passages_whole() -> None:
    minilm = get_embedder("minilm", 2)
    head = "Total emissions in the base year were 238,832 tonnes of CO2 equivalent across all sectors."
    row = head + " " + " ".join(f"column {i} value {i * 7}" for i in range(120))
    before = minilm.embed_documents([row])[0]
    sentence = minilm.embed_sentences([row])[0]
    assert abs(float(np.linalg.norm(sentence)) - 1.0) < 1e-5
    assert float(sentence @ before) < 0.999  # the sentence vector saw fewer tokens than the passage vector
    assert np.allclose(minilm.embed_documents([row])[0], before, atol=1e-6)  # the passage length is restored
    short = minilm.embed_sentences([head])[0]
    assert np.allclose(short, minilm.embed_documents([head])[0], atol=1e-6)  # short sentences are unaffected
    assert SENTENCE_TOKENS < 256


def test_a_question_is_embedded_once_and_its_cached_vector_cannot_be_changed() -> None:
    minilm = get_embedder("minilm", 2)
    question = "How large were the pilot city grants in the second call?"
    first = minilm.embed_query(question)
    assert minilm.embed_query(question) is first  # the search and the composer of one answer share it
    assert np.allclose(first, minilm.embed_documents([question])[0], atol=1e-6)
    with pytest.raises(ValueError):
        first *= 2  # a caller that scaled it in place would change every later answer


def test_minilm_answering_in_float32_never_loads_the_torch_model() -> None:
    minilm = MiniLMEmbedder(Settings().model_cache, threads=1, precision="float32")
    question = minilm.embed_query("Who coordinates the mission platform?")
    minilm.embed_queries(["coordinates", "platform"])
    minilm.embed_sentences(["NetZeroCities coordinates the mission platform."])
    assert "_model" not in vars(minilm)  # its 90 MB stay unloaded in a process that only answers
    assert np.allclose(minilm.embed_documents(["Who coordinates the mission platform?"])[0], question, atol=1e-6)
    assert "_model" in vars(minilm)


def test_minilm_in_bfloat16_gives_float32_s_vectors_and_an_unknown_precision_is_refused() -> None:
    texts = [
        "Total emissions in the base year were 238,832 tonnes of CO2 equivalent across all sectors.",
        "The city advisor meets the Transition Team in the first month.",
        "Wie hoch sind die Investitionen?",
    ]
    full = get_embedder("minilm", 2, "float32").embed_sentences(texts)
    half = get_embedder("minilm", 2, "bfloat16").embed_sentences(texts)
    assert half.dtype == np.float32 and np.allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-5)
    assert float((full * half).sum(axis=1).min()) > 0.999
    assert runs_in_bfloat16("float32") is False and runs_in_bfloat16("bfloat16") is True
    capabilities = torch.cpu.get_capabilities()  # torch's own detection, which auto reads from /proc/cpuinfo
    assert runs_in_bfloat16("auto") is bool(capabilities.get("avx512_bf16") or capabilities.get("amx_bf16"))
    with pytest.raises(ValueError, match="precision 'half'"):
        runs_in_bfloat16("half")


def test_e5_sentence_vectors_are_its_passage_vectors() -> None:
    e5 = get_embedder("e5")
    text = "Lahti cut its emissions by 70% against 1990."
    assert np.allclose(e5.embed_sentences([text]), e5.embed_documents([text]), atol=1e-6)


def test_e5_lanes_give_one_engines_vectors_in_the_order_asked() -> None:
    words = ["stipendio", "alberi", "Klimaschutz", "ciudades", "zgromadzenie", "communes", "x"]
    cache = Settings().model_cache
    one, three = E5Embedder(cache, lanes=1), E5Embedder(cache, lanes=3)
    for count in (0, 1, 2, len(words)):  # fewer texts than lanes, and more
        asked = words[:count]
        assert three.embed_queries(asked).shape == (count, 384)
        assert np.allclose(three.embed_queries(asked), one.embed_queries(asked), atol=1e-6)
    assert np.allclose(three.embed_documents(words), one.embed_documents(words), atol=1e-6)
    assert not np.allclose(one.embed_queries(words), one.embed_documents(words), atol=1e-3)  # prefixes kept


def test_e5_reads_a_long_passage_only_up_to_its_token_limit() -> None:
    e5 = get_embedder("e5")
    count = e5._engines[0].token_count
    long = " ".join(f"The district heat network number {i} serves many homes." for i in range(700))  # ~36 KB
    cut = cut_to_limit(long, E5_TOKENS, count)
    assert count(long) > 4 * E5_TOKENS and 0.85 * E5_TOKENS < count(cut) <= E5_TOKENS
    assert long.startswith(cut) and not cut.endswith(" ")
    assert np.allclose(e5.embed_documents([long]), e5.embed_documents([cut]), atol=1e-6)
    short = "Lahti cut its emissions by 70% against 1990."
    assert cut_to_limit(short, E5_TOKENS, count) == short


def test_without_a_token_count_the_cut_is_by_a_length_no_limit_can_reach() -> None:
    assert cut_to_limit("word " * 10_000, 256) == ("word " * 10_000)[: 256 * CHARS_PER_TOKEN]
