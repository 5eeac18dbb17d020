"""The sync generation: one small file, replaced whole, that tells readers a sync has finished."""

from __future__ import annotations

from pathlib import Path

from assistant.index.generation import GENERATION_NAME, read_generation, write_generation


def test_no_generation_reads_as_empty_and_each_publication_is_new(tmp_path: Path) -> None:
    assert read_generation(tmp_path) == ""
    first = write_generation(tmp_path)
    second = write_generation(tmp_path)
    assert first and second != first and read_generation(tmp_path) == second
    assert [p.name for p in tmp_path.iterdir()] == [GENERATION_NAME]  # no temporary file left behind
