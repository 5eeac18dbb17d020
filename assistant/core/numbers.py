"""The values a number can be read as, so that "2400", "2,400" and "2.400" are one number, and "€600k" is the
"€600,000" or "€0.6 million" of a source: a question's figure is looked for by its value, not its spelling."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import yaml

MAGNITUDES_PATH = Path(__file__).with_name("magnitudes.yaml")
SEPARATORS = ".,"


@lru_cache(maxsize=1)
def _scales() -> dict[str, float]:
    """Each scale word or suffix ("million", "k", "mld") with the factor it multiplies by."""
    data = yaml.safe_load(MAGNITUDES_PATH.read_text(encoding="utf-8"))
    return {word: float(factor) for factor, scale_words in data.items() for word in scale_words}


def _readings(numeral: str) -> set[float]:
    """A numeral's possible values: separators as thousands marks ("2,400", "2.400"), and a single one also as a
    decimal mark ("1,5" in a European source, "1.5" in an English one)."""
    digits = "".join(ch for ch in numeral if ch not in SEPARATORS)
    readings = {float(digits)}
    if sum(ch in SEPARATORS for ch in numeral) == 1:
        readings.add(float(numeral.replace(",", ".")))
    return readings


def values_at(tokens: Sequence[str], i: int) -> set[float]:
    """The values the word token at ``i`` can be read as, scaled by its suffix ("600k") or the scale word after it
    ("1.5 million"), and unscaled too ("5 m" may be metres); empty when it is no number."""
    token = tokens[i]
    end = len(token)
    while end and token[end - 1].isalpha():
        end -= 1
    numeral, suffix = token[:end], token[end:]
    scales = _scales()
    if not numeral or not numeral[0].isdigit() or any(not (ch.isdigit() or ch in SEPARATORS) for ch in numeral):
        return set()
    if suffix and suffix not in scales:
        return set()  # "co2", "1st", "pm2.5": a name or an ordinal, not a value
    factor = scales.get(suffix) or (scales.get(tokens[i + 1], 1.0) if i + 1 < len(tokens) else 1.0)
    readings = _readings(numeral)
    return {round(value * scale, 4) for value in readings for scale in {1.0, factor}}


def number_values(tokens: Sequence[str]) -> set[float]:
    """Every value any number among ``tokens`` can be read as."""
    return {value for i in range(len(tokens)) for value in values_at(tokens, i)}
