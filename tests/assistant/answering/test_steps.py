"""A guide's numbered steps read from its headings, in any of the assistant's languages."""

from __future__ import annotations

from assistant.answering.sentences import worded_step
from assistant.answering.steps import guide_steps, steps_in
from assistant.core.schema import Chunk, SearchResult


def passage(doc_id: str, position: int, text: str) -> SearchResult:
    return SearchResult(Chunk(f"{doc_id}-{position}", doc_id, text, {"position": position}), 0.0)


GUIDE = [
    passage("guide", 0, "## Who this page is for\n\nNew cities.\n\n## Step 1: Meet your advisor\n\nAn advisor calls."),
    passage("guide", 1, "## Step 3: Submit\n\nCities submit through the Portal."),
    passage("guide", 2, "## Step 2: Open the Portal\n\nThe Portal holds templates:\n\n- a pack;\n- a course."),
    passage("guide", 4, "## Step 4: Write the parts\n\n1. **Aims** – the goals. Agreed.\n2. **Plan** – the actions."),
]


def step_number(heading: str) -> int | None:
    """The number the steps reader gives a heading's step, or None."""
    step = worded_step(f"# {heading}")
    return step[0] if step else None


def test_a_step_heading_gives_its_number_in_any_language_and_other_headings_none() -> None:
    assert step_number("Step 1: Meet your city advisor") == 1
    assert step_number("Étape 2 – Le portail") == 2
    assert step_number("Schritt 3. Einreichen") == 3
    assert step_number("Step up the pace") is None
    assert step_number("Who this page is for") is None


def test_the_steps_of_a_passage_are_read_from_its_headings_with_the_text_under_each() -> None:
    steps = steps_in(GUIDE[0])
    assert [(s.number, s.name, s.body) for s in steps] == [(1, "Meet your advisor", "An advisor calls.")]


def test_a_guide_s_steps_come_in_step_order_each_as_its_name_and_first_sentence() -> None:
    steps = guide_steps(GUIDE[1], lambda doc_id: GUIDE if doc_id == "guide" else [])
    assert [s.sentence for s in steps] == [
        "Meet your advisor: An advisor calls.",
        "Open the Portal: The Portal holds templates: a pack; a course.",
        "Submit: Cities submit through the Portal.",
        "Write the parts: Aims – the goals; Plan – the actions.",
    ]


def test_a_document_with_fewer_than_three_steps_is_no_guide_nor_is_one_whose_best_passage_is_no_step() -> None:
    assert guide_steps(GUIDE[1], lambda doc_id: GUIDE[:2]) == []
    introduction = passage("guide", 3, "## Who this page is for\n\nNew cities.")
    assert guide_steps(introduction, lambda doc_id: [*GUIDE, introduction]) == []
