"""Which cities and countries of the controlled vocabulary a text names, by any of their names.

A place is named by its own name or by one of its other names in the assistant's six languages, listed in
``corpus/vocabulary.yaml`` under ``place_names``: adjectives and exonyms ("German", "deutschen", "villes
françaises", "Cracovia") and the short form of a long official name ("Nantes" for "Nantes Métropole"). Accents and
case never matter.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.core.schema import SearchResult
from assistant.core.text import fold, fold_with_offsets, without_spans
from assistant.core.vocabulary import vocabulary


def _form(name: str) -> str:
    """A name as a pattern: ``deutsch*`` is a word beginning (it takes any ending), anything else a whole word."""
    name = name.strip()
    return re.escape(name[:-1]) + r"\w*" if name.endswith("*") else re.escape(name)


def _pattern(forms: list[str]) -> re.Pattern[str] | None:
    return re.compile(rf"\b(?:{'|'.join(forms)})\b") if forms else None


@lru_cache(maxsize=2)
def _patterns(with_cities: bool = False) -> dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]]:
    """Each place with two patterns: one for its names matched on folded text (its own name only when longer than
    three letters: "Niš" as a bare word would match too much), one for the names written capitalised in the
    vocabulary, matched as written ("Polish" names a place, "polish this reply" does not). ``with_cities``: a
    country is also named by its cities (a passage on Heidelberg is about Germany; a question on it is not)."""
    vocab = vocabulary()
    others = vocab.get("place_names") or {}
    cities = vocab.get("cities", {})
    forms: dict[str, tuple[list[str], list[str]]] = {}
    for place in [*cities, *vocab.get("countries", [])]:
        names = ([place] if len(place) > 3 else []) + list(others.get(place, []))
        forms[place] = (
            [_form(fold(name)) for name in names if name == place or not name[:1].isupper()],
            [_form(name) for name in names if name != place and name[:1].isupper()],
        )
    for city, country in cities.items() if with_cities else ():
        forms[country][0].extend(forms[city][0])
        forms[country][1].extend(forms[city][1])
    return {place: (_pattern(folded), _pattern(cased)) for place, (folded, cased) in forms.items()}


def place_spans(text: str) -> list[tuple[str, int, int]]:
    """(place, start, end) for every naming of a place in ``text``, as character spans of ``text`` itself."""
    folded, offsets = fold_with_offsets(text)
    spans = []
    for place, (any_case, as_written) in _patterns().items():
        for match in any_case.finditer(folded) if any_case else ():
            spans.append((place, offsets[match.start()], offsets[match.end() - 1] + 1))
        for match in as_written.finditer(text) if as_written else ():
            spans.append((place, match.start(), match.end()))
    return sorted(spans, key=lambda span: span[1])


def _names(text: str, folded: str, patterns: tuple[re.Pattern[str] | None, re.Pattern[str] | None]) -> bool:
    any_case, as_written = patterns
    return bool((any_case and any_case.search(folded)) or (as_written and as_written.search(text)))


def names_place(text: str, place: str) -> bool:
    """Whether ``text`` is about ``place``: names it by any of its names or, for a country, names one of its
    cities."""
    patterns = _patterns(with_cities=True).get(place)
    return _names(text, fold(text), patterns) if patterns else fold(place) in fold(text)


def named_places(text: str) -> list[str]:
    """The places ``text`` names, each once, in the vocabulary's order."""
    return list(_named_places(text))


@lru_cache(maxsize=65536)
def _named_places(text: str) -> tuple[str, ...]:
    """Kept between questions: the same passages' sentences are checked again and again."""
    folded = fold(text)
    return tuple(place for place, patterns in _patterns().items() if _names(text, folded, patterns))


def mentions(result: SearchResult, place: str) -> bool:
    """Whether a passage is about ``place``: its city or country, its title or its text names it."""
    meta = result.chunk.metadata
    return names_place(f"{result.title} {meta.get('city', '')} {meta.get('country', '')} {result.text}", place)


def without_places(text: str) -> str:
    """``text`` with every naming of a place left out: what it says besides where."""
    return without_spans(text, [(start, end) for _, start, end in place_spans(text)])
