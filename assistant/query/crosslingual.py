"""A question's words read across languages: each becomes the indexed documents' word nearest to it in the
multilingual embedder's space ("stipendio" → "salary", "alberi" → "trees"), so that a check on whether an answer
shares a word with the question works when the question and the sources are in different languages."""

from __future__ import annotations

from assistant.core.languages import FUNCTION_WORDS
from assistant.core.text import analyse, words
from assistant.index.word_vectors import Translate
from assistant.query.places import named_places, without_places


def read_terms(question: str, translate: Translate) -> list[set[str]]:
    """Per content word of a question in another language (places and the words that phrase any question left
    out), the stems of the sources' words it is read as: "Quante azioni ...?" → [{"action", "activ"}, ...]."""
    terms = [t for t in words(without_places(question)) if len(t) >= 3 and not t.isdigit() and t not in FUNCTION_WORDS]
    read = (
        {stem for word in translate(term) if not named_places(word) for stem in analyse(word)}
        for term in dict.fromkeys(terms)
    )
    return [stems for stems in read if stems]
