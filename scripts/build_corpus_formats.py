"""Render some of our own corpus documents as PDF and HTML, so the shipped corpus exercises every loader.

Sources are Markdown with front matter in ``scripts/corpus_sources/``; each becomes ``corpus/guidance/<slug>.pdf``
or ``.html``. The PDF carries title, subject and dates in its metadata; fields a PDF cannot hold (doc type, topics,
sources) go to a ``<file>.meta.yaml`` sidecar. Needs fpdf2 (a test extra) and the DejaVu fonts (Debian
``fonts-dejavu-core``). Run: ``.venv/bin/python scripts/build_corpus_formats.py``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "scripts" / "corpus_sources"
TARGET = ROOT / "corpus" / "guidance"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_BULLET = re.compile(r"^\s*[-*]\s+")
FORMATS = {"city-advisors-and-city-panels": "pdf", "climate-city-capital-hub": "html"}


def read_source(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body.strip()


def write_sidecar(target: Path, meta: dict, keep: tuple[str, ...]) -> None:
    sidecar = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in meta.items() if k not in keep}
    target.with_name(target.name + ".meta.yaml").write_text(
        "# Fields the file itself cannot carry; read by the loader beside it.\n"
        + yaml.safe_dump(sidecar, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )


def _inline(text: str) -> str:
    return re.sub(r"\*\*(.+?)\*\*|\*(.+?)\*", lambda m: m.group(1) or m.group(2), text)


def build_pdf(meta: dict, body: str, target: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(meta["title"])
    pdf.set_subject(meta["summary"])
    pdf.set_author("netzero-assistant corpus team")
    date = meta["date"]
    pdf.set_creation_date(dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc))
    pdf.add_page()
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        heading = re.match(r"^(#+)\s+(.*)$", block)
        if heading:
            size = {1: 16, 2: 13}.get(len(heading.group(1)), 12)
            pdf.set_font("DejaVu", "B", size)
            pdf.multi_cell(0, 8, heading.group(2), align="L", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("DejaVu", "", 11)
            for line in block.splitlines():
                pdf.multi_cell(0, 6, _inline(line.strip()), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.output(str(target))
    write_sidecar(target, meta, keep=("title", "summary", "date"))


def build_html(meta: dict, body: str, target: Path) -> None:
    parts = []
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        heading = re.match(r"^(#+)\s+(.*)$", block)
        if heading:
            level = len(heading.group(1))
            parts.append(f"<h{level}>{html.escape(heading.group(2))}</h{level}>")
        elif all(re.match(r"^\s*[-*]\s+", line) for line in block.splitlines()):
            items = "".join(f"<li>{html.escape(_inline(_BULLET.sub('', line)))}</li>" for line in block.splitlines())
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{html.escape(_inline(' '.join(block.split())))}</p>")
    page = f"""<!doctype html>
<html lang="{meta["lang"]}">
<head>
<meta charset="utf-8">
<title>{html.escape(meta["title"])}</title>
<link rel="canonical" href="{html.escape(meta["source"])}">
<meta name="description" content="{html.escape(meta["summary"])}">
<meta property="article:published_time" content="{meta["date"].isoformat()}">
<style>body {{ font-family: sans-serif; max-width: 48rem; margin: auto; }}</style>
</head>
<body>
<nav><a href="#">Corpus home</a> | <a href="#">Guidance</a></nav>
<main>
{chr(10).join(parts)}
</main>
<footer>Written by the netzero-assistant corpus team from public sources listed in the sidecar.</footer>
</body>
</html>
"""
    target.write_text(page, encoding="utf-8")
    write_sidecar(target, meta, keep=("title", "summary", "date", "source", "lang"))


def main() -> None:
    for slug, kind in FORMATS.items():
        meta, body = read_source(SOURCES / f"{slug}.md")
        target = TARGET / f"{slug}.{kind}"
        (build_pdf if kind == "pdf" else build_html)(meta, body, target)


if __name__ == "__main__":
    main()
