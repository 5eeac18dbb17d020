from pathlib import Path

import numpy as np

from assistant.index.embeddings import get_embedder
from assistant.index.word_vectors import VOCABULARY_MODEL, WordTranslator

SOURCE_WORDS = ["trees", "salary", "harbour", "ferry", "bicycle", "emissions", "planted", "budget", "heating"]


def _vocabulary() -> WordTranslator:
    e5 = get_embedder(VOCABULARY_MODEL)
    return WordTranslator.empty(e5.dim).extended([" ".join(SOURCE_WORDS)], e5)


def test_a_question_in_another_language_is_read_in_the_sources_words() -> None:
    e5 = get_embedder(VOCABULARY_MODEL)
    reading = _vocabulary().read_query("Quanti alberi sono stati piantati nel 2023?", e5, senses=1).split()
    assert reading[0] == "2023"  # numbers are the same in every language and come first
    assert "trees" in reading and "planted" in reading and "harbour" not in reading
    assert len(reading) <= 1 + 3  # one sense per content word; "quanti", "sono" and "nel" are function words


def test_batched_query_vectors_match_one_at_a_time() -> None:
    e5 = get_embedder(VOCABULARY_MODEL)
    together = e5.embed_queries(["Fahrrad", "Hafen"])
    assert together.shape == (2, e5.dim)
    assert np.allclose(together[1], e5.embed_query("Hafen"), atol=1e-4)


def test_translate_and_read_query_share_what_was_read(tmp_path: Path) -> None:
    e5 = get_embedder(VOCABULARY_MODEL)
    vocabulary = _vocabulary()
    vocabulary.save(tmp_path)
    loaded = WordTranslator.load(tmp_path)
    assert loaded is not None and loaded.words == vocabulary.words
    assert loaded.read_query("Combien coûte le chauffage ?", e5, senses=1).split() == ["budget", "heating"]
    assert loaded.translate("chauffage", e5, senses=1) == ["heating"]  # read once, kept for the answer check
    assert loaded.translate("riscaldamento", e5)[0] == "heating"
    assert WordTranslator.empty(e5.dim).read_query("Wie viel kostet die Heizung 2030?", e5) == "2030"


def test_a_word_is_never_read_as_a_function_word_of_another_language() -> None:
    """A Portuguese contract puts "que" and "qual" in the vocabulary; "quand" must not become them, or BM25 would
    match every passage in Portuguese."""
    e5 = get_embedder(VOCABULARY_MODEL)
    vocabulary = WordTranslator.empty(e5.dim).extended(["que qual quando whenever signed mayor"], e5)
    assert vocabulary.translate("quand", e5) and not {"que", "qual"} & set(vocabulary.translate("quand", e5))
    assert vocabulary.translate("signé", e5)[0] == "signed"
