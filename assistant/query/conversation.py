"""Follow-up questions rewritten into standalone queries from the history, without an LLM.

"what about Lahti?" after "What is Heidelberg's target?" becomes "What is Lahti's target?"; "how much did it cost?"
after a question on Budapest's pilot keeps the earlier question's subject terms. Like LlamaIndex's condense step,
the rewritten query is used for retrieval while the user's own words stay in the history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.core.text import STOPWORDS, capitalised_names, fold, split_sentences, words
from assistant.query.asker import asker_group, self_descriptions

_WHAT_ABOUT = re.compile(
    r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<x>.+?)\s*\??\s*$|^\s*and\s+(?:for|in)?\s*(?P<y>[^?]{2,40}?)\s*\?\s*$"
    r"|^\s*(?:et|und|y|e|a)\s+(?P<z>[^?]{2,40}?)\s*\?\s*$",
    re.I,
)
_QUESTION_WORDS = {
    "What",
    "How",
    "Which",
    "Who",
    "When",
    "Where",
    "Why",
    "Can",
    "Could",
    "Do",
    "Does",
    "Did",
    "Is",
    "Are",
    "Should",
    "We",
    "Our",
    "I",
    "Tell",
    "Please",
    "And",
    "The",
    "A",
    "An",
}
_ANAPHORA = {
    "it",
    "its",
    "they",
    "them",
    "their",
    "that",
    "this",
    "those",
    "these",
    "there",
    "he",
    "she",
    "his",
    "her",
    "also",
    "too",
    "else",
    "same",
    "one",
    "ones",
    "programme",
    "program",
}
_CONTINUATION = re.compile(r"^\s*(and|but|also|so|then|what else|et|und|y|e|i|oraz)\b", re.I)
_GREETING = re.compile(
    r"^\s*(?:dear|hello|hi|hey|good (?:morning|afternoon|evening)|bonjour|bonsoir|hallo|guten (?:tag|morgen)|"
    r"liebe[rs]?|sehr geehrte[rs]?|hola|buenos d[ií]as|estimad[oa]s?|buongiorno|salve|gentil[ie]|car[ie] colleg\w*|"
    r"dzie[nń] dobry|szanown[iya]+)(?=[\s,!])[^,.!?\n]{0,60}[,!.:\n]\s*",
    re.I,
)
_SIGN_OFF = re.compile(
    r"(?<=[.!?,\n])(?:\s*(?:(?:kind|best|warm|many)\s+(?:regards|wishes|thanks)|regards|thanks(?: a lot| in advance)?|"
    r"thank you(?: very much| in advance)?|cheers|merci(?: d'avance| beaucoup)?|cordialement|danke(?: sch[öo]n)?|"
    r"mit freundlichen gr[üu](?:ß|ss)en|viele gr[üu](?:ß|ss)e|gracias|saludos|un saludo|grazie(?: mille)?|"
    r"cordiali saluti|dzi[eę]kuj[eę]|pozdrawiam)[\s,.!]*)+(?:\n[^\n?]{1,40}|(?<=,\s)[A-ZÀ-Ý][^\n?]{0,39})?\s*$",
    re.I,
)
_GENERIC = STOPWORDS | {
    "much",
    "many",
    "long",
    "take",
    "does",
    "did",
    "cost",
    "mean",
    "work",
    "get",
    "give",
    "tell",
    "more",
    "please",
    "about",
    "why",
    "when",
    "who",
    "where",
    "how",
    "what",
    "which",
}


def _entities(text: str) -> list[str]:
    """Capitalised names in a question (cities, programmes), in order, without a possessive 's."""
    names = []
    for name in capitalised_names(text, with_first=True):
        parts = name.split()
        while parts and parts[0] in _QUESTION_WORDS:
            parts.pop(0)
        if parts:
            names.append(" ".join(parts))
    return names


def _content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in _GENERIC and not w.isdigit()]


def without_pleasantries(message: str) -> str:
    """A message without its greeting and sign-off ("Dear NetZeroCities team, ... Kind regards"): they carry no
    question, and a name in them would pull retrieval towards that name's documents."""
    core = _SIGN_OFF.sub("", _GREETING.sub("", message, count=1)).strip()
    return core or message.strip()


def standalone(question: str, history: list[str]) -> str:
    """A query that can be searched on its own: ``question`` without pleasantries, completed from the previous
    ``history`` questions."""
    question = without_pleasantries(question)
    if not history:
        return question
    previous = history[-1]
    match = _WHAT_ABOUT.match(question)
    subject = next((g for g in match.groups() if g), "") if match else ""
    if subject and len(subject.split()) <= 4 and fold(subject.split()[0]) not in _GENERIC:
        names = _entities(previous)
        if names and _entities(subject):
            return re.sub(re.escape(names[0]), subject, previous, count=1)
        return f"{previous} {subject}"
    content = _content_words(question)
    points_back = bool(set(words(question)) & _ANAPHORA) or not content
    if points_back or _CONTINUATION.match(question):
        # "and how long does twinning take?" names its own subject: only the earlier names frame it, not the
        # earlier question's other words ("mid-sized city outside the 112 ...")
        earlier = _entities(previous) + (_content_words(previous) if points_back else [])
        known = {fold(w) for w in content}
        carried: dict[str, str] = {}
        for word in earlier:
            if fold(word) not in known and not any(fold(word) in fold(c) for c in carried.values()):
                carried[fold(word)] = word
        if carried:
            return f"{question} ({' '.join(list(carried.values())[:6])})"
    return question


def situation(message: str) -> str:
    """The sentences in which the asker says who they are: their group of cities or their own city or country."""
    told = [s for s in split_sentences(message) if asker_group(s) or self_descriptions(s)]
    return " ".join(s if s.endswith((".", "!", "?")) else f"{s}." for s in told)


@dataclass
class Conversation:
    """A chat's history: what the user asked and the standalone queries that were searched."""

    questions: list[str] = field(default_factory=list)
    standalone_questions: list[str] = field(default_factory=list)

    @classmethod
    def replayed(cls, questions: list[str]) -> "Conversation":
        """The history of a chat whose earlier ``questions`` (oldest first) come from a client, not from this one."""
        conversation = cls()
        for question in questions:
            conversation.add(question, conversation.rewrite(question))
        return conversation

    def rewrite(self, question: str) -> str:
        """The question as searched: completed from the history, and, when it does not say who asks, led by the
        asker's situation from an earlier question ("We are a city outside the 112."), so a follow-up is answered
        for the same group of cities and the same place."""
        rewritten = standalone(question, self.standalone_questions)
        if not self.questions or situation(rewritten):
            return rewritten
        earlier = next((found for asked in reversed(self.questions) if (found := situation(asked))), "")
        return f"{earlier} {rewritten}" if earlier else rewritten

    def add(self, question: str, standalone_question: str) -> None:
        self.questions.append(question)
        self.standalone_questions.append(standalone_question)
