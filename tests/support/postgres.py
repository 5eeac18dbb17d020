"""A throwaway PostgreSQL server from Debian's ``postgresql`` package: a fresh cluster in a temporary folder,
listening on a free 127.0.0.1 port, removed afterwards. As root it runs as the ``postgres`` (or ``nobody``) user,
since the server refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.launch import free_port

SERVER_ROOT = Path("/usr/lib/postgresql")


def server_bin() -> Path | None:
    """The newest installed server's ``bin`` folder (``initdb``, ``pg_ctl``), or None when none is installed."""
    found = sorted(SERVER_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


def _run_as() -> str | None:
    """The unprivileged user to run the server as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as")


def _command(user: str | None, *args: str) -> list[str]:
    return ["runuser", "-u", user, "--", *args] if user else list(args)


@contextmanager
def running_postgres(user_name: str = "netzero", database: str = "netzero") -> Iterator[str]:
    """Start a private server; yields its URL (``postgresql://netzero@127.0.0.1:PORT/netzero``), stops it after."""
    binaries = server_bin()
    if binaries is None:
        raise FileNotFoundError(f"no PostgreSQL server under {SERVER_ROOT}: `make postgres` installs Debian's")
    owner = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="netzero-pg-"))
    data = folder / "data"
    port = free_port()
    if owner:
        record = pwd.getpwnam(owner)
        os.chown(folder, record.pw_uid, record.pw_gid)
    log = folder / "server.log"
    try:
        subprocess.run(
            _command(owner, str(binaries / "initdb"), "-D", str(data), "-U", user_name, "-A", "trust", "-E", "UTF8"),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _command(owner, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"),
            check=True,
            capture_output=True,
        )
        try:
            subprocess.run(
                _command(owner, str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port))
                + ["-U", user_name, database],
                check=True,
                capture_output=True,
            )
            yield f"postgresql://{user_name}@127.0.0.1:{port}/{database}"
        finally:
            subprocess.run(
                _command(owner, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"),
                capture_output=True,
            )
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace")
        if log.is_file():
            detail += log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"PostgreSQL did not start: {' '.join(exc.cmd)}\n{detail}") from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
