"""Tune fusion, BM25 and the rescoring stage on SciFact TRAIN qrels only.

Fusion: method, RRF k, per-signal weights; BM25: k1, b, title weight; rescoring (under the default fusion):
depth and weights.

Dense candidate lists and document vectors come from the real index (cached in bench/.cache: a re-run embeds
nothing); BM25 lists are rebuilt in memory for each parameter set. Prints each grid ranked by train nDCG@10,
then the best points.
Usage: python bench/tune_fusion.py [--scifact DIR] [--top N]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.core.schema import Chunk  # noqa: E402
from assistant.index.bm25 import BM25Index, BM25Params  # noqa: E402
from assistant.retrieval.evaluation import (
    Qrels,
    Run,
    bm25_rows,
    cached_vectors,
    load_corpus,
    ranking_to_run,
    score_run,
    split_queries,
)
from assistant.retrieval.fusion import FusionConfig  # noqa: E402
from assistant.retrieval.rescoring import query_weights, rescored, sentence_coverage, top_similarity  # noqa: E402
from bench.common import (  # noqa: E402
    CACHE,
    DEPTH,
    SCIFACT,
    Lists,
    candidate_lists,
    describe,
    describe_rescore,
    fused_ranking,
    fused_run,
    plain_rrf,
    scifact_engine,
    single,
)

SIGNALS = ("bm25", "minilm", "e5")
RRF_K = (5, 10, 20, 40, 60)
MINILM_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
E5_WEIGHTS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
RESCORE_DEPTHS = (20, 30, 50)
SIMILARITY_WEIGHTS = (0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
SENTENCE_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
BM25_GRID = [
    BM25Params(k1=k1, b=b, title_weight=tw)
    for k1, b, tw in itertools.product((0.9, 1.2, 1.5), (0.5, 0.75, 0.9), (1, 2, 3))
]


def with_bm25(dense: Mapping[str, Lists], queries: Mapping[str, str], index: BM25Index) -> dict[str, Lists]:
    """The dense lists of each query plus the BM25 list from ``index``."""
    return {qid: {**dense[qid], "bm25": index.search(queries[qid], DEPTH)} for qid in dense}


def ndcg(
    lists: Mapping[str, Lists],
    queries: Mapping[str, str],
    qrels: Qrels,
    fusion: FusionConfig,
    signals: Iterable[str] = SIGNALS,
) -> float:
    """Train nDCG@10 of ``fusion`` over the given lists."""
    return score_run(fused_run(lists, queries, fusion, signals), qrels)["ndcg@10"]


def fusion_grid() -> list[FusionConfig]:
    """Every min-max and RRF (k) point over the weight grid; BM25's weight stays 1 (only ratios matter)."""
    grid = []
    for minilm, e5 in itertools.product(MINILM_WEIGHTS, E5_WEIGHTS):
        base = FusionConfig(weights=(("bm25", 1.0), ("minilm", minilm), ("e5", e5)))
        grid.append(replace(base, method="minmax"))
        grid.extend(replace(base, method="rrf", k=k) for k in RRF_K)
    return grid


def rescore_grid(
    lists: Mapping[str, Lists],
    queries: Mapping[str, str],
    qrels: Qrels,
    chunks: list[Chunk],
    vectors: list[np.ndarray],
    index: BM25Index,
) -> list[tuple[float, FusionConfig]]:
    """Train nDCG@10 of the rescoring stage, as SearchEngine.rescore applies it, over its grid under the
    default fusion; each head's signals are computed once per depth, so the weight grid is only arithmetic."""
    position = {chunk.chunk_id: i for i, chunk in enumerate(chunks)}
    heads = {}
    for qid, by_signal in lists.items():
        ranking = fused_ranking(by_signal, queries[qid], FusionConfig(), SIGNALS)[:DEPTH]
        weights = query_weights(queries[qid], index.idf)
        head = ranking[: max(RESCORE_DEPTHS)]
        coverage = [sentence_coverage(weights, chunks[position[cid]].text) for cid, _ in head]
        heads[qid] = (ranking, coverage)
    grid = []
    for depth in RESCORE_DEPTHS:
        similarities = {
            qid: [top_similarity(v[[position[cid] for cid, _ in ranking[:depth]]]) for v in vectors]
            for qid, (ranking, _) in heads.items()
        }
        for similarity, sentence in itertools.product(SIMILARITY_WEIGHTS, SENTENCE_WEIGHTS):
            run: Run = {}
            for qid, (ranking, coverage) in heads.items():
                head = ranking[:depth]
                scores = rescored(
                    [score for _, score in head], similarities[qid], coverage[:depth], similarity, sentence
                )
                order = sorted(zip(scores, range(len(head))), key=lambda pair: -pair[0])
                run[qid] = ranking_to_run([head[i] for _, i in order] + ranking[depth:])
            fusion = replace(
                FusionConfig(), rescore_depth=depth, similarity_weight=similarity, sentence_weight=sentence
            )
            grid.append((score_run(run, qrels)["ndcg@10"], fusion))
    return grid


def describe_bm25(params: BM25Params) -> str:
    return f"k1={params.k1:g} b={params.b:g} title_weight={params.title_weight}"


def print_ranked(title: str, points: list[tuple[float, str]], top: int) -> None:
    """The ``top`` best points, best first."""
    print(f"\n## {title}: train nDCG@10 ({len(points)} points, best {min(top, len(points))} shown)")
    for value, label in sorted(points, key=lambda point: -point[0])[:top]:
        print(f"  {value:.4f}  {label}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scifact", type=Path, default=SCIFACT)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)

    engine = scifact_engine(args.scifact)
    queries, qrels = split_queries(args.scifact, "train")
    dense = candidate_lists(engine, queries, engine.models, CACHE / args.scifact.name)
    rows = bm25_rows(load_corpus(args.scifact))
    lists = with_bm25(dense, queries, BM25Index.build(rows, BM25Params()))
    print(f"SciFact train: {len(queries)} queries, candidate depth {DEPTH}")
    alone = [(ndcg(lists, queries, qrels, single(s), [s]), s) for s in SIGNALS]
    print_ranked("each signal alone", alone, args.top)

    fusions = [(ndcg(lists, queries, qrels, fusion), fusion) for fusion in fusion_grid()]
    print_ranked("fusion grid, default BM25", [(value, describe(f)) for value, f in fusions], args.top)
    _, best_fusion = max(fusions, key=lambda point: point[0])

    bm25_alone, fused = [], []
    for params in BM25_GRID:
        bm25_lists = with_bm25(dense, queries, BM25Index.build(rows, params))
        bm25_alone.append((ndcg(bm25_lists, queries, qrels, single("bm25"), ["bm25"]), describe_bm25(params)))
        fused.append((ndcg(bm25_lists, queries, qrels, best_fusion), params))
    print_ranked("BM25 parameters, BM25 alone", bm25_alone, args.top)
    print_ranked(
        f"BM25 parameters under {describe(best_fusion)}", [(value, describe_bm25(p)) for value, p in fused], args.top
    )

    best_value, best_params = max(fused, key=lambda point: point[0])
    chunks = load_corpus(args.scifact)
    vectors = [cached_vectors(model, chunks, CACHE / args.scifact.name) for model in engine.models]
    rescores = rescore_grid(lists, queries, qrels, chunks, vectors, BM25Index.build(rows, BM25Params()))
    print_ranked(
        "rescoring stage under the default fusion", [(value, describe_rescore(f)) for value, f in rescores], args.top
    )
    print(f"\nreference, RRF k=10 equal weights: {ndcg(lists, queries, qrels, plain_rrf(SIGNALS)):.4f}")
    print(f"current defaults, {describe(FusionConfig())}: {ndcg(lists, queries, qrels, FusionConfig()):.4f}")
    print(f"best: {best_value:.4f}  {describe(best_fusion)}  {describe_bm25(best_params)}")
    value, rescore = max(rescores, key=lambda point: point[0])
    off = next(v for v, f in rescores if not f.similarity_weight and not f.sentence_weight)
    print(f"rescoring: off {off:.4f}, best {value:.4f}  {describe_rescore(rescore)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
