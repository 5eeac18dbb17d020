"""Loaders: a file on disk becomes a :class:`LoadedDocument` (metadata plus its text, page by page for PDFs).

PDF (pypdf, one page per part, 1-based page numbers), HTML (main text only, headings kept as Markdown), Markdown
with YAML front matter, and plain text. Every failure is a :class:`LoadError` naming the file and the reason.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.decoding import decode_text
from ingest.errors import LoadError
from ingest.metadata import iso_date, names_a_file, normalise, read_sidecar, split_front_matter
from ingest.pdf_layout import read_pages

# Layout mode leaves out rotated text (a chart's turned axis titles) on purpose; its warning on each such page is noise.
logging.getLogger("pypdf._text_extraction._layout_mode._fixed_width_page").setLevel(logging.ERROR)

MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES | HTML_SUFFIXES | TEXT_SUFFIXES | PDF_SUFFIXES


@dataclass
class Part:
    """A stretch of a document's text: a PDF page, or a whole Markdown/HTML/text body."""

    text: str
    page: int | None = None


@dataclass
class LoadedDocument:
    path: Path
    kind: str  # "pdf", "markdown", "html" or "text"
    metadata: dict[str, Any]
    parts: list[Part] = field(default_factory=list)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def load(path: Path) -> LoadedDocument:
    """Load one supported file; raises :class:`LoadError` for anything unusable."""
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return _load_pdf(path)
    data = path.read_bytes()
    text = decode_text(path, data)
    if suffix in HTML_SUFFIXES:
        return _load_html(path, text)
    if suffix in MARKDOWN_SUFFIXES:
        return _load_markdown(path, text)
    if suffix in TEXT_SUFFIXES:
        return _finish(path, "text", read_sidecar(path), text)
    raise LoadError(path, f"unsupported file type {suffix or '(none)'}")


def _finish(path: Path, kind: str, raw: dict[str, Any], body: str) -> LoadedDocument:
    if len(body.split()) < 3:
        raise LoadError(path, "no text to index")
    return LoadedDocument(path, kind, normalise(raw, path, body), [Part(body)])


def _load_markdown(path: Path, text: str) -> LoadedDocument:
    front, body = split_front_matter(path, text)
    return _finish(path, "markdown", {**read_sidecar(path), **front}, body)


def _load_html(path: Path, text: str) -> LoadedDocument:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "lxml")
    meta: dict[str, Any] = {}
    title = soup.find("meta", property="og:title") or soup.find("title")
    if title is not None:
        meta["title"] = title.get("content") if title.name == "meta" else title.get_text(" ", strip=True)
    canonical = soup.find("link", rel="canonical")
    if canonical is not None and str(canonical.get("href", "")).startswith(("http://", "https://")):
        meta["source"] = canonical["href"]
    for name in ("article:published_time", "article:modified_time", "date", "dc.date", "dcterms.date"):
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag is not None and iso_date(tag.get("content")):
            meta["date"] = iso_date(tag.get("content"))
            break
    description = soup.find("meta", attrs={"name": "description"})
    if description is not None and description.get("content"):
        meta["summary"] = description["content"]
    html_tag = soup.find("html")
    if html_tag is not None and html_tag.get("lang"):
        meta["lang"] = str(html_tag["lang"]).split("-")[0].lower()
    for tag in soup(
        [
            "script",
            "style",
            "noscript",
            "nav",
            "footer",
            "header",
            "aside",
            "form",
            "iframe",
            "svg",
            "template",
            "button",
        ]
    ):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    body = _html_to_markdown(root)
    return _finish(path, "html", {**meta, **read_sidecar(path)}, body)


def _html_to_markdown(root: Any) -> str:
    """Block text of an HTML tree, with headings as ``#`` lines, list items as ``-`` and tables as pipe rows."""
    blocks: list[str] = []
    for element in root.find_all(
        ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote", "dd", "dt"]
    ):
        if element.find_parent(["li", "tr", "blockquote"]) is not None and element.name not in {"tr"}:
            continue
        text = re.sub(r"\s+", " ", element.get_text(" ", strip=True))
        if not text:
            continue
        if element.name[0] == "h" and element.name[1:].isdigit():
            blocks.append("#" * int(element.name[1]) + " " + text)
        elif element.name == "li":
            blocks.append("- " + text)
        elif element.name == "tr":
            cells = [re.sub(r"\s+", " ", c.get_text(" ", strip=True)) for c in element.find_all(["td", "th"])]
            blocks.append("| " + " | ".join(cells) + " |")
        else:
            blocks.append(text)
    if not blocks:
        return re.sub(r"[ \t]+", " ", root.get_text("\n", strip=True))
    joined: list[str] = []
    for block in blocks:
        glue = "\n" if joined and block.startswith("|") and joined[-1].startswith("|") else "\n\n"
        joined.append(glue + block if joined else block)
    return "".join(joined)


def _layout_text(page: Any) -> str:
    """A page's layout-mode text (columns kept apart by spaces), or its plain text where layout mode reads nothing:
    a page turned by /Rotate, whose text layout mode drops as rotated."""
    if not page.rotation:
        try:
            text = page.extract_text(extraction_mode="layout")
        except Exception:  # pypdf's layout mode fails on some fonts where plain mode reads them
            text = ""
        if len(text.split()) >= 3:
            return text
    return re.sub(r"[ \t]{2,}", " ", page.extract_text() or "")


def _load_pdf(path: Path) -> LoadedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path))
            if reader.is_encrypted and not reader.decrypt(""):
                raise LoadError(path, "encrypted PDF: it needs a password; save an unprotected copy")
            pages = read_pages([_layout_text(page) for page in reader.pages])
            info = reader.metadata or {}
    except LoadError:
        raise
    except OSError as exc:
        raise LoadError(path, f"cannot read file ({exc.strerror or exc})") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise LoadError(path, f"corrupted or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # pypdf raises many private error types on damaged files
        if "decrypt" in str(exc).lower() or "crypt" in type(exc).__name__.lower():
            raise LoadError(path, f"encrypted PDF that cannot be opened ({exc})") from exc
        raise LoadError(path, f"corrupted or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise LoadError(path, "PDF has no pages")
    if sum(len(p.split()) for p in pages) < 3:
        raise LoadError(path, "PDF has no text layer (a scan?): run OCR on it first, then index the result")
    meta: dict[str, Any] = {}
    if info.get("/Title") and not names_a_file(str(info["/Title"])):
        meta["title"] = str(info["/Title"])
    for key in ("/ModDate", "/CreationDate"):
        if info.get(key) and iso_date(info[key]):
            meta["date"] = iso_date(info[key])
            break
    if info.get("/Subject"):
        meta["summary"] = str(info["/Subject"])
    raw = {**meta, **read_sidecar(path)}
    full = "\n".join(pages)
    metadata = normalise(raw, path, full)
    return LoadedDocument(path, "pdf", metadata, [Part(text, i + 1) for i, text in enumerate(pages)])
