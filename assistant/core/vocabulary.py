"""The controlled lists the corpus is described with: doc types, topics, languages, countries and cities."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from assistant.core.config import PROJECT_ROOT

VOCABULARY_PATH = PROJECT_ROOT / "corpus" / "vocabulary.yaml"


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The controlled lists (doc types, topics, languages, countries, cities) from ``corpus/vocabulary.yaml``."""
    with VOCABULARY_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
