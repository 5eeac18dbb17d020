"""Heading-aware chunking: passages of about ``target`` words that never cut a sentence or a small table.

Markdown (and HTML turned into Markdown) is split at headings and each chunk keeps its heading path as ``section``;
PDFs are split per page and keep ``page``. Sections too small to stand alone join the next one, and consecutive
chunks of one section share a short overlap so a passage cut mid-thought still reads on its own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from assistant.core.schema import Chunk, date_number
from assistant.core.text import capped, is_list_item, split_sentences, word_count, words
from ingest.cleaning import clean_text
from ingest.loaders import LoadedDocument
from ingest.metadata import heading_titles

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


# Bump when chunking logic changes, so the next sync re-chunks every file (vectors of unchanged text are reused).
CHUNKER_VERSION = 16


@dataclass(frozen=True)
class ChunkingOptions:
    target_words: int = 220
    max_words: int = 320
    min_words: int = 60
    overlap_words: int = 30

    def signature(self) -> str:
        """Identifies the chunking a file was indexed with; part of the manifest's change check."""
        return f"chunker-v{CHUNKER_VERSION}:{self.target_words}/{self.max_words}/{self.min_words}/{self.overlap_words}"


@dataclass
class _Section:
    path: list[str]
    page: int | None
    blocks: list[str] = field(default_factory=list)


def _blocks(text: str) -> list[tuple[str, str]]:
    """(kind, text) blocks: heading, table, list or paragraph."""
    blocks: list[tuple[str, str]] = []
    current: list[str] = []
    kind = ""

    def flush() -> None:
        nonlocal current, kind
        if current:
            blocks.append((kind, "\n".join(current)))
        current, kind = [], ""

    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if _HEADING.match(stripped):
            flush()
            blocks.append(("heading", stripped))
            continue
        line_kind = "table" if stripped.startswith("|") else "list" if is_list_item(stripped) else "paragraph"
        if kind and (line_kind != kind and not (kind == "list" and line_kind == "paragraph")):
            flush()
        kind = kind or line_kind
        current.append(stripped)
    flush()
    return blocks


def _sections(text: str, page: int | None) -> list[_Section]:
    sections = [_Section([], page)]
    path: list[tuple[int, str]] = []
    for kind, block in _blocks(text):
        if kind == "heading":
            match = _HEADING.match(block)
            level, title = len(match.group(1)), capped(match.group(2).strip())
            path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, title)]
            sections.append(_Section([t for _, t in path], page))
        else:
            sections[-1].blocks.append(block)
    return [s for s in sections if s.blocks]


def _units(block: str, max_words: int) -> list[tuple[str, bool]]:
    """A block as pieces no longer than ``max_words``: (text, is_prose). Tables split by rows, header repeated."""
    if word_count(block) <= max_words:
        return [(block, not block.startswith("|"))]
    lines = block.split("\n")
    if lines[0].startswith("|"):
        header = lines[:2] if len(lines) > 1 and re.match(r"^\|?\s*:?-{2,}", lines[1]) else lines[:1]
        rows, units, size = [], [], word_count("\n".join(header))
        for row in lines[len(header) :]:
            if rows and size + word_count(row) > max_words:
                units.append(("\n".join(header + rows), False))
                rows, size = [], word_count("\n".join(header))
            rows.append(row)
            size += word_count(row)
        if rows:
            units.append(("\n".join(header + rows), False))
        return units
    units, current = [], []
    for sentence in split_sentences(block):
        if current and word_count(" ".join(current + [sentence])) > max_words:
            units.append((" ".join(current), True))
            current = []
        current.append(sentence)
    if current:
        units.append((" ".join(current), True))
    return units


def _tail_overlap(text: str, words: int) -> str:
    """The last whole sentences of ``text`` that fit in ``words`` words."""
    picked: list[str] = []
    for sentence in reversed(split_sentences(text)):
        if word_count(" ".join([sentence] + picked)) > words:
            break
        picked.insert(0, sentence)
    return " ".join(picked)


def _pack(section: _Section, options: ChunkingOptions) -> list[str]:
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for block in section.blocks:
        for unit, prose in _units(block, options.max_words):
            n = word_count(unit)
            if current and size + n > options.target_words and size >= options.min_words:
                pieces.append("\n\n".join(current))
                overlap = _tail_overlap(current[-1], options.overlap_words) if prose else ""
                current, size = ([overlap] if overlap else []), word_count(overlap)
            current.append(unit)
            size += n
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def chunk_id(doc_id: str, position: int, embedding_text: str) -> str:
    digest = hashlib.sha1(embedding_text.encode("utf-8")).hexdigest()[:12]
    return f"{doc_id}::{position:04d}::{digest}"


def chunk_document(doc: LoadedDocument, doc_id: str, options: ChunkingOptions = ChunkingOptions()) -> list[Chunk]:
    """The chunks of one loaded document, with stable ids and the document's metadata on each."""
    running: set[str] | None = set() if doc.kind == "pdf" else None  # the PDF loader removed its running lines
    vocabulary = set(words(" ".join(part.text for part in doc.parts)))  # a word broken at a line end is joined by it
    sections: list[_Section] = []
    for part in doc.parts:
        sections.extend(_sections(clean_text(part.text, running, vocabulary), part.page))
    base = {k: v for k, v in doc.metadata.items() if k not in {"sources"}}
    base["date_num"] = date_number(base.get("date", "")) or None
    base["path"] = str(doc.path)
    chunks: list[Chunk] = []
    carry: tuple[str, _Section, int] | None = None  # a short section's text, its section, its heading's words
    previous: list[str] | None = None
    titles = heading_titles(base)
    for section in sections:
        pieces = _pack(section, options)
        heading = ""
        if section.path and section.path != previous and section.path[-1] not in titles:
            # the heading opens its section's first passage, so an answer can quote it ("Step 1: Meet your advisor")
            heading = f"{'#' * len(section.path)} {section.path[-1]}"
            pieces[0] = f"{heading}\n\n{pieces[0]}"
        previous = section.path
        if carry:
            pieces[0] = f"{carry[0]}\n\n{pieces[0]}"
            owner, opening = carry[1], carry[2]
            carry = None
        else:
            owner, opening = section, word_count(heading)
        # a passage is long enough by its text; the heading it opens with does not count
        if len(pieces) == 1 and word_count(pieces[0]) - opening < options.min_words and section is not sections[-1]:
            carry = (pieces[0], owner, opening)
            continue
        for i, piece in enumerate(pieces):
            source_section = owner if i == 0 else section
            chunks.append(_make_chunk(doc_id, len(chunks), piece, source_section, base, titles))
    if carry:
        chunks.append(_make_chunk(doc_id, len(chunks), carry[0], carry[1], base, titles))
    return chunks


def _make_chunk(doc_id: str, position: int, text: str, section: _Section, base: dict, titles: set[str]) -> Chunk:
    meta = dict(base)
    meta["position"] = position
    path = section.path[1:] if section.path and section.path[0] in titles else section.path
    if path:
        meta["section"] = " > ".join(path)
    if section.page is not None:
        meta["page"] = section.page
    chunk = Chunk(chunk_id="", doc_id=doc_id, text=text.strip(), metadata=meta)
    chunk.chunk_id = chunk_id(doc_id, position, chunk.embedding_text())
    return chunk
