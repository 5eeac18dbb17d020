from assistant.ui.highlight import cited_spans, highlight_html

PASSAGE = (
    "## Grants\n\n- **Grants** were €0.5 million, €1 million or €1.5 million per pilot.\n"
    "The deadline moved to 15 November 2022 because of demand. "
    "See [the call](https://example.org/call) for the rules of Malmö."
)


def _marked(passage: str, sentences: list[str]) -> list[str]:
    return [passage[a:b] for a, b in cited_spans(passage, sentences)]


def test_cleaned_sentence_is_found_despite_bullets_emphasis_and_added_stop() -> None:
    assert _marked(PASSAGE, ["Grants were €0.5 million, €1 million or €1.5 million per pilot."]) == [
        "Grants** were €0.5 million, €1 million or €1.5 million per pilot."
    ]


def test_link_markup_and_accents_do_not_break_the_match() -> None:
    found = _marked(PASSAGE, ["See the call for the rules of Malmo."])
    assert found == ["See [the call](https://example.org/call) for the rules of Malmö."]


def test_a_sentence_not_in_the_passage_is_not_marked() -> None:
    assert cited_spans(PASSAGE, ["Lahti phased out coal in 2019 and runs a commuting pilot."]) == []


def test_a_slight_paraphrase_is_still_marked() -> None:
    found = _marked(PASSAGE, ["The deadline was moved to 15 November 2022 because of high demand."])
    assert found == ["The deadline moved to 15 November 2022 because of demand."]


def test_overlapping_sentences_merge_into_one_span() -> None:
    spans = cited_spans(
        PASSAGE, ["The deadline moved to 15 November 2022.", "moved to 15 November 2022 because of demand."]
    )
    assert len(spans) == 1


def test_highlight_escapes_the_passage_and_marks_only_the_cited_sentence() -> None:
    passage = "Heat pumps warm 4,000 homes. The operator wrote <script>window.pwned=1</script> by mistake."
    out = highlight_html(passage, ["Heat pumps warm 4,000 homes."])
    assert out.startswith('<mark class="nz-hl">Heat pumps warm 4,000 homes.</mark>')
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in out and "<script>" not in out


def test_highlight_escapes_inside_the_mark_too() -> None:
    out = highlight_html('Use <img src=x onerror="alert(1)"> with care.', ["Use img src x onerror alert 1 with care."])
    assert "<img" not in out and "&lt;img" in out and out.count("<mark") == 1
