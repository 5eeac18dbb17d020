"""Next questions the corpus can answer, taken from the section headings of passages that were retrieved."""

from __future__ import annotations

import re

from assistant.core.schema import SearchResult
from assistant.core.text import analyse


def _subject(title: str) -> str:
    """What a document is about, in a few words: "Climate City Contract" for "The Climate City Contract: Part 1,
    ...", "Investment needs of the Mission Cities" for "How much does climate neutrality cost? Investment needs ..."."""
    question, _, rest = title.partition("?")
    name = re.split(r"[:,]", rest if rest.strip() else question)[0]
    return re.sub(r"^the\s+", "", name.strip(), flags=re.I) or title


def _as_question(heading: str, title: str) -> str | None:
    """A heading as a question a newcomer would ask: its own words when it is one (with the document's subject when
    it shares no word with the title), else the document's own question (a title that asks one), else what a
    briefly named document says about the heading; None when no such question reads well."""
    heading = heading.strip().rstrip(".:")
    subject = _subject(title)
    if heading.endswith("?"):  # "Who signs or commits?" needs its subject to make sense on its own
        return heading if set(analyse(heading)) & set(analyse(title)) else f"{heading} ({subject})"
    if "?" in title:
        return title[: title.index("?") + 1]
    if len(subject.split()) > 6:
        return None
    if heading.lower() in subject.lower():
        return f"What does the {subject} page cover?"
    return f"What does the {subject} page say about {_mid_sentence(heading)}?"


def _mid_sentence(heading: str) -> str:
    """A heading as it reads inside a sentence: a sentence-case heading loses its capital ("Peer learning: Oslo as a
    guide" -> "peer learning: Oslo ..."); one in capitals, title case or opening on a code keeps its letters ("GHG
    Baseline", "TRANSPORT EQUIPMENT", "Relevance & Impact", "A-2.1: Description"), which lower-casing the first
    letter mangled ("gHG Baseline", "tRANSPORT EQUIPMENT")."""
    parts = heading.split()
    if not parts:
        return heading
    first, *rest = parts
    plain = first[0].isupper() and first[1:].isalpha() and first[1:].islower()
    words = [word for word in rest if word[0].isalpha()]
    if plain and 2 * sum(word[0].isupper() for word in words) < max(len(words), 1):
        return heading[0].lower() + heading[1:]
    return heading


def suggest(results: list[SearchResult], exclude_chunks: set[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` distinct questions from headings of passages the answer did not use, questions first."""
    questions: list[str] = []
    seen: set[str] = set()
    ordered = sorted(results, key=lambda r: not str(r.section or "").rstrip().endswith("?"))
    for result in ordered:
        section = result.section or ""
        if result.chunk_id in exclude_chunks or not section:
            continue
        heading = section.split(" > ")[-1]
        if heading.lower() == result.title.lower() or heading.lower() in seen:
            continue
        seen.add(heading.lower())
        question = _as_question(heading, result.title)
        if question is None:
            continue
        questions.append(question)
        if len(questions) == limit:
            break
    return questions
