"""Next questions the corpus can answer, taken from the section headings of passages that were retrieved."""

from __future__ import annotations

from assistant.retrieval import SearchResult


def _as_question(heading: str, title: str) -> str:
    heading = heading.strip().rstrip(".:")
    if heading.endswith("?"):
        return heading
    subject = title.split(":")[0].strip()
    return f"{subject}: {heading[0].lower() + heading[1:]}?" if heading.lower() not in subject.lower() else f"{subject}?"


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
