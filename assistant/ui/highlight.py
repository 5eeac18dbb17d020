"""Find the cited sentences inside a passage, so a source card can mark exactly what the answer used, and show the
passage's Markdown (headings, lists, tables) as HTML with those sentences marked.

An answer's sentences are cleaned copies of the passage's (no bullets, emphasis or link markup, an added full
stop), and an LLM engine may paraphrase slightly; so matching is done on accent-folded words, not characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from difflib import Match, SequenceMatcher

from markdown_it import MarkdownIt

from assistant.core.text import fold

_WORD = re.compile(r"[^\W_]+")
_MAX_GAP = 8  # words the passage may have inside one cited sentence that its cleaned copy lost (a link URL)
_MIN_SHARE = 0.6  # share of a sentence's words that must be found before it counts as present
# CommonMark with tables; raw HTML is escaped, never passed through, and images are not fetched from a document.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")
# Private-use characters that stand for <mark> and </mark> while the Markdown is rendered.
_OPEN, _CLOSE = "\ue000", "\ue001"
# What opens a Markdown line (indent, bullet, number, heading, quote, table bar): a mark reopens after it.
_EMPHASIS = "*_"
_DELIMITER_ROW = set("|-: \t")  # "|---|:--:|", or a blank line
_LINE_START = re.compile(r"[ \t]*(?:(?:[-*+]|\d+[.)]|#+|>)[ \t]+|\|[ \t]*)*")


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


def _marked(text: str) -> str:
    """A cited span with a mark on each of its lines after the line's Markdown opening, closed and reopened at each
    table cell bar, so each mark stays inside one block or cell; a table's delimiter row stays as it is."""
    lines = []
    for number, line in enumerate(text.split("\n")):
        if set(line) <= _DELIMITER_ROW:
            lines.append(line)
            continue
        opening = _LINE_START.match(line).end() if number else 0
        cells = line[opening:].replace("|", f"{_CLOSE}|{_OPEN}")
        lines.append(f"{line[:opening]}{_OPEN}{cells}{_CLOSE}".replace(_OPEN + _CLOSE, ""))
    return "\n".join(lines)


def highlight_markdown(passage: str, sentences: list[str]) -> str:
    """The passage's Markdown as safe HTML (any HTML in it shown as text), with each cited sentence in ``<mark>``."""
    clean = passage.replace(_OPEN, "").replace(_CLOSE, "")
    parts = []
    cursor = 0
    for start, end in cited_spans(clean, sentences):
        while start > cursor and clean[start - 1] in _EMPHASIS:  # the mark holds the emphasis, not the reverse
            start -= 1
        while end < len(clean) and clean[end] in _EMPHASIS:
            end += 1
        parts.append(clean[cursor:start])
        parts.append(_marked(clean[start:end]))
        cursor = end
    parts.append(clean[cursor:])
    rendered = _MARKDOWN.render("".join(parts))
    return rendered.replace(_OPEN, '<mark class="nz-hl">').replace(_CLOSE, "</mark>")
