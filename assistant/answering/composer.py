"""The default answer engine: no LLM, no network. It can only say what the sources say.

Query-focused extractive summarisation with learned weights: the top passages are read into sentences, each
sentence gets general features against the question (``features``), the answer model turns them into the
probability that the sentence states what is asked, and the best sentences are picked greedily with a redundancy
penalty (MMR). The same model, from the picks and the retrieval evidence, judges whether the passages answer the
question at all (``Judgement``), which ``verify`` applies to every engine's reply. A question that joins several
asks is answered when one of them is: each ask is judged on its own sentences too; and each thing a question joins
("buildings and the total") is shown the sentence that best answers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from assistant.answering.answer_model import ANSWER_FEATURES, AnswerModel
from assistant.answering.features import SENTENCE_FEATURES, QuestionFacts, sentence_features
from assistant.answering.relevance import Evidence
from assistant.answering.sentences import Candidate, absorb_items, candidates, in_context, sentence_vectors
from assistant.core.schema import Mode, SearchResult
from assistant.index.embeddings import Embedder
from assistant.query.places import names_place

_FEATURE = {name: i for i, name in enumerate(SENTENCE_FEATURES)}
# The passages read for a question: every sentence, those usable on their own, their vectors and feature rows.
Reading = tuple[list[Candidate], list[Candidate], np.ndarray, np.ndarray]


def passage_score(result: SearchResult) -> float:
    """How well a passage matched in fusion, before rescoring reordered the head by other evidence."""
    return result.signals.get("fused", result.score)


@dataclass
class Judgement:
    """Whether the passages answer the question: the answer model's probability, its cut-off and its inputs."""

    probability: float
    answer_at: float
    features: dict[str, float] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return self.probability >= self.answer_at

    def to_dict(self) -> dict[str, float]:
        return {"p_answerable": round(self.probability, 4), "answer_at": self.answer_at} | {
            k: round(v, 4) for k, v in self.features.items()
        }


@dataclass
class Composition:
    """The picked sentences (lead first) and the judgement on them."""

    picks: list[Candidate]
    judgement: Judgement
    lead: int = 1  # how many of the picks answer the question (the lead and what it needs to be read)


class Composer:
    """Picks and orders the sentences that answer a question, from passages already retrieved."""

    def __init__(
        self,
        embedder: Embedder,
        model: AnswerModel,
        cosine_range: tuple[float, float],
        duplicate_at: float = 0.92,
        max_sentences: int = 8,  # 6 left a multi-part question's second fact out on every row read (PERFORMANCE.md)
        embedded_at_most: int = 48,
    ) -> None:
        self.embedder = embedder
        self.model = model
        self.lo, self.hi = cosine_range
        self.duplicate_at = duplicate_at
        self.max_sentences = max_sentences
        self.embedded_at_most = embedded_at_most

    def compose(
        self,
        facts: QuestionFacts,
        results: list[SearchResult],
        mode: str,
        evidence: Evidence,
        unseen_names: float = 0.0,
        read: Reading | None = None,
        probability: np.ndarray | None = None,
    ) -> Composition:
        """The answer's sentences and whether they answer: the lead first, the others in their sources' order.
        ``read`` and ``probability`` let the training script compose from sentences it has read and scored."""
        read = read or self.read(facts, results)
        if read is None:
            return Composition([], Judgement(0.0, self.model.answer_at, {}))
        everything, pool, vectors, rows = read
        if probability is None:
            probability = self.model.sentence.probability(rows)
        for candidate, p in zip(pool, probability):
            candidate.score = float(p)
        for candidate in everything:  # rows beside a pick are shown only when on the place asked about
            candidate.on_place = _on_place(candidate, facts.places, results)
        limit = self._limit(facts, mode)
        chosen = self._mmr(vectors, probability, self.model.keep_ratio, limit)
        # each ask is judged as the answer model was fitted (on the whole question's similarity), and each ask and
        # each thing the question joins is shown the sentence closest to it, on its own similarity too
        parts = self._score_parts(facts.parts, read, results)
        shown = self._score_parts(facts.parts + facts.conjuncts, read, results, own_similarity=True)
        picked = [pool[i] for i in chosen + self._each_part(shown, vectors, probability, chosen)]
        for pick in picked:
            if pick.text.rstrip().endswith(":"):
                absorb_items(pick, everything)
        lead_block, rest = in_context(picked, everything, lead_first=not facts.wants_list)
        rest.sort(key=lambda c: (c.source, c.position))
        texts = [f"{r.title} {r.section or ''} {r.text}" for r in results]
        # judged on the picks the model was fitted with: an ask's own sentence is shown, not weighed
        whole = self.judge(
            rows, probability, pool, picked[: len(chosen)], evidence, unseen_names, facts.missing_from(texts)
        )
        asks = [
            self.judge(
                part_rows,
                scores,
                pool,
                self._picks(vectors, scores, pool, limit),
                evidence,
                unseen_names,
                part.missing_from(texts),
            )
            for part, part_rows, scores in parts
        ]
        judgement = max([whole, *asks], key=lambda j: j.probability)  # a question is answered when one of its asks is
        lead = 1 if lead_block[0].is_item else len(lead_block)  # a list's other rows are points, not the answer
        return Composition([*lead_block, *rest], judgement, lead)

    def read(self, facts: QuestionFacts, results: list[SearchResult], every_sentence: bool = False) -> Reading | None:
        """The passages' sentences (all, and those usable on their own), the usable ones' vectors and features;
        ``None`` when no sentence can stand in an answer. ``every_sentence``: none left out for its rank (the
        training script's, whose sentence model is not fitted yet)."""
        everything = candidates(results)
        pool = [c for c in everything if c.usable]
        if not pool:
            return None
        kept = np.arange(len(pool))
        if not every_sentence and len(pool) > self.embedded_at_most:
            # embedding the sentences is most of an answer's time: only the likeliest by every other feature are
            # embedded (the features still read the whole pool, so that a sentence's neighbours and its best count)
            unembedded = sentence_features(facts, pool, everything, results, np.zeros(len(pool)), passage_score)
            likeliest = np.argsort(-self.model.sentence.probability(unembedded), kind="stable")
            kept = np.sort(likeliest[: self.embedded_at_most])
        vectors = sentence_vectors(self.embedder, [pool[i].text for i in kept])
        dense = np.zeros(len(pool))
        dense[kept] = self._similarity(vectors, facts.embedded)
        rows = sentence_features(facts, pool, everything, results, dense, passage_score)[kept]
        return everything, [pool[i] for i in kept], vectors, rows

    def _limit(self, facts: QuestionFacts, mode: str) -> int:
        """How many sentences at most: more for a list, the first steps of a path and several asks."""
        more = int(facts.wants_list or mode == Mode.START) * 2 + min(2, facts.asks - 1)
        return self.max_sentences + more

    def judge(
        self,
        rows: np.ndarray,
        probability: np.ndarray,
        pool: list[Candidate],
        picked: list[Candidate],
        evidence: Evidence,
        unseen_names: float,
        missing: tuple[float, float, float],
    ) -> Judgement:
        """The answer model's verdict on whether the picks answer the question."""
        order = np.argsort(-probability, kind="stable")
        top = probability[order]
        chosen = [pool.index(p) for p in picked if p in pool] or [int(order[0])]
        lead = rows[int(order[0])]

        def held(feature: str) -> float:
            return float(max(rows[i, _FEATURE[feature]] for i in chosen))

        values = {
            "best": float(top[0]),
            "second": float(top[1]) if len(top) > 1 else 0.0,
            "top3_mean": float(top[:3].mean()),
            "lead_dense": float(lead[_FEATURE["dense"]]),
            "lead_lexical": float(lead[_FEATURE["lexical"]]),
            "evidence_score": evidence.score,
            "evidence_dense": evidence.dense,
            "evidence_coverage": evidence.coverage,
            "type_asked": float(lead[_FEATURE["type_asked"]]),
            "type_held": held("type_held"),
            "place_asked": float(lead[_FEATURE["place_asked"]]),
            "place_held": max(held("place_in_sentence"), held("place_in_context")),
            "names_held": held("names_in_context"),
            "names_unseen": unseen_names,
            "year_asked": float(lead[_FEATURE["year_asked"]]),
            "year_held": max(held("year_in_sentence"), held("year_in_context")),
            "lead_absence": float(lead[_FEATURE["states_absence"]]),
            "terms_missing": missing[0],
            "rarest_missing": missing[1],
            "numbers_missing": missing[2],
            "foreign": float(lead[_FEATURE["foreign"]]),
        }
        vector = np.asarray([[values[name] for name in ANSWER_FEATURES]])
        return Judgement(float(self.model.answer.probability(vector)[0]), self.model.answer_at, values)

    def _score_parts(
        self,
        parts: tuple[QuestionFacts, ...],
        read: Reading,
        results: list[SearchResult],
        own_similarity: bool = False,
    ) -> list[tuple[QuestionFacts, np.ndarray, np.ndarray]]:
        """Each part of a question (its asks, or the things it joins) with every sentence's features and probability
        against that part alone; with ``own_similarity`` its dense similarity too (one more question vector a part;
        a part of a question in another language has no reading of its own and keeps the whole question's)."""
        everything, pool, vectors, rows = read
        scored = []
        for part in parts:
            own = own_similarity and not part.foreign
            dense = self._similarity(vectors, part.embedded) if own else rows[:, _FEATURE["dense"]]
            features = sentence_features(part, pool, everything, results, dense, passage_score)
            scored.append((part, features, self.model.sentence.probability(features)))
        return scored

    def _similarity(self, vectors: np.ndarray, text: str) -> np.ndarray:
        """Each sentence's similarity to ``text``, on the calibrated range of the answer model's features."""
        query = self.embedder.embed_query(text)
        return np.clip((vectors @ query - self.lo) / max(self.hi - self.lo, 1e-6), 0.0, 1.0)

    def _each_part(
        self,
        parts: list[tuple[QuestionFacts, np.ndarray, np.ndarray]],
        vectors: np.ndarray,
        probability: np.ndarray,
        chosen: list[int],
    ) -> list[int]:
        """The sentence that best answers each ask when it is not picked (the first ask's best often leads; the
        second's was left out, below sentences closer to the whole question). It joins when it reaches the floor
        any pick must reach, and is no near-duplicate of a pick."""
        floor = self.model.keep_ratio * probability[chosen[0]]
        added: list[int] = []
        for _, _, scores in parts:
            best = int(np.argmax(scores))
            picks = chosen + added
            if best in picks or scores[best] < floor or (vectors[picks] @ vectors[best]).max() >= self.duplicate_at:
                continue
            added.append(best)
        return added

    def _picks(
        self, vectors: np.ndarray, probability: np.ndarray, pool: list[Candidate], limit: int
    ) -> list[Candidate]:
        """The sentences the model would pick on ``probability`` alone (an ask's own, to judge that ask)."""
        return [pool[i] for i in self._mmr(vectors, probability, self.model.keep_ratio, limit)]

    def _mmr(
        self,
        vectors: np.ndarray,
        probability: np.ndarray,
        keep_ratio: float,
        limit: int,
        balance: float = 0.75,
    ) -> list[int]:
        """Greedy maximal-marginal-relevance pick (indices of the pool): the most probable sentence leads; another
        joins while its probability reaches ``keep_ratio`` of the lead's and it is no near-duplicate of a pick."""
        order = np.argsort(-probability, kind="stable")
        lead = int(order[0])
        picked = [lead]
        floor = keep_ratio * probability[lead]
        while len(picked) < limit:
            similarity = (vectors @ vectors[picked].T).max(axis=1)
            value = balance * probability - (1 - balance) * similarity
            value[picked] = -np.inf
            value[(probability < floor) | (similarity >= self.duplicate_at)] = -np.inf
            best = int(np.argmax(value))
            if not np.isfinite(value[best]):
                break
            picked.append(best)
        return picked


def _on_place(candidate: Candidate, places: list[str], results: list[SearchResult]) -> bool:
    """About the city or country the question names, when it names one: a row on Norway in a table of all
    countries does not answer a question on Poland."""
    if not places:
        return True
    meta = results[candidate.source].chunk.metadata
    own = {str(meta.get("city", "")), str(meta.get("country", ""))}
    return bool(own & set(places)) or any(names_place(candidate.text, p) for p in places)
