"""Who may sign in: ``NETZERO_AUTH="user:password[,user2:pw2]"`` and/or a ``NETZERO_AUTH_FILE`` with one
``user:password`` a line (blank lines and ``#`` comments ignored). No credentials: no login, no uploads.
"""

from __future__ import annotations

from pathlib import Path

from assistant.core.config import Settings


def _pair(entry: str, where: str) -> tuple[str, str]:
    """``user:password`` split at the first colon; the password may itself hold colons."""
    user, sep, password = entry.partition(":")
    if not sep or not user.strip() or not password:
        raise ValueError(f"{where}: expected user:password, got an entry without both parts")
    return user.strip(), password


def credentials(settings: Settings) -> list[tuple[str, str]]:
    """Every (user, password) pair configured, in order; a malformed entry is a ``ValueError`` (where)."""
    pairs = [_pair(e.strip(), "NETZERO_AUTH") for e in settings.auth.split(",") if e.strip()]
    if settings.auth_file:
        path = Path(settings.auth_file).expanduser()
        if not path.is_file():
            raise ValueError(f"NETZERO_AUTH_FILE {path}: no such file")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                pairs.append(_pair(line.strip(), f"{path}, line {number}"))
    return pairs
