"""The Python API that the CLI and the UI share: search, ask (with history and modes), library, feedback."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from assistant.answering.answer_model import AnswerModel, load_answer_model
from assistant.answering.composer import Composer, Composition, Judgement
from assistant.answering.dates import dated, today
from assistant.answering.features import QuestionFacts
from assistant.answering.modes import render, render_abstention
from assistant.answering.relevance import Evidence, assess, english_terms, load_calibration, unseen_names
from assistant.answering.replies import Reply, cite_in_order
from assistant.answering.sentences import Candidate, standalone
from assistant.answering.steps import guide_steps, step_picks
from assistant.answering.suggestions import suggest
from assistant.answering.verify import Refusal, verify
from assistant.core.config import Settings, load_settings
from assistant.core.languages import query_language
from assistant.core.logbook import Logbook
from assistant.core.schema import Mode, SearchResult
from assistant.core.text import capitalised_names, fold
from assistant.index.word_vectors import MULTILINGUAL_MODELS, VOCABULARY_MODEL, Translate
from assistant.query.answer_types import asks_how
from assistant.query.asker import asker_group, own_names, self_descriptions, with_group_stated, without_own_names
from assistant.query.conversation import Conversation
from assistant.query.crosslingual import read_terms
from assistant.query.places import mentions, named_places, place_spans
from assistant.retrieval.engine import SearchEngine
from assistant.retrieval.filters import SearchFilter

# the passages an answer is composed from: 8 rather than 6 reach a fact ranked 7th or 8th, which a question in
# another language often has (development half 0.667 -> 0.701 correct; 10 gave the same, slower)
ANSWER_PASSAGES = 8
CONTEXT_PASSAGES = 10


@dataclass
class Grounds:
    """What an answer stands on: retrieved passages, those about the places named, and the verdict on them."""

    results: list[SearchResult]
    focused: list[SearchResult]
    model: str
    foreign: bool
    evidence: Evidence
    query: str  # the question as searched and answered: without the asker's own city or country
    unseen: float = 0.0  # share of the question's names that no indexed passage mentions

    @property
    def passages(self) -> list[SearchResult]:
        """What an answer is composed from: the passages on the places asked about, else all retrieved."""
        return (self.focused or self.results)[:ANSWER_PASSAGES]


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


class Assistant:
    """Retrieval, grounded answers and the content team's logs, over one index. The answer model is the shipped one
    unless another is given (a fit scored before it is written)."""

    def __init__(
        self,
        settings: Settings | None = None,
        engine: SearchEngine | None = None,
        answer_model: AnswerModel | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.engine = engine or SearchEngine(self.settings)
        self.answer_model = answer_model or load_answer_model()
        self.logbook = Logbook.from_settings(self.settings)
        self.calibration = load_calibration()
        self.llm = None
        if self.settings.llm_url:
            from assistant.answering.llm import LLMEngine

            self.llm = LLMEngine(self.settings)
        self._library: tuple[str, list[dict[str, Any]]] | None = None

    # Search ---------------------------------------------------------------------------------------------------
    def ground(self, question: str, search_filter: SearchFilter | None = None, model: str | None = None) -> Grounds:
        """Retrieve for a standalone question and gather the evidence on whether the passages can answer it."""
        query = self.searched_as(question)
        results = self.engine.search(query, k=CONTEXT_PASSAGES, search_filter=search_filter)
        foreign = query_language(query) != "en"
        model = model or self.evidence_model(query)
        places = named_places(query)
        results = self.about_places(query, places, results, search_filter or SearchFilter())
        group = asker_group(question)
        focused = [r for r in results if all(mentions(r, p) for p in places) and written_for(r, group)]
        translate = self._translation() if foreign else None
        terms = read_terms(query, translate) if translate is not None else english_terms(query)
        evidence = assess(terms, focused or results, model, self.engine.bm25, self.calibration)
        names = capitalised_names(query)
        unseen = len(unseen_names(query, self.engine.bm25)) / max(len(names), 1) if not foreign else 0.0
        return Grounds(results, focused, model, foreign, evidence, query, min(1.0, unseen))

    def about_places(
        self, query: str, places: list[str], results: list[SearchResult], search_filter: SearchFilter
    ) -> list[SearchResult]:
        """The passages of the documents about the cities a question names, searched again among those documents
        when none of the passages found is about any of them: a question on Riga asked in German matched the Dutch
        pages of another city's contract, and Riga's own contract, which answers it, was never read."""
        lexical = self.engine.bm25
        if not places or search_filter.city or lexical is None or any(mentions(r, p) for r in results for p in places):
            return results
        held = set(places) & set(lexical.fields.get("city", ()))
        if not held:
            return results
        narrowed = replace(search_filter, city=tuple(sorted(held)))
        return self.engine.search(query, k=CONTEXT_PASSAGES, search_filter=narrowed) or results

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
        """Yield growing partial replies and finally the complete reply, which has passed ``verify``."""
        if mode not in Mode.__members__.values():
            raise ValueError(f"unknown mode {mode!r}; choose from {Mode.help()}")
        started = time.perf_counter()
        conversation = conversation if conversation is not None else Conversation()
        standalone = conversation.rewrite(question)
        conversation.add(question, standalone)
        retrieved_at = time.perf_counter()
        grounds = self.ground(standalone, search_filter)
        timings = {"rewrite": (retrieved_at - started) * 1000, "retrieve": (time.perf_counter() - retrieved_at) * 1000}
        passages = grounds.passages
        base = Reply(
            question=question,
            mode=mode,
            answer="",
            abstained=False,
            sources=passages,
            standalone_question=standalone,
            filters=search_filter.describe() if search_filter else "",
            timings_ms=timings,
        )
        if not passages or grounds.evidence.off_topic:
            yield self._abstain(base, grounds.results, grounds.evidence, None, started)
            return
        composed_at = time.perf_counter()
        composition = self.compose(grounds, mode)
        judgement = composition.judgement
        if judgement.answerable and asks_how(standalone):
            composition, passages = self._as_steps(composition, passages)
            base.sources = passages
        if self.llm is not None and judgement.answerable:
            final = None
            for reply in self.llm.stream(base, passages):
                if final is not None:
                    yield final  # held back one step: the last one is judged before it is shown
                final = reply
            if final is not None and not final.notice.startswith("fallback"):
                yield self._verified(final, grounds, composition, started)
                return
            base.notice = final.notice if final is not None else ""
        reply = self._extractive(base, passages, composition, grounds.foreign)
        reply.timings_ms["compose"] = (time.perf_counter() - composed_at) * 1000
        reply = self._verified(reply, grounds, composition, started)
        if not reply.abstained:
            yield from _partials(reply)
        yield reply

    def compose(self, grounds: Grounds, mode: str) -> Composition:
        """The extractive engine's picks for the grounds and the answer model's judgement of them."""
        composer, facts = self.composer_for(grounds, self.answer_model)
        return composer.compose(facts, grounds.passages, mode, grounds.evidence, grounds.unseen)

    def _as_steps(
        self, composition: Composition, passages: list[SearchResult]
    ) -> tuple[Composition, list[SearchResult]]:
        """A way forward read from a guide written as numbered steps, when one of the composer's picks is one of its
        steps: the steps in order, each cited (the passages gain the steps that did not rank). Otherwise the picks."""
        steps = next(
            (
                found
                for pick in composition.picks
                if (found := guide_steps(passages[pick.source], self.engine.document))
            ),
            [],
        )
        if not steps:
            return composition, passages
        ranked = {result.chunk_id for result in passages}
        unranked = {step.passage.chunk_id: step.passage for step in steps if step.passage.chunk_id not in ranked}
        passages = passages + list(unranked.values())
        return Composition(step_picks(steps, passages), composition.judgement), passages

    def composer_for(self, grounds: Grounds, model: AnswerModel) -> tuple[Composer, QuestionFacts]:
        """The composer for the grounds' embedding model (with its calibrated sentence-similarity range) and the
        question read for it; a question in another language is read in the sources' words."""
        translate = self._translation() if grounds.foreign else None
        # a question in another language is compared with the sentences in the sources' words, by the English model
        # that already embedded them for other questions: e5 on every sentence of the passages cost 1.5 s an answer
        embedding_model = grounds.model
        english_model = translate is not None and embedding_model not in MULTILINGUAL_MODELS
        reading = self.engine.reading(grounds.query) if english_model else ""
        params = self.calibration[embedding_model]
        facts = QuestionFacts.of(grounds.query, self.engine.bm25, grounds.foreign, translate, reading)
        embedder = self.engine.embedder(embedding_model)
        range_ = (params["sentence_lo"], params["sentence_hi"])
        return Composer(embedder, model, range_, params["duplicate_at"]), facts

    def _extractive(self, reply: Reply, passages: list[SearchResult], composition: Composition, foreign: bool) -> Reply:
        """The reply written from the composer's picks: the answering sentence first, the supporting points after,
        each with its ``[n]``."""
        picks = composition.picks
        if not picks:
            return reply
        shown = [standalone(p.text) for p in picks]  # quoted as shown: highlighting and checks read the words
        rendered, citations = cite_in_order([(text, p.source, text) for text, p in zip(shown, picks)], passages)
        rendered = dated(rendered, citations, today(self.settings))  # a passed deadline says so
        reply.suggestions = suggest(passages, {c.result.chunk_id for c in citations})
        reply.engine = "extractive"
        reply.citations = citations
        steps = asks_how(reply.standalone_question or reply.question)
        # the note says the quotes are English: a question asked in German may be answered from a German annex
        translated = foreign and query_language(" ".join(shown)) == "en"
        reply.answer = render(reply.mode, rendered, citations, reply.suggestions, translated, composition.lead, steps)
        return reply

    def _verified(self, reply: Reply, grounds: Grounds, composition: Composition, started: float) -> Reply:
        """The one answer policy (``verify``) applied to a finished reply of either engine."""
        verdict = verify(reply, composition.judgement)
        reply.timings_ms["total"] = (time.perf_counter() - started) * 1000
        if verdict.passed:
            return reply
        # the sources saying themselves that they lack it ("the base year was not published") is worth quoting
        says_absent = composition.judgement.features.get("lead_absence", 0.0) > 0
        closest = composition.picks[:2] if verdict.refusal is Refusal.NOT_ANSWERED and says_absent else []
        return self._abstain(reply, grounds.results, grounds.evidence, composition.judgement, started, closest)

    def _translation(self) -> Translate | None:
        """Reads a word of another language as the sources' nearest word, when the index holds their vocabulary
        (the search engine's, reloaded when a sync rewrote it)."""
        vocabulary = self.engine.vocabulary()
        if not vocabulary:
            return None
        embedder = self.engine.embedder(VOCABULARY_MODEL)
        return lambda term: vocabulary.translate(term, embedder)

    def _abstain(
        self,
        reply: Reply,
        results: list[SearchResult],
        evidence: Evidence,
        judgement: Judgement | None,
        started: float,
        closest: list[Candidate] | None = None,
    ) -> Reply:
        """Say plainly that the sources do not answer, quote the closest they come (cited) or name what they cover
        nearby, and log the gap for the content team."""
        off_topic = evidence.off_topic and not closest and not reply.filters  # a filter may be why nothing fits
        reply.abstained = True
        reply.suggestions = [] if off_topic else suggest(results, set())
        quote, reply.citations = "", []
        if closest:
            rendered, reply.citations = cite_in_order([(p.text, p.source, p.text) for p in closest], reply.sources)
            quote = " ".join(f"{text} [{n}]" for text, n in rendered)
        nearby = [] if off_topic else list(dict.fromkeys(r.title for r in results[:5]))
        reply.answer = render_abstention(
            reply.mode,
            off_topic,
            nearby,
            reply.suggestions,
            quote=quote,
            sources=reply.citations,
            filters=reply.filters,
        )
        reply.timings_ms["total"] = reply.timings_ms.get("total", (time.perf_counter() - started) * 1000)
        verdict = evidence.to_dict() | (judgement.to_dict() if judgement else {})
        self.logbook.log_abstention(reply.question, reply.standalone_question, reply.mode, verdict, reply.filters)
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
                        "uploader": meta.get("uploader", ""),
                        "status": meta.get("status", ""),
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
