"""OCR and layout noise removal: image links, lone page numbers, stray glyphs, symbol-font bullets, words hyphenated
at a line end, sentences a layout broke over two paragraphs, repeated running headers, and the LaTeX of inline
formulas (``$\\mathrm{CO}_{2}$`` becomes ``CO2``, ``$80\\%$`` becomes ``80%``)."""

from __future__ import annotations

import html
import re
from collections import Counter

from pylatexenc.latex2text import LatexNodes2Text

from assistant.core.text import fold, is_list_item

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>", re.I)
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
_STRAY = re.compile(r"^\s*[^\w\s]{0,3}\w?[^\w\s]{0,3}\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
_INLINE_MATH = re.compile(r"\$([^$\n]{1,160})\$")
_LATEX_MARKUP = re.compile(r"[\\^_{]")
# Plain inline math hugs its delimiters ("$N = 507$", "$80+$"); "$5 and $" is two prices, not a formula.
_PLAIN_MATH = re.compile(r"^[\w(<>=+\-](?:[\w\s.,+\-=/()<>;:%]*[\w)%+])?$")
_LATEX = LatexNodes2Text(math_mode="text")
# A PDF set in Symbol or Wingdings gives its bullets as Private Use Area code points (U+F0B7, U+F0A7, U+F034...),
# which every reader shows as empty boxes; standing alone they are list bullets, and two of them are spaces.
_PRIVATE_USE_FIRST, _PRIVATE_USE_LAST = "\ue000", "\uf8ff"
_SYMBOL_FONT_SPACES = frozenset("\uf020\uf0a0")


def _formula_as_text(match: re.Match[str]) -> str:
    """One inline formula as the text it reads as: units and chemical formulas as typed (CO2, m², 5 °C)."""
    inner = match.group(1)
    if not _LATEX_MARKUP.search(inner):
        return inner if _PLAIN_MATH.match(inner) else match.group(0)
    text = _LATEX.latex_to_text(re.sub(r"(?<=\d)\s*(?=\\mathrm)", " ", inner))
    text = re.sub(r"\^2(?!\d)", "²", re.sub(r"\^3(?!\d)", "³", text.replace("^∘", " °")))
    return re.sub(r"_(\w)", r"\1", text)  # CO_2 -> CO2; a power such as 10^25 keeps its caret


def _without_symbol_glyphs(text: str) -> str:
    """Each Private Use Area glyph as what it stood for: a bullet when it stands alone, a space when it is one of the
    symbol fonts' spaces, else nothing (no reader can show it)."""
    if not any(_PRIVATE_USE_FIRST <= ch <= _PRIVATE_USE_LAST for ch in text):
        return text
    kept = []
    for at, ch in enumerate(text):
        if not _PRIVATE_USE_FIRST <= ch <= _PRIVATE_USE_LAST:
            kept.append(ch)
        elif ch in _SYMBOL_FONT_SPACES:
            kept.append(" ")
        elif (at == 0 or text[at - 1].isspace()) and (at + 1 == len(text) or text[at + 1].isspace()):
            kept.append("•")
    return "".join(kept)


def _edge_letters(text: str, from_end: bool) -> str:
    """The letters at the end (or the start) of ``text``, up to the first character that is not one."""
    count = 0
    for ch in reversed(text) if from_end else text:
        if not ch.isalpha():
            break
        count += 1
    return text[len(text) - count :] if from_end else text[:count]


def _line_end_hyphens_joined(text: str, vocabulary: set[str]) -> str:
    """A word a PDF broke at a line end ("emis-\\nsions") made whole when its document uses it whole elsewhere, else
    kept on one line with its hyphen ("community-\\nwide" → "community-wide"): the broken halves were quoted as
    "emis- sions" and never matched the word in search."""
    pieces = text.split("-\n")
    joined = [pieces[0]]
    for piece in pieces[1:]:
        left, right = _edge_letters(joined[-1], from_end=True), _edge_letters(piece, from_end=False)
        if not (left and right and right[0].islower()):
            joined.append("-\n" + piece)
        else:
            joined.append(("" if fold(left + right) in vocabulary else "-") + piece)
    return "".join(joined)


def _prose_line(line: str) -> bool:
    """A line of running text: not a heading, a table row or a list item."""
    return bool(line) and not line.startswith(("#", "|")) and not is_list_item(line)


def _broken_sentences_joined(lines: list[str]) -> list[str]:
    """A sentence a layout broke over two paragraphs ("... built on thriving, inclusive" / blank / "neighbourhoods
    and communities ...") made one paragraph again: the first (running text or a list item) ends on a letter or a
    comma and the second, running text, opens in lower case. Each half was quoted as a sentence of its own, with a
    full stop added to the first."""
    joined: list[str] = []
    blanks = 0  # blank lines since the last line of text
    for line in lines:
        after = line.strip()
        if not after:
            blanks += 1
            joined.append(line)
            continue
        before = joined[-blanks - 1].strip() if blanks and len(joined) > blanks else ""
        if (
            before
            and not before.startswith(("#", "|"))  # a list item's text goes on too
            and _prose_line(after)
            and (before[-1].isalpha() or before[-1] == ",")
            and after[0].islower()
        ):
            del joined[-blanks:]  # the blank lines between the halves
        blanks = 0
        joined.append(line)
    return joined


def _running_lines(lines: list[str]) -> set[str]:
    """Short non-heading lines that recur through a long document: headers and footers of its pages."""
    stripped = [line.strip() for line in lines]
    counts = Counter(s for s in stripped if s and len(s) <= 70 and not s.startswith(("#", "|", "-", "*")))
    threshold = max(4, len(lines) // 400)
    return {s for s, n in counts.items() if n >= threshold and len(s.split()) <= 8}


def clean_text(text: str, running: set[str] | None = None, vocabulary: set[str] | None = None) -> str:
    """Text with noise removed and blank-line structure kept; ``running`` lines are dropped wherever they stand, and
    words hyphenated at a line end are joined when ``vocabulary`` (the document's ``words``) holds them whole."""
    text = html.unescape(_IMAGE.sub("", text)).replace("\u00ad", "").replace("\r\n", "\n")
    text = _INLINE_MATH.sub(_formula_as_text, _without_symbol_glyphs(text))
    lines = text.split("\n")
    repeated = running if running is not None else _running_lines(lines)
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stripped and (
            stripped in repeated
            or _PAGE_NUMBER.match(stripped)
            or (_STRAY.match(stripped) and not _TABLE_RULE.match(stripped))
        ):
            continue
        kept.append(line.rstrip())
    text = "\n".join(_broken_sentences_joined(kept))
    if vocabulary is not None and "-\n" in text:
        text = _line_end_hyphens_joined(text, vocabulary)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
