"""One settings object for the whole project, read from NETZERO_* environment variables and an optional TOML file.

Precedence: explicit keyword arguments, then environment variables, then the TOML file (``NETZERO_CONFIG`` or
``netzero.toml`` in the working directory), then the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _default_data_dir() -> Path:
    return PROJECT_ROOT / "data"


def _default_model_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "netzero-assistant"


@dataclass(frozen=True)
class Settings:
    """Every tunable of the assistant, in one place. Field names map to ``NETZERO_<NAME>`` env vars."""

    data_dir: Path = field(default_factory=_default_data_dir)
    index: Path | None = None
    corpus: Path = PROJECT_ROOT / "corpus"
    chroma_url: str = ""
    logbook_url: str = ""
    # The passages' dense models. "e5" (multilingual, 5x slower to index) is optional: without it a question in
    # another language is read in the sources' words through the vocabulary that ``crosslingual`` keeps.
    dense_models: tuple[str, ...] = ("minilm",)
    crosslingual: bool = True
    max_file_mb: float = 50.0
    export_ttl_s: float = 3600.0  # how long a conversation or log export can be downloaded before it is deleted
    chunk_target_words: int = 220
    chunk_max_words: int = 320
    chunk_min_words: int = 60
    chunk_overlap_words: int = 30
    threads: int = 2
    # MiniLM's arithmetic: "auto" is bfloat16 on a CPU with bfloat16 instructions (answers about twice as fast, the
    # same vectors), else float32; "float32" or "bfloat16" force one
    precision: str = "auto"
    # where the ONNX Runtime copies of the query-side models are made on first use (once per installed model)
    model_cache: Path = field(default_factory=_default_model_cache)
    host: str = "127.0.0.1"
    port: int = 7860
    reranker_path: str = ""
    llm_url: str = ""
    llm_model: str = ""
    llm_key: str = ""
    llm_timeout_s: float = 30.0
    auth: str = ""
    auth_file: str = ""
    upload_max_mb: float = 20.0
    session_hours: float = 12.0  # how long a UI sign-in or an API token stays valid
    secret: str = ""  # signs API tokens; empty: a random one per process (tokens then die with it)
    cors_origins: tuple[str, ...] = ()  # web origins allowed to call the server from a browser; none by default
    signin_failures: int = 5  # failed sign-ins per user or per address within signin_window_s that lock it
    signin_window_s: float = 60.0
    signin_lock_s: float = 300.0
    today: str = ""  # YYYY-MM-DD: the date answers judge deadlines against (empty: the real date)

    @property
    def index_dir(self) -> Path:
        """Folder holding the Chroma store, the manifest and the BM25 sidecar."""
        return Path(self.index) if self.index else self.data_dir / "index"

    @property
    def logs_dir(self) -> Path:
        """Folder for the abstention log and the feedback database (SQLite, unless ``logbook_url`` names a server)."""
        return self.data_dir / "logs"

    def with_overrides(self, **overrides: Any) -> "Settings":
        """A copy with the given fields replaced; ``None`` values are ignored."""
        clean = {k: _coerce(self, k, v) for k, v in overrides.items() if v is not None}
        return replace(self, **clean)


def _coerce(settings: Settings, name: str, value: Any) -> Any:
    """Convert a raw string or TOML value to the type of the field ``name``."""
    current = getattr(settings, name)
    annotation = {f.name: f.type for f in fields(Settings)}[name]
    if isinstance(value, str):
        if "tuple" in str(annotation):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if isinstance(current, bool):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(current, int) and not isinstance(current, bool):
            return int(value)
        if isinstance(current, float):
            return float(value)
        if isinstance(current, Path) or "Path" in str(annotation):
            return Path(value).expanduser()
        return value
    if isinstance(value, list):
        return tuple(value)
    if "Path" in str(annotation) and value is not None:
        return Path(value).expanduser()
    return value


def _read_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    return data


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from TOML, environment and keyword overrides (highest wins)."""
    settings = Settings()
    toml_path = Path(os.environ.get("NETZERO_CONFIG", "netzero.toml"))
    if toml_path.is_file():
        settings = settings.with_overrides(**_read_toml(toml_path))
    env = {
        f.name: os.environ[f"NETZERO_{f.name.upper()}"]
        for f in fields(Settings)
        if f"NETZERO_{f.name.upper()}" in os.environ
    }
    return settings.with_overrides(**env).with_overrides(**overrides)
