"""Text utilities shared by chunking, BM25 and the answer engine: sentences, tokens, stems, accent folding."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "etc",
    "vs",
    "cf",
    "approx",
    "no",
    "nr",
    "st",
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "fig",
    "art",
    "eur",
    "ca",
    "inc",
    "ltd",
    "co",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "p",
    "pp",
    "vol",
    "ed",
    "min",
    "max",
    "mt",
    "kt",
    "dept",
    "est",
    "u.s",
    "z.b",
    "bzw",
    "ggf",
    # academic titles before a name, as Central European contracts list their signatories ("Dipl.-Ing. Erwin
    # Smole", "Ing. Mag. Harald Tschurnig", "Mgr. Bc. ..."): without them the name lost its title as a sentence
    "dipl.-ing",
    "dipl",
    "ing",
    "mag",
    "mgr",
    "bc",
    "inż",
    "rndr",
    "mudr",
    "judr",
    "phdr",
}
_SENTENCE_END = re.compile(r"(?<=[.!?;])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-ZÀ-ÖØ-Þ0-9€£$])")
_LIST_MARKER = re.compile(r"\(?(\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]")
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+")
# where an item starts in a list run into one line (a web page's <p>, a PDF's text layer): "1. A 2. B", "- A. - B"
_INLINE_NUMBER = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+(?=\S)")
_INLINE_BULLET = re.compile(r"\s•\s+|(?<=[.;:!?])\s+[-*]\s+(?=\S)")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will with would you your
    yours via per within across among upon whose shall may might must""".split()
)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; list items and table rows count as sentences of their own."""
    sentences: list[str] = []
    for line_block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)|\n(?=\|)", text):
        block = " ".join(line.strip() for line in line_block.splitlines() if line.strip())
        if not block:
            continue
        if block.startswith("|"):
            sentences.append(block)
            continue
        for item in _inline_items(block):
            sentences.extend(_split_block(item))
    return sentences


def _inline_items(block: str) -> list[str]:
    """A block cut before each item of a list run into one line. Numbers count as item markers only when they go
    1, 2, 3 … from the block's start or a colon, so "In 2022, 100 cities" or "page 3." stays whole; dashes only
    when the block opens with one and each follows a sentence's end."""
    cuts: list[int] = []
    expected = 1
    for match in _INLINE_NUMBER.finditer(block):
        if int(match.group(1)) != expected:
            continue
        if expected == 1 and block[: match.start()].strip() and not block[: match.start()].rstrip().endswith(":"):
            continue
        cuts.append(match.start())
        expected += 1
    if expected <= 2:
        cuts = []
    dashed = block.startswith(("- ", "* "))
    cuts.extend(m.end() - len(m.group().lstrip()) for m in _INLINE_BULLET.finditer(block) if dashed or "•" in m.group())
    bounds = sorted({0, *cuts, len(block)})
    return [block[a:b].strip() for a, b in zip(bounds, bounds[1:]) if block[a:b].strip()]


def _split_block(block: str) -> list[str]:
    """A paragraph's sentences; abbreviations, initials and list markers do not end one."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(block):
        candidate = block[start : match.start()].strip()
        last_word = re.split(r"\s", candidate)[-1].rstrip(".").lower() if candidate else ""
        if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word) or _LIST_MARKER.fullmatch(candidate):
            continue
        if candidate:
            sentences.append(candidate)
        start = match.end()
    tail = block[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def is_list_item(sentence: str) -> bool:
    """Whether a sentence is a list item: it opens with a bullet or a number ("- ", "• ", "2. ")."""
    return bool(_BULLET.match(sentence))


def strip_bullet(sentence: str) -> str:
    """A list item without its bullet or number."""
    return _BULLET.sub("", sentence, count=1)


# Every code point ``unicodedata.combining`` flags (built once): a regular expression for those in the Basic
# Multilingual Plane, which is fast, and a translation table for the rare others.
_MARKS = [code for code in range(0x110000) if unicodedata.combining(chr(code))]
_BMP_MARKS = re.compile("[" + "".join(re.escape(chr(code)) for code in _MARKS if code < 0x10000) + "]")
_ASTRAL_MARKS = {code: None for code in _MARKS if code >= 0x10000}


def fold(text: str) -> str:
    """Lower case without accents: ``Malmö`` → ``malmo``, so users need not type diacritics. Search analyses every
    sentence of its candidates, so this is kept fast (a per-character loop was most of a query's cost)."""
    if text.isascii():
        return text.lower()
    folded = _BMP_MARKS.sub("", unicodedata.normalize("NFKD", text.lower()))
    if folded and max(folded) > "\uffff":
        folded = folded.translate(_ASTRAL_MARKS)
    return folded.replace("ł", "l").replace("ø", "o")


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each of its characters, the index of the character of ``text`` it came from, so a
    match found in folded text can be cut from or quoted out of the text as written."""
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = fold(char)
        pieces.append(folded)
        offsets.extend([index] * len(folded))
    return "".join(pieces), offsets


_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")


def words(text: str) -> list[str]:
    """Accent-folded lower-case word tokens; numbers keep their decimal point (``1.5``)."""
    return _TOKEN.findall(fold(text))


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def analyse(text: str) -> list[str]:
    """Search terms: words minus stopwords, Porter-stemmed. Used identically for documents and queries."""
    return _stemmer().stemWords([w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())])


# Words that colour how a question is asked, or phrase the request, not what it asks about ("how big a cut",
# "tell me about", "give an overview of").
_FILLER_TERMS = frozenset(
    analyse(
        "actually exactly really basically precisely please kindly hello hi dear thank thanks regards "
        "big large much many tell explain describe give show know overview summary information info details"
    )
)


def question_terms(question: str) -> list[str]:
    """A question's search terms without the words that only colour how it is asked ("what does it actually
    do?", "what exactly must we deliver?"): rare in documents, they would otherwise weigh like a topic."""
    return [term for term in analyse(question) if term not in _FILLER_TERMS]


def headed_blocks(text: str) -> list[tuple[str, list[str]]]:
    """A passage's lines grouped under the heading line over them ("## Step 1: …"), in order; the lines before its
    first heading come under an empty heading."""
    blocks: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            blocks.append((line.strip(), []))
        else:
            blocks[-1][1].append(line)
    return blocks


def word_count(text: str) -> int:
    return len(text.split())


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given character spans (overlapping or not) each replaced by a space."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = f"{text[:start]} {text[end:]}"
    return text


# A capitalised word, or a run of them ("Climate City Contract", "Research & Innovation"): a name of a place,
# programme, body or person. The one pattern for names in the code.
_CAPITALISED = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'’-]*(?:\s+(?:&\s+)?[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'’-]*)*")


def capitalised_spans(text: str, with_first: bool = True) -> list[tuple[int, int, str]]:
    """(start, end, name) for every run of capitalised words; ``with_first=False`` leaves out the capital a
    sentence opens with ("What does Lahti plan?" names only Lahti)."""
    spans = []
    for match in _CAPITALISED.finditer(text):
        start, name = match.start(), match.group(0)
        opens_sentence = not text[:start].strip() or text[:start].rstrip()[-1] in '.?!:"“(¿¡'
        first, _, rest = name.partition(" ")
        if opens_sentence and not with_first and not _owner(first):
            if not rest.strip():
                continue
            start, name = start + len(first) + 1 + (len(rest) - len(rest.lstrip())), rest.strip()
            if name.startswith("& "):
                continue
        spans.append((start, start + len(name), name.rstrip("'’")))
    return spans


def _owner(word: str) -> bool:
    """Whether a word is a name by its possessive ("Almere's 2030 target?" opens with a name; "It's", "What's" do
    not)."""
    owner = word.replace("’", "'").removesuffix("'s")
    return owner != word.replace("’", "'") and owner.lower() not in STOPWORDS


def capitalised_names(text: str, with_first: bool = False) -> list[str]:
    """The capitalised names of ``text`` in order (see :func:`capitalised_spans`), possessive 's removed; a run
    with a possessive inside is two names, the owner's and the thing's ("Napa's Action All" → Napa, Action All)."""
    names = []
    for _, _, run in capitalised_spans(text, with_first):
        parts = run.replace("’s", "'s").split("'s ")
        names.extend(name.removesuffix("'s") for name in (part.strip() for part in parts) if name)
    return names


TITLE_MAX_CHARS = 300
# The first cell of a row that holds a chart's labels and values ("| Figure | 2015 | 2016 | 2017 |"): the PDF reader
# writes it, and the answer composer leaves out a row under it that holds no word (an axis's ticks say nothing).
FIGURE_LABEL = "Figure"


def capped(text: str, limit: int = TITLE_MAX_CHARS) -> str:
    """A title or heading cut to ``limit`` characters (at a word where one is near) with an ellipsis: a 112 KB
    title must not reach an embedding, a page or a library row whole."""
    text = str(text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit * 0.8 else head).rstrip() + "…"
