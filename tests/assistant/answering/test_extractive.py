"""The default answer engine: sentences picked from the passages with the real MiniLM model, never rewritten."""

from __future__ import annotations

import re

import numpy as np
import pytest

from assistant.answering.extractive import (
    Candidate,
    ExtractiveComposer,
    QuestionShape,
    _in_context,
    asks_of,
    candidates,
    refers_back,
    with_guide,
)
from assistant.answering.relevance import load_calibration
from assistant.core.schema import Chunk, SearchResult
from assistant.core.text import words
from assistant.index.bm25 import BM25Index
from assistant.index.embeddings import get_embedder

PILOTS = (
    "The Pilot Cities Programme funds city pilots across Europe. The first call opened on 5 September 2022. "
    "Grants were €0.5 million, €1 million or €1.5 million per pilot. Pilots test systemic change in several "
    "sectors at once."
)
TWINNING = (
    "Cities learn from each other through twinning. The twinning programme pairs cities for a year of "
    "exchange visits and workshops."
)
STEPS = (
    "A city that wants to join should take three steps:\n\n"
    "- Appoint a mission coordinator in the mayor's office.\n"
    "- Set up a transition team across departments.\n- Register on the NetZeroCities portal.\n\n"
    "The portal also lists the advisors who help new cities."
)
WAVES = (
    "The label waves are listed below.\n\n| City | Country | Wave |\n| --- | --- | --- |\n"
    "| Lahti | Finland | 2 |\n| Espoo | Finland | 1 |\n| Malmö | Sweden | 1 |"
)
LAHTI = (
    "Lahti phased out coal in 2019. Its SYCLA pilot works with employers on sustainable commuting. An agreement "
    "with the company Kempower gives the city a partner for workplace travel plans. The city reports a cut of "
    "about 70% in emissions against 1990. Commuters can log trips in the CitiCAP app and trade the credits."
)


def passage(n: int, text: str, title: str = "") -> SearchResult:
    chunk = Chunk(
        f"doc{n}::0000::x",
        f"doc{n}",
        text,
        {"title": title or f"Document {n}", "source": f"https://example.org/doc{n}", "date": "2024-05-01"},
    )
    return SearchResult(chunk, score=1.0 / (n + 1), rank=n + 1)


@pytest.fixture(scope="module")
def composer() -> ExtractiveComposer:
    texts = [PILOTS, TWINNING, STEPS, WAVES, LAHTI]
    bm25 = BM25Index.build([(f"doc{i}", text, {}) for i, text in enumerate(texts)])
    return ExtractiveComposer(get_embedder("minilm", 2), bm25, (0.1, 0.8))


def assert_quoted(picks: list[Candidate], results: list[SearchResult]) -> None:
    """Every word of every picked sentence is in the passage it came from."""
    assert picks
    for pick in picks:
        missing = set(words(pick.text)) - set(words(results[pick.source].text))
        assert not missing, (pick.text, missing)


def test_a_number_question_leads_with_the_sentence_that_has_the_number(composer: ExtractiveComposer) -> None:
    results = [passage(0, PILOTS), passage(1, TWINNING)]
    picks = composer.select("How large are the grants?", results, "explore")
    assert picks[0].text == "Grants were €0.5 million, €1 million or €1.5 million per pilot."
    assert re.search(r"\d", picks[0].text) and picks[0].source == 0
    assert_quoted(picks, results)


def test_a_date_question_leads_with_a_dated_sentence(composer: ExtractiveComposer) -> None:
    results = [passage(0, PILOTS), passage(1, TWINNING)]
    picks = composer.select("When did the first call open?", results, "explore")
    assert picks[0].text == "The first call opened on 5 September 2022."


def test_a_list_introduction_brings_its_items(composer: ExtractiveComposer) -> None:
    results = [passage(0, STEPS), passage(1, TWINNING)]
    picks = composer.select("What must a city do to join?", results, "explore")
    lead = picks[0].text
    assert lead.startswith("A city that wants to join should take three steps: Appoint a mission coordinator")
    assert "Set up a transition team across departments" in lead and "Register on the NetZeroCities portal" in lead
    assert sum("transition team" in p.text for p in picks) == 1  # the items are not repeated on their own
    assert_quoted(picks, results)


def test_table_rows_keep_their_column_names(composer: ExtractiveComposer) -> None:
    results = [passage(0, WAVES), passage(1, TWINNING)]
    picks = composer.select("Which wave was Lahti labelled in?", results, "explore")
    assert picks[0].text == "City: Lahti; Country: Finland; Wave: 2."
    assert not any(p.text.startswith("|") or "---" in p.text for p in picks)
    assert_quoted(picks, results)


def test_the_lead_comes_first_and_the_rest_follow_source_order(composer: ExtractiveComposer) -> None:
    results = [passage(0, LAHTI), passage(1, PILOTS), passage(2, TWINNING)]
    picks = composer.select(
        "What is Lahti's pilot doing about commuting and how did it cut emissions?", results, "explore"
    )
    assert len(picks) >= 3
    rest = [(p.source, p.position) for p in picks[1:]]
    assert rest == sorted(rest)
    assert max(picks, key=lambda p: p.score) is picks[0]
    assert_quoted(picks, results)


def test_steps_in_start_mode_keep_the_order_their_source_gives(composer: ExtractiveComposer) -> None:
    results = [passage(0, LAHTI), passage(1, TWINNING)]
    picks = composer.select("How do we start on commuting like Lahti?", results, "start")
    assert len(picks) >= 2
    assert [(p.source, p.position) for p in picks] == sorted((p.source, p.position) for p in picks)


def test_a_path_of_first_steps_comes_from_the_best_ranked_guide_alone(composer: ExtractiveComposer) -> None:
    """Steps mixed from two guides read as one path that neither gives: the best-ranked document's steps only."""
    other = (
        "A Mission City starts by drafting the three parts of its contract. Cities write the commitments "
        "first. They then draft the action plan and the investment plan."
    )
    results = [passage(0, STEPS), passage(1, other)]
    picks = composer.select("How do we start as a new city?", results, "start")
    assert picks and {p.source for p in picks} == {0}
    assert [p.position for p in picks] == sorted(p.position for p in picks)


def test_the_path_comes_from_the_best_ranked_document_that_gives_one(composer: ExtractiveComposer) -> None:
    selection = (
        "Cities outside the 112 were not selected in 2022. The Commission said they would still get "
        "support. No second call to join the group was announced."
    )
    results = [passage(0, selection), passage(1, STEPS)]
    picks = composer.select("We are a city outside the 112. How do we start?", results, "start")
    assert [p.text for p in picks] == [
        "Appoint a mission coordinator in the mayor's office.",
        "Set up a transition team across departments.",
        "Register on the NetZeroCities portal.",
    ]


def test_a_guide_whose_list_items_open_with_actions_gives_its_own_path_in_order(composer: ExtractiveComposer) -> None:
    guide = (
        "Many cities want to act on climate. The offer has three parts.\n\n"
        "1. **Register on the Portal (open at any time).** It is the entry point.\n"
        "2. **Form a transition team.** Staff from several departments drive the work.\n"
        "3. **Build an emissions baseline.** You need one early.\n"
        "4. **Join a discussion group (from September 2025).** Groups last six months."
    )
    second = (
        "4. **Join a discussion group (from September 2025).** Groups last six months.\n"
        "5. **Apply for twinning with a Mission City.**"
    )
    results = [passage(0, guide), passage(1, PILOTS)]
    results.append(SearchResult(Chunk("doc0::0001::y", "doc0", second, results[0].chunk.metadata), 0.1, 3))
    picks = composer.select("How do we start working towards climate neutrality?", results, "start")
    assert [p.text.split(" (")[0].split(".")[0] for p in picks] == [
        "Register on the Portal",
        "Form a transition team",
        "Build an emissions baseline",
        "Join a discussion group",
        "Apply for twinning with a Mission City",
    ]
    assert_quoted(picks, results)


def test_never_more_than_the_question_shape_allows(composer: ExtractiveComposer) -> None:
    results = [passage(0, LAHTI), passage(1, PILOTS), passage(2, TWINNING)]
    question = "How much did Lahti cut its emissions?"
    picks = composer.select(question, results, "explore")
    chosen = [p for p in picks if not p.shown_for_context]
    assert 1 <= len(chosen) <= QuestionShape.of(question).max_sentences("explore") == 3
    assert len(picks) - len(chosen) <= len(chosen) + 1  # context: the lead's next sentence, antecedents


def test_the_lead_is_followed_by_the_next_sentence_of_its_source(composer: ExtractiveComposer) -> None:
    results = [passage(0, PILOTS), passage(1, TWINNING)]
    picks = composer.select("How large are the grants?", results, "explore")
    assert picks[0].text.startswith("Grants were") and not picks[0].shown_for_context
    assert picks[1].text == "Pilots test systemic change in several sectors at once."
    assert picks[1].shown_for_context and picks[1].source == 0


def test_the_lead_is_not_read_on_into_the_next_section(composer: ExtractiveComposer) -> None:
    text = (
        "## Pilot grants\n\nGrants were €0.5 million, €1 million or €1.5 million per pilot.\n\n"
        "## Twinning\n\nThe twinning programme pairs cities for a year of exchange visits."
    )
    results = [passage(0, text), passage(1, TWINNING)]
    picks = composer.select("How large are the pilot grants?", results, "explore")
    assert picks[0].text.startswith("Grants were") and picks[0].heading == "Pilot grants"
    assert not any(p.shown_for_context for p in picks)


def test_after_the_lead_a_sentence_on_the_question_s_other_ask_goes_first() -> None:
    texts = ["KTH co-signed.", "KTH is a university.", "It aims higher."]
    pool = [Candidate(text, 0, i) for i, text in enumerate(texts)]
    vectors, scores = np.eye(3), np.asarray([1.0, 0.7, 0.65])
    novelty = np.asarray([[0.25, 0.0], [0.25, 0.0], [0.0, 0.25]])  # terms "co-signed", "aiming"
    plain = ExtractiveComposer._mmr(pool, vectors, scores, 2, 0.9, np.zeros_like(novelty))
    both = ExtractiveComposer._mmr(pool, vectors, scores, 2, 0.9, novelty)
    assert [c.text for c in plain] == ["KTH co-signed.", "KTH is a university."]
    assert [c.text for c in both] == ["KTH co-signed.", "It aims higher."]


def test_a_sentence_introducing_a_list_is_judged_with_its_items(composer: ExtractiveComposer) -> None:
    text = (
        "The Covenant of Mayors was launched by the Commission in 2008 and grew quickly across Europe.\n\n"
        "Cities that joined from 2015 onwards commit to:\n\n- cutting emissions by at least 40% by 2030;\n"
        "- handing in a climate action plan within two years of joining;\n"
        "- sending a monitoring report every two years."
    )
    results = [passage(0, text), passage(1, TWINNING)]
    picks = composer.select("How often must a Covenant city send its monitoring report?", results, "explore")
    intro = next(p for p in picks if p.text.startswith("Cities that joined from 2015 onwards commit to:"))
    assert intro.lexical > 0.3 and "sending a monitoring report every two years" in intro.text


def test_a_pick_comes_with_the_next_sentence_when_that_one_goes_on_about_it() -> None:
    texts = [
        "The recipe has three steps.",
        "Sønderborg's heat comes from waste.",
        "ProjectZero is a partnership set up in 2007.",
        "Its goal is a carbon-neutral energy system by 2029.",
        "Cities elsewhere copy it.",
    ]
    everything = [Candidate(text, 0, i) for i, text in enumerate(texts)]
    lead, rest = _in_context([everything[0], everything[2], everything[1]], everything)
    assert [c.text for c in [*lead, *rest]] == [texts[0], texts[2], texts[3], texts[1]]
    assert [c.shown_for_context for c in rest] == [False, True, False]
    lead, rest = _in_context([everything[0], everything[1]], everything)  # "Cities elsewhere ..." does not go on
    assert [c.text for c in [*lead, *rest]] == texts[:2]


def test_a_question_s_asks_are_split_at_question_marks_and_joined_asks() -> None:
    assert asks_of("Which cities run networks, and how many companies are in Sweden's?") == [
        "Which cities run networks,",
        "and how many companies are in Sweden's?",
    ]
    assert asks_of("Sind es acht oder neun? Welche Städte nennen welche Zahl?") == [
        "Sind es acht oder neun?",
        "Welche Städte nennen welche Zahl?",
    ]
    assert asks_of("What is Lahti's target") == ["What is Lahti's target"]


def test_a_first_ask_naming_no_place_is_answered_from_every_place(composer: ExtractiveComposer) -> None:
    networks = (
        "| City | Network |\n| --- | --- |\n"
        "| Helsinki | Helsinki Climate Partners |\n| Stockholm | Stockholm Climate Pact |\n\n"
        "In Sweden, local climate contracts with businesses reach more than 500 companies."
    )
    results = [passage(0, networks), passage(1, TWINNING)]
    both = composer.select(
        "Which cities have business climate networks, and how many companies are in Sweden's local climate contracts?",
        results,
        "explore",
    )
    assert any("Helsinki Climate Partners" in p.text for p in both) and any("500" in p.text for p in both)
    swedish = composer.select("Which cities in Sweden have business climate networks?", results, "explore")
    assert not any("Helsinki" in p.text for p in swedish)


def test_a_pick_that_refers_back_comes_with_the_sentence_it_refers_to(composer: ExtractiveComposer) -> None:
    cohorts = (
        "Cohort 1 of the programme was announced in March 2023. They were chosen from 103 applications "
        "in 33 countries. Cohort 2 opened in the autumn."
    )
    results = [passage(0, cohorts), passage(1, TWINNING)]
    picks = composer.select("How many applications were there?", results, "explore")
    texts = [p.text for p in picks]
    lead = texts.index("They were chosen from 103 applications in 33 countries.")
    assert lead > 0 and texts[lead - 1] == "Cohort 1 of the programme was announced in March 2023."
    assert picks[lead - 1].shown_for_context and not picks[lead].shown_for_context
    assert_quoted(picks, results)


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


def test_no_usable_sentence_gives_no_picks(composer: ExtractiveComposer) -> None:
    assert composer.select("How large are the grants?", [passage(0, "Grants? Yes.")], "explore") == []


def test_first_steps_never_include_what_the_sources_do_not_say(composer: ExtractiveComposer) -> None:
    unknown = (
        "Our sources do not say how a new city could join the Mission. A city that wants to join should "
        "take three steps in its first year."
    )
    results = [passage(0, unknown), passage(1, STEPS)]
    picks = composer.select("How do we start as a new city?", results, "start")
    assert picks and not any("do not say" in p.text for p in picks)
    explored = composer.select("How could a new city join the Mission?", results, "explore")
    assert any("do not say" in p.text for p in explored)


def test_a_label_row_under_a_caption_names_the_columns() -> None:
    table = (
        "|  A-1.3: GHG emissions by source sectors  |   |   |   |\n| --- | --- | --- | --- |\n"
        "|  Base year |   | 2022  |   |\n|   | Scope 1 | Scope 2 | Total  |\n"
        "|  Buildings | 81.465 | 512.703 | 594.167  |\n|  Total | 942.776 | 512.703 | 1.455.478  |"
    )
    rows = [c.text for c in candidates([passage(0, table)])]
    assert "Total; Scope 1: 942.776; Scope 2: 512.703; Total: 1.455.478." in rows
    assert not any("Scope 1; Scope 2" in row for row in rows)  # the label row is not a row of values


def test_a_table_row_comes_with_the_rows_of_its_table(composer: ExtractiveComposer) -> None:
    results = [passage(0, WAVES), passage(1, TWINNING)]
    picks = composer.select("Which label wave were the Nordic cities in?", results, "explore")
    rows = [p for p in picks if p.is_item]
    assert [p.text for p in rows] == [
        "City: Lahti; Country: Finland; Wave: 2.",
        "City: Espoo; Country: Finland; Wave: 1.",
        "City: Malmö; Country: Sweden; Wave: 1.",
    ]
    assert sum(not p.shown_for_context for p in rows) >= 1
    espoo = [p for p in composer.select("Which wave was Espoo labelled in?", results, "explore") if p.is_item]
    assert [p.text for p in espoo] == ["City: Espoo; Country: Finland; Wave: 1."]  # not the rows on other cities


def test_sentences_closer_than_the_duplicate_level_are_not_picked_twice(composer: ExtractiveComposer) -> None:
    results = [passage(0, LAHTI), passage(1, PILOTS)]
    question = "Tell me about Lahti's commuting work and partners"
    strict = ExtractiveComposer(composer.embedder, composer.bm25, (0.1, 0.8), duplicate_at=-1.0)
    assert len([p for p in strict.select(question, results, "explore") if not p.shown_for_context]) == 1
    assert len([p for p in composer.select(question, results, "explore") if not p.shown_for_context]) > 1


def test_e5_keeps_two_similar_but_distinct_sentences_for_a_french_question() -> None:
    """e5 puts "Lahti cut 70%" and "Espoo cut 22%" at cosine 0.94: a duplicate by MiniLM's measure, not by e5's."""
    params = load_calibration()["e5"]
    e5 = ExtractiveComposer(
        get_embedder("e5"), None, (params["sentence_lo"], params["sentence_hi"]), duplicate_at=params["duplicate_at"]
    )
    results = [
        passage(0, "Lahti cut its emissions by 70% against 1990. Espoo cut its emissions by 22% against 1990."),
        passage(1, TWINNING),
    ]
    picks = e5.select("De combien Lahti et Espoo ont-elles réduit leurs émissions ?", results, "explore")
    texts = " ".join(p.text for p in picks)
    assert "70%" in texts and "22%" in texts
    assert_quoted(picks, results)


@pytest.mark.parametrize(
    ("question", "parts", "number"),
    [
        ("How many actions does the contract have and how much does it cost?", 2, True),
        ("Quante azioni prevede il contratto di Bologna e quanti partner lo hanno firmato?", 2, True),
        ("Mit wem hat Mannheim den Plan erarbeitet und womit verfolgt die Stadt den Fortschritt?", 2, False),
        ("¿Cuántas toneladas emitió Madrid y cuándo se midió?", 2, True),
        ("Combien de villes ont signé et quand ?", 2, True),
        ("Ile miast podpisało umowę i kiedy?", 2, True),
        ("What is a Climate City Contract?", 1, False),
    ],
)
def test_question_shape_counts_joined_asks_and_amounts_in_each_language(
    question: str, parts: int, number: bool
) -> None:
    shape = QuestionShape.of(question)
    assert (shape.parts, shape.wants_number) == (parts, number)


def test_a_question_asking_for_the_steps_gets_the_guides_path_in_explore_mode_too(composer: ExtractiveComposer) -> None:
    phases = (
        "The Map has six phases.\n\n1. **Build a strong mandate.** Bring the people together.\n"
        "2. **Understand the system.** Look at the city from several sides.\n"
        "3. **Take action.** Plan the work and carry it out.\n4. **Make it the new normal.** Embed what works."
    )
    picks = composer.select(
        "What are the steps of the map, in order?", [passage(0, phases), passage(1, PILOTS)], "explore"
    )
    assert [p.text.split(".")[0] for p in picks] == [
        "Build a strong mandate",
        "Understand the system",
        "Take action",
        "Make it the new normal",
    ]


@pytest.mark.parametrize(
    ("question", "definitional"),
    [
        ("What is a Climate City Contract?", True),
        ("What are Online Discussion Groups?", True),
        ("Qu'est-ce qu'un contrat climatique ?", True),
        ("What is Heidelberg doing about heating in its climate contract?", False),
        ("What is the deadline?", True),
        ("How do we start?", False),
    ],
)
def test_question_shape_knows_a_request_for_an_overview(question: str, definitional: bool) -> None:
    assert QuestionShape.of(question).definitional is definitional


def test_an_overview_reads_on_from_the_lead_and_takes_a_table_it_meets_whole(composer: ExtractiveComposer) -> None:
    contract = (
        "A climate contract is the plan through which a city sets out how it will reach climate neutrality. "
        "The city writes it with its partners. The Commission endorses it with a label.\n\n"
        "| Part | Name |\n| --- | --- |\n| 1 | Commitments |\n| 2 | Action Plan |\n| 3 | Investment Plan |\n\n"
        "Many cities started from older plans."
    )
    results = [passage(0, contract), passage(1, TWINNING)]
    picks = composer.select("What is a climate contract?", results, "explore")
    assert [p.text for p in picks] == [
        "A climate contract is the plan through which a city sets out how it will reach climate neutrality.",
        "The city writes it with its partners.",
        "The Commission endorses it with a label.",
        "Part: 1; Name: Commitments.",
        "Part: 2; Name: Action Plan.",
        "Part: 3; Name: Investment Plan.",
    ]


def test_a_row_on_the_place_asked_about_comes_without_the_rows_on_other_places(composer: ExtractiveComposer) -> None:
    countries = (
        "| Country | Mission Cities |\n| --- | --- |\n| Latvia | Liepāja, Riga |\n| Lithuania | Tauragė, "
        "Vilnius |\n| Netherlands | Amsterdam, Groningen, Rotterdam |\n| Poland | Kraków, Łódź, Rzeszów, "
        "Warsaw, Wrocław |\n| Portugal | Guimarães, Lisbon, Porto |"
    )
    picks = composer.select("Which cities in Poland are Mission Cities?", [passage(0, countries)], "explore")
    assert picks[0].text == "Country: Poland; Mission Cities: Kraków, Łódź, Rzeszów, Warsaw, Wrocław."
    assert not any(name in p.text for p in picks for name in ("Latvia", "Lithuania", "Netherlands", "Portugal"))


def test_a_row_holding_an_amount_under_a_two_level_label_is_a_value_not_a_header() -> None:
    outline = (
        "| Impact & cost | Indicator | Value |\n| --- | --- | --- |\n"
        "| Impact & cost | GHG emissions reduction estimate | 14.342 t CO2eq |\n"
        "|   | Total costs and costs by CO2eq unit | € 21.827.000 € 1.522 /t CO2 |"
    )
    rows = [c.text for c in candidates([passage(0, outline)])]
    assert any("€ 21.827.000" in row for row in rows)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "A city inventory covers five sectors:\n\n1. Stationary energy.\n2. Transportation and mobility.\n"
            "3. Waste and wastewater.\n4. Industrial processes.\n5. Agriculture and land use.\n\n"
            "Start the inventory early so that targets have a baseline.",
            "How do we start an emissions inventory?",
        ),
        (
            "NetZeroCities at a glance:\n\n- Start: 1 October 2021, with the Mission.\n"
            "- Plan of work: four years of support for the cities.\n- Call 1 (2022): 53 pilot cities selected.\n"
            "- Report 2024: the platform widened its offer.\n\nCities can begin by registering on the portal.",
            "How do we start with NetZeroCities?",
        ),
    ],
)
def test_a_list_of_things_or_of_labelled_facts_is_not_taken_for_a_path(
    composer: ExtractiveComposer, text: str, question: str
) -> None:
    picks = composer.select(question, [passage(0, text)], "start")
    assert picks and not all(p.is_item for p in picks)


def test_short_rows_beside_the_row_asked_about_are_left_out_when_they_name_other_places(
    composer: ExtractiveComposer,
) -> None:
    rows = (
        "The Mission Cities in each EU country are listed below.\n\n- Germany: Aachen, Münster.\n- Greece: Trikala.\n"
        "- Italy: Bergamo, Bologna, Milan, Prato, Turin.\n- Latvia: Liepāja."
    )
    picks = composer.select("Which Mission Cities are in Italy?", [passage(0, rows)], "explore")
    assert any("Italy" in p.text for p in picks)
    assert not any(name in p.text for p in picks for name in ("Germany", "Greece", "Latvia"))


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


def test_a_passage_opening_with_a_heading_over_a_list_answers_with_the_list(composer: ExtractiveComposer) -> None:
    text = "## The four work streams\n\n- City Finance Specialists\n- Project Preparation\n- Neutral Capital Centre"
    results = [passage(0, text), passage(1, TWINNING)]
    picks = composer.select("What are the work streams of the Hub?", results, "explore")
    assert picks[0].text == (
        "The four work streams: City Finance Specialists; Project Preparation; Neutral Capital Centre."
    )


def test_a_question_heading_is_not_read_as_an_intro() -> None:
    text = "## What does it offer?\n\n- Advice on funding\n- Investor contacts"
    assert not any(c.text.startswith("What does it offer") for c in candidates([passage(0, text)]))


def test_a_sentence_repeating_a_pick_is_passed_over_and_the_pick_goes_on() -> None:
    pool = [
        Candidate("Nine German cities were selected.", 0, 0),
        Candidate("Nine German cities were chosen.", 1, 0),
        Candidate("Aachen, Dortmund and Münster are among them.", 2, 0),
    ]
    vectors = np.asarray([[1.0, 0.0], [0.99, 0.141], [0.6, 0.8]])
    picks = ExtractiveComposer._mmr(
        pool, vectors, np.asarray([1.0, 0.9, 0.6]), limit=3, duplicate_at=0.92, novelty=np.zeros((3, 1))
    )
    assert [p.text for p in picks] == [pool[0].text, pool[2].text]


def test_rows_on_another_wave_than_the_one_asked_are_left_out(composer: ExtractiveComposer) -> None:
    rows = (
        "| Wave | When | New labels |\n| --- | --- | --- |\n| Wave 1 | October 2023 | 10 |\n"
        "| Wave 2 | March 2024 | 23 |\n| Wave 3 | October 2024 | 20 |"
    )
    picks = composer.select("How many new labels came in the second wave?", [passage(0, rows)], "explore")
    assert picks[0].text.startswith("Wave: Wave 2") and not any("Wave 1" in p.text or "Wave 3" in p.text for p in picks)


def test_a_guide_whose_sections_are_numbered_steps_gives_them_as_its_path(composer: ExtractiveComposer) -> None:
    guide = (
        "## Step 1: Meet your city advisor\n\nEach Mission City gets an advisor from NetZeroCities.\n\n"
        "## Step 2: Register on the Portal\n\nThe Portal opened in September 2022 for all cities.\n\n"
        "## Step 3: Write its three parts\n\n- Commitments\n- Action Plan\n- Investment Plan\n\n"
        "## Who reviews it?\n\nThe Commission reviews every contract."
    )
    picks = composer.select("How do we start as a Mission City?", [passage(0, guide), passage(1, TWINNING)], "start")
    assert [p.text for p in picks] == [
        "Meet your city advisor: Each Mission City gets an advisor from NetZeroCities.",
        "Register on the Portal: The Portal opened in September 2022 for all cities.",
        "Write its three parts.",
    ]


def test_a_question_on_where_to_begin_gets_the_first_step_in_full(composer: ExtractiveComposer) -> None:
    guide = (
        "## Step 1: Meet your city advisor\n\nEach Mission City gets an advisor from NetZeroCities. The advisor "
        "holds a City Discovery Meeting with the city. The advisor stays the city's main contact.\n\n"
        "## Step 2: Register on the Portal\n\nThe Portal opened in September 2022 for all cities. It holds the "
        "contract templates.\n\n"
        "## Step 3: Write its three parts\n\n- Commitments\n- Action Plan\n- Investment Plan"
    )
    picks = composer.select(
        "We were just selected. What happens first?", [passage(0, guide), passage(1, TWINNING)], "start"
    )
    assert [p.text for p in picks] == [
        "Meet your city advisor: Each Mission City gets an advisor from NetZeroCities. The advisor holds a City "
        "Discovery Meeting with the city. The advisor stays the city's main contact.",
        "Register on the Portal: The Portal opened in September 2022 for all cities.",
        "Write its three parts.",
    ]


def test_a_guide_is_read_on_to_its_steps_when_only_its_opening_ranked() -> None:
    selection = passage(0, "The Commission selected 112 cities in 2022 after a call for expressions of interest.")
    opening = SearchResult(
        Chunk(
            "doc1::0000::a",
            "doc1",
            "## Who this page is for\n\nThis page follows a selected city from its first contact to the label.",
            {"title": "Getting started"},
        ),
        0.5,
        2,
    )
    rest = [
        SearchResult(
            Chunk(
                f"doc1::000{n}::s",
                "doc1",
                f"## Step {n}: {step}\n\n{detail}",
                {"title": "Getting started", "position": n},
            ),
            0.0,
        )
        for n, (step, detail) in enumerate(
            [
                ("Meet your city advisor", "NetZeroCities assigns each city one."),
                ("Register on the Portal", "It holds the templates."),
                ("Write the contract", "It has three parts."),
            ],
            start=1,
        )
    ]
    documents = {"doc0": [selection], "doc1": [opening, *rest]}
    read_on = with_guide([selection, opening], documents.__getitem__)
    assert [r.chunk_id for r in read_on] == ["doc0::0000::x", "doc1::0000::a", *(r.chunk_id for r in rest)]
    assert with_guide(read_on, documents.__getitem__) == read_on  # a path already shown is not looked for again


def test_an_item_answering_a_question_that_asks_for_no_list_comes_first(composer: ExtractiveComposer) -> None:
    lessons = (
        "Lahti has learnt from its pilots.\n\n"
        "- **Work with employers on commuting.** Workplaces shape daily trips.\n"
        "- **Reward behaviour directly.** CitiCAP tested personal incentives in an app.\n"
        "- **Combine energy and transport.** Lahti ended coal in 2019 and reports a cut of about 70%.\n"
    )
    case = SearchResult(Chunk("lahti::0000::x", "lahti", lessons, {"title": "Lahti case study", "city": "Lahti"}), 1.0)
    picks = composer.select("What is Lahti doing about coal?", [case, passage(1, TWINNING)], "explore")
    assert picks[0].text.startswith("Combine energy and transport. Lahti ended coal in 2019")
    assert any(p.text.startswith("Work with employers") for p in picks[1:])  # the list it belongs to follows
