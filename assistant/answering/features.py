"""General features of a candidate sentence against a question, for the answer model to weigh.

Every feature is a number in about [0, 1] that says something true of any question and any document: how close
the sentence is to the question (dense similarity, IDF-weighted word overlap), whether it holds the kind of value
asked for, whether it is about the place, names and year asked about (in the sentence itself or only in its
section or document), where its passage ranked, and what kind of text it is (a table row, a list item, a fragment).
No feature knows any question's wording: the weights that combine them are learned (``answer_model``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.answering.relevance import english_terms, states_absence
from assistant.answering.sentences import Candidate, refers_back, with_items
from assistant.core.numbers import number_values, values_at
from assistant.core.schema import SearchResult
from assistant.core.text import analyse, capitalised_names, fold, words
from assistant.index.bm25 import BM25Index
from assistant.index.word_vectors import Translate
from assistant.query.answer_types import (
    AnswerType,
    conjuncts,
    counted_things,
    counted_words,
    counts_of,
    question_parts,
    wants_list,
    years_named,
)
from assistant.query.crosslingual import read_terms
from assistant.query.ordinals import ordinals_asked, ordinals_in
from assistant.query.places import named_places, names_place, without_places

SENTENCE_FEATURES = (
    "dense",
    "dense_relative",
    "lexical",
    "lexical_relative",
    "heading_lexical",
    "passage_lexical",
    "neighbour_lexical",
    "passage_prior",
    "passage_rank",
    "type_asked",
    "type_held",
    "counted",
    "place_asked",
    "place_in_sentence",
    "place_in_context",
    "other_place",
    "names_in_sentence",
    "names_in_context",
    "year_asked",
    "year_in_sentence",
    "year_in_context",
    "ordinal_other",
    "is_item",
    "is_table",
    "list_asked_item",
    "first_in_passage",
    "length",
    "numeric_share",
    "states_absence",
    "refers_back",
    "foreign",
)


@dataclass(frozen=True)
class QuestionFacts:
    """What a question asks about, read once: its terms (in the sources' words for another language), the kind
    of value it wants, the places, names, years and ordinals it names."""

    text: str
    terms: list[set[str]]
    answer_type: AnswerType
    wants_list: bool
    places: list[str]
    names: list[str]
    years: set[str]
    ordinals: set[int]
    counted: set[str]
    foreign: bool
    asks: int = 1
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    reading: str = ""
    parts: tuple[QuestionFacts, ...] = ()  # each ask of a question that joins several, about its places and years
    conjuncts: tuple[QuestionFacts, ...] = ()  # each thing it joins ("buildings and the total"), to be shown

    @property
    def embedded(self) -> str:
        """The text whose vector the sentences are compared with: the question, or its reading in the sources'
        words when an English model compares them."""
        return self.reading or self.text

    @classmethod
    def of(
        cls,
        question: str,
        bm25: BM25Index | None,
        foreign: bool = False,
        translate: Translate | None = None,
        reading: str = "",
    ) -> QuestionFacts:
        places = named_places(question)
        topic = without_places(question) if places else question
        if translate is not None:
            terms = read_terms(topic, translate)
            senses = [sense for word in counted_words(question) for sense in translate(fold(word).lower())]
            counted = {stem for sense in senses for stem in analyse(sense)}
        else:
            terms = english_terms(topic)
            counted = counted_things(question)
        idf = [max(bm25.idf(sorted(stems))) if bm25 is not None and stems else 1.0 for stems in terms]
        weights = np.asarray(idf, dtype=float)
        place_words = {w for p in places for w in words(p)}
        names = [  # "CO2e", "A-1" are a formula and a code, whose figures ``missing_from`` reads: not names
            n for n in capitalised_names(question) if not set(words(n)) <= place_words and not any(map(str.isdigit, n))
        ]
        if foreign and bm25 is not None:  # German capitalises every noun: a name is one the sources also write
            names = [n for n in names if all(stem in bm25.vocab for stem in analyse(n))]
        if foreign and translate is not None:  # "Ville d'Amsterdam": read as "town", a word of the question's language
            names = [n for n in names if all(translate(word)[:1] == [word] for word in words(n))]
        asked, joined = question_parts(question), conjuncts(question)

        def each(pieces: list[str]) -> tuple[QuestionFacts, ...]:
            """Each piece read on its own, about the whole question's places, names and years."""
            return tuple(
                replace(
                    cls.of(piece, bm25, foreign, translate), places=places, names=names, years=years_named(question)
                )
                for piece in pieces
            )

        parts = each(asked) if len(asked) > 1 else ()
        return cls(
            text=question,
            terms=terms,
            answer_type=AnswerType.asked_by(question),
            wants_list=wants_list(question),
            places=places,
            names=names,
            years=years_named(question),
            ordinals=set(ordinals_asked(question)),
            counted=counted,
            foreign=foreign,
            asks=max(1, len(asked), question.count("?")),
            weights=weights / (weights.sum() or 1.0),
            reading=reading,
            parts=parts,
            conjuncts=each(joined) if len(joined) > len(asked) else (),
        )

    def missing_from(self, texts: Sequence[str]) -> tuple[float, float, float]:
        """What of the question no text holds: the IDF share of its terms found nowhere, the largest share of one
        such term, and the share of its numbers (years, amounts) found nowhere, as written or by value ("€600k" is
        the sources' "€600,000"). A question on a figure, year or name the sources never give leaves its rarest
        term or its number unmatched."""
        present = set().union(*(analyse(text) for text in texts)) if texts else set()
        shares = [share for stems, share in zip(self.terms, self.weights) if not stems & present]
        asked = words(self.text)
        numbers = [i for i, w in enumerate(asked) if w[:1].isdigit()]  # "co2e" names a gas, not a figure
        held = [words(text) for text in texts]
        found, values = set().union(*held), set().union(*(number_values(tokens) for tokens in held))
        unmatched = (
            sum(asked[i] not in found and not values_at(asked, i) & values for i in numbers) / len(numbers)
            if numbers
            else 0.0
        )
        return float(sum(shares)), float(max(shares, default=0.0)), unmatched

    def term_shares(self, texts: Sequence[str]) -> np.ndarray:
        """Per text and question term, the term's IDF share when the text holds it (0 otherwise)."""
        if not self.terms:
            return np.zeros((len(texts), 1))
        rows = []
        for text in texts:
            present = set(analyse(text))
            rows.append([share if stems & present else 0.0 for stems, share in zip(self.terms, self.weights)])
        return np.asarray(rows, dtype=float)


def _names_share(names: list[str], text: str) -> float:
    """Share of the question's capitalised names (programmes, people, places outside the vocabulary) in ``text``."""
    if not names:
        return 1.0
    folded = fold(text)
    return sum(fold(n) in folded for n in names) / len(names)


def _numeric_share(text: str) -> float:
    """Share of a text's tokens that are numbers: a chart's axis labels are mostly numbers."""
    tokens = text.split()
    return sum(any(ch.isdigit() for ch in t) for t in tokens) / max(len(tokens), 1)


def _context(result: SearchResult, candidate: Candidate) -> str:
    """What a sentence stands under: its document's title, city and country, its section and heading."""
    meta = result.chunk.metadata
    return " ".join(
        str(part or "")
        for part in (result.title, meta.get("city"), meta.get("country"), result.section, candidate.heading)
    )


def sentence_features(
    facts: QuestionFacts,
    pool: list[Candidate],
    everything: list[Candidate],
    results: list[SearchResult],
    dense: np.ndarray,
    passage_score: Callable[[SearchResult], float],
) -> np.ndarray:
    """One row of ``SENTENCE_FEATURES`` per candidate of ``pool`` (``dense``: calibrated cosine to the question)."""
    judged = [with_items(c, everything) for c in pool]
    lexical = facts.term_shares(judged).sum(axis=1)
    contexts = [_context(results[c.source], c) for c in pool]
    heading = facts.term_shares(contexts).sum(axis=1)
    passage_shares = facts.term_shares([f"{r.title} {r.section or ''} {r.text}" for r in results]).sum(axis=1)
    by_place = {(c.source, c.position): value for c, value in zip(pool, lexical)}
    top_dense, top_lexical = max(dense.max(initial=0.0), 1e-6), max(lexical.max(initial=0.0), 1e-6)
    top_passage = max(max(passage_score(r) for r in results), 1e-9)
    counts = [counts_of(c.text, facts.counted) for c in pool]
    given = set().union(*counts) if counts else set()
    rows = []
    for i, candidate in enumerate(pool):
        result, text, context = results[candidate.source], candidate.text, contexts[i]
        places_here = named_places(text)
        place_in_sentence = any(names_place(text, p) for p in facts.places)
        place_in_context = any(names_place(context, p) for p in facts.places)
        shown_ordinals = ordinals_in(text) if facts.ordinals else set()
        held = facts.answer_type.held_by(text) if facts.answer_type is not AnswerType.ANY else False
        rows.append(
            [
                dense[i],
                dense[i] / top_dense,
                lexical[i],
                lexical[i] / top_lexical,
                heading[i],
                passage_shares[candidate.source],
                max(by_place.get((candidate.source, candidate.position + step), 0.0) for step in (-1, 1)),
                passage_score(result) / top_passage,
                1.0 / (1.0 + result.rank if result.rank else 1.0 + candidate.source),
                float(facts.answer_type is not AnswerType.ANY),
                float(held),
                (bool(counts[i]) + len(counts[i]) / len(given)) / 2 if given else 0.0,
                float(bool(facts.places)),
                float(place_in_sentence),
                float(place_in_context and not place_in_sentence),
                float(bool(facts.places) and bool(places_here) and not place_in_sentence),
                _names_share(facts.names, text),
                _names_share(facts.names, f"{context} {result.text}"),
                float(bool(facts.years)),
                float(bool(facts.years) and any(y in text for y in facts.years)),
                float(bool(facts.years) and any(y in context for y in facts.years)),
                float(bool(shown_ordinals) and not shown_ordinals & facts.ordinals),
                float(candidate.is_item),
                float(candidate.is_table),
                float(facts.wants_list and candidate.is_item),
                float(candidate.position == 0),
                min(1.0, math.log1p(len(text.split())) / math.log1p(60)),
                _numeric_share(text),
                float(states_absence(text)),
                float(refers_back(text)),
                float(facts.foreign),
            ]
        )
    return np.asarray(rows, dtype=float).reshape(len(pool), len(SENTENCE_FEATURES))
