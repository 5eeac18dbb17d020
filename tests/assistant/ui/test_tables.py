import json

from assistant.ui.tables import library_html, log_html, matching

ROWS = [
    {
        "doc_id": "case-studies/malmo",
        "title": "Malmö: climate contract",
        "doc_type": "case-study",
        "city": "Malmö",
        "country": "Sweden",
        "date": "2024-03-21",
        "chunks": 12,
    },
    {
        "doc_id": "guidance/ccc",
        "title": "<script>x</script> Climate City Contract",
        "doc_type": "guidance",
        "city": "",
        "country": "",
        "date": "2023-10-03",
        "chunks": 7,
    },
]


def test_filter_matches_every_word_ignoring_case_and_accents() -> None:
    assert [r["doc_id"] for r in matching(ROWS, "malmo SWEDEN")] == ["case-studies/malmo"]
    assert [r["doc_id"] for r in matching(ROWS, "2023 guidance")] == ["guidance/ccc"]
    assert matching(ROWS, "  ") == ROWS and matching(ROWS, "lahti") == []


def test_library_table_lists_documents_escaped_with_a_count() -> None:
    out = library_html(ROWS, "contract")
    assert "2 of 2 documents" in out and "<script>" not in out and "&lt;script&gt;" in out
    assert "<td>case-study</td><td>Malmö</td><td>Sweden</td><td>2024-03-21</td><td>12</td>" in out
    assert "No documents match." in library_html(ROWS, "lahti") and "The index is empty." in library_html([])


def test_log_tables_show_feedback_and_abstentions() -> None:
    feedback = [
        {
            "at": "2025-01-01T10:00:00",
            "helpful": 0,
            "mode": "draft",
            "question": "<b>q</b>",
            "comment": None,
            "answer": "a" * 400,
            "sources": json.dumps([{"n": 1, "title": "Pilots"}]),
        }
    ]
    out = log_html(feedback, "feedback")
    assert "<td>no</td><td>draft</td><td>&lt;b&gt;q&lt;/b&gt;</td><td></td>" in out
    assert "a" * 300 + "…" in out and "[1] Pilots" in out
    abstentions = [
        {"at": "t", "mode": "explore", "question": "q", "standalone": "q s", "best_score": 0.12345, "off_topic": 1}
    ]
    assert "<td>0.123</td><td>yes</td>" in log_html(abstentions, "abstentions")
    assert "Nothing logged yet." in log_html([], "feedback")
