from collections.abc import Callable

from assistant.answering.replies import Reply
from assistant.ui.render import answer_html, banner_html, card_id, conversation_html, link_html, shortened
from assistant.ui.session import Turn
from tests.assistant.conftest import result


def test_known_markers_link_to_their_cards_and_unknown_ones_stay_text() -> None:
    out = answer_html(
        "Grants were €1 million [1]. Twinning lasts 12 months [2]. See [7].",
        3,
        {1: "Pilot Cities", 2: 'Twinning "guide"'},
    )
    link = f'<a class="nz-cite" href="#{card_id(3, 1)}" data-target="nz-src-3-1" title="Pilot Cities">[1]</a>'
    assert link in out
    assert 'title="Twinning &quot;guide&quot;">[2]</a>' in out
    assert "See [7]." in out


def test_answer_text_is_escaped_and_split_into_paragraphs() -> None:
    out = answer_html("Dear colleague,\n\n<script>window.pwned=1</script> [1]\nline two", 0, {1: "t"})
    assert out.startswith("<p>Dear colleague,</p><p>&lt;script&gt;window.pwned=1&lt;/script&gt; <a ")
    assert "<br>line two</p>" in out and "<script>" not in out


def test_only_http_urls_become_links_without_trailing_punctuation() -> None:
    out = answer_html("Sources:\n[1] Pilots (2024): https://example.org/a?x=1&y=2.", 0, {1: "Pilots"})
    assert '<a href="https://example.org/a?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">' in out
    assert out.endswith("</a>.</p>")
    assert link_html("javascript:alert(1)") == "javascript:alert(1)"
    assert "<a" not in answer_html("see javascript:alert(1) or /etc/passwd", 0, {})


def test_conversation_shows_each_turn_and_escapes_the_question(make_reply: Callable[..., Reply]) -> None:
    grants = "Grants were €1 million."
    reply = make_reply(f"{grants} [1]", [(result(grants), [grants])])
    turns = [
        Turn('<img src=x onerror="window.pwned=1">', "draft", "country=Finland", reply, done=True),
        Turn("and twinning?", "explore"),
    ]
    out = conversation_html(turns)
    assert "&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;" in out and "<img" not in out
    assert "mode: draft · filters: country=Finland" in out
    assert 'data-target="nz-src-0-1"' in out and "1 source cited · 0.8 s" in out
    assert "Searching the sources…" in out


def test_waiting_error_and_streaming_states() -> None:
    waiting = Turn("q", "start", waiting="Indexing documents: 3 of 9")
    assert "Indexing documents: 3 of 9" in conversation_html([waiting])
    assert 'class="nz-error"' in conversation_html([Turn("q", "start", done=True, error="failed")])
    assert "Ask about the EU Cities Mission" in conversation_html([])


def test_an_unfinished_reply_has_a_cursor_and_an_abstention_a_mark(make_reply: Callable[..., Reply]) -> None:
    reply = make_reply("Partial [1]", [(result("Partial."), [])])
    assert "nz-cursor" in conversation_html([Turn("q", "explore", reply=reply)])
    reply.abstained = True
    assert "nz-bot nz-abstain" in conversation_html([Turn("q", "explore", reply=reply, done=True)])


def test_banner_is_empty_without_a_message_and_escapes_one() -> None:
    assert banner_html("") == ""
    assert "&lt;b&gt;" in banner_html("<b>", bad=True) and "nz-bad" in banner_html("x", bad=True)


def test_suggested_questions_become_buttons_that_ask_them_and_stay_escaped() -> None:
    asks = ["How large are the grants?", 'What is <b>"Twinning"</b>?']
    text = "Grants were €1 million. [1]\n\nYou could also ask:\n- How large are the grants?\n- " + asks[1]
    out = answer_html(text, 0, {1: "Pilots"}, asks)
    assert '<button type="button" class="nz-ask-this" data-question="How large are the grants?">' in out
    assert 'data-question="What is &lt;b&gt;&quot;Twinning&quot;&lt;/b&gt;?"' in out and "<b>" not in out
    assert "- How large" not in out
    assert "<button" not in answer_html("- How large are the grants?", 0, {})  # not offered: plain text


def test_a_long_question_is_shortened_at_a_word_where_it_heads_something() -> None:
    long = "How do we start " + "and then what " * 300
    assert shortened(long).endswith("…") and len(shortened(long)) <= 91 and not shortened(long).endswith(" …")
    assert shortened("How large are the grants?") == "How large are the grants?"
