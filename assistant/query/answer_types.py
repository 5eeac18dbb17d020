"""What kind of fact a question asks for (an amount of money, a count, a date) and whether a sentence holds one.

An answer to "how big was the grant?" that holds no amount does not answer it, however close its topic: the sources
talk about the grant but never give its size. Checking the type turns that near miss into an honest abstention.
"""

from __future__ import annotations

import re
from enum import Enum

from assistant.core.text import analyse

_MONEY_ASK = re.compile(
    r"\b(money|budget|costs?|grants?|funding|fund(ed|s)?|spend|spent|paid|"
    r"invest(ment|ments)? (total|plan|needs?|needed|amount)|total investment|euros?|worth|price|"
    r"combien (d'argent|co[uû]te)|wie viel geld|was kostet|cu[aá]nto (dinero|cuesta|cost[oó])|quanto (costa|vale)|"
    r"ile (kosztuje|pieni[eę]dzy))\b",
    re.I,
)
_MONEY_QUANTITY = re.compile(
    r"\b(how (much|big|large)|what (was|is) the (size|amount|value)|size of|amount of|exact|total|combien|wie viel|"
    r"wie hoch|cu[aá]nto|quanto|ile|(what|which|quel(le)?|welche[sn]?|qu[eé]|quale|jaki)\s+(\w+\s+){0,3}?"
    r"(budget|presupuesto|bud[zż]et|haushalt|amount|sum|grant|costs?(?!-)|prices?))\b",
    re.I,
)
_COUNT_ASK = re.compile(
    r"\b(how many|how much|number of|combien|wie viele?|cu[aá]nt[oa]s?|quant[ie]|quanto|ilu|ile)\b", re.I
)
_DATE_ASK = re.compile(
    r"\b(when|what year|which year|what date|since when|by when|how long|quand|en quelle ann[eé]e|wann|seit wann|"
    r"cu[aá]ndo|en qu[eé] a[nñ]o|quando|in che anno|kiedy|w kt[oó]rym roku)\b",
    re.I,
)

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
    def asked_by(cls, question: str) -> "AnswerType":
        """The type of the first value the question asks for: "how many" is a count, "how much funding" an
        amount of money, "when" a date."""
        question = re.sub(r"\s*\([^)]*\)\s*$", "", question)  # context a follow-up carried over is not the ask
        asks: list[tuple[int, int, AnswerType]] = []
        quantity = _MONEY_QUANTITY.search(question)
        if quantity and _MONEY_ASK.search(question):
            asks.append((quantity.start(), 0, cls.MONEY))  # "how much funding": money, before a plain quantity
        for priority, (kind, pattern) in enumerate(((cls.COUNT, _COUNT_ASK), (cls.DATE, _DATE_ASK)), start=1):
            match = pattern.search(question)
            if match:
                asks.append((match.start(), priority, kind))
        return min(asks)[2] if asks else cls.ANY

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


def years_named(question: str) -> set[str]:
    """The years a question asks about ("in 1995", "the 2030 target"), without context a follow-up carried over."""
    question = re.sub(r"\s*\([^)]*\)\s*$", "", question)
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
