"""Document metadata: YAML front matter, sidecar files, and what can be inferred when neither is given."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.core.languages import query_language
from assistant.core.text import capped, fold
from assistant.core.vocabulary import vocabulary
from ingest.errors import LoadError

SIDECAR_SUFFIX = ".meta.yaml"
# Who uploaded a document and whether an admin approved it: the server writes these in the sidecar, and a
# document's own front matter or metadata can never set them (an upload must not approve itself).
TRUSTED_KEYS = ("uploader", "status", "file_name")
# A PDF's Title field as authoring tools fill it in when nobody typed a title: the source file's name
# ("Microsoft Word - Cover Page", "Master Plan 2009-1008 SPELLCKD-1.xls"), which a citation must not show.
_AUTHORING_PREFIXES = ("microsoft word - ", "microsoft powerpoint - ", "microsoft excel - ")
_SOURCE_FILE_SUFFIXES = (".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".pub", ".indd", ".rtf", ".odt", ".pdf")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """Split ``---`` YAML front matter from a Markdown body; invalid YAML is a :class:`LoadError`."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LoadError(path, f"front matter is not valid YAML{where}: {problem}") from exc
    if not isinstance(data, dict):
        raise LoadError(path, "front matter must be a YAML mapping of field: value")
    return data, text[match.end() :]


def read_sidecar(path: Path) -> dict[str, Any]:
    """Metadata from ``<file>.meta.yaml`` beside a PDF, HTML or text file, if there is one."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return {}
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise LoadError(sidecar, f"metadata sidecar is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise LoadError(sidecar, "metadata sidecar must be a YAML mapping of field: value")
    return data


def names_a_file(title: str) -> bool:
    """A document title that is really the name of the file it was made from, left there by the authoring tool."""
    folded = title.strip().lower()
    return folded.startswith(_AUTHORING_PREFIXES) or folded.endswith(_SOURCE_FILE_SUFFIXES)


def iso_date(value: Any) -> str:
    """A date-like value as ISO ``YYYY-MM-DD`` (or ``YYYY-MM``/``YYYY`` when that is all it says); else empty."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value or "").strip()
    pdf = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", text)
    if pdf:
        return "-".join(p for p in pdf.groups() if p)
    iso = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    return "-".join(p for p in iso.groups() if p) if iso else ""


def detect_language(text: str) -> str:
    """The language of a document, read from its opening (the one detector: ``assistant.core.languages``)."""
    return query_language(text[:5000])


@lru_cache(maxsize=1)
def _folded_cities() -> dict[str, tuple[str, str]]:
    """Each city's name and its other names (``place_names``: "eindhoven" for Eindhoven & Helmond, "warszaw*"
    for Warsaw), folded to letters and digits, with the city and its country."""
    vocab = vocabulary()
    cities = vocab.get("cities", {})
    others = vocab.get("place_names") or {}
    folded = {}
    for name, country in cities.items():
        for form in [name, *others.get(name, [])]:
            folded[re.sub(r"[^a-z0-9*]", "", fold(form))] = (name, country)
    return folded


def city_from_name(stem: str) -> tuple[str, str] | None:
    """(city, country) when a file name is a known city's name or one of its other names, e.g. ``Cluj_Napoca.md``
    → Cluj-Napoca, Romania, ``eindhoven.md`` → Eindhoven & Helmond, ``Warszawa.md`` → Warsaw."""
    key = re.sub(r"[^a-z0-9]", "", fold(stem))
    cities = _folded_cities()
    if key in cities:
        return cities[key]
    return next((city for form, city in cities.items() if form.endswith("*") and key.startswith(form[:-1])), None)


def cited_title(title: str, city: str) -> str:
    """A title that names its city: "Climate City Contract (Riga)". Most contracts are titled "Climate City
    Contract" alone, and a library of them would cite every one alike."""
    return title if not city or fold(max(city.split(), key=len)) in fold(title) else f"{title} ({city})"


def heading_titles(metadata: dict[str, Any]) -> set[str]:
    """The forms a document's title takes as its first heading: as cited, and without the city it was given."""
    title, city = str(metadata.get("title") or ""), str(metadata.get("city") or "")
    return {title, title.removesuffix(f" ({city})")}


def normalise(raw: dict[str, Any], path: Path, body: str) -> dict[str, Any]:
    """Clean metadata: ISO dates, topics and audience as lists, language detected and city inferred when missing."""
    meta: dict[str, Any] = {k: v for k, v in raw.items() if v not in (None, "", []) and k not in TRUSTED_KEYS}
    trusted = read_sidecar(path)
    meta.update({k: str(trusted[k]) for k in TRUSTED_KEYS if trusted.get(k)})
    if "file_name" in meta:  # an upload: its origin is its file, named as the uploader named it
        meta["source"] = meta["file_name"]
    for key in ("title", "source", "doc_type", "city", "country", "lang", "summary"):
        if key in meta:
            meta[key] = str(meta[key]).strip()
    if "date" in meta:
        meta["date"] = iso_date(meta["date"])
    for key in ("topics", "audience"):
        values = meta.get(key, [])
        if isinstance(values, str):
            values = [v.strip() for v in values.split(",")]
        meta[key] = [str(v).strip() for v in values if str(v).strip()]
    if "sources" in meta and not isinstance(meta["sources"], list):
        meta["sources"] = [meta["sources"]]
    meta.setdefault("lang", detect_language(body))
    if "city" not in meta:  # an upload is stored under a token: the name its uploader gave it may name the city
        found = city_from_name(Path(meta.get("file_name") or path.name).stem)
        if found:
            meta["city"] = found[0]
            meta.setdefault("country", found[1])
    if not meta.get("title"):
        heading = re.search(r"^#\s+(.+)$", body, re.M)
        meta["title"] = heading.group(1).strip() if heading else path.stem.replace("_", " ").replace("-", " ")
    meta["title"] = cited_title(capped(meta["title"]), str(meta.get("city") or ""))
    if not meta.get("source"):
        meta["source"] = str(path)
    return meta
