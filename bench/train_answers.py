"""Fit the answer model (assistant/answering/answer_model.json) on the development set, and print how it was chosen.

Training questions: eval/dev (real city plans and contracts) and the gold set's a-halves (the shipped corpus). The
test half (eval/test) is never read here. Each question is retrieved and read as the assistant does; a candidate
sentence is positive when it holds one of the question's expected facts, with the list items it introduces.

1. The sentence model: logistic regression (scikit-learn) over ``SENTENCE_FEATURES``; C chosen by cross-validation
   grouped by document, and compared there with gradient boosting (printed).
2. ``keep_ratio``: the share of the lead's probability a further sentence needs, chosen for the most answerable
   questions whose picks hold every fact (out-of-fold sentence probabilities).
3. The answer model: logistic regression over ``ANSWER_FEATURES`` on out-of-fold judgements; ``answer_at`` is the
   lowest cut-off whose balanced accuracy (answering answerable questions, declining unanswerable ones), out of fold
   too and averaged over 20 random deals of documents to folds, is within one unanswerable question of the best.

MiniLM runs in float32 here whatever the CPU (``NETZERO_PRECISION``): in bfloat16 the features move by about 1e-4,
and the fit's choices (its cut-off among them) moved with them, so a refit would depend on the machine.

``--leave-one-set-out`` asks whether more training sets would help: it also reads the further sets of real contracts
that earlier rounds scored as held out (``further_sets``, each in its own library as ``bench/answers.py`` searches it),
and scores each of them (``bench/answers.py``'s figures) with a model fitted on the training questions above and
every other further set, beside the shipped model. It writes nothing.

    .venv/bin/python bench/train_answers.py                      # fit and write the model
    .venv/bin/python bench/train_answers.py --dry-run            # fit and print, write nothing
    .venv/bin/python bench/train_answers.py --leave-one-set-out  # score each further set unread (about 80 minutes)
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["NETZERO_PRECISION"] = "float32"  # the same features, and so the same model, on any CPU (see above)

from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import log_loss, roc_auc_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from assistant.answering.answer_model import ANSWER_FEATURES, MODEL_PATH, AnswerModel, LogisticModel  # noqa: E402
from assistant.answering.composer import Composition, Reading  # noqa: E402
from assistant.answering.features import SENTENCE_FEATURES  # noqa: E402
from assistant.answering.sentences import with_items  # noqa: E402
from assistant.api import Assistant, Grounds  # noqa: E402
from assistant.query.conversation import Conversation  # noqa: E402
from bench.answers import (  # noqa: E402
    FRESH_SETS,
    contracts_settings,
    corpus_settings,
    evaluate,
    fresh_settings,
    further_settings,
    library_settings,
    realdocs_settings,
)
from bench.gold import (  # noqa: E402
    DEV_QUESTIONS,
    FRESH_CONTRACTS,
    FURTHER_CONTRACTS,
    GOLD,
    REALDOCS_QUESTIONS,
    Question,
    eval_questions,
    fact_in,
    load_questions,
)

KEEP_RATIOS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
C_VALUES = (0.03, 0.1, 0.3, 1.0, 3.0)
FOLDS = 5
CUT_OFF_DEALS = 20  # random deals of documents to folds whose out-of-fold answer probabilities are averaged


@dataclass
class Example:
    """One training question as the assistant read it."""

    question: Question
    group: str
    assistant: Assistant
    grounds: Grounds
    read: Reading | None
    labels: np.ndarray  # per usable sentence: 1 when it holds an expected fact


def read_questions(assistant: Assistant, questions: list[Question]) -> list[Example]:
    """Retrieve and read every question once; label each usable sentence by whether it holds an expected fact.
    A question with no passage, or off-topic, is declined before any model speaks: it is left out."""
    examples = []
    for question in questions:
        grounds = assistant.ground(Conversation().rewrite(question.q))
        if not grounds.passages or grounds.evidence.off_topic:
            continue
        composer, facts = assistant.composer_for(grounds, selecting())
        read = composer.read(facts, grounds.passages, every_sentence=True)
        labels = np.zeros(0)
        if read is not None:
            shown = [with_items(c, read[0]) for c in read[1]]  # a sentence as a reply shows it
            labels = np.asarray(
                [float(question.answerable and any(fact_in(f, s) for f in question.facts)) for s in shown]
            )
        group = question.doc or (question.doc_ids[0] if question.doc_ids else question.id)
        examples.append(Example(question, group, assistant, grounds, read, labels))
    return examples


def fit_logistic(rows: np.ndarray, labels: np.ndarray, features: tuple[str, ...], c: float) -> LogisticModel:
    scaler = StandardScaler().fit(rows)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    fitted = LogisticRegression(C=c, max_iter=2000).fit((rows - scaler.mean_) / scale, labels)
    return LogisticModel(features, scaler.mean_, scale, fitted.coef_[0], float(fitted.intercept_[0]))


def out_of_fold(
    rows: np.ndarray,
    labels: np.ndarray,
    groups: np.ndarray,
    features: tuple[str, ...],
    c: float,
    seed: int | None = None,
):
    """Probabilities for every row from a model fitted without its group's rows (folds by document; with ``seed``,
    documents dealt to the folds at random)."""
    predicted = np.zeros(len(rows))
    folds = GroupKFold(n_splits=min(FOLDS, len(set(groups))), shuffle=seed is not None, random_state=seed)
    for train, held in folds.split(rows, labels, groups):
        if len(set(labels[train])) < 2:
            predicted[held] = labels[train].mean()
            continue
        predicted[held] = fit_logistic(rows[train], labels[train], features, c).probability(rows[held])
    return predicted


def choose_c(rows: np.ndarray, labels: np.ndarray, groups: np.ndarray, features: tuple[str, ...]) -> float:
    """The regularisation with the lowest out-of-fold log loss (each one's loss and AUC printed)."""
    best_c, best_loss = C_VALUES[0], np.inf
    for c in C_VALUES:
        predicted = out_of_fold(rows, labels, groups, features, c)
        loss = log_loss(labels, predicted)
        print(f"  logistic C={c:<5} log loss {loss:.4f}  AUC {roc_auc_score(labels, predicted):.4f}")
        if loss < best_loss:
            best_c, best_loss = c, loss
    return best_c


def compare_boosting(rows: np.ndarray, labels: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    """Gradient boosting's out-of-fold log loss and AUC on the same folds, for the record."""
    predicted = np.zeros(len(rows))
    for train, held in GroupKFold(n_splits=min(FOLDS, len(set(groups)))).split(rows, labels, groups):
        model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15)
        predicted[held] = model.fit(rows[train], labels[train]).predict_proba(rows[held])[:, 1]
    return log_loss(labels, predicted), roc_auc_score(labels, predicted)


def blank(features: tuple[str, ...]) -> LogisticModel:
    """A model that gives every row the same probability."""
    return LogisticModel(features, np.zeros(len(features)), np.ones(len(features)), np.zeros(len(features)), 0.0)


def selecting(keep_ratio: float = 0.5, sentence: LogisticModel | None = None) -> AnswerModel:
    """A model that only selects: the sentences' probabilities for the whole question are given from outside (out
    of fold), ``sentence`` scores them for each ask of a question that joins several, and the verdict is not read."""
    return AnswerModel(sentence or blank(SENTENCE_FEATURES), blank(ANSWER_FEATURES), 0.5, keep_ratio)


def compose(example: Example, probability: np.ndarray, keep_ratio: float, sentence: LogisticModel) -> Composition:
    composer, facts = example.assistant.composer_for(example.grounds, selecting(keep_ratio, sentence))
    grounds = example.grounds
    return composer.compose(
        facts, grounds.passages, example.question.mode, grounds.evidence, grounds.unseen, example.read, probability
    )


def fit(examples: list[Example], trained_on: str) -> AnswerModel:
    """The answer model fitted on ``examples`` (steps 1 to 3 of the module's docstring), each choice printed."""
    scored = [e for e in examples if e.read is not None]
    rows = np.vstack([e.read[3] for e in scored])
    labels = np.concatenate([e.labels for e in scored])
    groups = np.concatenate([[e.group] * len(e.labels) for e in scored])
    print(f"{len(rows)} sentences, {int(labels.sum())} holding a fact; {len(set(groups))} documents")
    print("\n## sentence model: out-of-fold log loss / AUC by C (folds by document)")
    best_c = choose_c(rows, labels, groups, SENTENCE_FEATURES)
    loss, auc = compare_boosting(rows, labels, groups)
    print(f"  gradient boosting   log loss {loss:.4f}  AUC {auc:.4f}")
    sentence = fit_logistic(rows, labels, SENTENCE_FEATURES, best_c)
    oof = out_of_fold(rows, labels, groups, SENTENCE_FEATURES, best_c)
    offsets = np.cumsum([0] + [len(e.labels) for e in scored])
    probabilities = {id(e): oof[offsets[i] : offsets[i + 1]] for i, e in enumerate(scored)}

    print("\n## keep_ratio: answerable questions whose picks hold every fact (out-of-fold probabilities)")
    answerable = [e for e in scored if e.question.answerable]
    best_ratio, best_hits = KEEP_RATIOS[0], -1
    for ratio in sorted(KEEP_RATIOS, reverse=True):  # on a tie the larger ratio: the shorter answer
        hits = 0
        for e in answerable:
            text = " ".join(p.text for p in compose(e, probabilities[id(e)], ratio, sentence).picks)
            hits += all(fact_in(f, text) for f in e.question.facts)
        print(f"  {ratio:.1f}: {hits}/{len(answerable)}")
        if hits > best_hits:
            best_ratio, best_hits = ratio, hits

    judgements = [compose(e, probabilities[id(e)], best_ratio, sentence).judgement for e in scored]
    q_rows = np.asarray([[j.features[name] for name in ANSWER_FEATURES] for j in judgements])
    q_labels = np.asarray([float(e.question.answerable) for e in scored])
    q_groups = np.asarray([e.group for e in scored])
    print(f"\n## answer model: {int(q_labels.sum())} answerable, {int(len(q_labels) - q_labels.sum())} not")
    best_c = choose_c(q_rows, q_labels, q_groups, ANSWER_FEATURES)
    # which documents share a fold moved the cut-off chosen below between 0.60 and 0.76: averaged over many deals
    predicted = np.mean(
        [out_of_fold(q_rows, q_labels, q_groups, ANSWER_FEATURES, best_c, seed) for seed in range(CUT_OFF_DEALS)],
        axis=0,
    )
    grid = np.linspace(0.05, 0.95, 91)
    balances = [  # answering the answerable and declining the rest weigh the same
        ((predicted >= at)[q_labels == 1].mean() + (predicted < at)[q_labels == 0].mean()) / 2 for at in grid
    ]
    # the curve is flat near its top: a cut-off that declines one unanswerable question more is a tie, and on a tie
    # the lowest cut-off (a refused answerable question costs the user more than a hedged answer)
    tie = 0.5 / max(len(q_labels) - q_labels.sum(), 1)
    best_at = float(min(at for at, balance in zip(grid, balances) if balance >= max(balances) - tie))
    answered = predicted >= best_at
    print(
        f"  answer_at {best_at:.2f}: answers {answered[q_labels == 1].mean():.3f} of answerable, declines "
        f"{(~answered[q_labels == 0]).mean():.3f} of unanswerable (out of fold)"
    )
    answer = fit_logistic(q_rows, q_labels, ANSWER_FEATURES, best_c)
    model = AnswerModel(sentence, answer, best_at, best_ratio, trained_on)
    print("\n## weights (standardised features)")
    for name, weight in sorted(zip(SENTENCE_FEATURES, sentence.coef), key=lambda p: -abs(p[1])):
        print(f"  sentence {name:<20} {weight:+.3f}")
    for name, weight in sorted(zip(ANSWER_FEATURES, answer.coef), key=lambda p: -abs(p[1])):
        print(f"  answer   {name:<20} {weight:+.3f}")
    return model


def further_sets() -> list[tuple[str, Assistant, list[Question]]]:
    """The sets of real contracts scored as held out by earlier rounds, each with an assistant on its own library."""
    sets = [
        ("contracts", further_settings(), load_questions([FURTHER_CONTRACTS])),
        ("fresh", fresh_settings(), load_questions([FRESH_CONTRACTS])),
    ]
    for _, name, _ in FRESH_SETS:
        questions = load_questions([eval_questions(name)])
        sets.append((name, library_settings(f"{name}-index", questions), questions))
    earlier = load_questions([REALDOCS_QUESTIONS])
    sets.append(("realdocs", contracts_settings(earlier), earlier))
    return [(name, Assistant(settings), questions) for name, settings, questions in sets]


SCORED = ("answered with facts and valid citations", "abstention on unanswerable", "false abstentions")


def leave_one_set_out(base: list[Example], sets: list[tuple[str, Assistant, list[Question]]]) -> None:
    """Score each further set (every question of it, as ``bench/answers.py`` does) with the shipped model and with
    one fitted on ``base`` and every other further set."""
    further = {name: read_questions(assistant, questions) for name, assistant, questions in sets}
    print("\n## each further set, scored unread: correct / declines unanswerable / refuses answerable")
    shipped, refitted = [], []
    for name, assistant, questions in sets:
        others = [e for other, examples in further.items() if other != name for e in examples]
        model = fit(base + others, f"all but {name}")
        for scores, scoring in (
            (shipped, assistant),
            (refitted, Assistant(assistant.settings, assistant.engine, model)),
        ):
            figures = evaluate(scoring, questions, False)
            scores.append([figures[key] for key in SCORED])
        print(f"  {name:<10} shipped {_row(shipped[-1])}   fitted without it {_row(refitted[-1])}")
    print(f"  {'mean':<10} shipped {_row(np.mean(shipped, 0))}   fitted without it {_row(np.mean(refitted, 0))}")


def _row(values: list[float] | np.ndarray) -> str:
    return " / ".join(f"{value:.3f}" for value in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the fit, write nothing")
    parser.add_argument(
        "--leave-one-set-out", action="store_true", help="score each further set by a fit without it, write nothing"
    )
    args = parser.parse_args()
    dev = load_questions([DEV_QUESTIONS])
    gold = load_questions(sorted(GOLD.glob("*-a.jsonl")))
    base = read_questions(Assistant(realdocs_settings()), dev) + read_questions(Assistant(corpus_settings()), gold)
    print(f"{len(base)} questions read ({len(dev)} dev, {len(gold)} gold a-half)")
    if args.leave_one_set_out:
        leave_one_set_out(base, further_sets())
        return
    model = fit(base, f"{len(dev)} dev + {len(gold)} gold a-half questions")
    if not args.dry_run:
        model.save()
        print(f"\nwrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
