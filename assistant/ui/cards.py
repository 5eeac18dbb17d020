"""The sources panel as HTML: one card per cited source of the current answer, with the cited sentences
marked, the other retrieved passages folded away, and earlier answers' sources folded below.
"""

from __future__ import annotations

import html

from assistant.core.schema import SearchResult, shown_source
from assistant.ui.highlight import highlight_markdown
from assistant.ui.render import card_id, link_html, shortened
from assistant.ui.session import Turn

EMPTY = (
    '<div class="nz-sources"><p class="nz-hint">The sources of each answer appear here: every cited '
    "passage with the sentences the answer used highlighted, its date and page or section, and a link "
    "to the original.</p></div>"
)


def facts(result: SearchResult, where: str | None = None) -> list[str]:
    """What a source is, on its card and in exports: type, city and country, date, page or section (``where``: a
    citation's, the heading over the sentence it cites)."""
    meta = result.chunk.metadata
    place = ", ".join(str(meta[k]) for k in ("city", "country") if meta.get(k))
    where = result.location if where is None else where
    shown = (str(meta.get("doc_type") or "document"), place, str(result.date or "undated"), where)
    return [fact for fact in shown if fact]


def _origin(result: SearchResult) -> str:
    """Where a passage comes from: a link, or a file by its name only (with its uploader, for an upload)."""
    source = result.source
    if source.startswith(("http://", "https://")):
        return link_html(source)
    if not source:
        return ""
    uploader = result.chunk.metadata.get("uploader")
    kind = f"Uploaded by {html.escape(str(uploader))}" if uploader else "Local file"
    return f'{kind}: <code class="nz-path">{html.escape(shown_source(source))}</code>'


def _badge(result: SearchResult) -> str:
    """The "unreviewed upload" mark an upload carries until an admin approves it."""
    if not result.chunk.unreviewed:
        return ""
    return ' <span class="nz-unreviewed">unreviewed upload</span>'


def card_html(result: SearchResult, element_id: str, label: str, sentences: list[str], where: str | None = None) -> str:
    """One source card: label, title, facts (type, place, date, page or section), origin, passage."""
    return (
        f'<div class="nz-card" id="{html.escape(element_id, quote=True)}">'
        f'<div class="nz-card-head"><span class="nz-n">{html.escape(label)}</span> '
        f'<span class="nz-title">{html.escape(result.title)}</span>{_badge(result)}</div>'
        f'<div class="nz-facts">{html.escape(" · ".join(facts(result, where)))}</div>'
        f'<div class="nz-origin">{_origin(result)}</div>'
        f'<div class="nz-passage">{highlight_markdown(result.text, sentences)}</div></div>'
    )


def _turn_cards(index: int, turn: Turn) -> str:
    reply = turn.reply
    if reply is None:
        return ""
    parts = [card_html(c.result, card_id(index, c.n), f"[{c.n}]", c.sentences, c.location) for c in reply.citations]
    if reply.abstained:
        parts.append('<p class="nz-hint">No passage covered this question well enough to answer it.</p>')
    cited = {c.result.chunk_id for c in reply.citations}
    others = [r for r in reply.sources if r.chunk_id not in cited]
    if others:
        folded = "".join(card_html(r, f"nz-ret-{index}-{r.rank}", "not cited", []) for r in others)
        parts.append(
            f'<details class="nz-more"><summary>{len(others)} other retrieved passage'
            f"{'s' if len(others) != 1 else ''} (not cited)</summary>{folded}</details>"
        )
    return "".join(parts)


def sources_html(turns: list[Turn]) -> str:
    """The panel for the latest turn, then every earlier turn's sources folded in one ``<details>``."""
    if not turns:
        return EMPTY
    last = len(turns) - 1
    parts = [
        '<div class="nz-sources">',
        f'<div class="nz-sources-for">Sources for “{html.escape(shortened(turns[last].question))}”</div>',
        _turn_cards(last, turns[last])
        or f'<p class="nz-hint">{"No sources." if turns[last].done else "Searching…"}</p>',
    ]
    earlier = [(i, t) for i, t in enumerate(turns[:last]) if t.reply is not None]
    if earlier:
        parts.append('<details class="nz-earlier"><summary>Sources of earlier answers</summary>')
        for index, turn in reversed(earlier):
            parts.append(f'<div class="nz-sources-for">{html.escape(shortened(turn.question))}</div>')
            parts.append(_turn_cards(index, turn))
        parts.append("</details>")
    parts.append("</div>")
    return "".join(parts)
