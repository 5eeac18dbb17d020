from collections.abc import Callable

from assistant.answering.replies import Reply
from assistant.ui.cards import EMPTY, card_html, sources_html
from assistant.ui.session import Turn
from tests.assistant.conftest import result

GRANTS = "The first call opened in 2022. Grants were €1 million per pilot. The deadline moved."


def test_a_card_shows_title_type_place_date_section_link_and_highlight() -> None:
    card = card_html(
        result(GRANTS, city="Lahti", country="Finland"), "nz-src-0-1", "[1]", ["Grants were €1 million per pilot."]
    )
    assert 'id="nz-src-0-1"' in card and '<span class="nz-n">[1]</span>' in card
    assert "Pilot Cities Programme" in card
    assert "guidance · Lahti, Finland · 2024-05-01 · section “Overview”" in card
    assert '<a href="https://example.org/pilots" target="_blank" rel="noopener noreferrer">' in card
    assert '<mark class="nz-hl">Grants were €1 million per pilot.</mark>' in card


def test_a_pdf_page_and_a_missing_date_are_shown() -> None:
    card = card_html(result(GRANTS, page=4, date=None, section=None), "x", "[2]", [])
    assert "guidance · undated · p. 4" in card


def test_a_local_file_is_shown_by_its_name_never_its_server_path() -> None:
    card = card_html(result(GRANTS, source="/srv/docs/pilots.md"), "x", "[1]", [])
    assert 'Local file: <code class="nz-path">pilots.md</code>' in card and "<a " not in card
    assert "/srv" not in card


def test_an_upload_shows_its_name_and_uploader_and_is_marked_until_approved() -> None:
    upload = result(GRANTS, source="plan.md", uploader="alice", status="unreviewed", file_name="plan.md")
    card = card_html(upload, "x", "[1]", [])
    assert 'Uploaded by alice: <code class="nz-path">plan.md</code>' in card
    assert '<span class="nz-unreviewed">unreviewed upload</span>' in card
    approved = card_html(result(GRANTS, source="plan.md", uploader="alice", status="approved"), "x", "[1]", [])
    assert "Uploaded by alice" in approved and "unreviewed" not in approved


def test_a_huge_title_is_capped() -> None:
    card = card_html(result(GRANTS, title="Heat plan " * 11_200), "x", "[1]", [])
    shown = card.split('<span class="nz-title">')[1].split("</span>")[0]
    assert len(shown) <= 300 and shown.endswith("…")


def test_hostile_document_text_title_and_source_are_escaped() -> None:
    hostile = result(
        'Wrote <script>window.pwned=1</script> and <img src=x onerror="window.pwned=1">.',
        title="<b>Heat</b> guide",
        source='javascript:alert("x")',
    )
    card = card_html(hostile, "x", "[1]", ["Wrote window.pwned=1 and img src x onerror window.pwned=1."])
    assert "<script" not in card and "<img" not in card and "<b>" not in card
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in card and "&lt;b&gt;Heat&lt;/b&gt; guide" in card
    assert "href=" not in card


def test_panel_shows_cited_sources_and_folds_the_rest(make_reply: Callable[..., Reply]) -> None:
    other = result("Twinning lasts 12 months.", title="Twinning", rank=2)
    reply = make_reply(
        "Grants were €1 million per pilot. [1]",
        [(result(GRANTS), ["Grants were €1 million per pilot."])],
        extra=[other],
    )
    panel = sources_html([Turn("How large are the grants?", "explore", reply=reply, done=True)])
    cited, folded = panel.split('<details class="nz-more">')
    assert 'id="nz-src-0-1"' in cited and "Twinning" not in cited
    assert "1 other retrieved passage (not cited)" in folded and 'id="nz-ret-0-2"' in folded
    assert "<mark" not in folded


def test_earlier_answers_keep_their_cards_folded_for_old_markers(make_reply: Callable[..., Reply]) -> None:
    first = make_reply("A [1]", [(result(GRANTS), [])], question="first")
    twinning = result("Twinning lasts 12 months.", title="Twinning")
    second = make_reply("B [1]", [(twinning, [])], question="second")
    panel = sources_html(
        [Turn("first", "explore", reply=first, done=True), Turn("second", "explore", reply=second, done=True)]
    )
    current, earlier = panel.split('<details class="nz-earlier">')
    assert "Sources for “second”" in current and 'id="nz-src-1-1"' in current
    assert 'id="nz-src-0-1"' in earlier


def test_panel_placeholders() -> None:
    assert sources_html([]) == EMPTY
    assert "Searching…" in sources_html([Turn("q", "explore")])
    assert "No sources." in sources_html([Turn("q", "explore", done=True, error="boom")])
