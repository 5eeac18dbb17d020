"""The cue words of ``cues.yaml``: which kinds of answer (a count, an amount of money, a date, a list) a question
asks for, in English, French, German, Spanish, Italian and Polish."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from string import punctuation as PUNCTUATION

import yaml

from assistant.core.text import fold

CUES_PATH = Path(__file__).with_name("cues.yaml")


@lru_cache(maxsize=1)
def _matchers() -> dict[str, re.Pattern[str]]:
    """One whole-word pattern per kind of cue, over every language's phrases."""
    data = yaml.safe_load(CUES_PATH.read_text(encoding="utf-8"))
    matchers = {}
    for kind, by_language in data.items():
        phrases = sorted({p for phrases in by_language.values() for p in phrases}, key=len, reverse=True)
        forms = [re.escape(p[:-1]) + r"\w*" if p.endswith("*") else re.escape(p) for p in phrases]
        matchers[kind] = re.compile(r"\b(?:" + "|".join(forms) + r")\b")
    return matchers


def cue_at(kind: str, text: str) -> int | None:
    """Where the first cue of ``kind`` stands in ``text`` (folded), or ``None`` when it has none."""
    match = _matchers()[kind].search(fold(text).lower())
    return match.start() if match else None


def has_cue(kind: str, text: str) -> bool:
    return cue_at(kind, text) is not None


def is_cue(kind: str, word: str) -> bool:
    """Whether ``word`` (punctuation around it aside) is itself a cue of ``kind``: "e-mail" holds the word "e" but
    is not the Italian "and"."""
    return _matchers()[kind].fullmatch(fold(word.strip(PUNCTUATION)).lower()) is not None
