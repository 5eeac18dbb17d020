"""Which language a short question is in, from its function words and letters (en, fr, de, es, it, pl)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.core.text import words
from assistant.core.vocabulary import vocabulary

_MARKERS = {
    "en": {
        "the",
        "what",
        "how",
        "which",
        "who",
        "when",
        "where",
        "does",
        "is",
        "are",
        "and",
        "of",
        "to",
        "can",
        "our",
        "we",
        "do",
        "many",
        "much",
        "with",
        "for",
        "why",
        "city",
        "cities",
    },
    "fr": {
        "le",
        "la",
        "les",
        "des",
        "est",
        "quelles",
        "quels",
        "quel",
        "quelle",
        "comment",
        "une",
        "du",
        "pour",
        "sont",
        "qui",
        "villes",
        "ville",
        "combien",
        "et",
        "dans",
        "nous",
        "notre",
        "peut",
        "que",
        "au",
        "aux",
    },
    "de": {
        "der",
        "die",
        "das",
        "und",
        "wie",
        "was",
        "welche",
        "ist",
        "sind",
        "fur",
        "mit",
        "eine",
        "ein",
        "den",
        "wer",
        "wann",
        "stadt",
        "stadte",
        "wir",
        "unsere",
        "konnen",
        "viel",
        "gibt",
        "es",
        "im",
        "auf",
        "von",
    },
    "es": {
        "el",
        "los",
        "las",
        "que",
        "cual",
        "cuales",
        "como",
        "para",
        "una",
        "del",
        "es",
        "son",
        "se",
        "ciudad",
        "ciudades",
        "cuanto",
        "cuantos",
        "quien",
        "nuestra",
        "podemos",
        "y",
        "en",
        "al",
        "por",
    },
    "it": {
        "il",
        "lo",
        "gli",
        "che",
        "quali",
        "quale",
        "come",
        "per",
        "una",
        "della",
        "delle",
        "del",
        "sono",
        "citta",
        "quanto",
        "quanti",
        "quante",
        "chi",
        "nostra",
        "possiamo",
        "e",
        "di",
        "nel",
        "alla",
        "cosa",
        "qual",
        "hanno",
    },
    "pl": {
        "jak",
        "jakie",
        "jaki",
        "czy",
        "w",
        "na",
        "sie",
        "do",
        "jest",
        "sa",
        "miasta",
        "miasto",
        "ile",
        "co",
        "kto",
        "nasze",
        "mozemy",
        "dla",
        "oraz",
        "z",
        "ktore",
        "nasz",
        "przez",
        "kiedy",
    },
}
# The words that phrase a question in any of the six languages, with "city": none names what it asks about.
FUNCTION_WORDS = frozenset().union(*_MARKERS.values())
_LETTERS = {"pl": "ąćęłńóśźż", "de": "äöüß", "fr": "àâçèéêëîïôœùû", "es": "ñ¿¡áíóú", "it": "àèéìòù"}


@lru_cache(maxsize=1)
def _place_names() -> re.Pattern[str]:
    """City and country names of the vocabulary: their letters say nothing about the question's language."""
    vocab = vocabulary()
    names = sorted([*vocab.get("cities", {}), *vocab.get("countries", [])], key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names), re.I)


def query_language(text: str) -> str:
    """The likeliest language of ``text``; English unless another language clearly wins."""
    tokens = words(text)
    scores = {lang: sum(1.0 for t in tokens if t in marks) for lang, marks in _MARKERS.items()}
    lowered = _place_names().sub(" ", text).lower()
    for lang, letters in _LETTERS.items():
        scores[lang] += 0.75 * sum(1 for ch in lowered if ch in letters)
    best = max(scores, key=scores.get)
    if best != "en" and scores[best] >= 1.5 and scores[best] > scores["en"] * 1.5:
        return best
    return "en"
