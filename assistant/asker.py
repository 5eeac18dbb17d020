"""What a message says about who is asking: "We are a town of 60,000 in Portugal", "I work for the city of Kalmar".

The asker's own city or country describes them, not what they ask about. It must not narrow the sources to
passages that name it, nor make the question unanswerable when the corpus has never heard of it, nor pull the
search towards documents about it.
"""

from __future__ import annotations

import re

from assistant.text import fold, without_spans

# A clause in which the asker describes themselves ("we are a town of 60,000 in Portugal", "I work for the city of
# Kalmar", "our town, Tartu,"), in English and the five other languages questions come in; it runs to the end of its
# sentence or to the next word that starts the question itself ("and", "how", "can", ...).
_PLACE_NOUN = (r"(?:city|town|municipality|region|council|county|metropolitan area|village|district|"
               r"ville|commune|métropole|stadt|gemeinde|kommune|ciudad|municipio|ayuntamiento|città|comune|"
               r"miastem|gminą)")
_ABOUT_US = re.compile(
    r"\b(?:(?:we are|we're|i am|i'm|nous sommes|wir sind|somos|siamo|jesteśmy)\s+(?:(?:a|an|the|une?|eine|una?)\s+)?"
    r"(?:[\w,-]+\s+){0,6}?" + _PLACE_NOUN + r"|(?:we are|we're|i am|i'm|(?:i|we) come) from|"
    r"(?:i|we) (?:work (?:for|at|in)|represent)|our (?:city|town|municipality|region|council|country)|"
    r"je travaille (?:pour|à)|notre (?:ville|commune|métropole)|ich arbeite (?:für|bei|in)|unsere (?:stadt|gemeinde)|"
    r"trabajo (?:para|en)|nuestr[oa] (?:ciudad|municipio)|lavoro (?:per|presso)|la nostra città|il nostro comune|"
    r"pracuję (?:w|dla)|nasze miasto|nasza gmina)\b"
    r"(?P<rest>(?:(?!\b(?:and|but|so|how|what|which|who|when|where|can|could|would|should|do|does|did|want|wants|"
    r"et|und|y|e|i|oraz)\b)[^.?!;])*)", re.I)
_NAME = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\wÀ-ÿ'-]*")


def own_names(message: str) -> set[str]:
    """Capitalised names that only appear where the asker describes themselves ("Kalmar", "Portugal")."""
    spans = [m.span("rest") for m in _ABOUT_US.finditer(message)]
    inside, outside = set(), set()
    for match in _NAME.finditer(message):
        in_span = any(start <= match.start() < end for start, end in spans)
        (inside if in_span else outside).add(match.group(0))
    mentioned_elsewhere = {fold(w) for w in outside}
    return {w for w in inside if fold(w) not in mentioned_elsewhere}


def self_descriptions(message: str) -> list[tuple[int, int]]:
    """The character spans of the clauses in which the asker describes themselves ("we are a small German town")."""
    return [match.span() for match in _ABOUT_US.finditer(message)]


def without_own_names(message: str, names: set[str], spans: list[tuple[int, int]] | None = None) -> str:
    """The message as it is searched: the asker's own names left out, given as names or as character spans."""
    message = without_spans(message, spans or [])
    for name in sorted(names, key=len, reverse=True):
        message = re.sub(rf"\b{re.escape(name)}\b", " ", message)
    return re.sub(r"[ \t]{2,}", " ", message).strip()

