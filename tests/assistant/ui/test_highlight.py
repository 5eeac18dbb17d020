from assistant.ui.highlight import cited_spans, highlight_markdown

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
    out = highlight_markdown(passage, ["Heat pumps warm 4,000 homes."])
    assert out.startswith('<p><mark class="nz-hl">Heat pumps warm 4,000 homes.</mark>')
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in out and "<script>" not in out


def test_highlight_escapes_inside_the_mark_too() -> None:
    out = highlight_markdown(
        'Use <img src=x onerror="alert(1)"> with care.', ["Use img src x onerror alert 1 with care."]
    )
    assert "<img" not in out and "&lt;img" in out and out.count("<mark") == 1


def test_markdown_headings_lists_and_tables_render_with_the_mark_inside_its_block() -> None:
    passage = (
        "## Who this page is for\nCities **outside** the Mission.\n\n- Join a group.\n- Apply for\n  Twinning.\n\n"
        "| Call | Deadline |\n|---|---|\n| Pilot Cities | 15 November 2022 |\n"
    )
    out = highlight_markdown(passage, ["Apply for Twinning."])
    assert "<h2>Who this page is for</h2>" in out and "<strong>outside</strong>" in out
    assert '<li><mark class="nz-hl">Apply for</mark>\n<mark class="nz-hl">Twinning.</mark></li>' in out
    assert "<table>" in out and "<td>15 November 2022</td>" in out and "|---|" not in out


def test_a_mark_across_a_tables_header_and_rows_keeps_the_table() -> None:
    passage = "| Part | Name |\n|---|---|\n| 1 | **Commitments** |\n| 2 | Action Plan |\n"
    out = highlight_markdown(passage, ["Part Name 1 Commitments"])
    assert "<table>" in out and "|" not in out
    assert '<td><mark class="nz-hl"> <strong>Commitments</strong></mark></td>' in out


def test_a_documents_links_images_and_html_stay_harmless() -> None:
    out = highlight_markdown(
        "[click](javascript:alert(1)) ![x](https://tracker.example/p.gif)\n\n<div onclick=x>raw</div>", []
    )
    assert "javascript:" not in out.replace("[click](javascript:alert(1))", "")
    assert "<img" not in out and "<div" not in out and "&lt;div onclick=x&gt;raw&lt;/div&gt;" in out
