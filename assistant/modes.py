"""One engine, three shapes: ``start`` (ordered first steps), ``explore`` (overview plus next questions) and
``draft`` (an email reply with a Sources list and a sign-off), and the matching honest "not in my sources".
"""

from __future__ import annotations

from collections import OrderedDict

from assistant.replies import Citation

SIGN_OFF = "Kind regards,\n[Your name]\n[Your team]"


def _sentence(text: str, n: int) -> str:
    return f"{text} [{n}]"


def _sources_list(citations: list[Citation]) -> str:
    lines = []
    for c in citations:
        where = f", p. {c.page}" if c.page else (f", section “{c.section.split(' > ')[-1]}”" if c.section else "")
        lines.append(f"[{c.n}] {c.title}{where} ({c.date or 'undated'}): {c.source}")
    return "\n".join(lines)


def _as_of(citations: list[Citation]) -> str:
    dates = sorted(c.date for c in citations if c.date)
    return dates[-1] if dates else ""


def render(mode: str, picks: list[tuple[str, int]], citations: list[Citation], suggestions: list[str],
           foreign: bool = False, steps: bool = True) -> str:
    """The answer text for ``mode`` from (sentence, citation number) picks; every sentence keeps its ``[n]``.
    ``steps`` is false when a city officer's question asks for a fact rather than a way forward."""
    note = "(Answer drawn from English sources.)\n\n" if foreign else ""
    if mode == "start" and steps:
        steps = "\n".join(f"{i}. {_sentence(text, n)}" for i, (text, n) in enumerate(picks, start=1))
        return f"{note}Here is where to start, step by step:\n\n{steps}"
    if mode == "draft":
        paragraphs: OrderedDict[int, list[str]] = OrderedDict()
        lead_text, lead_n = picks[0]
        paragraphs.setdefault(-1, []).append(_sentence(lead_text, lead_n))
        for text, n in picks[1:]:
            paragraphs.setdefault(n, []).append(_sentence(text, n))
        body = "\n\n".join(" ".join(p) for p in paragraphs.values())
        as_of = _as_of(citations)
        dated = f"\n\nThis reflects our sources as of {as_of}; please check the linked pages for updates." if as_of else ""
        return (f"Dear colleague,\n\nThank you for your message. {body}{dated}\n\nSources:\n"
                f"{_sources_list(citations)}\n\n{SIGN_OFF}")
    overview = " ".join(_sentence(text, n) for text, n in picks)
    more = "\n".join(f"- {q}" for q in suggestions[:3]) if mode == "explore" else ""
    return f"{note}{overview}" + (f"\n\nYou could also ask:\n{more}" if more else "")


def render_abstention(mode: str, off_topic: bool, nearby: list[str], suggestions: list[str], quote: str = "",
                      sources: list[Citation] | None = None, missing: str = "") -> str:
    """A plain "my sources do not cover this", what they do cover nearby, and questions that can be answered.
    With ``quote``, the cited sentences closest to an answer: where the sources say the information is missing, or,
    with ``missing``, what they say on the topic without the kind of value (an amount, a date) that was asked for."""
    if quote and missing:
        core = f"I did not find the {missing} you ask for in the passages that match your question. Closest: {quote}"
    elif quote:
        core = f"My sources do not give a definite answer to this. What they say: {quote}"
    elif off_topic:
        core = ("I can only answer questions about the EU Mission for 100 Climate-Neutral and Smart Cities by 2030 "
                "and the NetZeroCities programme, from the documents I have.")
    else:
        core = "My sources do not cover this question, so I will not guess."
        if nearby:
            core += " Nearby, they cover: " + "; ".join(f"“{t}”" for t in nearby[:3]) + "."
    ask = ("\n\nQuestions I can answer:\n" + "\n".join(f"- {q}" for q in suggestions[:3])) if suggestions else ""
    listed = f"\n\nSources:\n{_sources_list(sources)}" if sources else ""
    if mode == "draft":
        return (f"Dear colleague,\n\nThank you for your message. {core} We suggest checking with the NetZeroCities "
                f"team or your city's NetZeroCities advisor, who can give a definitive answer.{ask}{listed}"
                f"\n\n{SIGN_OFF}")
    return core + ask

MODES_HELP = "start: first steps for city staff; explore: overview and next questions; draft: an email reply"
