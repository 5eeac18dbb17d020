from collections.abc import Callable, Iterator
from dataclasses import replace

from assistant.answering.replies import Reply
from assistant.query.conversation import Conversation
from assistant.retrieval.filters import SearchFilter
from assistant.ui.session import ChatSession
from tests.assistant.conftest import result


class FakeAssistant:
    """Streams a partial then the final reply, like Assistant.stream, and records what it was given."""

    def __init__(self, final: Reply | None = None) -> None:
        self.final = final
        self.calls: list[tuple[str, str, Conversation, SearchFilter]] = []

    def stream(
        self, question: str, mode: str, conversation: Conversation, search_filter: SearchFilter
    ) -> Iterator[Reply]:
        self.calls.append((question, mode, conversation, search_filter))
        if self.final is None:
            raise RuntimeError("index is broken")
        yield replace(self.final, answer=self.final.answer[:5])
        yield self.final


def test_ask_yields_the_turn_as_it_grows_and_keeps_one_conversation(make_reply: Callable[..., Reply]) -> None:
    final = make_reply("Grants were €1 million. [1]", [(result("Grants were €1 million."), [])])
    fake = FakeAssistant(final)
    chat = ChatSession()
    chosen = SearchFilter(country=("Finland",))
    states = [
        (t.waiting, t.reply.answer if t.reply else None, t.done)
        for t in chat.ask(fake, "  How large?  ", "draft", chosen, waiting=["Indexing 1 of 3"])
    ]
    assert states == [
        ("", None, False),
        ("Indexing 1 of 3", None, False),
        ("", "Grant", False),
        ("", "Grants were €1 million. [1]", False),
        ("", "Grants were €1 million. [1]", True),
    ]
    assert chat.turns[0].question == "How large?" and chat.turns[0].filters == "country=Finland"
    list(chat.ask(fake, "and twinning?", "explore", SearchFilter()))
    assert fake.calls[0][2] is fake.calls[1][2] is chat.conversation
    assert [i for i, _ in chat.answered()] == [0, 1] and chat.reply(1) is final and chat.reply(5) is None


def test_a_failure_becomes_an_error_turn_not_a_crash() -> None:
    chat = ChatSession()
    turn = list(chat.ask(FakeAssistant(None), "q", "explore", SearchFilter()))[-1]
    assert turn.done and turn.reply is None and "went wrong" in turn.error
    assert chat.answered() == [] and chat.reply(0) is None
