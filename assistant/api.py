"""The Python API that the CLI and the UI share: search, ask (with history and modes), library, feedback."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from assistant.answering.extractive import (
    ABSENCE_COVERAGE,
    Candidate,
    ExtractiveComposer,
    QuestionShape,
    SentenceWeights,
    candidates,
    refers_back,
    with_guide,
)
from assistant.answering.modes import render, render_abstention
from assistant.answering.relevance import Evidence, assess, load_calibration, states_absence, unseen_names
from assistant.answering.replies import Reply, cite_in_order
from assistant.answering.suggestions import suggest
from assistant.core import offline  # noqa: F401
from assistant.core.config import Settings, load_settings
from assistant.core.languages import query_language
from assistant.core.logbook import Logbook
from assistant.core.schema import Mode, SearchResult
from assistant.core.text import analyse, asking_part, fold, question_terms
from assistant.index.embeddings import get_embedder
from assistant.index.word_vectors import VOCABULARY_MODEL, VOCABULARY_NAME, Translate, WordTranslator
from assistant.query.answer_types import AnswerType, years_named
from assistant.query.asker import asker_group, own_names, self_descriptions, with_group_stated, without_own_names
from assistant.query.conversation import Conversation
from assistant.query.crosslingual import read_terms
from assistant.query.ordinals import ordinals_asked, ordinals_in
from assistant.query.places import mentions, named_places, place_spans, without_places
from assistant.retrieval.engine import SearchEngine
from assistant.retrieval.filters import SearchFilter

ANSWER_PASSAGES = 6
CONTEXT_PASSAGES = 10
# Words that phrase a request rather than name its topic ("tell me about ...", "give an overview of ...").
REQUEST_TERMS = frozenset(
    analyse("tell explain describe give show know overview summary summarise summarize information info details")
)


@dataclass
class Grounds:
    """What an answer stands on: retrieved passages, those about the places named, and the verdict on them."""

    results: list[SearchResult]
    focused: list[SearchResult]
    model: str
    foreign: bool
    evidence: Evidence
    query: str  # the question as searched and answered: without the asker's own city or country


def written_for(result: SearchResult, group: str | None) -> bool:
    """Whether a passage is for the asker's group of cities: a page written for one group only (its ``audience``)
    is not the path of a city that says it belongs to the other."""
    audience = result.chunk.metadata.get("audience") or []
    return group is None or not audience or group in audience


def written_only_for(result: SearchResult, group: str | None) -> bool:
    """Whether a passage's page is written for the asker's group alone (its path then comes before any other)."""
    return group is not None and group in (result.chunk.metadata.get("audience") or [])


def _partials(reply: Reply, pieces: int = 6) -> Iterator[Reply]:
    """Growing prefixes of a finished answer, cut after a citation marker, so a UI can show it being written."""
    body_end = reply.answer.find("\n\nSources:")
    cuts = [m.end() for m in re.finditer(r"\[\d+\]", reply.answer) if body_end < 0 or m.end() < body_end]
    step = max(1, len(cuts) // pieces)
    for cut in cuts[:-1:step]:
        yield replace(reply, answer=reply.answer[:cut])


def _gives_value(
    wanted: AnswerType,
    query: str,
    chosen: list[Candidate],
    passages: list[SearchResult],
    foreign: bool,
    translate: Translate | None = None,
) -> bool:
    """Whether a picked sentence gives the kind of value asked for: about the place asked about, not saying the
    value is missing and sharing a term with the question besides the place's name, itself or through the next
    sentence that says "it" for it; a question in another language than the sources shares a term through
    ``translate`` (without it, the term is not checked). "12" in a sentence on something else does not answer "how
    many residents ...?", nor "Malmö ran a project worth SEK 10m" "how big was Malmö's pilot grant?"."""
    valued = [p for p in chosen if wanted.held_by(p.text) and p.on_place and not states_absence(p.text)]
    if not valued or (foreign and translate is None):
        return bool(valued)
    topic = (
        _foreign_topic(query, translate)
        if foreign and translate
        else (set(question_terms(without_places(query))) - REQUEST_TERMS)
    )
    if wanted is AnswerType.ANY and not topic:  # "Tell me about Lahti": the place is the whole topic
        return True
    following = {(c.source, c.position - 1): c.text for c in candidates(passages)}

    def on_topic(pick: Candidate) -> bool:
        after = following.get((pick.source, pick.position), "")
        # an answer of any kind may also take its topic from its page's title: the steps of "How to start ... if
        # your city is not one of the 112" answer "how do we start?" without saying "start"
        title = passages[pick.source].title if wanted is AnswerType.ANY else ""
        return bool(
            topic & set(analyse(f"{pick.text} {title}")) or (refers_back(after) and topic & set(analyse(after)))
        )

    return any(on_topic(p) for p in valued)


def _foreign_topic(query: str, translate: Translate) -> set[str]:
    """The stems of the sources' words that a question in another language names besides places and the words
    that phrase any question ("Qual è lo stipendio del sindaco di Milano?" → salary, mayor)."""
    return set().union(*read_terms(query, translate)) - REQUEST_TERMS


class Assistant:
    """Retrieval, grounded answers and the content team's logs, over one index."""

    def __init__(self, settings: Settings | None = None, engine: SearchEngine | None = None) -> None:
        self.settings = settings or load_settings()
        self.engine = engine or SearchEngine(self.settings)
        self.logbook = Logbook(self.settings.logs_dir / "assistant.sqlite")
        self.calibration = load_calibration()
        self.llm = None
        if self.settings.llm_url:
            from assistant.answering.llm import LLMEngine

            self.llm = LLMEngine(self.settings)
        self._library: tuple[float, list[dict[str, Any]]] | None = None
        self._vocabulary: tuple[float, WordTranslator | None] | None = None

    # Search ---------------------------------------------------------------------------------------------------
    def ground(self, question: str, search_filter: SearchFilter | None = None, model: str | None = None) -> Grounds:
        """Retrieve for a standalone question and judge whether the passages can answer it."""
        query = self.searched_as(question)
        results = self.engine.search(query, k=CONTEXT_PASSAGES, search_filter=search_filter)
        foreign = query_language(query) != "en"
        model = model or self.evidence_model(query)
        places = named_places(query)
        unknown = not foreign and unseen_names(query, self.engine.bm25)  # other languages capitalise nouns
        group = asker_group(question)
        focused = (
            [] if unknown else [r for r in results if all(mentions(r, p) for p in places) and written_for(r, group)]
        )
        evidence = assess(query, focused, model, self.engine.bm25, self.calibration)
        if not focused:  # nothing on the place or name asked about; whether the topic is ours, all passages tell
            everywhere = assess(query, results, model, self.engine.bm25, self.calibration)
            evidence = replace(evidence, off_topic=everywhere.off_topic)
        return Grounds(results, focused, model, foreign, evidence, query)

    def searched_as(self, question: str) -> str:
        """The question without the asker's own city or country ("we are a town in Portugal", "I work for the city
        of Kalmar"): it describes who asks, so it must neither narrow the sources nor, unknown to the corpus, make
        the question unanswerable. "We are not a Mission City", however phrased, is put in the corpus's words."""
        if query_language(question) == "en":  # in another language the English words would hide its question
            question = with_group_stated(question)
        clauses = self_descriptions(question)
        if not clauses:
            return question
        found = [
            (place, start, end, any(a <= start < b for a, b in clauses)) for place, start, end in place_spans(question)
        ]
        named_elsewhere = {place for place, _, _, inside in found if not inside}
        cuts = [(start, end) for place, start, end, _ in found if place not in named_elsewhere]
        own = {fold(name) for name in own_names(question)}
        unknown = {name for name in unseen_names(question, self.engine.bm25) if fold(name) in own}
        return without_own_names(question, unknown, cuts)

    def evidence_model(self, question: str) -> str:
        """The embedding model whose similarity judges the evidence: the multilingual one for a question not in
        English (MiniLM cannot read it), else the primary one. Calibration follows the same split."""
        foreign = query_language(question) != "en"
        return "e5" if foreign and "e5" in self.engine.models else self.engine.primary

    def search(self, query: str, k: int = 5, search_filter: SearchFilter | None = None) -> list[SearchResult]:
        return self.engine.search(query, k=k, search_filter=search_filter)

    # Ask ------------------------------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        mode: str = Mode.EXPLORE,
        conversation: Conversation | None = None,
        search_filter: SearchFilter | None = None,
    ) -> Reply:
        """A cited answer to ``question`` in ``mode``, or an honest abstention; the conversation is updated."""
        reply = None
        for reply in self.stream(question, mode, conversation, search_filter):
            pass
        assert reply is not None
        return reply

    def stream(
        self,
        question: str,
        mode: str = Mode.EXPLORE,
        conversation: Conversation | None = None,
        search_filter: SearchFilter | None = None,
    ) -> Iterator[Reply]:
        """Yield growing partial replies (LLM engine) and finally the complete reply."""
        if mode not in Mode.__members__.values():
            raise ValueError(f"unknown mode {mode!r}; choose from {Mode.help()}")
        started = time.perf_counter()
        conversation = conversation if conversation is not None else Conversation()
        standalone = conversation.rewrite(question)
        conversation.add(question, standalone)
        retrieved_at = time.perf_counter()
        grounds = self.ground(standalone, search_filter)
        timings = {"rewrite": (retrieved_at - started) * 1000, "retrieve": (time.perf_counter() - retrieved_at) * 1000}
        evidence, results, focused, model = grounds.evidence, grounds.results, grounds.focused, grounds.model
        foreign = grounds.foreign
        base = Reply(
            question=question,
            mode=mode,
            answer="",
            abstained=False,
            sources=focused[:ANSWER_PASSAGES],
            standalone_question=standalone,
            timings_ms=timings,
        )
        if not focused or not evidence.answerable:
            yield self._abstain(base, results, evidence, started)
            return
        results = focused
        composed_at = time.perf_counter()
        if self.llm is not None:
            final = None
            for reply in self.llm.stream(base, results[:ANSWER_PASSAGES]):
                if final is not None:
                    yield final  # held back one step: the last one is judged before it is shown
                final = reply
            if final is not None and not final.notice.startswith("fallback"):
                final.timings_ms["total"] = (time.perf_counter() - started) * 1000
                yield final
                return
            base.notice = final.notice if final is not None else ""
        reply = self._extractive(base, results, model, foreign, grounds.query)
        reply.timings_ms["compose"] = (time.perf_counter() - composed_at) * 1000
        reply.timings_ms["total"] = (time.perf_counter() - started) * 1000
        yield from _partials(reply)
        yield reply

    def composer(self, model: str, weights: SentenceWeights | None = None, foreign: bool = False) -> ExtractiveComposer:
        """The extractive composer for ``model``, with that model's calibrated sentence-similarity range; for a
        question in another language than the sources, it reads the question's words in theirs."""
        params = self.calibration[model]
        return ExtractiveComposer(
            get_embedder(model, self.settings.threads),
            self.engine.bm25,
            (params["sentence_lo"], params["sentence_hi"]),
            weights,
            params["duplicate_at"],
            self._translation(model) if foreign else None,
        )

    def _extractive(self, reply: Reply, results: list[SearchResult], model: str, foreign: bool, query: str) -> Reply:
        passages = results[:ANSWER_PASSAGES]
        if QuestionShape.of(query).starting:  # a guide written for the asker's group first, then read on
            group = asker_group(query)
            passages = sorted(results, key=lambda r: not written_only_for(r, group))[:ANSWER_PASSAGES]
            passages = with_guide(passages, self.engine.document)
            reply.sources = passages
        composer = self.composer(model, foreign=foreign)
        picks = composer.select(query, passages, reply.mode)
        chosen = [p for p in picks if not p.shown_for_context]  # what the composer judged to answer
        if not chosen or not chosen[0].on_place:  # nothing said about the place the question names
            return self._abstain(reply, results, None, time.perf_counter())
        rendered, citations = cite_in_order([(p.text, p.source, p.text) for p in picks], passages)
        cited = {c.result.chunk_id for c in citations}
        reply.suggestions = suggest(results, cited)
        reply.engine = "extractive"
        reply.citations = citations
        if states_absence(chosen[0].text) and chosen[0].lexical >= ABSENCE_COVERAGE:
            return self._absent(reply, rendered)
        if not foreign and composer.said_missing(query, chosen[0], picks):  # the lead, then "the rest is not given"
            return self._absent(reply, rendered[:2])
        wanted = AnswerType.asked_by(query)
        if not _gives_value(wanted, query, chosen, passages, foreign, composer.translate):
            return self._absent(reply, rendered[:2], missing=wanted.value)  # on topic, but not the value asked
        shown = " ".join(p.text for p in picks)
        asked = asking_part(query)  # context the asker states ("we were not selected in 2022") is not asked
        unseen = sorted(year for year in years_named(asked) if year not in shown)
        if unseen:  # years are written the same in every language: an answer that never names the year asked about
            return self._absent(reply, rendered[:2], missing=f"information on {' and '.join(unseen)}")
        shown_ordinals = ordinals_in(shown)
        other = [phrase for number, phrase in ordinals_asked(asked).items() if number not in shown_ordinals]
        if other:  # the first edition's figures do not answer a question on the second
            return self._absent(reply, rendered[:2], missing=f"information on the {' and '.join(other)}")
        steps = QuestionShape.of(query).procedural
        reply.answer = render(
            reply.mode, rendered, citations, reply.suggestions, foreign, steps, [p.is_item for p in picks]
        )
        return reply

    def _translation(self, model: str) -> Translate | None:
        """Reads a word of another language as the sources' nearest word, when the index holds their vocabulary
        (reloaded when a sync rewrote it) and the question was searched with the multilingual model."""
        path = self.settings.index_dir / VOCABULARY_NAME
        written = path.stat().st_mtime if path.is_file() else 0.0
        if self._vocabulary is None or self._vocabulary[0] != written:
            self._vocabulary = (written, WordTranslator.load(self.settings.index_dir))
        vocabulary = self._vocabulary[1]
        if model != VOCABULARY_MODEL or not vocabulary:
            return None
        embedder = get_embedder(model, self.settings.threads)
        return lambda term: vocabulary.translate(term, embedder)

    def _absent(self, reply: Reply, rendered: list[tuple[str, int]], missing: str = "") -> Reply:
        """The best evidence says the sources lack this (or lacks the ``missing`` kind of value asked for):
        abstain, but quote what they do say, with citations."""
        reply.abstained = True
        quote = " ".join(f"{text} [{n}]" for text, n in rendered)
        shown = {n for _, n in rendered}
        reply.citations = [c for c in reply.citations if c.n in shown]
        reply.answer = render_abstention(
            reply.mode, False, [], reply.suggestions, quote=quote, sources=reply.citations, missing=missing
        )
        self.logbook.log_abstention(
            reply.question,
            reply.standalone_question,
            reply.mode,
            {"score": None, "dense": None, "coverage": None, "off_topic": False},
        )
        return reply

    def _abstain(self, reply: Reply, results: list[SearchResult], evidence: Evidence | None, started: float) -> Reply:
        """Say plainly that the sources do not cover the question, what they cover nearby, and log it."""
        off_topic = evidence is not None and evidence.off_topic
        nearby = list(dict.fromkeys(r.title for r in results[:5]))
        reply.suggestions = [] if off_topic else suggest(results, set())
        reply.answer = render_abstention(reply.mode, off_topic, [] if off_topic else nearby, reply.suggestions)
        reply.abstained = True
        reply.citations = []
        reply.timings_ms["total"] = reply.timings_ms.get("total", (time.perf_counter() - started) * 1000)
        self.logbook.log_abstention(
            reply.question,
            reply.standalone_question,
            reply.mode,
            evidence.to_dict() if evidence else {"off_topic": False},
        )
        return reply

    # Library and feedback -------------------------------------------------------------------------------------
    def library(self) -> list[dict[str, Any]]:
        """One row per indexed document (title, type, city, country, date, chunks), refreshed after a sync."""
        self.engine.refresh()
        stamp = self.engine.version
        if self._library is None or self._library[0] != stamp:
            docs: dict[str, dict[str, Any]] = {}
            for _, _, meta in self.engine.store.iter_all(self.engine.primary, with_text=False):
                doc = docs.setdefault(
                    str(meta.get("doc_id")),
                    {
                        "doc_id": meta.get("doc_id"),
                        "title": meta.get("title"),
                        "doc_type": meta.get("doc_type", ""),
                        "city": meta.get("city", ""),
                        "country": meta.get("country", ""),
                        "date": meta.get("date", ""),
                        "source": meta.get("source", ""),
                        "chunks": 0,
                    },
                )
                doc["chunks"] += 1
            self._library = (stamp, sorted(docs.values(), key=lambda d: str(d["title"]).lower()))
        return self._library[1]

    def feedback(self, reply: Reply, helpful: bool, comment: str = "") -> None:
        self.logbook.log_feedback(
            reply.question, reply.answer, [c.to_dict() for c in reply.citations], helpful, comment, reply.mode
        )
