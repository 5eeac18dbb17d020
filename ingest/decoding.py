"""Bytes to text: UTF-8 first, then CP-1252 or Latin-1, and a clear refusal for anything that is not text."""

from __future__ import annotations

from pathlib import Path

from ingest.errors import LoadError

_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f"}


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and chr(b) not in _ALLOWED_CONTROLS)
    return controls > max(4, len(sample) // 100)


def _implausible(text: str) -> bool:
    """Text decoded as CP-1252/Latin-1 that is mostly symbols is a wrong guess (another encoding)."""
    high = [ch for ch in text if ord(ch) > 127]
    if not high:
        return False
    odd = sum(1 for ch in high if not ch.isalpha() and ch not in "€£°–—‘’“”•…«»§±²³µ·×÷")
    return odd > max(3, len(high) // 5) or 0x80 <= max(ord(ch) for ch in high) <= 0x9F


def decode_text(path: Path, data: bytes) -> str:
    """Decode a text file's bytes, or raise :class:`LoadError` saying why it is not usable text."""
    if not data.strip():
        raise LoadError(path, "empty file")
    if _looks_binary(data):
        raise LoadError(path, "binary data, not text (is the file extension wrong?)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _implausible(text):
            return text
    raise LoadError(path, "text is not UTF-8, CP-1252 or Latin-1; re-save it as UTF-8")
