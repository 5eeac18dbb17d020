"""Find the cited sentences inside a passage, so a source card can mark exactly what the answer used.

An answer's sentences are cleaned copies of the passage's (no bullets, emphasis or link markup, an added full
stop), and an LLM engine may paraphrase slightly; so matching is done on accent-folded words, not characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from difflib import Match, SequenceMatcher

from assistant.core.text import fold

_WORD = re.compile(r"[^\W_]+")
_MAX_GAP = 8  # words the passage may have inside one cited sentence that its cleaned copy lost (a link URL)
_MIN_SHARE = 0.6  # share of a sentence's words that must be found before it counts as present


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for every word of ``text``."""
    return [(fold(m.group()), m.start(), m.end()) for m in _WORD.finditer(text)]


def _runs(blocks: list[Match]) -> Iterator[list[Match]]:
    """Matched blocks grouped into runs that lie close together in the passage."""
    run: list[Match] = []
    for block in blocks:
        if run and block.a - (run[-1].a + run[-1].size) > _MAX_GAP:
            yield run
            run = []
        run.append(block)
    if run:
        yield run


def _span(passage: list[tuple[str, int, int]], sentence: list[str]) -> tuple[int, int] | None:
    """Character span of the passage region that best matches ``sentence``, if enough of it is there."""
    matcher = SequenceMatcher(None, [t[0] for t in passage], sentence, autojunk=False)
    runs = list(_runs([b for b in matcher.get_matching_blocks() if b.size]))
    if not runs:
        return None
    best = max(runs, key=lambda run: sum(b.size for b in run))
    if sum(b.size for b in best) < max(min(len(sentence), 3), _MIN_SHARE * len(sentence)):
        return None
    return passage[best[0].a][1], passage[best[-1].a + best[-1].size - 1][2]


def cited_spans(passage: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Sorted, merged character spans of ``passage`` that the cited ``sentences`` come from."""
    tokens = _tokens(passage)
    spans = []
    for sentence in sentences:
        words = [t[0] for t in _tokens(sentence)]
        found = _span(tokens, words) if words and tokens else None
        if found is not None:
            start, end = found
            if end < len(passage) and passage[end] in ".!?;:":
                end += 1
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_html(passage: str, sentences: list[str]) -> str:
    """The passage as escaped HTML, with each cited sentence wrapped in ``<mark>``."""
    parts = []
    cursor = 0
    for start, end in cited_spans(passage, sentences):
        parts.append(html.escape(passage[cursor:start]))
        parts.append(f'<mark class="nz-hl">{html.escape(passage[start:end])}</mark>')
        cursor = end
    parts.append(html.escape(passage[cursor:]))
    return "".join(parts)
