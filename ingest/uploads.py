"""Uploaded documents, owned and isolated: each is stored under an unguessable name of its own beside a sidecar that
records the name its uploader gave it, who uploaded it, and whether an admin approved it. The sidecar is the
registry; only the server writes it, and a document's own metadata cannot override it (``TRUSTED_KEYS``).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.core.config import Settings
from assistant.core.schema import APPROVED, UNREVIEWED
from ingest.indexer import SyncReport
from ingest.manifest import Manifest
from ingest.metadata import SIDECAR_SUFFIX


def uploads_dir(settings: Settings) -> Path:
    """The folder uploaded files are kept (and indexed) in."""
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class Upload:
    """One stored upload: ``token`` is its stored name's stem (and its document id), ``file_name`` its display name."""

    path: Path
    file_name: str
    uploader: str
    status: str
    uploaded_at: str

    @property
    def token(self) -> str:
        return self.path.stem

    @property
    def sidecar(self) -> Path:
        return self.path.with_name(self.path.name + SIDECAR_SUFFIX)

    @property
    def unreviewed(self) -> bool:
        return self.status == UNREVIEWED

    def may_change(self, user: str | None, admin: bool) -> bool:
        """Only its uploader may replace or remove an upload; an admin may remove any."""
        return admin or (user is not None and user == self.uploader)


def _write_sidecar(upload: Upload) -> None:
    """Write the sidecar atomically, so a kill leaves the old one or the new one, never half of one."""
    record = {
        "file_name": upload.file_name,
        "uploader": upload.uploader,
        "status": upload.status,
        "uploaded_at": upload.uploaded_at,
    }
    partial = upload.sidecar.with_name("." + upload.sidecar.name + ".partial")
    partial.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    os.replace(partial, upload.sidecar)


def store(source: Path, file_name: str, uploader: str, settings: Settings) -> Upload:
    """Copy ``source`` in under a new unguessable name, recorded as ``file_name`` by ``uploader``, unreviewed.
    Nothing already stored is touched; the copy appears (by rename) only once it is whole."""
    folder = uploads_dir(settings)
    token = secrets.token_hex(16)
    upload = Upload(
        folder / f"{token}{Path(file_name).suffix.lower()}",
        file_name,
        uploader,
        UNREVIEWED,
        dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
    )
    partial = folder / f".{upload.path.name}.partial"  # a dot name: never indexed while it is being copied
    shutil.copyfile(source, partial)
    _write_sidecar(upload)
    os.replace(partial, upload.path)
    return upload


def _read(sidecar: Path) -> Upload | None:
    document = sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])
    if not document.is_file():
        return None
    try:
        record = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(record, dict) or not record.get("uploader"):
        return None
    return Upload(
        document,
        str(record.get("file_name") or document.name),
        str(record["uploader"]),
        str(record.get("status") or UNREVIEWED),
        str(record.get("uploaded_at") or ""),
    )


def uploads(settings: Settings) -> list[Upload]:
    """Every stored upload, oldest first."""
    found = (_read(s) for s in uploads_dir(settings).glob("*" + SIDECAR_SUFFIX) if not s.name.startswith("."))
    return sorted((u for u in found if u is not None), key=lambda u: (u.uploaded_at, u.token))


def find(settings: Settings, token: str) -> Upload | None:
    """The upload stored as ``token``, if there is one."""
    return next((u for u in uploads(settings) if u.token == token), None)


def approve(upload: Upload) -> Upload:
    """Mark an upload approved (the next sync of the uploads folder carries the status into the index)."""
    approved = Upload(upload.path, upload.file_name, upload.uploader, APPROVED, upload.uploaded_at)
    _write_sidecar(approved)
    return approved


def discard(upload: Upload) -> None:
    """Delete this upload's own files (the next sync of the uploads folder drops it from the index)."""
    upload.path.unlink(missing_ok=True)
    upload.sidecar.unlink(missing_ok=True)


def tidy(settings: Settings) -> None:
    """Remove what an upload killed mid-copy left behind: partial copies and sidecars without a document."""
    folder = uploads_dir(settings)
    for leftover in folder.glob(".*.partial"):
        leftover.unlink(missing_ok=True)
    for sidecar in folder.glob("*" + SIDECAR_SUFFIX):
        if not sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)]).is_file():
            sidecar.unlink(missing_ok=True)


def out_of_step(settings: Settings) -> bool:
    """Whether the index needs repair: an interrupted sync's marker, or uploads and the manifest that disagree."""
    manifest = Manifest.load(settings.index_dir)
    if manifest.is_dirty():
        return True
    folder = uploads_dir(settings).resolve()
    stored = {str(u.path.resolve()) for u in uploads(settings)}
    listed = {key for key in manifest.files if Path(key).is_relative_to(folder)}
    return stored != listed


def discard_failed(settings: Settings, report: SyncReport) -> None:
    """After a repair: an upload that cannot be indexed is removed, so it is cleanly absent, not half there."""
    failed = {Path(path).resolve() for path, _ in report.failed}
    for upload in uploads(settings):
        if upload.path.resolve() in failed:
            discard(upload)


def repair(settings: Settings) -> list[Path] | None:
    """The folders a sync at start must cover to repair the index (None when it is in step): the shipped corpus and
    the uploads. Partial copies an interrupted upload left are removed first."""
    tidy(settings)
    return [settings.corpus, uploads_dir(settings)] if out_of_step(settings) else None
