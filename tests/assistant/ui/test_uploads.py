from pathlib import Path

from assistant.core.config import Settings
from assistant.ui.uploads import index_uploads, outcome_html, receive, safe_name, settle, uploads_dir
from ingest.jobs import IndexingJob
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
    intake = receive(sorted(incoming.iterdir()), settings.with_overrides(upload_max_mb=0.002))
    assert dict(intake.rejected) == {
        "big.pdf": "file is 0.003 MB, over the 0.002 MB upload limit (NETZERO_UPLOAD_MAX_MB)",
        "empty.md": "the file is empty",
        "notes.txt": "unsupported file type .txt; upload PDF, Markdown or HTML",
    }
    assert intake.accepted == [uploads_dir(settings) / "ok.html"] and intake.accepted[0].is_file()


def test_uploads_are_indexed_and_each_failure_is_named(settings: Settings, tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    good = write_md(
        incoming,
        "retrofit",
        "Retrofit grants in Lund",
        "Lund gives homeowners grants for heat pumps and insulation in its retrofit programme.",
    )
    broken = incoming / "broken.pdf"
    broken.write_bytes(b"this is not a pdf at all")
    job = IndexingJob(settings)
    intake = receive([good, broken], settings)
    progress = list(index_uploads(intake, job, interval=0.05))
    assert progress and all(line.startswith("Indexing") for line in progress)
    outcome = settle(intake, job.status())
    assert outcome.indexed == ["retrofit.md"] and [name for name, _ in outcome.failed] == ["broken.pdf"]
    assert outcome.failed[0][1] and not (uploads_dir(settings) / "broken.pdf").exists()
    report = outcome_html(outcome)
    assert "Indexed: retrofit.md" in report and "Failed: broken.pdf: " in report

    again = receive([good], settings)
    list(index_uploads(again, job, interval=0.05))
    assert settle(again, job.status()).unchanged == ["retrofit.md"]
