"""How passages are read into answer sentences: sentences, list items and labelled table rows, each with what it
needs around it to be understood (the list it belongs to, the sentence it refers back to).

This is reading, not judging: which sentence answers a question is the answer model's job (``composer``).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from assistant.core.schema import SearchResult
from assistant.core.text import FIGURE_LABEL, is_list_item, split_sentences, strip_bullet, word_count
from assistant.core.vocabulary import vocabulary
from assistant.index.embeddings import Embedder

_ANAPHORIC = re.compile(
    r"^((across|among|amongst|beyond|besides|between|for|from|in|of|on|under|with|within)\s+)?"
    r"(it|its|they|their|them|this|that|these|those|the same|such|so|both|he|she)\b",
    re.I,
)


_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


class SentenceVectors:
    """Sentence vectors kept between questions (bounded, least recently used out): passages recur across
    questions, and embedding their sentences is most of an answer's cost."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def embed(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        keys = [(embedder.name, t) for t in texts]
        with self._lock:
            missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            fresh = embedder.embed_sentences([t for _, t in missing])
            with self._lock:
                self._vectors.update(zip(missing, fresh))
                while len(self._vectors) > self._capacity:
                    self._vectors.popitem(last=False)
        with self._lock:
            for key in keys:
                self._vectors.move_to_end(key)
            return np.stack([self._vectors[k] for k in keys])


_SENTENCE_VECTORS = SentenceVectors()


def sentence_vectors(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """The sentences' vectors, from the process-wide cache where they were embedded before."""
    return _SENTENCE_VECTORS.embed(embedder, texts)


@dataclass
class Candidate:
    text: str
    source: int  # index into the results
    position: int  # order within its passage
    is_item: bool = False  # a list item or table row in the source
    usable: bool = True  # can stand in an answer on its own
    score: float = 0.0  # the answer model's probability that it states what the question asks
    is_table: bool = False  # a table row, read with its column names
    on_place: bool = True  # about the city or country the question names (true when it names none)
    ends_at: int = -1  # the last position its text covers, when list items were appended to it
    heading: str = ""  # the heading it stands under in its passage
    list_at: int = -1  # where the list it introduces starts, when a paragraph stands between them (a heading's)

    @property
    def list_start(self) -> int:
        """Where the list it may introduce starts: the next position, or past the paragraph under its heading."""
        return self.list_at if self.list_at >= 0 else self.position + 1

    def items_shown(self) -> range:
        """The positions of the list items appended to it (empty when none were)."""
        return range(self.list_start, self.ends_at + 1)


def clean_sentence(sentence: str) -> str:
    """A sentence as it reads in an answer: no bullet, link markup or emphasis."""
    text = strip_bullet(sentence.strip())
    text = _MD_LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    if text and text[-1] not in ".!?:;)|":
        text += "."
    return text


def standalone(sentence: str) -> str:
    """A sentence as its own line of a reply: a list item's closing ";" or "," ("Submit through the Portal;"), which
    led on to the next item in its list, becomes a full stop."""
    return f"{sentence[:-1]}." if sentence.endswith((";", ",")) else sentence


def _usable(sentence: str) -> bool:
    """A sentence that can stand in an answer on its own: not a question or a fragment."""
    stripped = sentence.strip()
    if stripped.endswith("?") or word_count(stripped) < 4:
        return False
    if stripped[0].islower() and stripped.endswith((";", ",")):  # a list item continuing an introduction
        return False
    return sum(ch.isalpha() for ch in stripped) >= 12


# A numbered step heading, in the six languages: "## Step 1: Meet your city advisor", "## 2. Register on the Portal"
_STEP_HEADING = re.compile(
    r"^#+\s*(?:step|phase|stage|[ée]tape|schritt|paso|fase|passo|krok|etap)\s*(\d+)\s*[:.–—-]"
    r"\s*(.+)$|^#+\s*\d+[.)]\s+(.+)$",
    re.I,
)
_LIST_ITEMS_SHOWN = 6  # the items of a list shown around one that answers
_TABLE_ROWS_SHOWN = 10  # the rows of a table shown around one that answers
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
# a sum of money, a percentage or a number with thousands separators: a value, never a column's name
_AMOUNT = re.compile(r"[€£$]\s?\d|\d\s?(%|€)|\d[.,\s]\d{3}\b")


def _cells(row: str) -> list[str]:
    return [_EMPHASIS.sub("", c).strip() for c in row.strip().strip("|").split("|")]


def _table_row(cells: list[str], header: list[str]) -> str:
    """A table row as a sentence that keeps its column names: ``City: Lahti; Wave: 2.`` A cell's own closing full
    stop gives way to the row's punctuation (replies quoted "Master Plan.." and "is 85%.; (3)")."""
    cells = [c.rstrip(". ") for c in cells]
    if len(header) != len(cells):
        return " | ".join(c for c in cells if c) + "."
    return "; ".join(f"{h}: {c}" if h else c for h, c in zip(header, cells) if c) + "."


def _labels_columns(cells: list[str]) -> bool:
    """A row that names columns rather than holding values: an empty first cell, then two or more labels that
    are not numbers and hold no amount (OCR'd tables often carry their real header under a caption row, while a
    row such as "| | Total costs | € 21.827.000 |" is a value under a two-level row label)."""
    labels = [c for c in cells[1:] if c]
    return (
        len(cells) > 2
        and not cells[0]
        and len(labels) >= 2
        and not any(re.fullmatch(r"[-+\d.,\s%€]+", c) or _AMOUNT.search(c) for c in labels)
    )


def _is_value(cell: str) -> bool:
    """A bare number that is no year ("0", "142839", "35.377", "61%"): a table's value, never a column's name."""
    digits = cell.replace(",", "").replace(".", "").replace(" ", "").rstrip("%").lstrip("+-")
    is_year = cell.isdigit() and len(cell) == 4 and cell[:2] in ("19", "20")
    return digits.isdigit() and not is_year


def _holds_values(cells: list[str]) -> bool:
    """A row above a table's rule that is a row of values, not column names ("| Transport need (M km/year) | 0 |"):
    a PDF's table continued on a new page opens with its next row, and pairing the rows below with it as their
    column names read "Transport need (M km/year): Light duty trucks; 0: 90"."""
    return bool(cells) and bool(cells[0]) and any(_is_value(cell) for cell in cells[1:])


def _axis(cells: list[str]) -> bool:
    """A chart's axis or tick labels read as a figure row ("| Figure | 0% | 1% | 2% |"): no word to quote, so it is
    never an answer nor shown beside one (a chart's labels paired with values hold words and stay)."""
    return cells[0] == FIGURE_LABEL and not any(ch.isalpha() for cell in cells[1:] for ch in cell)


def refers_back(sentence: str) -> bool:
    """Whether a sentence opens by referring to the one before it ("It was ...", "This plan ...")."""
    return bool(_ANAPHORIC.match(sentence))


def _heading_intro(heading: str) -> str | None:
    """A heading over a list, read as the list's introduction: "## The four work streams" → "The four work
    streams:" (web pages and guides often name a list only in the heading above it). A question is not one."""
    text = clean_sentence(heading.lstrip("#").strip()).rstrip(".:;")
    return None if text.endswith("?") else text + ":"


def _step_heading(heading: str) -> str | None:
    """The action of a numbered step heading ("## Step 1: Meet your city advisor" → "Meet your city advisor"): a
    guide whose steps are its sections."""
    match = _STEP_HEADING.match(heading)
    action = (match.group(2) or match.group(3)).strip() if match else ""
    return action or None


def worded_step(heading: str) -> tuple[int, str] | None:
    """(number, action) of a heading that names itself a step ("## Step 1: Meet your city advisor" → 1, "Meet your
    city advisor"); a bare "## 2. …" is not one here, since document sections are numbered the same way."""
    match = _STEP_HEADING.match(heading)
    return (int(match.group(1)), match.group(2).strip()) if match and match.group(1) else None


def _list_after(raw: list[str], heading_at: int) -> int:
    """Where the first list under the heading at ``heading_at`` starts, past the paragraph opening its section
    ("## The six phases, in order" / "The wording differs a little ..." / "1. Build a strong mandate ..."); -1 when
    the section has no list before its next heading or table."""
    for position in range(heading_at + 1, len(raw)):
        stripped = raw[position].strip()
        if is_list_item(stripped):
            return position
        if stripped.startswith(("#", "|")):
            return -1
    return -1


def _sentences(text: str, heading: str = "") -> list[tuple[int, str, bool, str, bool, int]]:
    """(position, answer-ready text, is list item or table row, heading over it, is table row, where the list it
    introduces starts or -1) for a passage whose first heading is ``heading`` until the text gives one; table headers
    become labels, a heading over a list the list's introduction (past a paragraph between them), and a numbered step
    heading a step, read with the first sentence of its section ("Meet your city advisor: NZC assigns each Mission
    City a city advisor.")."""
    raw = split_sentences(text)
    out: list[tuple[int, str, bool, str, bool, int]] = []
    header: list[str] = []
    read_with_step = -1
    for position, sentence in enumerate(raw):
        stripped = sentence.strip()
        if position == read_with_step:
            continue
        if stripped.startswith("|"):
            if _TABLE_RULE.match(stripped):
                continue
            following = raw[position + 1].strip() if position + 1 < len(raw) else ""
            cells = _cells(stripped)
            if _TABLE_RULE.match(following):
                if not _holds_values(cells):
                    header = cells
                    continue
                header = []  # a table continued from the page before: its first row is a row, not column names
            if _labels_columns(cells):  # "|  | Scope 1 | Scope 2 | Total |" below a caption row names the columns
                header = cells
                continue
            if _axis(cells):
                continue
            out.append((position, _table_row(cells, header), True, heading, True, -1))
            continue
        header = []
        if stripped.startswith("#"):
            heading = stripped.lstrip("#").strip()
            following = raw[position + 1].strip() if position + 1 < len(raw) else ""
            action = _step_heading(stripped)
            prose = bool(following) and not following.startswith(("#", "|")) and not is_list_item(following)
            if action and prose:
                out.append(
                    (
                        position,
                        f"{clean_sentence(action).rstrip('.')}: {clean_sentence(following)}",
                        True,
                        heading,
                        False,
                        -1,
                    )
                )
                read_with_step = position + 1
            elif action:  # its list or table follows as it is
                out.append((position, clean_sentence(action), True, heading, False, -1))
            elif (list_at := _list_after(raw, position)) >= 0 and (intro := _heading_intro(stripped)):
                out.append((position, intro, False, heading, False, list_at if list_at > position + 1 else -1))
            continue
        if not _is_caption(stripped):
            out.append((position, clean_sentence(sentence), is_list_item(sentence), heading, False, -1))
    return out


@lru_cache(maxsize=1)
def _caption_labels() -> frozenset[str]:
    """The words a caption opens with (``caption_labels`` in the vocabulary), read once."""
    return frozenset(vocabulary().get("caption_labels", []))


def _is_caption(line: str) -> bool:
    """Whether a line is a figure's or table's caption: a caption label and a number, then a title with no sentence
    end of its own ("Figure 11 - Greenhouse gas emissions from transport - Marseille 2019"). It names what its figure
    shows and states none of it, so it is never quoted; "Table 3 shows the emissions." is a sentence."""
    tokens = line.split()
    if len(tokens) < 2 or line.rstrip()[-1] in ".!?:;":
        return False
    return tokens[0].lower() in _caption_labels() and any(ch.isdigit() for ch in tokens[1])


def candidates(results: list[SearchResult], per_passage: int = 40) -> list[Candidate]:
    """De-duplicated sentences of the passages in passage order; short list items are kept (as unusable on their
    own) so that a sentence introducing a list can bring its items along."""
    seen: set[str] = set()
    found: list[Candidate] = []
    for index, result in enumerate(results):
        for position, text, item, heading, table, list_at in _sentences(result.text, str(result.section or ""))[
            :per_passage
        ]:
            usable = _usable(text)
            key = re.sub(r"\W+", " ", text.lower()).strip()
            if key in seen or not key or not (usable or item):
                continue
            seen.add(key)
            found.append(
                Candidate(text, index, position, item, usable=usable, heading=heading, is_table=table, list_at=list_at)
            )
    return found


def items_after(intro: Candidate, pool: list[Candidate], limit: int = 8) -> list[Candidate]:
    """The list items that follow a sentence ending in a colon in its passage (past the paragraph between a heading
    and its list), at most ``limit`` (none for any other sentence)."""
    if not intro.text.rstrip().endswith(":"):
        return []
    following = sorted(
        (c for c in pool if c.source == intro.source and c.position >= intro.list_start), key=lambda c: c.position
    )
    items: list[Candidate] = []
    for candidate in following:
        if not candidate.is_item or len(items) == limit:
            break
        items.append(candidate)
    return items


def with_items(candidate: Candidate, pool: list[Candidate]) -> str:
    """A sentence's words as a reply shows them: one introducing a list brings the list's items along. The
    answer model reads it so and is trained on it so."""
    return " ".join([candidate.text, *(item.text for item in items_after(candidate, pool))])


def absorb_items(intro: Candidate, pool: list[Candidate]) -> list[Candidate]:
    """Complete a sentence ending in a colon with the list items that follow it in its passage; returns the items,
    and the intro now ``ends_at`` the last of them."""
    items = items_after(intro, pool)
    if items:
        listed = "; ".join(c.text.rstrip(".;") for c in items)
        intro.text = f"{intro.text} {listed}."
        intro.ends_at = items[-1].position
    return items


def _siblings(item: Candidate, everything: list[Candidate]) -> list[Candidate]:
    """A list item or table row with the items next to it in the same unbroken list, in source order: at most 6
    items of a list, 10 rows of a table (a question on a table often asks for a row and its total, further down)."""
    limit = _TABLE_ROWS_SHOWN if item.is_table else _LIST_ITEMS_SHOWN
    same = sorted((c for c in everything if c.source == item.source), key=lambda c: c.position)
    at = same.index(item)
    start = end = at
    while start > 0 and same[start - 1].is_item and end - start + 1 < limit:
        start -= 1
    while end + 1 < len(same) and same[end + 1].is_item and end - start + 1 < limit:
        end += 1
    return same[start : end + 1]


def _covered(candidates: list[Candidate]) -> set[tuple[int, int]]:
    """The (source, position) of every sentence these candidates show, list items appended to them included."""
    return {(c.source, p) for c in candidates for p in [c.position, *c.items_shown()]}


def in_context(
    picked: list[Candidate], everything: list[Candidate], read_on: int = 1, lead_first: bool = False
) -> tuple[list[Candidate], list[Candidate]]:
    """The lead with what it needs to be read: the full sentence that follows it in its source (the answer's detail
    is most often there), or, for a list item or table row, the rows around it in its list; every pick that opens
    on "It", "They", "This" ... with the sentence it refers back to, placed before it, and every other pick with
    the next sentence when that one refers back to it, and every other list item that cannot stand alone after
    its list's introduction (``with_intro``). Returns the lead's block and the other picks."""
    taken = _covered(picked)

    def beside(pick: Candidate, step: int, across_sections: bool = False) -> Candidate | None:
        edge = max(pick.position, pick.ends_at) if step > 0 else pick.position
        same = [c for c in everything if c.source == pick.source and (c.position - edge) * step > 0]
        found = min(same, key=lambda c: abs(c.position - edge), default=None)
        if found is None or (found.source, found.position) in taken or not found.usable:
            return None
        if found.heading != pick.heading and not across_sections:  # another section's sentence is not context
            return None
        taken.add((found.source, found.position))
        return found

    def with_antecedent(pick: Candidate) -> list[Candidate]:
        before = beside(pick, -1) if refers_back(pick.text) else None
        return [before, pick] if before is not None else [pick]

    def with_sequel(pick: Candidate) -> list[Candidate]:
        """A pick with the next sentence when that one goes on about it ("ProjectZero is a partnership set up in
        2007." + "Its goal is a carbon-neutral energy system by 2029.")."""
        edge = max(pick.position, pick.ends_at)
        after = next((c for c in everything if c.source == pick.source and c.position == edge + 1), None)
        if after is None or not refers_back(after.text):
            return [pick]
        found = beside(pick, 1)
        return [pick, found] if found is not None else [pick]

    lead = picked[0]
    # an item another pick lists after its introduction is read there: the introduction leads in its place
    introducing = next((c for c in picked[1:] if c.source == lead.source and lead.position in c.items_shown()), None)
    if introducing is not None:
        picked = [introducing, *(c for c in picked if c is not introducing)]
        lead = introducing
    if lead.is_item:
        # a row or an item reads with its list (the three parts, not the first two), without the rows on places
        # the question did not ask about (the lead itself is kept whatever it is about: it is the answer picked)
        block = [c for c in _siblings(lead, everything) if c.on_place or c is lead]
        if lead_first:  # a question not asking for a list: the item that answers it, then the list around it
            block = [lead, *(c for c in block if c is not lead)]
    else:
        block = with_antecedent(lead)
        for _ in range(read_on):
            following = beside(block[-1], 1, across_sections=read_on > 1)  # an overview reads on
            if following is None:
                break
            if following.is_item:  # a list or table met while reading on is read whole
                rows = [r for r in _siblings(following, everything) if r.position >= following.position]
                taken.update((r.source, r.position) for r in rows)
                block.extend(rows)
                break
            if following.text.rstrip().endswith(":"):
                absorb_items(following, everything)
            block.append(following)
    in_block = _covered(block)
    taken |= in_block
    # an item another pick already lists after its introduction ("The label opens doors to: ...; a lending envelope
    # of about €2 billion.") is not shown a second time on its own
    listed = {(c.source, p) for c in picked for p in c.items_shown()}
    shown, rest = set(in_block), []
    for pick in picked[1:]:
        items = {(pick.source, p) for p in pick.items_shown()}
        # nor is a list shown twice, under its heading and under the sentence that introduces it
        if (pick.source, pick.position) in shown | listed or (items and items <= shown):
            continue
        shown |= items
        rest.extend([*with_antecedent(pick)[:-1], *with_sequel(with_intro(pick, everything))])
    return block, rest


def with_intro(item: Candidate, everything: list[Candidate]) -> Candidate:
    """A list item that cannot stand alone (it opens in lower case: "a dedicated lending envelope of about €2
    billion.") as read after the sentence that introduces its list: "The label opens doors to: … a dedicated
    lending envelope of about €2 billion." A copy: the item itself is left as it was."""
    if not item.is_item or not item.text[:1].islower():
        return item
    before = sorted(
        (c for c in everything if c.source == item.source and c.position < item.position), key=lambda c: -c.position
    )
    skipped = 0
    for candidate in before:
        if candidate.ends_at >= 0:  # an introduction already shown with its items
            break
        if candidate.text.rstrip().endswith(":"):
            return replace(item, text=f"{candidate.text.rstrip()}{' … ' if skipped else ' '}{item.text}")
        if not candidate.is_item:
            break
        skipped += 1
    return item
