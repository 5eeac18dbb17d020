"""One engine, three shapes: ``start`` (ordered first steps), ``explore`` (overview plus next questions) and
``draft`` (an email reply with a Sources list and a sign-off), and the matching honest "not in my sources".
"""

from __future__ import annotations

from collections import OrderedDict

from assistant.answering.replies import Citation
from assistant.core.schema import Mode, location

SIGN_OFF = "Kind regards,\n[Your name]\n[Your team]"


def _sentence(text: str, n: int) -> str:
    return f"{text} [{n}]"


def _flow(picks: list[tuple[str, int]], listed: list[bool]) -> str:
    """Sentences as prose, but two or more list items or table rows in a row as a bulleted list of their own."""
    blocks: list[list[str]] = []
    bulleted: list[bool] = []
    for i, (text, n) in enumerate(picks):
        in_run = listed[i] and ((i > 0 and listed[i - 1]) or (i + 1 < len(picks) and listed[i + 1]))
        if not blocks or bulleted[-1] != in_run:
            blocks.append([])
            bulleted.append(in_run)
        blocks[-1].append(f"- {_sentence(text, n)}" if in_run else _sentence(text, n))
    return "\n\n".join(("\n" if is_list else " ").join(block) for block, is_list in zip(blocks, bulleted))


def _sources_list(citations: list[Citation]) -> str:
    lines = []
    for c in citations:
        where = f", {location(c.page, c.section)}" if c.page or c.section else ""
        lines.append(f"[{c.n}] {c.title}{where} ({c.date or 'undated'}): {c.source}")
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
    steps: bool = True,
    listed: list[bool] | None = None,
) -> str:
    """The answer text for ``mode`` from (sentence, citation number) picks; every sentence keeps its ``[n]``.
    ``steps`` is false when a city officer's question asks for a fact rather than a way forward; ``listed`` marks
    the picks that are list items or table rows, shown as a list when several follow each other."""
    note = "(Answer drawn from English sources.)\n\n" if foreign else ""
    listed = listed or [False] * len(picks)
    if mode == Mode.START and steps:
        steps = "\n".join(f"{i}. {_sentence(text, n)}" for i, (text, n) in enumerate(picks, start=1))
        return f"{note}Here is where to start, step by step:\n\n{steps}"
    if mode == Mode.DRAFT:
        paragraphs: OrderedDict[int, list[tuple[tuple[str, int], bool]]] = OrderedDict()
        paragraphs.setdefault(-1, []).append((picks[0], listed[0]))
        for pick, is_item in zip(picks[1:], listed[1:]):
            paragraphs.setdefault(pick[1], []).append((pick, is_item))
        body = "\n\n".join(
            _flow([p for p, _ in paragraph], [i for _, i in paragraph]) for paragraph in paragraphs.values()
        )
        as_of = _as_of(citations)
        dated = (
            f"\n\nThis reflects our sources as of {as_of}; please check the linked pages for updates." if as_of else ""
        )
        return (
            f"Dear colleague,\n\nThank you for your message. {body}{dated}\n\nSources:\n"
            f"{_sources_list(citations)}\n\n{SIGN_OFF}"
        )
    overview = _flow(picks, listed)
    more = "\n".join(f"- {q}" for q in suggestions[:3]) if mode == Mode.EXPLORE else ""
    return f"{note}{overview}" + (f"\n\nYou could also ask:\n{more}" if more else "")


def render_abstention(
    mode: str,
    off_topic: bool,
    nearby: list[str],
    suggestions: list[str],
    quote: str = "",
    sources: list[Citation] | None = None,
    missing: str = "",
) -> str:
    """A plain "my sources do not cover this", what they do cover nearby, and questions that can be answered.
    With ``quote``, the cited sentences closest to an answer: where the sources say the information is missing, or,
    with ``missing``, what they say on the topic without the kind of value (an amount, a date) that was asked for."""
    if quote and missing:
        core = f"I did not find the {missing} you ask for in the passages that match your question. Closest: {quote}"
    elif quote:
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
    ask = ("\n\nQuestions I can answer:\n" + "\n".join(f"- {q}" for q in suggestions[:3])) if suggestions else ""
    listed = f"\n\nSources:\n{_sources_list(sources)}" if sources else ""
    if mode == Mode.DRAFT:
        return (
            f"Dear colleague,\n\nThank you for your message. {core} We suggest checking with the NetZeroCities "
            f"team or your city's NetZeroCities advisor, who can give a definitive answer.{ask}{listed}"
            f"\n\n{SIGN_OFF}"
        )
    return core + ask
