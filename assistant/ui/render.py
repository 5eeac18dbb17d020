"""The chat as HTML. Every piece of text from users or documents is escaped here; the only markup added is
ours: ``[n]`` markers become links to their source cards and http(s) URLs become links.
"""

from __future__ import annotations

import html
import re

from assistant.ui.session import Turn

_TOKEN = re.compile(r"\[(\d+)\]|(https?://[^\s<>\"'\])]+)")
_PARAGRAPH = re.compile(r"\n\s*\n")
_ASK_START, _ASK_END = "\ue002", "\ue003"  # stand for a suggested question's button while the text is escaped
HEADING_CHARS = 90  # a question longer than this is shortened where it heads something
WELCOME = (
    '<div class="nz-chat"><div class="nz-welcome"><p><strong>Ask about the EU Cities Mission and '
    "NetZeroCities.</strong> Answers come only from the indexed documents, each claim with a numbered "
    "source you can open; when the sources do not cover a question, the assistant says so.</p>"
    "<p>Pick a mode and a starter question above, or type your own.</p></div></div>"
)


def card_id(turn: int, n: int) -> str:
    """The DOM id of citation ``n``'s source card in turn ``turn``: what a ``[n]`` link points at."""
    return f"nz-src-{turn}-{n}"


def link_html(url: str) -> str:
    """An http(s) URL as a link that opens in a new tab; anything else as plain escaped text."""
    if not url.startswith(("http://", "https://")):
        return html.escape(url)
    safe = html.escape(url, quote=True)
    return f'<a href="{safe}" target="_blank" rel="noopener noreferrer">{safe}</a>'


def shortened(question: str, limit: int = HEADING_CHARS) -> str:
    """A question as a heading shows it: whole when short, else cut at a word with an ellipsis."""
    flat = " ".join(question.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _ask_button(question: str) -> str:
    safe = html.escape(question, quote=True)
    return f'<button type="button" class="nz-ask-this" data-question="{safe}">{safe}</button>'


def answer_html(text: str, turn: int, titles: dict[int, str], suggestions: list[str] | None = None) -> str:
    """An answer's text as paragraphs, with each ``[n]`` of a known citation linked to its card and each listed
    suggested question (``- question``) a button that asks it."""
    asks = list(dict.fromkeys(suggestions or []))
    lines = [
        f"{_ASK_START}{asks.index(line[2:])}{_ASK_END}" if line.startswith("- ") and line[2:] in asks else line
        for line in text.replace(_ASK_START, "").replace(_ASK_END, "").split("\n")
    ]
    text = "\n".join(lines)
    pieces: list[str] = []
    cursor = 0
    for match in _TOKEN.finditer(text):
        pieces.append(html.escape(text[cursor : match.start()]))
        cursor = match.end()
        if match.group(1):
            n = int(match.group(1))
            if n in titles:
                target = card_id(turn, n)
                pieces.append(
                    f'<a class="nz-cite" href="#{target}" data-target="{target}" '
                    f'title="{html.escape(titles[n], quote=True)}">[{n}]</a>'
                )
            else:
                pieces.append(html.escape(match.group()))
        else:
            url = match.group(2).rstrip(".,;:")
            cursor = match.start(2) + len(url)
            pieces.append(link_html(url))
    pieces.append(html.escape(text[cursor:]))
    body = "".join(
        f"<p>{part.strip(chr(10)).replace(chr(10), '<br>')}</p>"
        for part in _PARAGRAPH.split("".join(pieces))
        if part.strip()
    )
    for number, question in enumerate(asks):
        body = body.replace(f"{_ASK_START}{number}{_ASK_END}", _ask_button(question))
    return body


def _reply_html(index: int, turn: Turn) -> str:
    if turn.error:
        return f'<p class="nz-error">{html.escape(turn.error)}</p>'
    if turn.waiting:
        return f'<p class="nz-waiting">{html.escape(turn.waiting)}</p>'
    if turn.reply is None:
        return '<p class="nz-waiting">Searching the sources…</p>'
    reply = turn.reply
    body = answer_html(reply.answer, index, {c.n: c.title for c in reply.citations}, reply.suggestions)
    if not turn.done:
        return body + '<span class="nz-cursor" aria-hidden="true"></span>'
    facts = [f"{len(reply.citations)} source{'s' if len(reply.citations) != 1 else ''} cited"]
    if "total" in reply.timings_ms:
        facts.append(f"{reply.timings_ms['total'] / 1000:.1f} s")
    if reply.notice:
        facts.append(reply.notice)
    return body + f'<div class="nz-facts">{html.escape(" · ".join(facts))}</div>'


def conversation_html(turns: list[Turn]) -> str:
    """Every turn as a user bubble and an assistant bubble; a short welcome when there are none."""
    if not turns:
        return WELCOME
    parts = ['<div class="nz-chat">']
    for index, turn in enumerate(turns):
        context = f"mode: {turn.mode}" + (f" · filters: {turn.filters}" if turn.filters else "")
        abstained = " nz-abstain" if turn.reply is not None and turn.reply.abstained else ""
        parts.append(
            f'<div class="nz-msg nz-user"><div class="nz-bubble">{html.escape(turn.question)}</div>'
            f'<div class="nz-context">{html.escape(context)}</div></div>'
            f'<div class="nz-msg nz-bot{abstained}" id="nz-turn-{index}">'
            f'<div class="nz-bubble">{_reply_html(index, turn)}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


def banner_html(message: str, bad: bool = False) -> str:
    """A one-line notice above the chat (indexing progress, a failure); empty when there is nothing to say."""
    if not message:
        return ""
    return f'<div class="nz-banner{" nz-bad" if bad else ""}" role="status">{html.escape(message)}</div>'
