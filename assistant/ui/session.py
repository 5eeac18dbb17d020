"""One browser session's chat: the history follow-ups are rewritten from, and each question with its reply."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from assistant.answering.replies import Reply
from assistant.api import Assistant
from assistant.query.conversation import Conversation
from assistant.retrieval.filters import SearchFilter

log = logging.getLogger(__name__)


@dataclass
class Turn:
    """A question and its reply as it grows; ``waiting`` or ``error`` say why there is no reply (yet)."""

    question: str
    mode: str
    filters: str = ""
    reply: Reply | None = None
    done: bool = False
    waiting: str = ""
    error: str = ""


@dataclass
class ChatSession:
    """The conversation object the assistant needs for follow-ups, and the turns the UI shows and exports."""

    conversation: Conversation = field(default_factory=Conversation)
    turns: list[Turn] = field(default_factory=list)
    rated: set[int] = field(default_factory=set)  # the turns whose answers were rated: one rating an answer

    def ask(
        self, assistant: Assistant, question: str, mode: str, search_filter: SearchFilter, waiting: Iterable[str] = ()
    ) -> Iterator[Turn]:
        """Add a turn and yield it at once, then after each change: each ``waiting`` message, the reply."""
        turn = Turn(question.strip(), mode, search_filter.describe())
        self.turns.append(turn)
        yield turn
        for message in waiting:
            turn.waiting = message
            yield turn
        turn.waiting = ""
        try:
            for reply in assistant.stream(turn.question, mode, self.conversation, search_filter):
                turn.reply = reply
                yield turn
        except Exception:
            log.exception("answering %r failed", turn.question)
            turn.reply = None
            turn.error = "Something went wrong while answering; please try again (details in the server log)."
        turn.done = True
        yield turn

    def answered(self) -> list[tuple[int, Turn]]:
        """(index, turn) of every turn with a complete reply, oldest first."""
        return [(i, t) for i, t in enumerate(self.turns) if t.done and t.reply is not None]

    def reply(self, index: int) -> Reply | None:
        """The complete reply of turn ``index``, if it has one."""
        if 0 <= index < len(self.turns) and self.turns[index].done:
            return self.turns[index].reply
        return None
