"""What a message says about who is asking: "We are a town of 60,000 in Portugal", "I work for the city of Kalmar".

The asker's own city or country describes them, not what they ask about. It must not narrow the sources to
passages that name it, nor make the question unanswerable when the corpus has never heard of it, nor pull the
search towards documents about it.
"""

from __future__ import annotations

import re

from assistant.core.text import capitalised_spans, fold, without_spans

# A clause in which the asker describes themselves ("we are a town of 60,000 in Portugal", "I work for the city of
# Kalmar", "our town, Tartu,"), in English and the five other languages questions come in; it runs to the end of its
# sentence or to the next word that starts the question itself ("and", "how", "can", ...).
_PLACE_NOUN = (
    r"(?:city|town|municipality|region|council|county|metropolitan area|village|district|"
    r"ville|commune|métropole|stadt|gemeinde|kommune|ciudad|municipio|ayuntamiento|città|comune|"
    r"miastem|gminą)"
)
_ABOUT_US = re.compile(
    r"\b(?:(?:we are|we're|i am|i'm|nous sommes|wir sind|somos|siamo|jesteśmy)\s+(?:(?:a|an|the|une?|eine|una?)\s+)?"
    r"(?:[\w,-]+\s+){0,6}?" + _PLACE_NOUN + r"|(?:we are|we're|i am|i'm|(?:i|we) come) from|"
    r"(?:i|we) (?:work (?:for|at|in)|represent)|our (?:city|town|municipality|region|council|country)|"
    r"je travaille (?:pour|à)|notre (?:ville|commune|métropole)|ich arbeite (?:für|bei|in)|unsere (?:stadt|gemeinde)|"
    r"trabajo (?:para|en)|nuestr[oa] (?:ciudad|municipio)|lavoro (?:per|presso)|la nostra città|il nostro comune|"
    r"pracuję (?:w|dla)|nasze miasto|nasza gmina)\b"
    r"(?P<rest>(?:(?!\b(?:and|but|so|how|what|which|who|when|where|can|could|would|should|do|does|did|want|wants|"
    r"et|und|y|e|i|oraz)\b)[^.?!;])*)",
    re.I,
)


def own_names(message: str) -> set[str]:
    """Capitalised names that only appear where the asker describes themselves ("Kalmar", "Portugal")."""
    spans = [m.span("rest") for m in _ABOUT_US.finditer(message)]
    inside, outside = set(), set()
    for name_start, _, name in capitalised_spans(message):
        in_span = any(start <= name_start < end for start, end in spans)
        (inside if in_span else outside).add(name)
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


# Where the asker says whether their city is one of the Mission Cities: a page written for the other group (the
# Mission City path from advisor to label, or the open offer for cities outside the 112) is not their path. A
# first-person subject is required: "what happens to cities that were not selected?" says nothing of the asker.
# English and the five other languages questions come in ("wir sind keine Missionsstadt", "no somos una ciudad de
# la Misión").
_FIRST_PERSON = (
    r"\b(?:we|we're|our|i|i'm|my|nous|notre|je|ma|wir|unsere?|ich|meine?|somos|nuestr[ao]|nosotros|"
    r"siamo|nostr[ao]|noi|jesteśmy|nasz[ae]?)\b[^.?!¿]{0,60}?"
)
_MISSION_WORD = (
    r"(?:mission cit(?:y|ies)|mission\w*|misi[oó]n\w*|misj\w*|112|selected|chosen|s[ée]lectionn\w*|"
    r"ausgew[äa]hlt\w*|seleccionad\w*|selezionat\w*|wybran\w*)"
)
_OUTSIDE = re.compile(
    _FIRST_PERSON + r"(?:\b(?:not|n't|never|pas|nicht|kein\w*|no|non|nie)\b[^.?!¿]{0,30}\b" + _MISSION_WORD + r"|"
    r"\b(?:outside (?:of )?the|hors des|au[sß]erhalb der|fuera de las|fuori dalle|poza) (?:112|mission\w*)\b)|"
    r"\b(?:no|non|nie)\s+(?:somos|siamo|jesteśmy)\b[^.?!¿]{0,40}\b" + _MISSION_WORD,
    re.I,
)
_MISSION_CITY = re.compile(
    _FIRST_PERSON + r"(?:\b(?:are|is|was|were|have been|has been|became|as)\s+(?:now\s+|just\s+|recently\s+)?"
    r"(?:(?:a|one of the(?: 112)?)\s+(?:new\s+|newly selected\s+)?mission cit(?:y|ies)|selected|chosen)\b|"
    r"\b(?:sommes|sind|somos|siamo|jesteśmy)\b[^.?!¿]{0,30}\b" + _MISSION_WORD + r")"
    r"|\b(?:somos|siamo|jesteśmy)\b[^.?!¿]{0,30}\b" + _MISSION_WORD,
    re.I,
)  # the verb alone says "we"


def asker_group(message: str) -> str | None:
    """The group the asker's city belongs to, as the corpus's ``audience`` names it: "other-cities" for "we are
    not a Mission City", "mission-cities" for "we were just selected"; None when the message does not say."""
    if _OUTSIDE.search(message):
        return "other-cities"
    if _MISSION_CITY.search(message):
        return "mission-cities"
    return None


def with_group_stated(message: str) -> str:
    """The message with a "we are not a Mission City", however phrased, put in the corpus's own words: word
    overlap and embeddings miss the "not", and "not part of the Mission" would pull the Mission City pages up."""
    match = _OUTSIDE.search(message)
    if not match:
        return message
    return f"{message[: match.start()]}We are a city outside the 112 Mission Cities{message[match.end() :]}"
