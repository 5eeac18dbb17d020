"""Reading passages into answer sentences: items, labelled table rows, headings over lists, references back."""

from __future__ import annotations

import pytest

from assistant.answering.sentences import Candidate, absorb_items, candidates, in_context, refers_back, standalone
from assistant.core.schema import Chunk, SearchResult


def passage(n: int, text: str, title: str = "") -> SearchResult:
    chunk = Chunk(
        f"doc{n}::0000::x",
        f"doc{n}",
        text,
        {"title": title or f"Document {n}", "source": f"https://example.org/doc{n}", "date": "2024-05-01"},
    )
    return SearchResult(chunk, score=1.0 / (n + 1), rank=n + 1)


def starting(everything: list[Candidate], opening: str) -> Candidate:
    """The candidate whose text opens with ``opening``."""
    return next(c for c in everything if c.text.startswith(opening))


@pytest.mark.parametrize(
    "sentence",
    [
        "It covers ten sectors.",
        "Across them it gathers 600 commitments.",
        "Beyond that announcement, nothing was found.",
        "Of these, 53 were chosen.",
    ],
)
def test_a_sentence_opening_on_a_pronoun_refers_back(sentence: str) -> None:
    assert refers_back(sentence)


@pytest.mark.parametrize("sentence", ["Itineraries vary.", "In 2023 the label was launched.", "Theirs is a plan."])
def test_a_sentence_naming_its_subject_does_not_refer_back(sentence: str) -> None:
    assert not refers_back(sentence)


def test_questions_fragments_and_duplicates_are_not_candidates() -> None:
    text = "Is Lahti a Mission City? Yes it is.\n\nLahti phased out coal in 2019. Lahti phased out coal in 2019."
    found = candidates([passage(0, text), passage(1, "Lahti phased out coal in 2019.")])
    assert [c.text for c in found] == ["Lahti phased out coal in 2019."]


def test_markdown_is_removed_from_a_sentence_but_its_words_are_kept() -> None:
    text = "- **Budget:** €1.5 million for the [Budapest Climate Agency](https://example.org/bca)."
    [found] = candidates([passage(0, text)])
    assert found.text == "Budget: €1.5 million for the Budapest Climate Agency." and found.is_item


def test_a_label_row_under_a_caption_names_the_columns() -> None:
    table = (
        "|  A-1.3: GHG emissions by source sectors  |   |   |   |\n| --- | --- | --- | --- |\n"
        "|  Base year |   | 2022  |   |\n|   | Scope 1 | Scope 2 | Total  |\n"
        "|  Buildings | 81.465 | 512.703 | 594.167  |\n|  Total | 942.776 | 512.703 | 1.455.478  |"
    )
    rows = [c.text for c in candidates([passage(0, table)])]
    assert "Total; Scope 1: 942.776; Scope 2: 512.703; Total: 1.455.478." in rows
    assert not any("Scope 1; Scope 2" in row for row in rows)  # the label row is not a row of values


def test_a_table_row_ends_in_one_full_stop_whatever_its_cells_end_in() -> None:
    table = (
        "| Action | Target |\n| --- | --- |\n| FO-02: Urban Tree Master Plan. | Plant street trees. |\n"
        "| Reduction target 2030 | The target defined by Porto for 2030 is 85%. |\n| Audit every 5 years. |"
    )
    rows = [c.text for c in candidates([passage(0, table)])]
    assert "Action: FO-02: Urban Tree Master Plan; Target: Plant street trees." in rows
    assert "Action: Reduction target 2030; Target: The target defined by Porto for 2030 is 85%." in rows
    assert "Audit every 5 years." in rows


def test_a_row_holding_an_amount_under_a_two_level_label_is_a_value_not_a_header() -> None:
    outline = (
        "| Impact & cost | Indicator | Value |\n| --- | --- | --- |\n"
        "| Impact & cost | GHG emissions reduction estimate | 14.342 t CO2eq |\n"
        "|   | Total costs and costs by CO2eq unit | € 21.827.000 € 1.522 /t CO2 |"
    )
    rows = [c.text for c in candidates([passage(0, outline)])]
    assert any("€ 21.827.000" in row for row in rows)


def test_a_charts_axis_row_is_never_a_candidate_but_its_labelled_values_are() -> None:
    text = (
        "| Strategies as Proposed | 2.6% |\n| Strategies Fully Implemented | 5.9% |\n"
        "| Figure | 0% | 1% | 2% | 3% | 4% | 5% | 6% |\n| Figure | Transportation 45% | Buildings 30% |"
    )
    rows = [c.text for c in candidates([passage(0, text)])]
    assert rows == [
        "Strategies as Proposed | 2.6%.",
        "Strategies Fully Implemented | 5.9%.",
        "Figure | Transportation 45% | Buildings 30%.",
    ]


def test_a_heading_over_a_list_introduces_it() -> None:
    inline = (
        "The Hub is the Mission's finance service.\n\n## The four work streams\n\n"
        "1. City Finance Specialists 2. Project Preparation 3. Neutral Capital Centre"
    )
    found = [c.text for c in candidates([passage(0, inline)])]
    assert found[:3] == [
        "The Hub is the Mission's finance service.",
        "The four work streams:",
        "City Finance Specialists.",
    ]


def test_a_heading_introduces_its_section_s_list_past_the_paragraph_that_opens_the_section() -> None:
    text = (
        "## The six phases, in order\n\nThe wording differs a little from one source to another.\n\n"
        "1. **Build a strong mandate.** Bring the people together.\n2. **Understand the system.** Look around.\n"
        "3. **Take action.** Plan the work.\n\n## Who can use the Map?\n\nEvery city can use it."
    )
    everything = candidates([passage(0, text)])
    intro, paragraph = (starting(everything, opening) for opening in ("The six phases, in order:", "The wording"))
    items = absorb_items(intro, everything)
    assert [c.text.split(".")[0] for c in items] == ["Build a strong mandate", "Understand the system", "Take action"]
    assert intro.text.startswith("The six phases, in order: Build a strong mandate.")
    block, rest = in_context([intro, paragraph], everything)
    shown = [c.text for c in [*block, *rest]]
    assert any(t.startswith("The wording differs") for t in shown)  # not hidden as if it were one of the items
    who = "## Who can use the Map?\n\nEvery city can use it.\n\n## Phases\n\n- One\n- Two"
    assert not any(c.text == "Who can use the Map?:" for c in candidates([passage(1, who)]))


def test_a_question_heading_is_not_read_as_an_intro() -> None:
    text = "## What does it offer?\n\n- Advice on funding\n- Investor contacts"
    assert not any(c.text.startswith("What does it offer") for c in candidates([passage(0, text)]))


def test_an_item_already_listed_after_its_introduction_is_not_shown_again() -> None:
    results = [
        passage(0, "Cities start from their plans. They meet their advisor first."),
        passage(1, "The label opens doors to:\n\n- the Capital Hub;\n- a lending envelope of about €2 billion.\n"),
    ]
    everything = candidates(results)
    first, intro = everything[0], next(c for c in everything if c.text.endswith(":"))
    item = next(c for c in everything if "lending envelope" in c.text)
    absorb_items(intro, everything)
    block, rest = in_context([first, intro, item], everything)
    shown = [c.text for c in [*block, *rest]]
    assert sum("lending envelope" in text for text in shown) == 1
    assert any(text.startswith("The label opens doors to: the Capital Hub; a lending envelope") for text in shown)


def test_a_list_item_that_cannot_stand_alone_is_shown_after_its_introduction() -> None:
    results = [
        passage(0, "Cities start from their plans. They meet their advisor first."),
        passage(1, "The label opens doors to:\n\n- the Capital Hub;\n- advice;\n- a lending envelope of €2 billion."),
    ]
    everything = candidates(results)
    item = next(c for c in everything if "lending envelope" in c.text)
    _, rest = in_context([everything[0], item], everything)
    assert [c.text for c in rest] == ["The label opens doors to: … a lending envelope of €2 billion."]
    assert item.text == "a lending envelope of €2 billion."  # the candidate itself is left as it was


def test_a_list_item_shown_on_its_own_line_ends_as_a_sentence() -> None:
    assert standalone("Submit through the Portal;") == "Submit through the Portal."
    assert standalone("24 partners and 70 supporters,") == "24 partners and 70 supporters."
    assert standalone("The label opens doors to:") == "The label opens doors to:"
    assert standalone("Lahti phased out coal in 2019.") == "Lahti phased out coal in 2019."


def test_an_item_whose_introduction_is_picked_too_is_read_under_it_and_a_list_is_shown_once() -> None:
    text = (
        "## How the GPC works\n\nA city reports its emissions by scope. It has two ways of adding up a total:\n\n"
        "- the scopes framework, where scope 1 covers territorial emissions;\n"
        "- the city-induced framework, which adds up what the city's activity causes.\n"
    )
    everything = candidates([passage(0, text)])
    heading, colon, item = (starting(everything, t) for t in ("How the GPC works:", "It has two", "the city-induced"))
    for intro in (heading, colon):
        absorb_items(intro, everything)
    block, rest = in_context([item, colon, heading], everything, lead_first=True)
    shown = [c.text for c in [*block, *rest]]
    assert shown[0].startswith("A city reports") or shown[0].startswith("It has two ways")
    assert sum("city-induced framework" in t for t in shown) == 1  # the list once, and never the bare item


def test_a_table_row_is_shown_with_its_table_down_to_the_total_and_a_list_item_with_fewer_items() -> None:
    """A question on a row and its table's total had the row shown with the rows above it, and the total left out."""
    sectors = ["Transport", "Buildings", "Electricity", "Waste", "Industry", "Agriculture", "Other"]
    table = "| Sector | Total |\n|---|---|\n" + "".join(f"| {s} | {100 + i} |\n" for i, s in enumerate(sectors))
    everything = candidates([passage(0, table + "| Total | 1000 |\n")])
    block, _ = in_context([starting(everything, "Sector: Industry")], everything, lead_first=True)
    assert block[0].text == "Sector: Industry; Total: 104." and block[-1].text == "Sector: Total; Total: 1000."
    items = candidates([passage(0, "".join(f"- {s} is a sector of the inventory.\n" for s in sectors + ["Total"]))])
    block, _ = in_context([starting(items, "Industry")], items)
    assert len(block) == 6


def test_a_table_continued_from_a_page_before_does_not_take_its_first_row_for_column_names() -> None:
    """A Thessaloniki reply read "Transport need - trains/metro (M km/year): Transport need - light duty trucks …; 0:
    90": the continued table's first row of values had been taken for its header. Years stay column names."""
    continued = (
        "| Transport need - trains/metro (M km/year) | 0 |  |\n| --- | --- | --- |\n"
        "| Transport need - light duty trucks (M km/year) | 0 | 90 |"
    )
    years = "| Sector | 2019 | 2020 |\n| --- | --- | --- |\n| Buildings | 12 | 13 |"
    assert [c.text for c in candidates([passage(0, continued), passage(1, years)])] == [
        "Transport need - trains/metro (M km/year) | 0.",
        "Transport need - light duty trucks (M km/year) | 0 | 90.",
        "Sector: Buildings; 2019: 12; 2020: 13.",
    ]


def test_a_figure_caption_is_never_a_candidate_and_a_sentence_naming_a_table_is() -> None:
    """A Marseille reply opened with "Figure 11 - Greenhouse gas emissions from transport - … ATMO Sud data.": it
    names what the chart shows and states none of it."""
    text = (
        "Figure 11 - Greenhouse gas emissions from transport - Scopes 1 and 2 - Marseille 2019\n\n"
        "Rysunek 2 Emisje w sektorze transportu\n\nTable 3 shows the emissions of transport in 2019.\n\n"
        "Road transport emits 80% of the sector's greenhouse gases."
    )
    assert [c.text for c in candidates([passage(0, text)])] == [
        "Table 3 shows the emissions of transport in 2019.",
        "Road transport emits 80% of the sector's greenhouse gases.",
    ]


def test_a_row_picked_to_lead_is_shown_even_when_it_is_not_on_the_place_asked() -> None:
    """A list question on Milan whose best row was about another place had an empty lead, and the reply failed."""
    rows = "| Country | Cities |\n|---|---|\n| Poland | Kraków, Łódź |\n| Sweden | Malmö, Lund |\n"
    everything = candidates([passage(0, rows)])
    for row in everything:
        row.on_place = False
    block, _ = in_context(everything[:1], everything)
    assert [c.text for c in block] == [everything[0].text]
