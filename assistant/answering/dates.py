"""Answers that know today's date: a sentence about a deadline, call, round or edition whose date lies before today
gets a visible note, and a source's statement that the call has closed travels with the sentence it qualifies.

Dates are read as the sources write them ("12 September 2025", "September 2025", "September 12, 2025", "autumn
2023"); a bare year is not read, since "by 2030" or "in 2022" rarely names a deadline.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from assistant.answering.replies import Citation
from assistant.core.config import Settings
from assistant.core.text import is_list_item, split_sentences, words

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
# A season names its last month ("autumn 2023" has passed once November 2023 has); winter spans two years.
SEASONS = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11}
# Words that make a date the date of an opportunity, one that passes: a deadline, a call, an edition, applications.
# ("opened on 5 September 2022" or "labelled in its second round" state facts that stay true.)
TIMED_WORDS = frozenset(
    """deadline deadlines call calls edition editions application applications apply applying closes closing
    registration register submit submission submissions intake""".split()
)
# Words by which a source says the opportunity is over ("applications closed on 12 September 2025").
CLOSED_WORDS = frozenset("closed ended expired".split())
ORDINAL_ENDINGS = ("st", "nd", "rd", "th")
PASSED_NOTE = "(this date has passed)"
CLOSED_NOTE = "(closed on {})"


@dataclass(frozen=True)
class Mention:
    """A date a sentence names: the last day it can mean (the month's last day when no day is given), and the words
    it was written in."""

    last_day: date
    words: str

    def spoken(self) -> str:
        """As the sources write it: "12 September 2025", "September 2025", "autumn 2023"."""
        return self.words


def today(settings: Settings) -> date:
    """The date answers are judged against: ``NETZERO_TODAY`` (YYYY-MM-DD) when set, so tests are deterministic,
    else the real date."""
    if not settings.today:
        return date.today()
    try:
        return date.fromisoformat(settings.today)
    except ValueError:
        raise ValueError(f"NETZERO_TODAY: expected a date as YYYY-MM-DD, got {settings.today!r}") from None


def _day(token: str) -> int | None:
    digits = token[:-2] if token.endswith(ORDINAL_ENDINGS) else token
    return int(digits) if digits.isdigit() and 1 <= int(digits) <= 31 else None


def _year(token: str) -> int | None:
    return int(token) if len(token) == 4 and token.isdigit() and 1900 < int(token) < 2200 else None


def mentions(sentence: str) -> list[Mention]:
    """Every dated day, month or season the sentence names, in order: "12 September 2025", "September 12, 2025",
    "September 2025", "autumn 2023" (and both ends of "September 2025 – February 2026")."""
    tokens = words(sentence)
    found = []
    for i, token in enumerate(tokens):
        season = token in SEASONS
        month = SEASONS[token] if season else MONTHS.get(token)
        if month is None:
            continue
        after = tokens[i + 1 : i + 3]
        day = _day(tokens[i - 1]) if i and not season else None
        year = _year(after[0]) if after else None
        if year is None and len(after) == 2 and not season and _day(after[0]):  # "September 12, 2025"
            day, year = _day(after[0]), _year(after[1])
        if year is None:
            continue
        last = calendar.monthrange(year, month)[1]
        named = token if season else calendar.month_name[month]
        spoken = f"{day} {named} {year}" if day else f"{named} {year}"
        found.append(Mention(date(year, month, min(day or last, last)), spoken))
    return found


def _timed(sentence: str) -> bool:
    return bool(TIMED_WORDS & set(words(sentence)))


def _closed(sentence: str) -> bool:
    return bool(CLOSED_WORDS & set(words(sentence)))


def _said(sentence: str, answer: str) -> bool:
    """Whether the answer already says ``sentence`` (nearly all its words are there)."""
    own = set(words(sentence))
    return bool(own) and len(own & set(words(answer))) >= 0.8 * len(own)


def _block(passage: str, sentence: str) -> list[str]:
    """The sentences of the paragraph or list item in ``passage`` that holds ``sentence`` (best word overlap)."""
    sentences = split_sentences(passage)
    wanted = set(words(sentence))
    if not sentences or not wanted:
        return []
    shares = [len(wanted & set(words(s))) / len(wanted) for s in sentences]
    at = max(range(len(sentences)), key=shares.__getitem__)
    if shares[at] < 0.6:
        return []
    start = at
    while start > 0 and not is_list_item(sentences[start]):
        start -= 1
    end = at + 1
    while end < len(sentences) and not is_list_item(sentences[end]):
        end += 1
    return sentences[start:at] + sentences[at + 1 : end]


def note(sentence: str, passage: str, answer: str, on: date) -> str:
    """The note a sentence of an answer needs on date ``on``: "(closed on …)" when its paragraph in the source
    says the call closed before ``on`` (nothing when the ``answer`` says so itself); "(this date has passed)" when
    the sentence's own deadline, call or edition date is past; else nothing."""
    if _closed(sentence):
        return ""
    for neighbour in _block(passage, sentence):
        closing = [m for m in mentions(neighbour) if m.last_day < on]
        if _closed(neighbour) and closing:  # said next to it in the answer, or carried here
            return "" if _said(neighbour, answer) else CLOSED_NOTE.format(closing[-1].spoken())
    dates = mentions(sentence)
    if dates and _timed(sentence) and max(m.last_day for m in dates) < on:
        return PASSED_NOTE
    return ""


def _with_note(sentence: str, extra: str) -> str:
    """``sentence`` with ``extra`` before its closing full stop (or at its end)."""
    body = sentence.rstrip()
    if body.endswith((".", "!", "?", ";", ":")):
        return f"{body[:-1]} {extra}{body[-1]}"
    return f"{body} {extra}"


def dated(picks: list[tuple[str, int]], citations: list[Citation], on: date) -> list[tuple[str, int]]:
    """(text, citation number) picks, each of their sentences with the note its dates need on ``on`` (see
    :func:`note`); a pick may be a list item of several sentences, and the note follows the one it is about."""
    passages = {c.n: c.text for c in citations}
    answer = " ".join(text for text, _ in picks)
    noted, closings = [], set()
    for text, n in picks:
        for sentence in split_sentences(text):
            extra = note(sentence, passages.get(n, ""), answer, on)
            if not extra or extra in closings or sentence not in text:
                continue
            if extra != PASSED_NOTE:  # a call's closing is said once, after the first sentence it qualifies
                closings.add(extra)
            text = text.replace(sentence, _with_note(sentence, extra), 1)
        noted.append((text, n))
    return noted
