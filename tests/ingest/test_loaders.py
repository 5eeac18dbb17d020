from pathlib import Path

import pytest

from ingest.errors import LoadError
from ingest.loaders import load
from tests.conftest import make_pdf, make_scanned_pdf, write_md


def test_markdown_front_matter_becomes_metadata(tmp_path: Path) -> None:
    path = write_md(
        tmp_path,
        "lahti",
        "Lahti case study",
        "Lahti phased out coal in 2019.",
        topics="mobility",
        city="Lahti",
        country="Finland",
        audience="[mission-cities]",
    )
    doc = load(path)
    assert doc.kind == "markdown"
    assert doc.metadata["title"] == "Lahti case study"
    assert doc.metadata["date"] == "2024-05-01"
    assert doc.metadata["topics"] == ["mobility"] and doc.metadata["audience"] == ["mission-cities"]
    assert doc.metadata["city"] == "Lahti" and doc.metadata["country"] == "Finland"
    assert "phased out coal" in doc.parts[0].text and "doc_type:" not in doc.parts[0].text


def test_pdf_gives_one_part_per_page_with_metadata(tmp_path: Path) -> None:
    path = make_pdf(
        tmp_path / "guide.pdf", ["First page about twinning.", "Second page about pilots."], title="A PDF guide"
    )
    doc = load(path)
    assert [p.page for p in doc.parts] == [1, 2]
    assert "pilots" in doc.parts[1].text
    assert doc.metadata["title"] == "A PDF guide"
    assert doc.metadata["date"] == "2024-03-21"


@pytest.mark.parametrize("left_by_the_tool", ["Microsoft Word - Cover Page", "Master Plan 2009 SPELLCKD-1.xls"])
def test_a_pdf_title_naming_its_source_file_gives_way_to_the_file_name(tmp_path: Path, left_by_the_tool: str) -> None:
    path = make_pdf(tmp_path / "Norfolk, VA Action Plan 2019.pdf", ["Text of the plan."], title=left_by_the_tool)
    assert load(path).metadata["title"] == "Norfolk, VA Action Plan 2019"


def test_pdf_sidecar_adds_fields(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "g.pdf", ["Some text on the page here."])
    (tmp_path / "g.pdf.meta.yaml").write_text("doc_type: guidance\ntopics: [finance]\nsource: https://x.org/g\n")
    doc = load(path)
    assert doc.metadata["doc_type"] == "guidance" and doc.metadata["source"] == "https://x.org/g"


def test_html_keeps_main_text_title_and_canonical(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        """<html lang="en"><head><title>Capital Hub</title><link rel="canonical" href="https://example.org/hub">
        <meta property="article:published_time" content="2024-06-26T10:00:00Z"><style>.x{}</style>
        <script>alert('x')</script></head><body><nav>Home | About</nav><main><h1>Capital Hub</h1>
        <p>The hub helps labelled cities find investors.</p><ul><li>Advice with the EIB</li></ul>
        <table><tr><th>Stream</th><th>Lead</th></tr><tr><td>Finance</td><td>BwB</td></tr></table></main>
        <footer>Copyright</footer></body></html>""",
        encoding="utf-8",
    )
    doc = load(path)
    text = doc.parts[0].text
    assert doc.metadata["title"] == "Capital Hub"
    assert doc.metadata["source"] == "https://example.org/hub"
    assert doc.metadata["date"] == "2024-06-26"
    assert "# Capital Hub" in text and "- Advice with the EIB" in text and "| Finance | BwB |" in text
    assert "alert" not in text and "Home | About" not in text and "Copyright" not in text


def test_latin1_and_cp1252_text_is_decoded(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Malmö and Sønderborg plan for climate neutrality.".encode("latin-1"))
    cp = tmp_path / "cp.txt"
    cp.write_bytes("The “Climate City Contract” costs €1.5 million.".encode("cp1252"))
    assert "Malmö" in load(latin).parts[0].text
    assert "€1.5 million" in load(cp).parts[0].text


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.md", b"", "empty file"),
        ("junk.md", bytes(range(256)) * 20, "binary data"),
        ("bad.md", b"---\ntitle: [unclosed\n---\n# T\n\nSome body text here.\n", "front matter is not valid YAML"),
        ("utf16.txt", "Text in another encoding entirely".encode("utf-16-le")[:-1] + b"\x81\x8d", "binary data"),
        ("corrupt.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf\n", "corrupted or unreadable PDF"),
    ],
)
def test_bad_input_gets_a_named_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as caught:
        load(path)
    assert caught.value.path == path
    assert reason in caught.value.reason


def test_undecodable_text_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "sjis.txt"
    path.write_bytes("気候中立都市ミッションの概要と目標について".encode("shift_jis") * 3)
    with pytest.raises(LoadError, match="not UTF-8"):
        load(path)


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", ["Secret plans for the city."], encrypt="pw")
    with pytest.raises(LoadError, match="encrypted PDF"):
        load(path)


def test_scanned_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(LoadError, match="no text layer"):
        load(path)


def test_realdocs_pdf_loads_every_page() -> None:
    pdf = Path(__file__).resolve().parents[3] / "shared" / "realdocs" / "pdf" / "Izmir_Climate_City_Contract.pdf"
    if not pdf.is_file():
        pytest.skip("../shared/realdocs is not beside the checkout")
    doc = load(pdf)
    assert len(doc.parts) == 113
    assert doc.parts[0].page == 1 and doc.parts[-1].page == 113
    assert sum(len(p.text.split()) for p in doc.parts) > 20000
