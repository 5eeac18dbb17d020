"""Shared fixtures: real files (PDFs written by fpdf2), real Chroma indexes, the real bundled models."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from assistant.core.config import PROJECT_ROOT, Settings, load_settings  # noqa: E402

REALDOCS = PROJECT_ROOT.parent / "shared" / "realdocs"


def make_pdf(path: Path, pages: list[str], title: str = "", encrypt: str = "") -> Path:
    """A real PDF with one text page per entry (fpdf2), optionally password-protected."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    pdf.set_creation_date(__import__("datetime").datetime(2024, 3, 21, tzinfo=__import__("datetime").timezone.utc))
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only drawn shapes: what a scan without OCR looks like to a text extractor."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    for i in range(20):
        pdf.rect(10 + i * 3, 10 + i * 5, 50, 4, style="F")
    pdf.output(str(path))
    return path


MD_DOC = """---
title: "{title}"
doc_type: guidance
source: https://example.org/{slug}
date: 2024-05-01
topics: [{topics}]
lang: en
summary: "{title}."
---
# {title}

## Overview

{body}
"""


def write_md(folder: Path, slug: str, title: str, body: str, topics: str = "twinning", **extra: str) -> Path:
    text = MD_DOC.format(title=title, slug=slug, body=body, topics=topics)
    if extra:
        head, rest = text.split("\n---\n", 1)
        head += "".join(f"\n{k}: {v}" for k, v in extra.items())
        text = head + "\n---\n" + rest
    path = folder / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a private index and data folder, MiniLM only (fast)."""
    return load_settings(data_dir=tmp_path / "data", index=tmp_path / "index", dense_models=("minilm",))


def write_sample_docs(folder: Path) -> Path:
    """Three small real Markdown documents (twinning, pilots, Lahti) that most retrieval tests search."""
    write_md(
        folder,
        "twinning",
        "Twinning Learning Programme",
        "Twinning pairs Twin Cities with Pilot Cities so that they learn from each other. The programme lasts "
        "12 months in its newest round, which starts in November 2025. Applications closed on 12 September 2025.",
    )
    write_md(
        folder,
        "pilots",
        "Pilot Cities Programme",
        "The first call opened on 5 September 2022 with €32 million. Grants were €0.5 million, €1 million or "
        "€1.5 million per pilot. The deadline moved to 15 November 2022 because of demand.",
        topics="pilot-cities",
    )
    write_md(
        folder,
        "lahti",
        "Lahti case study",
        "Lahti phased out coal in 2019. Its SYCLA pilot works with employers on sustainable commuting.",
        topics="mobility",
        city="Lahti",
        country="Finland",
    )
    return folder


@pytest.fixture
def docs_folder(tmp_path: Path) -> Path:
    return write_sample_docs(tmp_path / "docs")


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """An index of the whole shipped corpus with MiniLM, built once per test session."""
    from ingest.indexer import sync

    root = tmp_path_factory.mktemp("corpus-index")
    built = load_settings(data_dir=root / "data", index=root / "index", dense_models=("minilm",))
    report = sync([built.corpus], built)
    assert not report.failed, report.failed
    return built


@pytest.fixture
def copy_corpus(tmp_path: Path) -> Callable[[int], Path]:
    """Copy the first ``n`` shipped case studies into a scratch folder."""

    def copy(n: int) -> Path:
        target = tmp_path / "cases"
        target.mkdir(exist_ok=True)
        for path in sorted((PROJECT_ROOT / "corpus" / "case-studies").glob("*.md"))[:n]:
            shutil.copy(path, target / path.name)
        return target

    return copy


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server (Debian's package, installed by `make postgres`) on a free loopback port."""
    from tests.support.postgres import running_postgres, server_bin

    if server_bin() is None:
        pytest.skip("Debian's postgresql is not installed: run `make postgres` (make test does)")
    with running_postgres() as url:
        yield url
