"""The default answer engine: no LLM, no network. It can only say what the sources say.

Query-focused extractive summarisation: the top passages are split into sentences, each scored against the question
(dense similarity, IDF-weighted term overlap, the answer type the question asks for, and its passage's rank), then
picked greedily with a redundancy penalty (MMR). The best direct answer leads; the rest follow in source order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.bm25 import BM25Index
from assistant.embeddings import Embedder
from assistant.retrieval import SearchResult
from assistant.text import analyse, split_sentences, strip_bullet, word_count

_NUMBER_CUES = re.compile(
    r"\b(how (much|many|large|big)|budget|cost|costs|amount|grants?|funding|money|size|percent|share|target|"
    r"how far|combien|wie viel|wieviele|cu[aá]nto|cu[aá]ntos|quanto|quanti|ile)\b", re.I)
_DATE_CUES = re.compile(
    r"\b(when|what year|which year|date|deadline|how long|duration|since|quand|wann|cu[aá]ndo|quando|kiedy|"
    r"jak d[lł]ugo)\b", re.I)
_LIST_CUES = re.compile(
    r"\b(which|what are|list|who are|steps?|how (do|can|should) (we|i|a city)|start|begin|options|examples|"
    r"quel(le)?s|welche|cu[aá]les|quali|jakie|kt[oó]re)\b", re.I)
_HAS_NUMBER = re.compile(r"\d")
_HAS_DATE = re.compile(r"\b(19|20)\d{2}\b|\b(january|february|march|april|may|june|july|august|september|october|"
                       r"november|december)\b|\b\d+\s*(months?|years?|weeks?)\b", re.I)
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


@dataclass
class Candidate:
    text: str
    source: int  # index into the results
    position: int  # order within its passage
    is_item: bool = False  # a list item or table row in the source
    score: float = 0.0


@dataclass(frozen=True)
class QuestionShape:
    wants_number: bool
    wants_date: bool
    wants_list: bool

    @classmethod
    def of(cls, question: str) -> "QuestionShape":
        return cls(bool(_NUMBER_CUES.search(question)), bool(_DATE_CUES.search(question)),
                   bool(_LIST_CUES.search(question)))

    def max_sentences(self, mode: str) -> int:
        if mode == "start":
            return 6
        if self.wants_list:
            return 5
        return 3 if (self.wants_number or self.wants_date) else 4


def clean_sentence(sentence: str) -> str:
    """A sentence as it reads in an answer: no bullet, link markup or emphasis; tables as 'a | b'."""
    text = strip_bullet(sentence.strip())
    text = _MD_LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    if text.startswith("|"):
        cells = [c.strip() for c in text.strip("|").split("|")]
        text = " | ".join(c for c in cells if c and not re.fullmatch(r":?-{2,}:?", c))
    text = re.sub(r"\s+", " ", text).strip()
    if text and text[-1] not in ".!?:;)|":
        text += "."
    return text


def _usable(sentence: str) -> bool:
    """A sentence that can stand in an answer: not a heading, a question, a table rule or a fragment."""
    stripped = sentence.strip()
    if stripped.startswith("#") or stripped.endswith("?") or word_count(stripped) < 4:
        return False
    if re.fullmatch(r"[|:\-\s]+", stripped):
        return False
    return sum(ch.isalpha() for ch in stripped) >= 12


def candidates(results: list[SearchResult], per_passage: int = 40) -> list[Candidate]:
    """Usable, de-duplicated sentences of the passages, in passage order."""
    seen: set[str] = set()
    found: list[Candidate] = []
    for index, result in enumerate(results):
        for position, raw in enumerate(split_sentences(result.text)[:per_passage]):
            if not _usable(raw):
                continue
            text = clean_sentence(raw)
            key = re.sub(r"\W+", " ", text.lower()).strip()
            if key in seen:
                continue
            seen.add(key)
            found.append(Candidate(text, index, position, bool(re.match(r"\s*([-*•]|\d+[.)]|\|)", raw))))
    return found


class ExtractiveComposer:
    """Picks and orders the sentences that answer a question, from passages already retrieved."""

    def __init__(self, embedder: Embedder, bm25: BM25Index | None, cosine_range: tuple[float, float]) -> None:
        self.embedder = embedder
        self.bm25 = bm25
        self.lo, self.hi = cosine_range

    def _lexical(self, question: str, sentences: list[str]) -> np.ndarray:
        terms = sorted(set(analyse(question)))
        if not terms:
            return np.zeros(len(sentences))
        weights = np.asarray(self.bm25.idf(terms) if self.bm25 is not None else [1.0] * len(terms))
        total = weights.sum() or 1.0
        scores = []
        for sentence in sentences:
            present = set(analyse(sentence))
            scores.append(sum(w for t, w in zip(terms, weights) if t in present) / total)
        return np.asarray(scores)

    def select(self, question: str, results: list[SearchResult], mode: str) -> list[Candidate]:
        """The sentences of the answer: the lead first, the others grouped by source in source order."""
        pool = candidates(results)
        if not pool:
            return []
        shape = QuestionShape.of(question)
        texts = [c.text for c in pool]
        vectors = self.embedder.embed_documents(texts)
        query = self.embedder.embed_query(question)
        dense = np.clip((vectors @ query - self.lo) / max(self.hi - self.lo, 1e-6), 0.0, 1.0)
        lexical = self._lexical(question, texts)
        kind = np.asarray([
            float((shape.wants_number and bool(_HAS_NUMBER.search(c.text)))
                  or (shape.wants_date and bool(_HAS_DATE.search(c.text)))
                  or ((shape.wants_list or mode == "start") and c.is_item))
            for c in pool
        ])
        top = max(results[0].score, 1e-9)
        prior = np.asarray([results[c.source].score / top for c in pool])
        scores = 0.45 * dense + 0.25 * lexical + 0.1 * kind + 0.2 * prior
        for candidate, score in zip(pool, scores):
            candidate.score = float(score)
        picked = self._mmr(pool, vectors, scores, shape.max_sentences(mode))
        if mode == "start":  # steps keep the order their source gives them
            return sorted(picked, key=lambda c: (c.source, c.position))
        lead, rest = picked[0], picked[1:]
        rest.sort(key=lambda c: (c.source, c.position))
        return [lead, *rest]

    @staticmethod
    def _mmr(pool: list[Candidate], vectors: np.ndarray, scores: np.ndarray, limit: int,
             balance: float = 0.75, floor: float = 0.6) -> list[Candidate]:
        """Greedy maximal-marginal-relevance pick; stops when what is left is much weaker than the best."""
        chosen: list[int] = []
        best = float(scores.max())
        while len(chosen) < min(limit, len(pool)):
            if chosen:
                redundancy = (vectors @ vectors[chosen].T).max(axis=1)
            else:
                redundancy = np.zeros(len(pool))
            marginal = balance * scores - (1 - balance) * redundancy
            marginal[chosen] = -np.inf
            index = int(np.argmax(marginal))
            if chosen and (scores[index] < floor * best or redundancy[index] > 0.92):
                break
            chosen.append(index)
        return [pool[i] for i in chosen]
