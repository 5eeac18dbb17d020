"""The default answer engine: no LLM, no network. It can only say what the sources say.

Query-focused extractive summarisation: the top passages are split into sentences, each scored against the question
(dense similarity, IDF-weighted term overlap, the answer type the question asks for, and its passage's rank), then
picked greedily with a redundancy penalty (MMR). The best direct answer leads; the rest follow in source order.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.answering.relevance import states_absence
from assistant.core.schema import Mode, SearchResult
from assistant.core.text import analyse, fold, is_list_item, question_terms, split_sentences, strip_bullet, word_count
from assistant.index.bm25 import BM25Index
from assistant.index.embeddings import Embedder
from assistant.index.word_vectors import Translate
from assistant.query.answer_types import counted_things, counted_words, counts_of
from assistant.query.crosslingual import read_terms
from assistant.query.ordinals import ordinals_asked, ordinals_in
from assistant.query.places import named_places, names_place, without_places

_NUMBER_CUES = re.compile(
    r"\b(how (much|many|large|big)|budget|cost|costs|amount|grants?|funding|money|size|percent|share|target|"
    r"how far|combien|wie ?viele?|cu[aá]nt[oa]s?|quant[oiae]|ile)\b",
    re.I,
)
_DATE_CUES = re.compile(
    r"\b(when|what year|which year|date|deadline|how long|duration|since|quand|wann|cu[aá]ndo|quando|kiedy|"
    r"jak d[lł]ugo)\b",
    re.I,
)
_LIST_CUES = re.compile(
    r"\b(which|what are|list|who are|steps?|how (do|can|should) (we|i|a city)|start|begin|options|examples|"
    r"quel(le)?s|welche|cu[aá]les|quali|jakie|kt[oó]re)\b",
    re.I,
)
# "How do we begin?" in the five other languages questions come in.
_BEGIN_ELSEWHERE = (
    r"comment (commencer|d[eé]marrer)|wie (fangen|beginnen|starten)|"
    r"c[oó]mo (empezar|empezamos|comenzar|comenzamos)|come (iniziare|iniziamo|cominciare|cominciamo)|"
    r"jak (zacz[aą][cć]|rozpocz[aą][cć])"
)
_PROCEDURAL = re.compile(
    r"\b(how (do|can|should|to|would)|start|begin|first steps?|steps?|where (do|should|can) (we|i)|what should "
    r"(we|i)|what (happens|comes) (first|next)|" + _BEGIN_ELSEWHERE + r")\b",
    re.I,
)
# A question on where to begin ("How do we start?", "What happens first?"), the journey a getting-started guide
# answers, as opposed to how to do one thing ("How do we join a city panel?").
_STARTING = re.compile(
    r"\b(start(ed|ing)?|begin(ning)?|first steps?|what (happens|comes) first|" + _BEGIN_ELSEWHERE + r")\b", re.I
)
# "... and how much did it cost?": a second ask joined to the first, in the six languages questions come in.
_ANOTHER_ASK = re.compile(
    r"\b(and (how|what|who|when|which|where|whether)|et (qui|que|quels?|quelles?|quand|combien|comment|où)|"
    r"und (wer|was|wann|wie|welche[rsmn]?|wo|womit|wof[uü]r)|y (qu[eé]|qui[eé]n(es)?|cu[aá]ndo|cu[aá]nt[oa]s?|"
    r"c[oó]mo|d[oó]nde|cu[aá]les?)|e (chi|che cosa|cosa|quando|quant[oiae]|come|dove|quali?)|"
    r"i (kto|co|kiedy|ile|jak|gdzie|kt[oó]r[yaei]|jakie))\b",
    re.I,
)
# "What is X?" / "What are X?" with a short X and nothing else asked: the answer is an overview of X.
_DEFINITIONAL = re.compile(
    r"^(what|who) (is|are|was|were) (an? |the )?([\w'’-]+ ?){1,5}\?$|"
    r"^(qu'est-ce qu(e|')|was (ist|sind)|qu[eé] (es|son)|"
    r"che cos'è|cos'è|co to jest|czym jest)\b[^?]{1,60}\?$",
    re.I,
)
_HAS_NUMBER = re.compile(r"\d")
# A sentence opening on one of these leans on the sentence before it for what it is about.
_ANAPHORIC = re.compile(
    r"^((across|among|amongst|beyond|besides|between|for|from|in|of|on|under|with|within)\s+)?"
    r"(it|its|they|their|them|this|that|these|those|the same|such|so|both|he|she)\b",
    re.I,
)
# Verbs a guide's steps open with ("Register on the Portal", "Form a Transition Team"): a list whose items open with
# one is a path to follow, not a list of things (the three parts of a contract, the five emission sectors).
_ACTIONS = frozenset(
    """
    adopt agree align analyse analyze apply appoint ask assess attend book bring build calculate call celebrate
    check choose co-create co-design collect commit compare compile complete connect consider consult contact
    convene create decide define describe design develop discuss download draft embed engage establish estimate
    evaluate explore find fix follow form gather get give hire hold identify implement invite involve join keep
    launch learn list look make map measure meet mobilise mobilize monitor move name open organise organize pair
    pick plan prepare present prioritise prioritize publish put read receive register report request reuse review
    run secure seek select send set share sign start submit take talk test track train translate understand update
    use visit work write
""".split()
)
DEFINITION_READ_ON = 3  # sentences read on after the lead of an overview ("What is X?"); a list met is read whole
MIN_PATH_STEPS = 3
MAX_PATH_STEPS = 8
ABSENCE_DISCOUNT = 0.8
OFF_FOCUS_DISCOUNT = 0.6  # a sentence on another place, or another wave or edition, than the question asks about
ABSENCE_COVERAGE = 0.5
_HAS_DATE = re.compile(
    r"\b(19|20)\d{2}\b|\b(january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\b|\b\d+\s*(months?|years?|weeks?)\b",
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


@dataclass(frozen=True)
class SentenceWeights:
    """How a sentence's score combines its signals (bench/tune_answers.py measures them)."""

    dense: float = 0.45  # cosine similarity to the question, scaled by the model's calibrated range
    lexical: float = 0.25  # IDF-weighted share of the question's terms in the sentence
    kind: float = 0.1  # holds the kind of value the question asks for (a number, a date, a list item)
    prior: float = 0.2  # its passage's fused retrieval score, relative to the best passage
    counted: float = 0.15  # a number right before what "how many ..." counts


@dataclass
class Candidate:
    text: str
    source: int  # index into the results
    position: int  # order within its passage
    is_item: bool = False  # a list item or table row in the source
    usable: bool = True  # can stand in an answer on its own
    score: float = 0.0
    lexical: float = 0.0  # IDF-weighted share of the question's terms it contains
    on_place: bool = True  # about the city or country the question names (true when it names none)
    on_ordinal: bool = True  # not about another wave, edition or cohort than the one the question names
    ends_at: int = -1  # the last position its text covers, when list items were appended to it
    shown_for_context: bool = False  # not picked itself: shown beside a pick that needs it to be understood
    heading: str = ""  # the heading it stands under in its passage


@dataclass(frozen=True)
class QuestionShape:
    wants_number: bool
    wants_date: bool
    wants_list: bool
    parts: int = 1
    procedural: bool = False
    definitional: bool = False  # "What is a Climate City Contract?": an overview, read in the source's order
    starting: bool = False  # "How do we start?": where to begin, which a getting-started guide's path answers

    @classmethod
    def of(cls, question: str) -> "QuestionShape":
        question = re.sub(r"\s*\([^)]*\)\s*$", "", question)  # context a follow-up carried over is not the ask
        asks = len(re.findall(r"\?", question)) + len(_ANOTHER_ASK.findall(question))
        return cls(
            bool(_NUMBER_CUES.search(question)),
            bool(_DATE_CUES.search(question)),
            bool(_LIST_CUES.search(question)),
            max(1, asks),
            bool(_PROCEDURAL.search(question)),
            bool(_DEFINITIONAL.match(question.strip())),
            bool(_STARTING.search(question)),
        )

    def max_sentences(self, mode: str) -> int:
        """Length fits the question: short for a number or a date, longer for lists, steps and several asks."""
        if mode == Mode.START:
            return 6
        base = 5 if self.wants_list else 3 if (self.wants_number or self.wants_date) else 4
        return base + min(2, self.parts - 1)


def asks_of(question: str) -> list[str]:
    """The asks of a question: split after each "?" and before each "and how", "and what", "et combien" ..."""
    cut = re.sub(r"\?\s*", "?\n", question)
    cut = _ANOTHER_ASK.sub(lambda m: "\n" + m.group(0), cut)
    return [part.strip() for part in cut.split("\n") if part.strip()]


def clean_sentence(sentence: str) -> str:
    """A sentence as it reads in an answer: no bullet, link markup or emphasis."""
    text = strip_bullet(sentence.strip())
    text = _MD_LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    if text and text[-1] not in ".!?:;)|":
        text += "."
    return text


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
    r"^#+\s*(?:step|phase|stage|[ée]tape|schritt|paso|fase|passo|krok|etap)\s*\d+\s*[:.–—-]"
    r"\s*(.+)$|^#+\s*\d+[.)]\s+(.+)$",
    re.I,
)
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
# a sum of money, a percentage or a number with thousands separators: a value, never a column's name
_AMOUNT = re.compile(r"[€£$]\s?\d|\d\s?(%|€)|\d[.,\s]\d{3}\b")


def _cells(row: str) -> list[str]:
    return [_EMPHASIS.sub("", c).strip() for c in row.strip().strip("|").split("|")]


def _table_row(cells: list[str], header: list[str]) -> str:
    """A table row as a sentence that keeps its column names: ``City: Lahti; Wave: 2.``"""
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


def refers_back(sentence: str) -> bool:
    """Whether a sentence opens by referring to the one before it ("It was ...", "This plan ...")."""
    return bool(_ANAPHORIC.match(sentence))


def _on_place(candidate: Candidate, places: list[str], results: list[SearchResult]) -> bool:
    """About the city or country the question names, when it names one: a row on Norway in a table of all
    countries does not answer a question on Poland."""
    if not places:
        return True
    meta = results[candidate.source].chunk.metadata
    own = {str(meta.get("city", "")), str(meta.get("country", ""))}
    return bool(own & set(places)) or any(names_place(candidate.text, p) for p in places)


def _on_ordinal(candidate: Candidate, asked: set[int]) -> bool:
    """Not about another member of the series asked about ("the first edition" for "the second edition"): it names
    the one asked for, or none."""
    shown = ordinals_in(candidate.text) if asked else set()
    return not shown or bool(shown & asked)


def _heading_intro(heading: str) -> str | None:
    """A heading over a list, read as the list's introduction: "## The four work streams" → "The four work
    streams:" (web pages and guides often name a list only in the heading above it). A question is not one."""
    text = clean_sentence(heading.lstrip("#").strip()).rstrip(".:;")
    return None if text.endswith("?") else text + ":"


def _step_heading(heading: str) -> str | None:
    """The action of a numbered step heading ("## Step 1: Meet your city advisor" → "Meet your city advisor"), when
    it opens with one: a guide whose steps are its sections."""
    match = _STEP_HEADING.match(heading)
    action = (match.group(1) or match.group(2)).strip() if match else ""
    return action if action and _opens_with_action(action) else None


def _sentences(text: str, heading: str = "") -> list[tuple[int, str, bool, str]]:
    """(position, answer-ready text, is list item or table row, heading over it) for a passage whose first
    heading is ``heading`` until the text gives one; table headers become labels, a heading directly over a list the
    list's introduction, and a numbered step heading a step, read with the first sentence of its section ("Meet
    your city advisor: NZC assigns each Mission City a city advisor.")."""
    raw = split_sentences(text)
    out: list[tuple[int, str, bool, str]] = []
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
            if _TABLE_RULE.match(following):
                header = _cells(stripped)
                continue
            cells = _cells(stripped)
            if _labels_columns(cells):  # "|  | Scope 1 | Scope 2 | Total |" below a caption row names the columns
                header = cells
                continue
            out.append((position, _table_row(cells, header), True, heading))
            continue
        header = []
        if stripped.startswith("#"):
            heading = stripped.lstrip("#").strip()
            following = raw[position + 1].strip() if position + 1 < len(raw) else ""
            action = _step_heading(stripped)
            prose = bool(following) and not following.startswith(("#", "|")) and not is_list_item(following)
            if action and prose:
                out.append(
                    (position, f"{clean_sentence(action).rstrip('.')}: {clean_sentence(following)}", True, heading)
                )
                read_with_step = position + 1
            elif action:  # its list or table follows as it is
                out.append((position, clean_sentence(action), True, heading))
            elif is_list_item(following) and (intro := _heading_intro(stripped)):
                out.append((position, intro, False, heading))
            continue
        out.append((position, clean_sentence(sentence), is_list_item(sentence), heading))
    return out


def candidates(results: list[SearchResult], per_passage: int = 40) -> list[Candidate]:
    """De-duplicated sentences of the passages in passage order; short list items are kept (as unusable on their
    own) so that a sentence introducing a list can bring its items along."""
    seen: set[str] = set()
    found: list[Candidate] = []
    for index, result in enumerate(results):
        for position, text, item, heading in _sentences(result.text, str(result.section or ""))[:per_passage]:
            usable = _usable(text)
            key = re.sub(r"\W+", " ", text.lower()).strip()
            if key in seen or not key or not (usable or item):
                continue
            seen.add(key)
            found.append(Candidate(text, index, position, item, usable=usable, heading=heading))
    return found


def _items_after(intro: Candidate, pool: list[Candidate], limit: int = 8) -> list[Candidate]:
    """The list items that follow a sentence ending in a colon in its passage, at most ``limit`` (none for any other
    sentence)."""
    if not intro.text.rstrip().endswith(":"):
        return []
    following = sorted(
        (c for c in pool if c.source == intro.source and c.position > intro.position), key=lambda c: c.position
    )
    items: list[Candidate] = []
    for candidate in following:
        if not candidate.is_item or len(items) == limit:
            break
        items.append(candidate)
    return items


def _read_section(step: Candidate, pool: list[Candidate], limit: int = 3) -> None:
    """Complete a step with the sentences that follow it in its own section, up to ``limit`` and not into a list
    ("Meet your city advisor: ..." goes on to the City Discovery Meeting the advisor holds)."""
    edge = max(step.position, step.ends_at)
    following = sorted((c for c in pool if c.source == step.source and c.position > edge), key=lambda c: c.position)
    read: list[Candidate] = []
    for candidate in following:
        if candidate.is_item or not candidate.usable or candidate.heading != step.heading or len(read) == limit:
            break
        read.append(candidate)
    if read:
        step.text = " ".join([step.text, *(c.text for c in read)])
        step.ends_at = read[-1].position


def _absorb_items(intro: Candidate, pool: list[Candidate]) -> list[Candidate]:
    """Complete a sentence ending in a colon with the list items that follow it in its passage; returns the items,
    and the intro now ``ends_at`` the last of them."""
    items = _items_after(intro, pool)
    if items:
        listed = "; ".join(c.text.rstrip(".;") for c in items)
        intro.text = f"{intro.text} {listed}."
        intro.ends_at = items[-1].position
    return items


def _siblings(item: Candidate, everything: list[Candidate], limit: int = 6) -> list[Candidate]:
    """A list item or table row with the items next to it in the same unbroken list, in source order, at most
    ``limit``."""
    same = sorted((c for c in everything if c.source == item.source), key=lambda c: c.position)
    at = same.index(item)
    start = end = at
    while start > 0 and same[start - 1].is_item and end - start + 1 < limit:
        start -= 1
    while end + 1 < len(same) and same[end + 1].is_item and end - start + 1 < limit:
        end += 1
    return same[start : end + 1]


def _passage_score(result: SearchResult) -> float:
    """How well a passage matched in fusion, before rescoring reordered the head by other evidence."""
    return result.signals.get("fused", result.score)


def _covered(candidates: list[Candidate]) -> set[tuple[int, int]]:
    """The (source, position) of every sentence these candidates show, list items appended to them included."""
    return {(c.source, p) for c in candidates for p in range(c.position, max(c.position, c.ends_at) + 1)}


def _in_context(
    picked: list[Candidate], everything: list[Candidate], read_on: int = 1, lead_first: bool = False
) -> tuple[list[Candidate], list[Candidate]]:
    """The lead with what it needs to be read: the full sentence that follows it in its source (the answer's detail
    is most often there), or, for a list item or table row, the rows around it in its list; every pick that opens
    on "It", "They", "This" ... with the sentence it refers back to, placed before it, and every other pick with
    the next sentence when that one refers back to it. Returns the lead's block and the other picks; what was not
    picked itself is marked ``shown_for_context``."""
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
    if lead.is_item:
        # a row or an item reads with its list (the three parts, not the first two), without the rows on places
        # or waves the question did not ask about
        block = [c for c in _siblings(lead, everything) if c.on_place and c.on_ordinal]
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
                _absorb_items(following, everything)
            block.append(following)
    in_block = _covered(block)
    taken |= in_block
    rest = [
        c
        for pick in picked[1:]
        if (pick.source, pick.position) not in in_block
        for c in [*with_antecedent(pick)[:-1], *with_sequel(pick)]
    ]
    chosen = {id(c) for c in picked}
    for candidate in [*block, *rest]:
        candidate.shown_for_context = id(candidate) not in chosen
    return block, rest


def _opens_with_action(text: str) -> bool:
    """Opens with a verb of action used as one: "Map your local actors", not "Map 3:", "Plan of ..." or
    "Start: 2021"."""
    first = re.match(r"([A-Za-z]+(?:-[A-Za-z]+)?)\b(?!\s*[:\d]|\s+of\b)", text)
    return bool(first) and first.group(1).lower() in _ACTIONS


def _guide_order(candidate: Candidate, results: list[SearchResult]) -> tuple[str, int]:
    """Where a candidate stands in its document: chunk ids carry the chunk's position, zero-padded."""
    return results[candidate.source].chunk_id, candidate.position


def _steps_of(doc_id: str, pool: list[Candidate], results: list[SearchResult]) -> list[Candidate]:
    """A document's own steps: its list items and step headings that open with an action, in its order (a list
    can run across two of its passages)."""
    steps = [c for c in pool if results[c.source].doc_id == doc_id and c.is_item and _opens_with_action(c.text)]
    return sorted(steps, key=lambda c: _guide_order(c, results))


def _guide(pool: list[Candidate], results: list[SearchResult]) -> str:
    """The document a path of steps is taken from: the best-ranked one that gives a path, else the best-ranked
    (a page on how cities were selected may outrank the guide on what to do next)."""
    for doc_id in dict.fromkeys(r.doc_id for r in results):
        if len(_steps_of(doc_id, pool, results)) >= MIN_PATH_STEPS:
            return doc_id
    return results[0].doc_id


def with_guide(results: list[SearchResult], document: Callable[[str], list[SearchResult]]) -> list[SearchResult]:
    """The passages for a question on where to begin, with every step passage of its guide: the best-ranked
    document whose passages show a path, else the best-ranked whose whole text gives one ("we were just selected,
    what happens first?" ranks a guide's "who this page is for" above its steps). A path that ranked from its
    fifth step on would otherwise start there."""
    held = {cid for r in results for cid in (r.chunk_id, *r.merged_ids)}
    pool = [c for c in candidates(results) if c.usable]
    ranked = list(dict.fromkeys(r.doc_id for r in results))
    shown = [doc_id for doc_id in ranked if len(_steps_of(doc_id, pool, results)) >= MIN_PATH_STEPS]
    for doc_id in shown[:1] or ranked:  # a path that ranked comes first
        read_on = results + [r for r in document(doc_id) if r.chunk_id not in held]
        steps = _steps_of(doc_id, [c for c in candidates(read_on) if c.usable], read_on)
        if len(steps) >= MIN_PATH_STEPS:
            giving = {c.source for c in steps[:MAX_PATH_STEPS]}
            return results + [r for index, r in enumerate(read_on) if index >= len(results) and index in giving]
    return results


class ExtractiveComposer:
    """Picks and orders the sentences that answer a question, from passages already retrieved."""

    def __init__(
        self,
        embedder: Embedder,
        bm25: BM25Index | None,
        cosine_range: tuple[float, float],
        weights: SentenceWeights | None = None,
        duplicate_at: float = 0.92,
        translate: Translate | None = None,
    ) -> None:
        self.embedder = embedder
        self.translate = translate  # for a question in another language than the sources: their words for its own
        self.bm25 = bm25
        self.lo, self.hi = cosine_range
        self.weights = weights or SentenceWeights()
        self.duplicate_at = duplicate_at

    def _term_shares(self, question: str, sentences: list[str]) -> np.ndarray:
        """Per sentence and question term, the term's IDF share of all the question's terms when the sentence
        holds it (0 otherwise); a row's sum is the sentence's word overlap. A term of a question in another
        language is held as any of the sources' words it is read as."""
        terms = (
            read_terms(question, self.translate)
            if self.translate
            else [{term} for term in sorted(set(question_terms(question)))]
        )
        if not terms:
            return np.zeros((len(sentences), 1))
        weights = np.asarray([max(self.bm25.idf(sorted(stems))) if self.bm25 is not None else 1.0 for stems in terms])
        shares = weights / (weights.sum() or 1.0)
        return np.asarray(
            [
                [share if stems & present else 0.0 for stems, share in zip(terms, shares)]
                for present in (set(analyse(sentence)) for sentence in sentences)
            ]
        )

    def said_missing(self, question: str, lead: Candidate, picks: list[Candidate]) -> bool:
        """Whether the sentence right after the lead says the sources lack what the question asks beyond the
        lead: it states an absence and holds most of the question's terms the lead does not ("Zagreb sets a 90%
        cut." + "Which year it is measured against was not available." for "which base year ...?")."""
        edge = max(lead.position, lead.ends_at)
        after = next((p for p in picks if p.source == lead.source and p.position == edge + 1), None)
        if after is None or not states_absence(after.text):
            return False
        rest = sorted(set(question_terms(question)) - set(analyse(lead.text)))
        if not rest:
            return False
        weights = self.bm25.idf(rest) if self.bm25 is not None else [1.0] * len(rest)
        said = set(analyse(after.text))
        return sum(w for t, w in zip(rest, weights) if t in said) / sum(weights) >= ABSENCE_COVERAGE

    def select(self, question: str, results: list[SearchResult], mode: str) -> list[Candidate]:
        """The sentences of the answer: the lead first, the others grouped by source in source order."""
        everything = candidates(results)
        pool = [c for c in everything if c.usable]
        if not pool:
            return []
        shape = QuestionShape.of(question)
        texts = [c.text for c in pool]
        vectors = sentence_vectors(self.embedder, texts)
        query = self.embedder.embed_query(question)
        dense = np.clip((vectors @ query - self.lo) / max(self.hi - self.lo, 1e-6), 0.0, 1.0)
        places, asked = named_places(question), set(ordinals_asked(question))
        asks = asks_of(question)
        if places and len(asks) > 1 and not named_places(asks[0]):
            # "Which cities run business networks, and how many companies are in Sweden's?": the first ask is on
            # every city (a later ask without a place goes on about the place before it: "... Which cities say so?")
            places = []
        for candidate in everything:  # list rows too, which are shown beside a pick but never scored
            candidate.on_place = _on_place(candidate, places, results)
            candidate.on_ordinal = _on_ordinal(candidate, asked)
        # word overlap leaves out the place asked about, which is judged apart: its rare name outweighed the topic,
        # so "Espoo works with 25 climate partners" led an answer on Espoo's reduction target
        # a sentence introducing a list says what is in its items ("Signatories commit to:" + "a SECAP within two
        # years"); its embedding stays its own (with the items' words it lost answers to other sentences)
        judged = [" ".join([c.text, *(i.text for i in _items_after(c, everything))]) for c in pool]
        shares = self._term_shares(without_places(question) if places else question, judged)
        lexical = shares.sum(axis=1)
        kind = np.asarray(
            [
                float(
                    (shape.wants_number and bool(_HAS_NUMBER.search(c.text)))
                    or (shape.wants_date and bool(_HAS_DATE.search(c.text)))
                    or ((shape.wants_list or mode == Mode.START) and c.is_item)
                )
                for c in pool
            ]
        )
        things = (
            {
                stem
                for word in counted_words(question)
                for sense in self.translate(fold(word).lower())
                for stem in analyse(sense)
            }
            if self.translate
            else counted_things(question)
        )
        counts = [counts_of(c.text, things) for c in pool]
        given = set().union(*counts)  # a count of what is asked scores; giving all the counts the sources give, more
        counted = np.asarray([(bool(found) + len(found) / len(given)) / 2 if given else 0.0 for found in counts])
        top = max(max(_passage_score(r) for r in results), 1e-9)
        prior = np.asarray([_passage_score(results[c.source]) / top for c in pool])
        w = self.weights
        scores = w.dense * dense + w.lexical * lexical + w.kind * kind + w.prior * prior + w.counted * counted
        scores = scores * np.asarray([1.0 if c.on_place and c.on_ordinal else OFF_FOCUS_DISCOUNT for c in pool])
        if places:  # a sentence on another place is about something else: "Latvia: Riga" for "cities in Poland?"
            scores = scores * np.asarray([float(c.on_place or not named_places(c.text)) for c in pool])
        # "The sources do not give X" answers the question only when it is the best match and covers the question's
        # own terms (then the reply becomes a cited abstention); elsewhere it crowds out the sentences that answer.
        top_pick = int(np.argmax(scores))
        steps = mode == Mode.START and shape.procedural
        if steps or not (states_absence(pool[top_pick].text) and lexical[top_pick] >= ABSENCE_COVERAGE):
            # a list of first steps never includes "the sources do not say ...": that is not something to do
            discount = 0.0 if steps else ABSENCE_DISCOUNT
            scores = scores * np.asarray([discount if states_absence(c.text) else 1.0 for c in pool])
        guide = _guide(pool, results)
        if steps:  # one guide's path, not steps mixed from several
            scores = scores * np.asarray([float(results[c.source].doc_id == guide) for c in pool])
        for candidate, score, overlap in zip(pool, scores, lexical):
            candidate.score = float(score)
            candidate.lexical = float(overlap)
        if shape.procedural:  # in every mode: "what are the steps of ...?" asks for the path too
            path = _steps_of(guide, pool, results)[:MAX_PATH_STEPS]
            if len(path) >= MIN_PATH_STEPS:  # a step that ends on "opens doors to:" brings its list
                if shape.starting:  # where to begin: the first step in full, the others as an outline
                    _read_section(path[0], everything)
                return self._complete_lists(path, everything)
        # a question of several asks: after the lead, a term no pick holds yet counts twice in word overlap
        picked = self._mmr(
            pool,
            vectors,
            scores,
            shape.max_sentences(mode),
            self.duplicate_at,
            shares * (w.lexical if shape.parts > 1 else 0.0),
        )
        picked = self._complete_lists(picked, everything)
        if steps:  # steps keep the order their source gives them
            return sorted(picked, key=lambda c: _guide_order(c, results))
        lead_block, rest = _in_context(
            picked, everything, DEFINITION_READ_ON if shape.definitional else 1, lead_first=not shape.wants_list
        )
        if shape.definitional:  # an overview is the lead's own passage read on, then what space is left
            rest = rest[: max(0, shape.max_sentences(mode) - len(lead_block))]
            if rest and rest[-1].shown_for_context:  # a pick's antecedent without the pick
                rest.pop()
        rest.sort(key=lambda c: (c.source, c.position))
        return [*lead_block, *rest]

    @staticmethod
    def _complete_lists(picked: list[Candidate], everything: list[Candidate]) -> list[Candidate]:
        """Bring each picked list introduction's items along, once, dropping items picked on their own."""
        absorbed: set[int] = set()
        for pick in picked:
            if pick.text.rstrip().endswith(":"):
                absorbed.update(id(c) for c in _absorb_items(pick, everything))
        return [p for p in picked if id(p) not in absorbed]

    @staticmethod
    def _mmr(
        pool: list[Candidate],
        vectors: np.ndarray,
        scores: np.ndarray,
        limit: int,
        duplicate_at: float,
        novelty: np.ndarray,
        balance: float = 0.75,
        floor: float = 0.5,
    ) -> list[Candidate]:
        """Greedy maximal-marginal-relevance pick; after the lead, a sentence holding question terms no pick holds
        yet gains ``novelty`` for them (the second part of "who co-signed it and what is it aiming for?"); a
        sentence saying again what a pick says is passed over, and the pick stops when what is left is much weaker
        than the best."""
        chosen: list[int] = []
        passed: list[int] = []
        best = float(scores.max())
        while len(chosen) < min(limit, len(pool)):
            if chosen:
                redundancy = (vectors @ vectors[chosen].T).max(axis=1)
                unheld = novelty[:, (novelty[chosen] == 0).all(axis=0)].sum(axis=1)
            else:
                redundancy = unheld = np.zeros(len(pool))
            marginal = balance * (scores + unheld) - (1 - balance) * redundancy
            marginal[chosen + passed] = -np.inf
            index = int(np.argmax(marginal))
            if not np.isfinite(marginal[index]) or (chosen and scores[index] < floor * best):
                break
            if chosen and redundancy[index] > duplicate_at:
                passed.append(index)
                continue
            chosen.append(index)
        return [pool[i] for i in chosen]
