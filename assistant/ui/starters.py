"""The three modes as the UI names them, and starter questions for each from the users' journeys."""

from __future__ import annotations

MODE_CHOICES = [
    ("Start: first steps for a city", "start"),
    ("Explore: overview and next questions", "explore"),
    ("Draft: a reply to an email", "draft"),
]

STARTERS: dict[str, tuple[str, ...]] = {
    "start": (
        "We are a mid-sized city outside the 112. How do we start working towards climate neutrality?",
        "How do we set up a transition team?",
        "How do we build an emissions baseline?",
    ),
    "explore": (
        "What is a Climate City Contract?",
        "What does the Mission Label give a city?",
        "Which cities in Poland are Mission Cities?",
    ),
    "draft": (
        "Can we still join the Pilot Cities programme, and how large are the grants?",
        "How long does the Twinning Learning Programme take?",
        "Who reviews a Climate City Contract?",
    ),
}
