"""Uploads by signed-in users: each file checked (type, size), stored as its uploader's own (``ingest.uploads``) and
indexed with the rest of the uploads folder. Bad input is handled as the CLI does: each failed file named with its
reason, the rest indexed. A failed upload removes only its own new copy; a user's new upload replaces that user's
earlier upload of the same name only once it has indexed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.config import Settings
from assistant.core.schema import UNREVIEWED
from ingest.jobs import IndexingJob, IndexStatus
from ingest.loaders import SUPPORTED_SUFFIXES, TEXT_SUFFIXES
from ingest.uploads import Upload, discard, store, uploads, uploads_dir

UPLOAD_SUFFIXES = frozenset(SUPPORTED_SUFFIXES - TEXT_SUFFIXES)


def safe_name(name: str) -> str:
    """A display name without folders, leading dots or unusual characters (it is metadata, never a path)."""
    cleaned = re.sub(r"[^\w.\- ]+", "_", Path(name.replace("\\", "/")).name).strip(" .")
    return cleaned or "upload"


@dataclass
class Intake:
    """What an upload brought: the uploads stored, and (file name, reason) rejections."""

    accepted: list[Upload] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


def receive(files: Iterable[str | Path], settings: Settings, uploader: str) -> Intake:
    """Check each uploaded file and store the acceptable ones as ``uploader``'s, unreviewed."""
    intake = Intake()
    for file in files:
        path = Path(file)
        name = safe_name(path.name)
        suffix = path.suffix.lower()
        size_mb = path.stat().st_size / 1e6 if path.is_file() else 0.0
        if suffix not in UPLOAD_SUFFIXES:
            reason = f"unsupported file type {suffix or '(none)'}; upload PDF, Markdown or HTML"
            intake.rejected.append((name, reason))
        elif not path.is_file() or size_mb == 0:
            intake.rejected.append((name, "the file is empty"))
        elif size_mb > settings.upload_max_mb:
            reason = f"file is {size_mb:.3g} MB, over the {settings.upload_max_mb:g} MB upload limit"
            intake.rejected.append((name, f"{reason} (NETZERO_UPLOAD_MAX_MB)"))
        else:
            intake.accepted.append(store(path, name, uploader, settings))
    return intake


def forget(files: Iterable[str | Path]) -> None:
    """Delete the temporary copies the web server kept of uploaded files, so nobody can fetch them by path."""
    for file in files:
        Path(file).unlink(missing_ok=True)


def sync_uploads(job: IndexingJob, interval: float = 1.0) -> Iterator[str]:
    """Sync the uploads folder once any running sync is done; yield progress lines until this one ends."""
    while not job.start([uploads_dir(job.settings)]):
        yield from job.progress_messages(interval)
    yield from job.progress_messages(interval)


def index_uploads(intake: Intake, job: IndexingJob, interval: float = 1.0) -> Iterator[str]:
    """Index what ``intake`` stored (nothing to do when it stored nothing); yield progress lines."""
    if intake.accepted:
        yield from sync_uploads(job, interval)


@dataclass
class UploadOutcome:
    indexed: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""

    @property
    def superseded(self) -> bool:
        """Whether earlier uploads were replaced and must now leave the index too."""
        return bool(self.replaced)


def settle(intake: Intake, status: IndexStatus, settings: Settings) -> UploadOutcome:
    """What became of each upload: a failed one's own copy is removed (nothing else is); an indexed one replaces
    its uploader's earlier uploads of the same name."""
    outcome = UploadOutcome(failed=list(intake.rejected), error=status.error)
    report = status.report
    if report is None:
        for upload in intake.accepted:  # the sync died: leave the copies for the repair at the next start
            outcome.failed.append((upload.file_name, "indexing did not finish; it is retried at the next start"))
        return outcome
    failed = {Path(path).resolve(): reason for path, reason in report.failed}
    fresh = {u.path for u in intake.accepted}
    for upload in intake.accepted:
        if upload.path.resolve() in failed:
            outcome.failed.append((upload.file_name, failed[upload.path.resolve()]))
            discard(upload)
            continue
        outcome.indexed.append(upload.file_name)
        for earlier in uploads(settings):
            same = earlier.uploader == upload.uploader and earlier.file_name == upload.file_name
            if same and earlier.path not in fresh:
                discard(earlier)
                outcome.replaced.append(earlier.file_name)
    return outcome


def outcome_html(outcome: UploadOutcome) -> str:
    """The outcome as escaped HTML: what was indexed (awaiting review), replaced, each failure with its reason."""
    items = [
        f'<li class="nz-ok">Indexed: {html.escape(name)} (unreviewed upload: it answers only you until an admin '
        "approves it)</li>"
        for name in outcome.indexed
    ]
    items += [f'<li class="nz-ok">Replaced your earlier {html.escape(name)}</li>' for name in outcome.replaced]
    items += [
        f'<li class="nz-bad">Failed: {html.escape(name)}: {html.escape(reason)}</li>' for name, reason in outcome.failed
    ]
    if outcome.error:
        items.append(f'<li class="nz-bad">Indexing stopped: {html.escape(outcome.error)}</li>')
    return f'<ul class="nz-upload-report">{"".join(items)}</ul>' if items else ""


def removable(settings: Settings, user: str | None, admin: bool) -> list[Upload]:
    """The uploads ``user`` may remove: their own, or every one for an admin."""
    return [u for u in uploads(settings) if u.may_change(user, admin)]


def choice(upload: Upload) -> tuple[str, str]:
    """How an upload is offered in a selector: its name, uploader and status; its token as the value."""
    return f"{upload.file_name} · {upload.uploader} · {upload.status}", upload.token


def readable_by(rows: list[dict[str, Any]], user: str | None, admin: bool) -> list[dict[str, Any]]:
    """Library rows ``user`` may see: others' unreviewed uploads are listed only for an admin, who reviews them."""
    return [r for r in rows if admin or r.get("status") != UNREVIEWED or (user and r.get("uploader") == user)]
