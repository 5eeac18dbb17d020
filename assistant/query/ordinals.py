"""Which one of a series a question asks about ("the second wave", "la deuxième vague", "in der dritten Welle"), and
which ones a sentence is about ("the first edition", "Wave: 2", "Cohort 3").

Label waves, calls, cohorts, conference editions and phases differ only by their number: the first edition's 180
participants do not answer a question on the second edition. A question names an ordinal from two to ten in any of
the six languages ("first" is left out: "what do we do first?" asks for no member of a series).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.core.text import STOPWORDS, fold, fold_with_offsets

# Ordinal words by number, accent-folded, in English, French, German, Spanish, Italian and Polish, with their
# endings (Polish letters folded). Italian "secondo" also means "according to", so it counts only after an article;
# Italian "primo/prima" (also "before") is left out.
_WORDS = {
    1: r"first|1st|premiere?s?|1ere?|erste[nrsm]?|primer[oa]?s?|pierwsz(?:y|a|ej|ego|ym|e)",
    2: r"second(?:e|es|s)?|2nd|deuxiemes?|2e|2eme|zweite[nrsm]?|segund[oa]s?|seconda|(?:il|nel|del|al|dal|lo|un) "
    r"secondo|drug(?:i|a|iej|iego|im|ie)",
    3: r"third|3rd|troisiemes?|3e|3eme|dritte[nrsm]?|tercer[oa]?s?|terz[oa]|trzeci(?:a|ej|ego|m|e)?",
    4: r"fourth|4th|quatriemes?|4e|4eme|vierte[nrsm]?|cuart[oa]s?|quart[oa]|czwart(?:y|a|ej|ego|ym|e)",
    5: r"fifth|5th|cinquiemes?|5e|5eme|funfte[nrsm]?|quint[oa]s?|piat(?:y|a|ej|ego|ym|e)",
    6: r"sixth|6th|sixiemes?|6e|6eme|sechste[nrsm]?|sext[oa]s?|sest[oa]|szost(?:y|a|ej|ego|ym|e)",
    7: r"seventh|7th|septiemes?|7e|7eme|siebte[nrsm]?|septim[oa]s?|settim[oa]|siodm(?:y|a|ej|ego|ym|e)",
    8: r"eighth|8th|huitiemes?|8e|8eme|achte[nrsm]?|octav[oa]s?|ottav[oa]|osm(?:y|a|ej|ego|ym|e)",
    9: r"ninth|9th|neuviemes?|9e|9eme|neunte[nrsm]?|noven[oa]s?|non[oa]|dziewiat(?:y|a|ej|ego|ym|e)",
    10: r"tenth|10th|dixiemes?|10e|10eme|zehnte[nrsm]?|decim[oa]s?|dziesiat(?:y|a|ej|ego|ym|e)",
}
# A member of a series written with its number: "Wave 2", "Wave: 2", "wave-5", "Cohort 3", "Call 2".
_NUMBERED = re.compile(
    r"\b(?:waves?|rounds?|calls?|cohorts?|editions?|phases?|stages?|batch(?:es)?|parts?|"
    r"modules?)[\s:-]+(\d{1,2})\b"
)


@lru_cache(maxsize=1)
def _patterns() -> dict[int, re.Pattern[str]]:
    return {number: re.compile(rf"\b(?:{words})\b") for number, words in _WORDS.items()}


def _counted_end(folded: str, start: int, most: int = 4) -> int:
    """Where the words naming what an ordinal counts end: the words after it up to a little word or a stop
    ("second edition" of ..., "third Mission Board meeting"?)."""
    end = start
    for _ in range(most):
        word = re.match(r"\s+([\w-]+)", folded[end:])
        if not word or word.group(1) in STOPWORDS:
            break
        end += word.end()
    return end


def ordinals_asked(question: str) -> dict[int, str]:
    """The ordinals a question names (as a word from two to ten, or a numbered member of a series: "wave 2"), each
    with the words naming it and what it counts, as written ("second edition", "third Mission Board meeting"), for
    saying what is missing."""
    folded, offsets = fold_with_offsets(question)
    spans: dict[int, tuple[int, int]] = {}
    for number, pattern in _patterns().items():
        match = pattern.search(folded) if number > 1 else None
        if match:
            spans[number] = (match.start(), _counted_end(folded, match.end()))
    for match in _NUMBERED.finditer(folded):
        if 0 < int(match.group(1)) <= 10:
            spans.setdefault(int(match.group(1)), match.span())
    return {number: question[offsets[start] : offsets[end - 1] + 1] for number, (start, end) in spans.items()}


def ordinals_in(text: str) -> set[int]:
    """Every ordinal from one to ten ``text`` names, as a word or as a numbered member of a series."""
    folded = fold(text)
    found = {number for number, pattern in _patterns().items() if pattern.search(folded)}
    found |= {int(match.group(1)) for match in _NUMBERED.finditer(folded) if 0 < int(match.group(1)) <= 10}
    return found
