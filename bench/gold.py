"""Gold questions and answer checks shared by the answer benchmark and the abstention calibration."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant.answering.replies import Reply
from assistant.core.config import PROJECT_ROOT

GOLD = PROJECT_ROOT / "eval" / "gold"
REALDOCS = PROJECT_ROOT.parent / "shared" / "realdocs"


def eval_questions(name: str) -> Path:
    """The questions file of the eval set in ``eval/<name>/``."""
    return PROJECT_ROOT / "eval" / name / "questions.jsonl"


REALDOCS_QUESTIONS = eval_questions("realdocs")
DEV_QUESTIONS = eval_questions("dev")
FURTHER_CONTRACTS = eval_questions("contracts")
FRESH_CONTRACTS = eval_questions("fresh")
TEST_QUESTIONS = eval_questions("test")


@dataclass(frozen=True)
class Question:
    id: str
    q: str
    lang: str
    answerable: bool
    doc_ids: tuple[str, ...]
    facts: tuple[str, ...]
    mode: str = "explore"
    doc: str = ""  # the file the question is about, under ../shared/realdocs (dev and test sets)


def load_questions(paths: list[Path] | None = None) -> list[Question]:
    """Every question of the gold JSONL files (or of ``paths``), in file order."""
    files = paths or sorted(GOLD.glob("*.jsonl"))
    rows = [
        json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    return [
        Question(
            r["id"],
            r["q"],
            r.get("lang", "en"),
            bool(r["answerable"]),
            tuple(r.get("doc_ids", [])),
            tuple(r.get("facts", [])),
            r.get("mode", "explore"),
            r.get("doc", ""),
        )
        for r in rows
    ]


def _norm(text: str) -> str:
    """Compatibility forms folded ("tCO₂eq" is "tCO2eq", "km²" is "km2": contracts write both), lower case, one
    space between words, "72 %" read as "72%" and a hyphen between letters as a space ("peer-learning programmes"
    states "peer learning")."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u00a0", " ")
    text = re.sub(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])", " ", text)
    return re.sub(r"\s+%", "%", " ".join(text.split()))


def citations_valid(reply: Reply) -> bool:
    """Every [n] in the answer has exactly one citation, every citation is used, and every word of each cited
    sentence is in the passage it cites (sentences are quoted, list items joined and introduced by the heading
    over them, table rows labelled)."""
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", reply.answer.split("\n\nSources:")[0])}
    numbers = [c.n for c in reply.citations]
    if len(numbers) != len(set(numbers)) or markers != set(numbers):
        return False
    for citation in reply.citations:
        passage = set(re.findall(r"\w+", citation.text.lower()))
        for sentence in citation.sentences:
            words = set(re.findall(r"\w+", sentence.lower()))
            if not words or not words <= passage:
                return False
    return True


def fact_in(fact: str, text: str) -> bool:
    """``fact`` appears in ``text``, case and hyphens aside, and spacing too: a PDF's text layer writes "$ 548,792"
    or "195 891" where another extraction joins them."""
    fact, text = _norm(fact), _norm(text)
    return fact in text or fact.replace(" ", "") in text.replace(" ", "")


def facts_in(text: str, question: Question) -> bool:
    """Every expected fact of ``question`` appears in ``text`` (see :func:`fact_in`)."""
    return all(fact_in(fact, text) for fact in question.facts)


def facts_found(reply: Reply, question: Question) -> bool:
    return facts_in(reply.answer, question)


def doc_hit(reply: Reply, question: Question) -> bool:
    return any(c.result.doc_id in question.doc_ids for c in reply.citations)
