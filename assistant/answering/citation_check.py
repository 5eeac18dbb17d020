"""Check a language model's cited answer against the passages it was given, sentence by sentence.

A citation ``[n]`` to a passage that was not given is removed. A sentence is kept only when one of the passages it
cites supports it: MiniLM cosine similarity to the passage's best-matching sentence of at least
``SUPPORT_THRESHOLD``, and every number it states appears in that passage (embeddings barely see a changed figure).
Sentences without a citation are removed. The survivors are renumbered by first appearance, one citation each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.answering.replies import Citation, cite_in_order
from assistant.answering.sentences import clean_sentence
from assistant.core.schema import SearchResult
from assistant.core.text import split_sentences, strip_bullet
from assistant.index.embeddings import Embedder

# all-MiniLM-L6-v2 scores restatements of a sentence at about 0.7 and above and sentences that only share a topic
# at about 0.3-0.6 (its STS behaviour), so 0.6 keeps restatements and drops topical drift.
SUPPORT_THRESHOLD = 0.6

MARKER = re.compile(r"\[\s*(?:passage\s*)?(\d+(?:\s*[,;]\s*(?:passage\s*)?\d+)*)\s*\]", re.I)
_LEADING_MARKERS = re.compile(rf"^(?:\s*{MARKER.pattern})+", re.I)
_MARKERS_AFTER_STOP = re.compile(rf"([.!?])((?:\s*{MARKER.pattern})+)", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass
class Claim:
    """One sentence of the answer: its text without markers and the passages (0-based) it cites."""

    text: str
    cited: list[int]
    source: int = -1
    evidence: str = ""
    score: float = 0.0


@dataclass
class CheckReport:
    """The sentences that survived, and counts of what was removed and why."""

    claims: list[Claim] = field(default_factory=list)
    missing_citations: int = 0
    unsupported: int = 0
    uncited: int = 0
    repeated: int = 0

    def describe(self) -> str:
        """What was removed, in words (empty when nothing was)."""
        parts = [
            _count(self.unsupported, "unsupported sentence"),
            _count(self.uncited, "uncited sentence"),
            _count(self.repeated, "repeated sentence"),
            _count(self.missing_citations, "citation to a missing passage"),
        ]
        removed = [p for p in parts if p]
        return f"{', '.join(removed)} removed" if removed else ""


def _count(n: int, noun: str) -> str:
    if not n:
        return ""
    plural = noun.replace("citation", "citations") if "citation" in noun else f"{noun}s"
    return f"{n} {noun if n == 1 else plural}"


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _marker_numbers(marker_body: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", marker_body)]


def _sentences_with_markers(answer: str) -> list[str]:
    """Sentences of the answer, one line at a time without list bullets, each with the markers that close it
    (a marker written after the full stop, or on a line of its own, belongs to the sentence before)."""
    answer = _MARKERS_AFTER_STOP.sub(r"\2\1", answer)
    sentences: list[str] = []
    for line in answer.splitlines():
        for sentence in split_sentences(strip_bullet(line)):
            lead = _LEADING_MARKERS.match(sentence)
            if lead and sentences:
                sentences[-1] += " " + lead.group(0).strip()
                sentence = sentence[lead.end() :].strip()
            if sentence:
                sentences.append(sentence)
    return sentences


def _clean(sentence: str) -> str:
    """The sentence as it will read, without markers or a space left before punctuation."""
    text = re.sub(r"\s+([.,;:!?])", r"\1", MARKER.sub("", sentence))
    return clean_sentence(text) if re.search(r"[A-Za-z]{2}", text) else ""


def parse_claims(answer: str, passages: int) -> tuple[list[Claim], int]:
    """The answer's sentences with the passages they cite, and how many citations pointed at no passage."""
    claims: list[Claim] = []
    missing = 0
    for sentence in _sentences_with_markers(answer):
        if sentence.lstrip().startswith("#"):
            continue
        numbers = [n for match in MARKER.finditer(sentence) for n in _marker_numbers(match.group(1))]
        valid = [n for n in numbers if 1 <= n <= passages]
        missing += len(numbers) - len(valid)
        text = _clean(sentence)
        if text:
            claims.append(Claim(text, list(dict.fromkeys(n - 1 for n in valid))))
    return claims, missing


def _embed(
    embedder: Embedder, claims: list[Claim], sentences: dict[int, list[str]]
) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    """Vectors of the claims and of each passage's sentences, computed in one batch."""
    texts = [c.text for c in claims] + [s for group in sentences.values() for s in group]
    vectors = embedder.embed_documents(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    start = len(claims)
    by_passage: dict[int, np.ndarray] = {}
    for index, group in sentences.items():
        by_passage[index] = vectors[start : start + len(group)]
        start += len(group)
    return vectors[: len(claims)], by_passage


def _support(
    claim: Claim,
    vector: np.ndarray,
    sentences: dict[int, list[str]],
    vectors: dict[int, np.ndarray],
    passages: list[str],
) -> None:
    """Set the claim's source to the cited passage that supports it best, if any passes both checks."""
    for index in claim.cited:
        scores = vectors[index] @ vector
        best = int(np.argmax(scores))
        if scores[best] < SUPPORT_THRESHOLD or not _numbers(claim.text) <= _numbers(passages[index]):
            continue
        if scores[best] > claim.score:
            claim.source, claim.evidence, claim.score = index, sentences[index][best], float(scores[best])


def _passage_sentences(text: str) -> list[str]:
    return [clean_sentence(s) for s in split_sentences(text)] or [text]


def check_answer(answer: str, passages: list[str], embedder: Embedder) -> CheckReport:
    """Keep the sentences of ``answer`` that a passage they cite supports; count everything removed."""
    claims, missing = parse_claims(answer, len(passages))
    cited = [c for c in claims if c.cited]
    report = CheckReport(missing_citations=missing, uncited=len(claims) - len(cited))
    sentences = {i: _passage_sentences(passages[i]) for i in sorted({i for c in cited for i in c.cited})}
    claim_vectors, passage_vectors = _embed(embedder, cited, sentences)
    seen: set[str] = set()
    for claim, vector in zip(cited, claim_vectors):
        _support(claim, vector, sentences, passage_vectors, passages)
        key = re.sub(r"\W+", " ", claim.text.lower()).strip()
        if claim.source < 0:
            report.unsupported += 1
        elif key in seen:
            report.repeated += 1
        else:
            seen.add(key)
            report.claims.append(claim)
    return report


def number_citations(claims: list[Claim], passages: list[SearchResult]) -> tuple[list[tuple[str, int]], list[Citation]]:
    """(sentence, n) picks and one citation per n, numbered by first appearance; each citation lists the
    sentences of its passage that supported the answer."""
    return cite_in_order([(c.text, c.source, c.evidence) for c in claims], passages)
