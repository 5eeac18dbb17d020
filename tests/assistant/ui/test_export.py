import csv
from collections.abc import Callable

from assistant.answering.replies import Reply
from assistant.core.config import Settings
from assistant.ui.export import conversation_markdown, write_conversation, write_log_csv
from assistant.ui.session import Turn
from tests.assistant.conftest import result


def test_markdown_has_each_answer_with_its_sources_and_quotes(make_reply: Callable[..., Reply]) -> None:
    pilots = result("Grants were €1 million per pilot. More text.", page=3, city="Lahti", country="Finland")
    local = result("Twinning lasts 12 months.", title="Twinning", rank=2, source="/srv/docs/twinning.md", section=None)
    reply = make_reply(
        "Dear colleague, grants were €1 million [1]; twinning lasts 12 months [2].",
        [(pilots, ["Grants were €1 million per pilot."]), (local, [])],
        mode="draft",
    )
    turns = [
        Turn("How large are the grants?", "draft", "country=Finland", reply, done=True),
        Turn("unfinished", "explore"),
    ]
    text = conversation_markdown(turns)
    assert "## 1. How large are the grants?" in text and "*Mode: draft · filters: country=Finland*" in text
    assert "Dear colleague, grants were €1 million [1]" in text
    assert (
        "1. **Pilot Cities Programme** — guidance · Lahti, Finland · 2024-05-01 · p. 3  \n"
        "   <https://example.org/pilots>\n   > Grants were €1 million per pilot."
    ) in text
    assert "2. **Twinning** — guidance · 2024-05-01  \n   `twinning.md`" in text and "/srv" not in text
    assert "unfinished" not in text


def test_an_abstention_says_no_source_was_cited(make_reply: Callable[..., Reply]) -> None:
    reply = make_reply("My sources do not cover this question.", [])
    reply.abstained = True
    assert "*No source was cited.*" in conversation_markdown([Turn("q", "explore", reply=reply, done=True)])


def test_files_land_in_the_exports_folder_with_distinct_names(
    settings: Settings, make_reply: Callable[..., Reply]
) -> None:
    turns = [Turn("q", "explore", reply=make_reply("A [1]", [(result("A."), [])]), done=True)]
    first, second = write_conversation(turns, settings), write_conversation(turns, settings)
    assert first.parent == settings.data_dir / "exports" and first != second and first.suffix == ".md"
    assert first.read_text(encoding="utf-8").startswith("# Conversation with the NetZero Cities assistant")


def test_csv_keeps_every_column_and_defuses_formulas(settings: Settings) -> None:
    rows = [{"id": 1, "question": '=HYPERLINK("http://x")', "comment": "fine, with comma", "helpful": 1}]
    path = write_log_csv(rows, "feedback", settings)
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.reader(handle))
    assert read == [
        ["id", "question", "comment", "helpful"],
        ["1", '\'=HYPERLINK("http://x")', "fine, with comma", "1"],
    ]
    empty = write_log_csv([], "abstentions", settings)
    assert empty.read_text(encoding="utf-8").startswith("id,at,question,standalone,mode,best_score")
