"""A question's words read across languages: each becomes the indexed documents' word nearest to it in the
multilingual embedder's space ("stipendio" → "salary", "alberi" → "trees"). Search reads a question in another
language in the sources' words this way (so the passages need no multilingual vectors), and the answer check on
whether a passage shares a word with the question works across languages."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from assistant.core.languages import FUNCTION_WORDS
from assistant.core.text import STOPWORDS, fold, words
from assistant.index.embeddings import Embedder

Translate = Callable[[str], list[str]]  # a word of a question -> the sources' words for it

VOCABULARY_NAME = "vocabulary-e5.npz"
VOCABULARY_MODEL = "e5"  # the multilingual embedder: MiniLM does not place "stipendio" near "salary"
MULTILINGUAL_MODELS = frozenset({VOCABULARY_MODEL})  # dense models that read a question in any language as asked
_WORD = re.compile(r"[^\W\d_]{3,30}")
_SENSES_KEPT = 3  # the most senses ``translate`` or ``read_query`` is asked for, and the default of both
_SENSES_SEARCHED = 8  # nearest words looked at for them, function words of any language left out


def _content(word: str) -> bool:
    """A word that says what a question is about: not a function word of any of the assistant's languages."""
    return word not in STOPWORDS and fold(word) not in FUNCTION_WORDS


def vocabulary_words(text: str) -> set[str]:
    """The lower-case words of ``text`` a term may be read as: letters only, three or more, no stopword."""
    return {word for word in _WORD.findall(text.lower()) if word not in STOPWORDS}


class WordTranslator:
    """The documents' words with their vectors; a term is read as the nearest of them."""

    def __init__(self, words: list[str], vectors: np.ndarray) -> None:
        self.words = words
        self.vectors = vectors.astype(np.float32)
        self._read: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self.words)

    def translate(self, term: str, embedder: Embedder, senses: int = 3) -> list[str]:
        """The ``senses`` vocabulary words nearest to ``term`` (asked as a query, as a question's words are): a word
        has more than one rendering ("klimaschutz": climate, ...; the nearest alone missed "climate" there)."""
        self._look_up([term], embedder)
        return self._read[term][:senses]

    def _look_up(self, terms: list[str], embedder: Embedder) -> None:
        """Find and keep the nearest vocabulary words of each term not read yet, in one batch of query vectors."""
        unread = [t for t in dict.fromkeys(terms) if t not in self._read]
        if not unread:
            return
        if not self.words:
            self._read.update((t, []) for t in unread)
            return
        scores = embedder.embed_queries(unread) @ self.vectors.T
        searched = min(_SENSES_SEARCHED, len(self.words))
        for term, row in zip(unread, scores):
            top = np.argpartition(-row, searched - 1)[:searched]
            nearest = (self.words[i] for i in top[np.argsort(-row[top], kind="stable")])
            # a function word of another language ("que", "qual" for "quand") would match passages in that
            # language on any topic, as the question's own function words would: only content words are kept
            self._read[term] = [word for word in nearest if _content(word)][:_SENSES_KEPT]

    def read_query(self, question: str, embedder: Embedder, senses: int = _SENSES_KEPT) -> str:
        """``question`` in the sources' words: its numbers, then each content word's ``senses`` nearest vocabulary
        words ("Quanti alberi ha piantato Milano nel 2023?" → "2023 trees planted milan ..."), all read in one
        batch of query vectors. Empty when the vocabulary or the question has no word to read. Three senses beat
        one or two on the gold set's other-language questions (recall@5 0.964 against 0.854 and 0.948)."""
        terms = [w for w in dict.fromkeys(_WORD.findall(question.lower())) if _content(w)]
        numbers = [t for t in words(question) if any(ch.isdigit() for ch in t)]
        self._look_up(terms, embedder)
        read = [word for t in terms for word in self._read[t][:senses]]
        return " ".join(numbers + list(dict.fromkeys(read)))

    def extended(self, texts: Iterable[str], embedder: Embedder, batch: int = 256) -> WordTranslator:
        """This vocabulary with the words of ``texts`` it lacks; a word the documents no longer use is kept (it is
        still a word a question may mean)."""
        new = sorted(set().union(*(vocabulary_words(text) for text in texts)) - set(self.words))
        if not new:
            return self
        fresh = np.vstack([embedder.embed_documents(new[i : i + batch]) for i in range(0, len(new), batch)])
        return WordTranslator(self.words + new, np.vstack([self.vectors, fresh]) if self.words else fresh)

    @classmethod
    def empty(cls, dim: int) -> WordTranslator:
        return cls([], np.zeros((0, dim), dtype=np.float32))

    def save(self, folder: Path) -> None:
        """Write atomically (half precision: the nearest word does not change)."""
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / (VOCABULARY_NAME + ".tmp.npz")
        np.savez(tmp, words=np.asarray(self.words, dtype=str), vectors=self.vectors.astype(np.float16))
        os.replace(tmp, folder / VOCABULARY_NAME)

    @classmethod
    def load(cls, folder: Path) -> WordTranslator | None:
        """The saved vocabulary, or ``None`` when the index has none (it was built without the multilingual model)."""
        path = folder / VOCABULARY_NAME
        if not path.is_file():
            return None
        with np.load(path) as data:
            return cls([str(word) for word in data["words"]], data["vectors"])
