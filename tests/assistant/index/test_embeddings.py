"""The bundled embedding models: sentence vectors are cut to the head of a very long "sentence", passages are not."""

from __future__ import annotations

import numpy as np

from assistant.index.embeddings import SENTENCE_TOKENS, get_embedder


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


def test_e5_sentence_vectors_are_its_passage_vectors() -> None:
    e5 = get_embedder("e5")
    text = "Lahti cut its emissions by 70% against 1990."
    assert np.allclose(e5.embed_sentences([text]), e5.embed_documents([text]), atol=1e-6)
