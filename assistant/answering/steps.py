"""A guide's numbered steps in their order, for a question that asks how to start: "How do we start as a Mission
City?" is answered by the guide's Step 1 to Step 7, not by whichever sentences say "start" (the launch date of the
programme was step 5 of that reply before)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.answering.sentences import Candidate, clean_sentence, worded_step
from assistant.core.schema import SearchResult
from assistant.core.text import headed_blocks, is_list_item, split_sentences

MIN_STEPS = 3  # fewer numbered sections are not a path to follow
MAX_STEPS = 8  # a longer guide is shown up to its eighth step: a reply, not the whole document
MAX_ITEMS = 3  # the items of a step's list shown on its line


@dataclass(frozen=True)
class Step:
    """One numbered step of a guide: its number, its name, the text under its heading and the passage holding it."""

    number: int
    name: str
    body: str
    passage: SearchResult

    @property
    def sentence(self) -> str:
        """The step as one line of a reply: its name and the first sentence under it ("Meet your city advisor:
        NetZeroCities (NZC) assigns each Mission City a city advisor."); a sentence opening a list keeps the list's
        first items, and a step written as a list is its items ("Write the three parts …: Commitments …; …")."""
        sentences = split_sentences(self.body)
        if not sentences:
            return f"{self.name}."
        items = [clean_sentence(s).rstrip(".;") for s in sentences if is_list_item(s)][:MAX_ITEMS]
        if is_list_item(sentences[0]):
            return f"{self.name}: {'; '.join(items)}."
        first = clean_sentence(sentences[0])
        if first.endswith(":"):
            shown = items or [clean_sentence(s).rstrip(".;") for s in sentences[1 : 1 + MAX_ITEMS]]
            first = f"{first} {'; '.join(shown)}."
        return f"{self.name}: {first}"


def steps_in(passage: SearchResult) -> list[Step]:
    """The numbered steps whose headings stand in ``passage`` (a passage may hold several short sections)."""
    steps = []
    for heading, lines in headed_blocks(passage.text):
        step = worded_step(heading)
        if step is not None:
            steps.append(Step(step[0], step[1], "\n".join(lines).strip(), passage))
    return steps


def guide_steps(found: SearchResult, document: Callable[[str], list[SearchResult]]) -> list[Step]:
    """The numbered steps of ``found``'s document in step order, when ``found`` holds one of them and the document
    is written as at least ``MIN_STEPS``; else none (and the document is not read)."""
    if not steps_in(found):
        return []
    steps: dict[int, Step] = {}
    for passage in document(found.doc_id):
        for step in steps_in(passage):
            steps.setdefault(step.number, step)
    return [steps[n] for n in sorted(steps)][:MAX_STEPS] if len(steps) >= MIN_STEPS else []


def step_picks(steps: list[Step], passages: list[SearchResult]) -> list[Candidate]:
    """One pick per step, citing its passage in ``passages`` (which must hold every step's passage)."""
    at = {result.chunk_id: i for i, result in enumerate(passages)}
    return [Candidate(step.sentence, at[step.passage.chunk_id], 0, is_item=True) for step in steps]
