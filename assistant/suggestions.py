"""Next questions the corpus can answer, taken from the section headings of passages that were retrieved."""

from __future__ import annotations

import re

from assistant.retrieval import SearchResult


def _as_question(heading: str, title: str) -> str:
    """A heading as a question a newcomer would ask: its own words when it is one, else the document's own
    question (a title that asks one), else what the document says about the heading."""
    heading = heading.strip().rstrip(".:")
    if heading.endswith("?"):
        return heading
    if "?" in title:
        return title[: title.index("?") + 1]
    subject = re.sub(r"^the\s+", "", title.split(":")[0].strip(), flags=re.I)
    if heading.lower() in subject.lower():
        return f"What does the {subject} page cover?"
    return f"What does the {subject} page say about {heading[0].lower() + heading[1:]}?"


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
        questions.append(_as_question(heading, result.title))
        if len(questions) == limit:
            break
    return questions
