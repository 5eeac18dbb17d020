from pathlib import Path

from assistant.core.config import Settings
from assistant.ui.uploads import (
    index_uploads,
    outcome_html,
    readable_by,
    receive,
    removable,
    safe_name,
    settle,
    sync_uploads,
)
from ingest.jobs import IndexingJob
from ingest.uploads import uploads
from tests.conftest import write_md


def test_names_cannot_leave_the_uploads_folder() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\evil\\.bashrc") == "bashrc"
    assert safe_name("Plan <2024>.pdf") == "Plan _2024_.pdf"
    assert safe_name("...") == "upload"


def test_type_size_and_empty_files_are_refused_with_reasons(settings: Settings, tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "notes.txt").write_text("plain text notes here", encoding="utf-8")
    (incoming / "big.pdf").write_bytes(b"%PDF" + b"0" * 3000)
    (incoming / "empty.md").write_bytes(b"")
    (incoming / "ok.html").write_text("<html><body><p>Fine words to index.</p></body></html>")
    intake = receive(sorted(incoming.iterdir()), settings.with_overrides(upload_max_mb=0.002), "alice")
    assert dict(intake.rejected) == {
        "big.pdf": "file is 0.003 MB, over the 0.002 MB upload limit (NETZERO_UPLOAD_MAX_MB)",
        "empty.md": "the file is empty",
        "notes.txt": "unsupported file type .txt; upload PDF, Markdown or HTML",
    }
    [accepted] = intake.accepted
    assert accepted.file_name == "ok.html" and accepted.uploader == "alice" and accepted.path.is_file()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failed_upload_leaves_every_earlier_file_intact(settings: Settings, tmp_path: Path) -> None:
    job = IndexingJob(settings)
    alice = write_md(tmp_path / "a", "retrofit", "Retrofit grants in Lund", "Lund gives homeowners retrofit grants.")
    first = receive([alice], settings, "alice")
    list(index_uploads(first, job, interval=0.05))
    assert settle(first, job.status(), settings).indexed == ["retrofit.md"]
    folder = first.accepted[0].path.parent
    before = _snapshot(folder)

    broken = tmp_path / "b" / "retrofit.md"  # Bob's file named like Alice's, and not a document at all
    broken.parent.mkdir()
    broken.write_bytes(b"\x00\x01\x02 binary \xff\xfe" * 50)
    second = receive([broken, tmp_path / "b" / "missing.pdf"], settings, "bob")
    progress = list(index_uploads(second, job, interval=0.05))
    assert progress and all(line.startswith("Indexing") for line in progress)
    outcome = settle(second, job.status(), settings)
    assert [name for name, _ in outcome.failed] == ["missing.pdf", "retrofit.md"] and not outcome.indexed
    assert _snapshot(folder) == before
    report = outcome_html(outcome)
    assert "Failed: retrofit.md: " in report and "Failed: missing.pdf: the file is empty" in report


def test_a_new_upload_replaces_only_its_uploaders_own_upload_of_that_name(settings: Settings, tmp_path: Path) -> None:
    job = IndexingJob(settings)
    plan = write_md(tmp_path / "v1", "plan", "Heat plan", "The first heat plan for the harbour district.")
    for user in ("alice", "bob"):
        intake = receive([plan], settings, user)
        list(index_uploads(intake, job, interval=0.05))
        settle(intake, job.status(), settings)
    newer = write_md(tmp_path / "v2", "plan", "Heat plan", "The revised heat plan for the harbour district.")
    intake = receive([newer], settings, "alice")
    list(index_uploads(intake, job, interval=0.05))
    outcome = settle(intake, job.status(), settings)
    assert outcome.indexed == ["plan.md"] and outcome.replaced == ["plan.md"] and outcome.superseded
    list(sync_uploads(job, interval=0.05))
    stored = {(u.uploader, u.path.read_text(encoding="utf-8").count("revised")) for u in uploads(settings)}
    assert stored == {("alice", 1), ("bob", 0)}
    report = job.status().report
    assert report is not None and len(report.deleted) == 1
    assert [u.uploader for u in removable(settings, "bob", admin=False)] == ["bob"]
    assert len(removable(settings, "carol", admin=True)) == 2 and not removable(settings, None, admin=False)


def test_the_library_lists_others_unreviewed_uploads_only_to_admins() -> None:
    rows = [
        {"title": "Corpus", "status": "", "uploader": ""},
        {"title": "Alice's", "status": "unreviewed", "uploader": "alice"},
        {"title": "Approved", "status": "approved", "uploader": "alice"},
    ]
    assert [r["title"] for r in readable_by(rows, "bob", admin=False)] == ["Corpus", "Approved"]
    assert [r["title"] for r in readable_by(rows, "alice", admin=False)] == ["Corpus", "Alice's", "Approved"]
    assert len(readable_by(rows, "carol", admin=True)) == 3 and len(readable_by(rows, None, admin=False)) == 2
