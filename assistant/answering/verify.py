"""One answer policy for every engine: a reply reaches the user only when the answer model judges that the
passages answer the question and every citation of the reply holds.

The extractive engine and the LLM engine both pass here, so the LLM cannot answer what the extractive engine
would decline, and no ``[n]`` ever points to a passage that does not say what it is cited for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.answering.composer import Judgement
from assistant.answering.replies import Reply
from assistant.core.text import words

_MARKER = re.compile(r"\[(\d+)\]")
SOURCES_HEADING = "\n\nSources:"


class Refusal(StrEnum):
    """Why a reply was turned into an abstention."""

    NOT_ANSWERED = "the passages do not answer the question"
    INVALID_CITATION = "a citation does not hold"


@dataclass(frozen=True)
class Verdict:
    """The policy's decision on one reply: pass it, or abstain for ``refusal``."""

    refusal: Refusal | None = None

    @property
    def passed(self) -> bool:
        return self.refusal is None


def citations_hold(reply: Reply) -> bool:
    """Every ``[n]`` of the answer has exactly one citation, every citation is used, and every word of each cited
    sentence is in the passage it cites."""
    body = reply.answer.split(SOURCES_HEADING)[0]
    markers = {int(n) for n in _MARKER.findall(body)}
    numbers = [c.n for c in reply.citations]
    if len(numbers) != len(set(numbers)) or markers != set(numbers):
        return False
    for citation in reply.citations:
        passage = set(words(citation.text))
        if any(not set(words(sentence)) <= passage for sentence in citation.sentences):
            return False
    return True


def verify(reply: Reply, judgement: Judgement) -> Verdict:
    """The verdict on a finished reply of any engine, from the answer model's judgement of its passages."""
    if not judgement.answerable:
        return Verdict(Refusal.NOT_ANSWERED)
    if not citations_hold(reply):
        return Verdict(Refusal.INVALID_CITATION)
    return Verdict()
