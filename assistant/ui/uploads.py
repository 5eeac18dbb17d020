"""Uploads by signed-in users: each file checked (type, size), copied into ``data_dir/uploads`` and indexed
with the rest of that folder. Bad input is handled as the CLI does: each failed file named with its reason,
the rest indexed.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core.config import Settings
from ingest.jobs import IndexingJob, IndexStatus
from ingest.loaders import SUPPORTED_SUFFIXES, TEXT_SUFFIXES

UPLOAD_SUFFIXES = frozenset(SUPPORTED_SUFFIXES - TEXT_SUFFIXES)


def uploads_dir(settings: Settings) -> Path:
    """The folder uploaded files are kept (and indexed) in."""
    folder = settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe_name(name: str) -> str:
    """A file name that stays inside the uploads folder: no folders, no leading dot, plain characters only."""
    cleaned = re.sub(r"[^\w.\- ]+", "_", Path(name.replace("\\", "/")).name).strip(" .")
    return cleaned or "upload"


@dataclass
class Intake:
    """What an upload brought: copies accepted into the uploads folder, and (file name, reason) rejections."""

    accepted: list[Path] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


def receive(files: Iterable[str | Path], settings: Settings) -> Intake:
    """Check each uploaded file and copy the acceptable ones into the uploads folder."""
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
            target = uploads_dir(settings) / name
            shutil.copyfile(path, target)
            intake.accepted.append(target)
    return intake


def index_uploads(intake: Intake, job: IndexingJob, interval: float = 1.0) -> Iterator[str]:
    """Sync the uploads folder once any running sync is done; yield progress lines until this one ends."""
    if not intake.accepted:
        return
    while not job.start([uploads_dir(job.settings)]):
        yield from job.progress_messages(interval)
    yield from job.progress_messages(interval)


@dataclass
class UploadOutcome:
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""


def settle(intake: Intake, status: IndexStatus) -> UploadOutcome:
    """What became of each uploaded file; copies that failed to index are removed, not to fail again."""
    outcome = UploadOutcome(failed=list(intake.rejected), error=status.error)
    report = status.report
    if report is None:
        return outcome
    failed = {Path(path).resolve(): reason for path, reason in report.failed}
    changed = {Path(path).resolve() for path in report.added + report.updated}
    for copy in intake.accepted:
        where = copy.resolve()
        if where in failed:
            outcome.failed.append((copy.name, failed[where]))
            copy.unlink(missing_ok=True)
        elif where in changed:
            outcome.indexed.append(copy.name)
        else:
            outcome.unchanged.append(copy.name)
    return outcome


def outcome_html(outcome: UploadOutcome) -> str:
    """The outcome as escaped HTML: what was indexed, what was already there, each failure with its reason."""
    items = [f'<li class="nz-ok">Indexed: {html.escape(name)}</li>' for name in outcome.indexed]
    items += [f'<li class="nz-ok">Already indexed, unchanged: {html.escape(name)}</li>' for name in outcome.unchanged]
    items += [
        f'<li class="nz-bad">Failed: {html.escape(name)}: {html.escape(reason)}</li>' for name, reason in outcome.failed
    ]
    if outcome.error:
        items.append(f'<li class="nz-bad">Indexing stopped: {html.escape(outcome.error)}</li>')
    return f'<ul class="nz-upload-report">{"".join(items)}</ul>' if items else ""
