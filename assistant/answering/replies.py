"""What an answer is: the text with ``[n]`` markers, one citation per marker, the sources behind it, timings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.core.schema import SearchResult, location
from assistant.core.text import headed_blocks, words

_OPENING_WORDS = 4  # a cited sentence is found in its passage by its first words


@dataclass
class Citation:
    """A numbered source of the answer: the passage (chunk) and the sentences of it the answer used."""

    n: int
    result: SearchResult
    sentences: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = self.result.to_dict()
        data.pop("rank", None)
        data.pop("score", None)
        return {"n": self.n, **data, "section": self.section, "cited_sentences": list(self.sentences)}

    title = property(lambda self: self.result.title)
    source = property(lambda self: self.result.source)
    page = property(lambda self: self.result.page)
    date = property(lambda self: self.result.date)
    text = property(lambda self: self.result.text)

    @property
    def section(self) -> str | None:
        """The heading its first cited sentence stands under: a passage often holds several short sections (145
        of the shipped corpus's 337), and the passage's own section is only the first of them."""
        own = heading_over(self.result.text, self.sentences[0]) if self.sentences else ""
        return own or self.result.section

    @property
    def location(self) -> str:
        """Page or section, as the citation shows it."""
        return location(self.page, self.section)


def heading_over(text: str, sentence: str) -> str:
    """The heading ``sentence`` stands under in a passage's ``text`` (the heading itself when the sentence opens
    with its words, as a step's name does); empty when no heading comes before it or it is not found."""
    opening = " ".join(words(sentence)[:_OPENING_WORDS])
    if not opening:
        return ""
    for heading, lines in headed_blocks(text):
        if any(f" {opening} " in f" {' '.join(words(line))} " for line in [heading, *lines]):
            return heading.lstrip("# ").strip()
    return ""


@dataclass
class Reply:
    question: str
    mode: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    sources: list[SearchResult] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    standalone_question: str = ""
    filters: str = ""  # the search filter the question was asked under, as SearchFilter.describe() says it
    engine: str = "extractive"
    notice: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The reply as the CLI's ``ask --json`` contract names it."""
        return {
            "question": self.question,
            "standalone_question": self.standalone_question or self.question,
            "filters": self.filters,
            "mode": self.mode,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "sources": [s.to_dict() for s in self.sources],
            "suggestions": list(self.suggestions),
            "engine": self.engine,
            "notice": self.notice,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


def cite_in_order(
    picks: list[tuple[str, int, str]], passages: list[SearchResult]
) -> tuple[list[tuple[str, int]], list[Citation]]:
    """Number sources by first appearance: (answer text, passage index, supporting sentence) picks become
    (answer text, n) pairs and one citation per n listing the sentences of its passage that the answer used."""
    numbers: dict[int, int] = {}
    citations: list[Citation] = []
    numbered: list[tuple[str, int]] = []
    for text, source, evidence in picks:
        if source not in numbers:
            numbers[source] = len(numbers) + 1
            citations.append(Citation(numbers[source], passages[source]))
        citation = citations[numbers[source] - 1]
        if evidence not in citation.sentences:
            citation.sentences.append(evidence)
        numbered.append((text, citation.n))
    return numbered, citations
