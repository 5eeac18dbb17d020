"""Who may sign in, and with which role: ``NETZERO_AUTH="user:password[:role],..."`` and/or a ``NETZERO_AUTH_FILE``
with one ``user:password[:role]`` a line (blank lines and ``#`` comments ignored). The role is ``user`` (the
default) or ``admin``; only admins read the logs of questions and feedback, which are personal data. No accounts:
no login, no uploads, no logs in the UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from assistant.core.config import Settings


class Role(StrEnum):
    """What a signed-in account may do beyond asking: an admin also reads the logs and approves uploads."""

    USER = "user"
    ADMIN = "admin"


@dataclass(frozen=True)
class Account:
    """One configured login."""

    user: str
    password: str
    role: Role = Role.USER

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def _account(entry: str, where: str) -> Account:
    """``user:password[:role]`` split at the first colon; the password may itself hold colons, and a last part that
    names a role is the role."""
    user, sep, rest = entry.partition(":")
    password, role = rest, Role.USER
    head, colon, last = rest.rpartition(":")
    if colon and last.strip() in Role.__members__.values():
        password, role = head, Role(last.strip())
    if not sep or not user.strip() or not password:
        raise ValueError(f"{where}: expected user:password[:role], got an entry without both user and password")
    return Account(user.strip(), password, role)


def accounts(settings: Settings) -> list[Account]:
    """Every configured account, in order; a malformed entry is a ``ValueError`` that says where it is."""
    found = [_account(e.strip(), "NETZERO_AUTH") for e in settings.auth.split(",") if e.strip()]
    if settings.auth_file:
        path = Path(settings.auth_file).expanduser()
        if not path.is_file():
            raise ValueError(f"NETZERO_AUTH_FILE {path}: no such file")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip() and not line.lstrip().startswith("#"):
                found.append(_account(line.strip(), f"{path}, line {number}"))
    return found


def credentials(settings: Settings) -> list[tuple[str, str]]:
    """Every (user, password) pair configured, as a login form checks them."""
    return [(a.user, a.password) for a in accounts(settings)]


def is_admin(settings: Settings, user: str | None) -> bool:
    """Whether the signed-in ``user`` holds the admin role (an anonymous visitor never does)."""
    return user is not None and any(a.user == user and a.is_admin for a in accounts(settings))
