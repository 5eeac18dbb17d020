"""One engine, three shapes: ``start`` (ordered first steps), ``explore`` (overview plus next questions) and
``draft`` (an email reply with a Sources list and a sign-off), and the matching honest "not in my sources".
"""

from __future__ import annotations

from assistant.answering.replies import Citation
from assistant.core.schema import Mode, shown_source, upload_label

SIGN_OFF = "Kind regards,\n[Your name]\n[Your team]"
# A draft leads into the sources' words instead of opening on the first of them ("Grant sizes: ...").
DRAFT_OPENING = "Dear colleague,\n\nThank you for your message. Here is what our sources say on your question.\n\n"


def _sentence(text: str, n: int) -> str:
    return f"{text} [{n}]"


def _lead_and_points(picks: list[tuple[str, int]], lead: int) -> str:
    """The sentences that answer as an opening paragraph, then every supporting point as a bullet, each cited."""
    opening = " ".join(_sentence(text, n) for text, n in picks[:lead])
    points = "\n".join(f"- {_sentence(text, n)}" for text, n in picks[lead:])
    return f"{opening}\n\n{points}" if points else opening


def sources_list(citations: list[Citation]) -> str:
    """The numbered Sources list that closes a draft, and that other shells (the OpenAI-compatible API) append."""
    lines = []
    for c in citations:
        where = f", {c.location}" if c.location else ""
        label = upload_label(c.result.chunk.metadata)
        marked = f" [{label}]" if label else ""
        lines.append(f"[{c.n}] {c.title}{marked}{where} ({c.date or 'undated'}): {shown_source(c.source)}")
    return "\n".join(lines)


def _as_of(citations: list[Citation]) -> str:
    dates = sorted(c.date for c in citations if c.date)
    return dates[-1] if dates else ""


def render(
    mode: str,
    picks: list[tuple[str, int]],
    citations: list[Citation],
    suggestions: list[str],
    foreign: bool = False,
    lead: int = 1,
    steps: bool = True,
) -> str:
    """The answer text for ``mode`` from (sentence, citation number) picks, the first ``lead`` of which answer the
    question and open the reply; the rest follow as supporting points. Every sentence keeps its ``[n]``. In
    ``start`` mode a question asking for a way forward (``steps``) gets the picks as numbered steps."""
    note = "(Answer drawn from English sources.)\n\n" if foreign else ""
    if mode == Mode.START and steps:
        steps = "\n".join(f"{i}. {_sentence(text, n)}" for i, (text, n) in enumerate(picks, start=1))
        return f"{note}Here is where to start, step by step:\n\n{steps}"
    body = _lead_and_points(picks, lead)
    if mode == Mode.DRAFT:
        as_of = _as_of(citations)
        dated = (
            f"\n\nThis reflects our sources as of {as_of}; please check the linked pages for updates." if as_of else ""
        )
        return f"{DRAFT_OPENING}{body}{dated}\n\nSources:\n{sources_list(citations)}\n\n{SIGN_OFF}"
    more = "\n".join(f"- {q}" for q in suggestions[:3]) if mode == Mode.EXPLORE else ""
    return f"{note}{body}" + (f"\n\nYou could also ask:\n{more}" if more else "")


def render_abstention(
    mode: str,
    off_topic: bool,
    nearby: list[str],
    suggestions: list[str],
    quote: str = "",
    sources: list[Citation] | None = None,
    filters: str = "",
) -> str:
    """A plain "my sources do not cover this", what they do cover nearby, and questions that can be answered.
    With ``quote``, the cited sentences that come closest: what the sources do say on the topic. Under a search
    filter, it says the filter narrowed the search and how to lift it."""
    if quote:
        core = f"My sources do not give a definite answer to this. What they say: {quote}"
    elif off_topic:
        core = (
            "I can only answer questions about the EU Mission for 100 Climate-Neutral and Smart Cities by 2030 "
            "and the NetZeroCities programme, from the documents I have."
        )
    else:
        core = "My sources do not cover this question, so I will not guess."
        if nearby:
            core += " Nearby, they cover: " + "; ".join(f"“{t}”" for t in nearby[:3]) + "."
    if filters:
        core += (
            f" I searched only the sources that match your filter ({filters}): clear it under “Filters” and ask "
            "again to search all of them."
        )
    ask = ("\n\nQuestions I can answer:\n" + "\n".join(f"- {q}" for q in suggestions[:3])) if suggestions else ""
    listed = f"\n\nSources:\n{sources_list(sources)}" if sources else ""
    if mode == Mode.DRAFT:
        return (
            f"Dear colleague,\n\nThank you for your message. {core} We suggest checking with the NetZeroCities "
            f"team or your city's NetZeroCities advisor, who can give a definitive answer.{ask}{listed}"
            f"\n\n{SIGN_OFF}"
        )
    return core + ask
