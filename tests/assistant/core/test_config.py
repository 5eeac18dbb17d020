"""Settings from keyword overrides, NETZERO_* environment variables and a TOML file, highest first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.core.config import Settings, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No NETZERO_* variable from the calling shell, and no netzero.toml in the working folder."""
    for name in [n for n in os.environ if n.startswith("NETZERO_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def write_toml(folder: Path, text: str) -> Path:
    path = folder / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_defaults_need_nothing() -> None:
    settings = load_settings()
    assert settings == Settings() and settings.port == 7860 and settings.dense_models == ("minilm",)
    assert settings.crosslingual  # questions in other languages are read through the index's vocabulary


def test_a_port_from_the_environment_is_an_int(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETZERO_PORT", "8000")
    assert load_settings().port == 8000


def test_dense_models_from_the_environment_are_a_tuple(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETZERO_DENSE_MODELS", "minilm")
    assert load_settings().dense_models == ("minilm",)
    monkeypatch.setenv("NETZERO_DENSE_MODELS", " e5 , minilm ,")
    assert load_settings().dense_models == ("e5", "minilm")


def test_numbers_and_paths_from_the_environment_get_their_field_types(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NETZERO_MAX_FILE_MB", "12.5")
    monkeypatch.setenv("NETZERO_INDEX", str(tmp_path / "idx"))
    settings = load_settings()
    assert settings.max_file_mb == 12.5 and settings.index_dir == tmp_path / "idx"


def test_a_toml_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NETZERO_CONFIG", str(write_toml(tmp_path, 'port = 9000\ndense_models = ["e5"]\n')))
    settings = load_settings()
    assert settings.port == 9000 and settings.dense_models == ("e5",)


def test_an_unknown_key_in_the_toml_file_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NETZERO_CONFIG", str(write_toml(tmp_path, "port = 9000\nprot = 9001\n")))
    with pytest.raises(ValueError, match="prot"):
        load_settings()


def test_the_environment_beats_the_toml_file_and_keywords_beat_both(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NETZERO_CONFIG", str(write_toml(tmp_path, 'port = 9000\nthreads = 3\nhost = "0.0.0.0"\n')))
    monkeypatch.setenv("NETZERO_PORT", "8000")
    monkeypatch.setenv("NETZERO_THREADS", "4")
    settings = load_settings(port=7000)
    assert (settings.port, settings.threads, settings.host) == (7000, 4, "0.0.0.0")


def test_a_none_keyword_does_not_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETZERO_PORT", "8000")
    assert load_settings(port=None).port == 8000


def test_the_index_defaults_to_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.index_dir == tmp_path / "index" and settings.logs_dir == tmp_path / "logs"
