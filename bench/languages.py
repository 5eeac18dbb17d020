"""Language detection on the questions users write: the assistant's detector (``assistant/core/languages.py``)
against lingua-language-detector restricted to the six languages, on every question of the gold and development
sets (by their ``lang``) and on their first four words (short queries). Prints accuracy and time per question.

    .venv/bin/python bench/languages.py      # needs: pip install lingua-language-detector
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.core.languages import query_language  # noqa: E402
from bench.gold import DEV_QUESTIONS, load_questions  # noqa: E402


def lingua_detector() -> Callable[[str], str]:
    from lingua import Language, LanguageDetectorBuilder

    six = [Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH, Language.ITALIAN, Language.POLISH]
    detector = LanguageDetectorBuilder.from_languages(*six).build()

    def detect(text: str) -> str:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else "en"

    return detect


def score(detect: Callable[[str], str], cases: list[tuple[str, str]]) -> tuple[float, float, float]:
    """Accuracy over every case, over the non-English ones, and mean milliseconds per case."""
    started = time.perf_counter()
    hits = [detect(text) == lang for text, lang in cases]
    elapsed = (time.perf_counter() - started) * 1000 / max(len(cases), 1)
    foreign = [hit for hit, (_, lang) in zip(hits, cases) if lang != "en"]
    return sum(hits) / len(hits), sum(foreign) / max(len(foreign), 1), elapsed


def main() -> None:
    questions = load_questions() + load_questions([DEV_QUESTIONS])
    full = [(q.q, q.lang) for q in questions]
    short = [(" ".join(q.q.split()[:4]), q.lang) for q in questions]
    detectors = {"assistant (function words + letters)": query_language, "lingua (six languages)": lingua_detector()}
    print(f"{len(full)} questions, {sum(lang != 'en' for _, lang in full)} not in English")
    print(f"{'detector':<40}{'set':<18}{'accuracy':>10}{'non-EN':>10}{'ms/q':>8}")
    for name, detect in detectors.items():
        for label, cases in (("whole questions", full), ("first four words", short)):
            accuracy, foreign, ms = score(detect, cases)
            print(f"{name:<40}{label:<18}{accuracy:>10.3f}{foreign:>10.3f}{ms:>8.2f}")


if __name__ == "__main__":
    main()
