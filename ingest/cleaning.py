"""OCR and layout noise removal: image links, lone page numbers, stray glyphs and repeated running headers."""

from __future__ import annotations

import html
import re
from collections import Counter

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>", re.I)
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
_STRAY = re.compile(r"^\s*[^\w\s]{0,3}\w?[^\w\s]{0,3}\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")


def _running_lines(lines: list[str]) -> set[str]:
    """Short non-heading lines that recur through a long document: headers and footers of its pages."""
    stripped = [line.strip() for line in lines]
    counts = Counter(s for s in stripped if s and len(s) <= 70 and not s.startswith(("#", "|", "-", "*")))
    threshold = max(4, len(lines) // 400)
    return {s for s, n in counts.items() if n >= threshold and len(s.split()) <= 8}


def clean_text(text: str, running: set[str] | None = None) -> str:
    """Text with noise removed and blank-line structure kept; ``running`` lines are dropped wherever they stand."""
    text = html.unescape(_IMAGE.sub("", text)).replace("\u00ad", "").replace("\r\n", "\n")
    lines = text.split("\n")
    repeated = running if running is not None else _running_lines(lines)
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped and (
            stripped in repeated or _PAGE_NUMBER.match(stripped) or (_STRAY.match(stripped)
                                                                    and not _TABLE_RULE.match(stripped))
        ):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def running_lines_across_pages(pages: list[str]) -> set[str]:
    """Lines at the top or bottom of many PDF pages: running headers and footers to strip from every page."""
    if len(pages) < 4:
        return set()
    edges: Counter[str] = Counter()
    for page in pages:
        lines = [l.strip() for l in page.splitlines() if l.strip()]
        edges.update(set(lines[:2] + lines[-2:]))
    return {line for line, n in edges.items() if n >= max(3, len(pages) // 3) and len(line) <= 90}
