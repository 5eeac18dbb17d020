"""What the benchmark scripts share: data and cache paths, the SciFact index, candidate lists, fusion."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from assistant.core.config import PROJECT_ROOT, load_settings
from assistant.core.languages import query_language
from assistant.retrieval.engine import SearchEngine
from assistant.retrieval.evaluation import BUILT_NAME, Run, build_index, load_corpus, ranking_to_run
from assistant.retrieval.fusion import FusionConfig, fused_scores

SCIFACT = PROJECT_ROOT.parent / "shared" / "bench" / "scifact"
CACHE = PROJECT_ROOT / "bench" / ".cache"
DEPTH = 100

Lists = dict[str, list[tuple[str, float]]]


def show_progress(model: str, done: int, total: int) -> None:
    """One stderr line per embedded block, so a long first run shows it is alive."""
    print(f"  embedding {model}: {done}/{total}", file=sys.stderr, flush=True)


def scifact_engine(folder: Path = SCIFACT) -> SearchEngine:
    """A search engine over the SciFact index in bench/.cache, built (embedding once) on first use."""
    settings = load_settings(index=CACHE / folder.name, dense_models=("minilm", "e5"))
    store = build_index(load_corpus(folder), settings, progress=show_progress)
    return SearchEngine(settings, store=store)


def single(signal: str) -> FusionConfig:
    """A fusion that ranks by one signal only."""
    return FusionConfig(weights=((signal, 1.0),), foreign_weights=((signal, 1.0),))


def plain_rrf(signals: Iterable[str]) -> FusionConfig:
    """Reciprocal-rank fusion with k=10 and equal weights, the published baseline."""
    weights = tuple((s, 1.0) for s in signals)
    return FusionConfig(k=10, weights=weights, foreign_weights=weights, method="rrf")


def describe(fusion: FusionConfig) -> str:
    """A fusion config in one short line."""
    weights = " ".join(f"{name}={value:g}" for name, value in fusion.weights)
    return f"rrf k={fusion.k:<3} {weights}" if fusion.method == "rrf" else f"minmax     {weights}"


def describe_rescore(fusion: FusionConfig) -> str:
    """The rescoring stage of a fusion config in one short line."""
    return (
        f"rescore depth={fusion.rescore_depth:<3} similarity={fusion.similarity_weight:<5g} "
        f"sentence={fusion.sentence_weight:g}"
    )


def candidate_lists(
    engine: SearchEngine, queries: Mapping[str, str], signals: Iterable[str], cache: Path | None = None
) -> dict[str, Lists]:
    """Query id → the engine's ranked (id, score) list per signal at depth 100, cached per index build."""
    signals = list(signals)
    key = hashlib.sha256(
        json.dumps(
            [sorted(queries.items()), signals, DEPTH, (engine.settings.index_dir / BUILT_NAME).read_text()]
        ).encode()
    )
    path = cache / f"lists-{key.hexdigest()[:16]}.json" if cache else None
    if path is not None and path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    lists: dict[str, Lists] = {}
    for qid, text in queries.items():
        found = engine.candidates(text, depth=DEPTH)
        lists[qid] = {s: [(i, float(v)) for i, v in found[s]] for s in signals}
    if path is not None:
        path.write_text(json.dumps(lists), encoding="utf-8")
    return lists


def fused_ranking(
    by_signal: Lists, query: str, fusion: FusionConfig, signals: Iterable[str]
) -> list[tuple[str, float]]:
    """One query's (id, fused score) pairs over the chosen signals, best first, as SearchEngine.fuse ranks."""
    foreign = query_language(query) != "en"
    scores = fused_scores({s: by_signal[s] for s in signals}, fusion, foreign)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def fused_run(
    lists: Mapping[str, Lists], queries: Mapping[str, str], fusion: FusionConfig, signals: Iterable[str]
) -> Run:
    """The run of ``fusion`` over the chosen signals' lists, ranked as SearchEngine.fuse ranks them."""
    signals = list(signals)
    return {
        qid: ranking_to_run(fused_ranking(by_signal, queries[qid], fusion, signals)[:DEPTH])
        for qid, by_signal in lists.items()
    }
