"""What kind of fact a question asks for (an amount of money, a count, a date) and whether a sentence holds one.

An answer to "how big was the grant?" that holds no amount does not answer it, however close its topic: the sources
talk about the grant but never give its size. Checking the type turns that near miss into an honest abstention.
"""

from __future__ import annotations

import re
from enum import Enum

from assistant.core.text import analyse
from assistant.query.cues import cue_at, has_cue, is_cue

_MONEY = re.compile(
    r"[€£$]\s?\d|\d\s?(€|eur\b|euros?\b|k?sek\b|dkk\b|pln\b|z[lł]\b|kr\b|czk\b|huf\b|ron\b|chf\b|nok\b|"
    r"(m|bn|k)\b(?!²)|million|billion|bln|mln|thousand)",
    re.I,
)
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_NUMBER = re.compile(r"\d")
_NUMBER_WORD = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|dozens?|"
    r"hundreds?|thousands?)\b",
    re.I,
)
_COUNTED_THING = r"((?:[\w'-]+\s+){0,2}?[\w'-]+)"
_COUNTED_END = (
    r"(?=\s+(?:are|is|were|was|did|do|does|has|have|will|can|got|signed|took|in|on|of|for|to|per)\b"
    r"|\s*[?,.]|$)"
)
_COUNTED = re.compile(  # "how many commitments and actions does it have?" counts both
    rf"\bhow many {_COUNTED_THING}(?:{_COUNTED_END}|\s+and\s+{_COUNTED_THING}{_COUNTED_END}|(?=\s+and\b))", re.I
)
_QUANTITY = re.compile(
    r"(?<![\w.,])(\d[\d,.]*\+?%?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|hundreds?)(?![\w.,]*\d)",
    re.I,
)
_DATE = re.compile(
    r"\b(19|20)\d{2}\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b|"
    r"\b\d+\s*(days?|weeks?|months?|years?)\b|"
    r"\b(one|two|three|four|five|six|twelve|eighteen)\s+(weeks?|months?|years?)\b",
    re.I,
)


class AnswerType(Enum):
    """The fact a question asks for (its value names it in a reply); ANY when its answer is not one checkable value."""

    ANY = "answer"
    MONEY = "amount"
    COUNT = "number"
    DATE = "date"

    @classmethod
    def asked_by(cls, question: str) -> AnswerType:
        """The type of the first value the question asks for: "how many" is a count, "how much funding" an
        amount of money, "when" a date (cue words: ``cues.yaml``)."""
        question = _without_carried_context(question)
        count, date = cue_at("count", question), cue_at("date", question)
        if has_cue("money", question) and (count is not None or has_cue("quantity", question)):
            return cls.MONEY
        asks = [(at, kind) for at, kind in ((count, cls.COUNT), (date, cls.DATE)) if at is not None]
        return min(asks, key=lambda ask: ask[0])[1] if asks else cls.ANY

    def held_by(self, sentence: str) -> bool:
        """Whether ``sentence`` states a value of this type (always true for ANY)."""
        if self is AnswerType.MONEY:
            return bool(_MONEY.search(sentence))
        if self is AnswerType.COUNT:
            without_years = _YEAR.sub(" ", sentence)
            return bool(_NUMBER.search(without_years) or _NUMBER_WORD.search(without_years))
        if self is AnswerType.DATE:
            return bool(_DATE.search(sentence))
        return True


def _without_carried_context(question: str) -> str:
    """A question without the context a follow-up carried over in brackets at its end: that is not the ask."""
    if question.rstrip().endswith(")") and "(" in question:
        return question[: question.rindex("(")].rstrip()
    return question


def asks_how(question: str) -> bool:
    """Whether a question asks for a way forward ("how do we start?", "what are the steps?")."""
    return has_cue("procedural", _without_carried_context(question))


_QUESTION_WORDS = ("ask", "count", "date")  # the cue kinds whose words open a question


def question_parts(question: str) -> list[str]:
    """The asks of a question that joins several ("who coordinates it and how many partners are there?" → "who
    coordinates it", "how many partners are there?"): it is cut where a joining word is followed, within two
    words, by a question word (``join``, and ``ask``, ``count`` or ``date`` in ``cues.yaml``). A question with one
    ask is one part."""
    return _cut_at_joins(question, asks_only=True)


def conjuncts(question: str) -> list[str]:
    """The things a question joins, each asked for ("t CO2e for buildings and the total" → "t CO2e for buildings",
    "the total"): it is cut at every joining word (``join`` in ``cues.yaml``), whatever follows. Each should be
    shown an answer; unlike ``question_parts``, a conjunct need not be an ask of its own."""
    return _cut_at_joins(question, asks_only=False)


def _cut_at_joins(question: str, asks_only: bool) -> list[str]:
    """A question cut at its joining words; with ``asks_only``, only at those a question word follows."""
    tokens = _without_carried_context(question).split()
    parts: list[str] = []
    start = 0
    for at, token in enumerate(tokens):
        following = " ".join(tokens[at + 1 : at + 3])
        asks = not asks_only or any(has_cue(kind, following) for kind in _QUESTION_WORDS)
        if at > start and is_cue("join", token) and asks:
            parts.append(" ".join(tokens[start:at]))
            start = at + 1
    parts.append(" ".join(tokens[start:]))
    return [part for part in parts if part]


def wants_list(question: str) -> bool:
    """Whether a question asks for several things ("which cities ...?", "what are the steps ...?")."""
    return has_cue("list", _without_carried_context(question))


def years_named(question: str) -> set[str]:
    """The years a question asks about ("in 1995", "the 2030 target"), without context a follow-up carried over."""
    question = _without_carried_context(question)
    return {match.group(0) for match in _YEAR.finditer(question)}


def counted_things(question: str) -> set[str]:
    """Stems of what "how many ..." counts: {"action"} for "how many actions are in it?", {"commit", "action"}
    for "how many commitments and actions ...?"."""
    return {
        stem for match in _COUNTED.finditer(question) for group in match.groups() if group for stem in analyse(group)
    }


# "combien de villes", "wie viele Städte", "cuántas acciones", "quanti partner", "ile miast"
_COUNTED_ABROAD = re.compile(
    r"\b(?:combien\s+(?:de\s+|d['’]\s*)|wie\s+viele?\s+|cu[aá]nt[oa]s\s+|quant[ei]\s+|ile\s+)([^\W\d_][\w'-]*)", re.I
)


def counted_words(question: str) -> list[str]:
    """The words a question in French, German, Spanish, Italian or Polish counts, as written: ["azioni",
    "partner"] for "Quante azioni ... e quanti partner ...?" (read in the sources' words elsewhere)."""
    return _COUNTED_ABROAD.findall(question)


def counts_of(sentence: str, things: set[str], window: int = 3) -> set[str]:
    """Which of ``things`` a number stands right before ("157 actions", "25 climate partners")."""
    counted: set[str] = set()
    for match in _QUANTITY.finditer(sentence):
        if _YEAR.fullmatch(match.group(1)):
            continue
        counted |= things & set(analyse(" ".join(sentence[match.end() :].split()[:window])))
    return counted
