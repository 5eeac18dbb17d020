"""The three modes as the UI names them, and starter questions for each from the users' journeys."""

from __future__ import annotations

from assistant.core.schema import Mode

MODE_CHOICES = [(mode.label, mode.value) for mode in Mode]

STARTERS: dict[Mode, tuple[str, ...]] = {
    Mode.START: (
        "We are a mid-sized city outside the 112. How do we start working towards climate neutrality?",
        "How do we set up a transition team?",
        "How do we build an emissions baseline?",
    ),
    Mode.EXPLORE: (
        "What is a Climate City Contract?",
        "What does the Mission Label give a city?",
        "Which cities in Poland are Mission Cities?",
    ),
    Mode.DRAFT: (
        "Can we still join the Pilot Cities programme, and how large are the grants?",
        "How long does the Twinning Learning Programme take?",
        "Who reviews a Climate City Contract?",
    ),
}
