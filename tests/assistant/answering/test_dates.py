"""Passed deadlines, calls and editions get a note; a source's "closed on …" travels with the sentence it qualifies."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answering.dates import PASSED_NOTE, dated, mentions, note, today
from assistant.answering.replies import Citation
from assistant.core.config import PROJECT_ROOT, load_settings
from tests.assistant.conftest import result

GUIDE = (PROJECT_ROOT / "corpus" / "guidance" / "how-to-start-outside-the-mission.md").read_text(encoding="utf-8")
# the guide's list items 7 and 8, as a passage of it reads
STEPS = GUIDE[GUIDE.index("7. **Join an Online") : GUIDE.index("## What stays reserved")]
TWINNING = "Apply for Twinning (Mission-minded round from November 2025)."
GROUPS = "Join an Online Discussion Group (edition of September 2025 – February 2026)."
AFTER = date(2026, 12, 6)
BEFORE = date(2025, 6, 1)


def test_dates_are_read_as_the_sources_write_them() -> None:
    assert [m.spoken() for m in mentions("Deadline: first set for 4 November 2022, then 15 November 2022.")] == [
        "4 November 2022",
        "15 November 2022",
    ]
    assert [m.last_day for m in mentions(GROUPS)] == [date(2025, 9, 30), date(2026, 2, 28)]
    assert [m.spoken() for m in mentions("The call closes on September 12th, 2025.")] == ["12 September 2025"]
    assert [(m.spoken(), m.last_day) for m in mentions("Its second call (autumn 2023) was reserved.")] == [
        ("autumn 2023", date(2023, 11, 30))
    ]
    assert mentions("Cities aim for climate neutrality by 2030, as in May.") == []


def test_a_closing_statement_travels_with_the_sentence_it_qualifies() -> None:
    assert note(TWINNING, STEPS, TWINNING, AFTER) == "(closed on 12 September 2025)"
    assert note(TWINNING, STEPS, TWINNING, BEFORE) == ""
    closing = "Applications for this round closed on 12 September 2025; our sources give no date for a later round."
    assert note(TWINNING, STEPS, f"{TWINNING} {closing}", AFTER) == ""  # the answer says it already


def test_a_passed_edition_or_deadline_is_flagged_and_a_coming_one_is_not() -> None:
    assert note(GROUPS, STEPS, GROUPS, AFTER) == PASSED_NOTE
    assert note(GROUPS, STEPS, GROUPS, BEFORE) == ""
    assert note("Cities reported 4,000 homes heated in November 2022.", "", "", AFTER) == ""  # no deadline named


def test_notes_sit_inside_each_sentence_before_its_full_stop() -> None:
    citations = [Citation(1, result(STEPS, title="How to start"))]
    item = f"{TWINNING} A new phase of the Twinning Learning Programme pairs Mission-minded cities with Mission Cities."
    picks = [(GROUPS, 1), (item, 1)]
    assert dated(picks, citations, AFTER) == [
        ("Join an Online Discussion Group (edition of September 2025 – February 2026) (this date has passed).", 1),
        (item.replace("2025).", "2025) (closed on 12 September 2025)."), 1),  # once, after what it qualifies
    ]
    assert dated(picks, citations, BEFORE) == picks


def test_today_is_injectable_and_a_bad_value_is_named() -> None:
    assert today(load_settings(today="2026-12-06")) == AFTER
    assert today(load_settings(today="")) == date.today()
    with pytest.raises(ValueError, match="NETZERO_TODAY"):
        today(load_settings(today="6 December"))
