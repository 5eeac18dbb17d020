"""PDF layout reading: tables without rules, chart labels, running lines and text columns, on PDFs built here with
fpdf2 and on pages of the real city plans in ../shared/realdocs (skipped when absent). Only plans of the dev half
(eval/README.md) are used here: the test half stays unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import load
from ingest.pdf_layout import is_contents_page, is_figure_line, read_layout
from tests.conftest import make_pdf

PLANS = Path(__file__).resolve().parents[2].parent / "shared" / "realdocs" / "city_plans_pdf"
PROSE = "The city adopted its climate plan after a long public consultation with residents and business owners."


def _pdf(path: Path, pages: list[list[tuple[float, float, str]]]) -> Path:
    """A PDF whose pages hold text placed at (x, y) in millimetres: a layout without rules or table borders."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for page in pages:
        pdf.add_page()
        for x, y, text in page:
            pdf.text(x, y, text)
    pdf.output(str(path))
    return path


def _lines(path: Path) -> list[list[str]]:
    return [part.text.splitlines() for part in load(path).parts]


def test_table_without_rules_becomes_markdown_rows_under_its_header(tmp_path: Path) -> None:
    rows = [("Sector", "Emissions", "Target"), ("Transportation", "1,200 t", "600 t"), ("Buildings", "950 t", "400 t")]
    placed = [(10, 20, PROSE)] + [
        (x, 40 + 7 * i, cell) for i, row in enumerate(rows) for x, cell in zip((20, 80, 140), row)
    ]
    (lines,) = _lines(_pdf(tmp_path / "table.pdf", [placed]))
    start = lines.index("| Sector | Emissions | Target |")
    assert lines[start + 1 : start + 4] == [
        "| --- | --- | --- |",
        "| Transportation | 1,200 t | 600 t |",
        "| Buildings | 950 t | 400 t |",
    ]
    assert PROSE in lines


def test_chart_labels_become_figure_rows_never_prose(tmp_path: Path) -> None:
    ticks = [(20 + 30 * i, 60, str(2015 + i)) for i in range(5)]
    placed = [(10, 20, PROSE), (10, 40, "2015 2015 2019 2020 Transportation & Mobile Sources"), *ticks]
    (lines,) = _lines(_pdf(tmp_path / "chart.pdf", [placed]))
    assert "| Figure | 2015 | 2016 | 2017 | 2018 | 2019 |" in lines
    assert "| Figure | 2015 | 2015 | 2019 | 2020 | Transportation | & | Mobile | Sources |" in lines
    assert not any("2017" in line and not line.startswith("|") for line in lines)
    assert PROSE in lines


def test_headline_figure_beside_its_label_is_one_row(tmp_path: Path) -> None:
    (lines,) = _lines(
        _pdf(
            tmp_path / "headline.pdf",
            [[(10, 20, PROSE), (20, 50, "$1.2 billion"), (90, 50, "invested in public transit")]],
        )
    )
    assert "| $1.2 billion | invested in public transit |" in lines


def test_running_header_footer_and_page_numbers_are_removed(tmp_path: Path) -> None:
    topics = ["heat pumps", "cycling lanes", "district heating", "tree planting", "solar roofs", "bus lanes"]
    bodies = [f"Chapter {n} explains the measures on {topic} in detail." for n, topic in enumerate(topics, start=1)]
    pages = [
        [(10, 10, "Example City Climate Plan"), (10, 30, body), (100, 285, f"Page {n}")]
        for n, body in enumerate(bodies, start=1)
    ]
    parts = _lines(_pdf(tmp_path / "running.pdf", pages))
    assert [lines for lines in parts] == [[body] for body in bodies]


def test_a_running_header_numbered_in_roman_then_arabic_numerals_is_removed(tmp_path: Path) -> None:
    numbers = ["i", "ii", "iii", "1", "2", "3"]
    topics = ["disclaimer", "acknowledgements", "contents", "flooding", "storm surge", "sea level rise"]
    bodies = [f"This page of the plan is about {topic}." for topic in topics]
    header = "Example City Resiliency Plan    {}    June 30, 2017"
    pages = [[(10, 10, header.format(n)), (10, 30, body)] for n, body in zip(numbers, bodies)]
    assert _lines(_pdf(tmp_path / "front-matter.pdf", pages)) == [[body] for body in bodies]


def test_a_table_of_contents_and_its_continued_page_are_left_out(tmp_path: Path) -> None:
    entries = ["Introduction", "Buildings", "Transport", "Energy", "Waste", "Adaptation"]
    leaders = [f"{entry} {'.' * 40} {n}" for n, entry in enumerate(entries, start=3)]
    pages = [
        [(10, 20, PROSE)],
        [(10, 20, "Table of"), (10, 27, "Contents"), *[(10, 40 + 7 * i, line) for i, line in enumerate(leaders[:3])]],
        [(10, 40 + 7 * i, line) for i, line in enumerate(leaders[3:])],
        [(10, 20, "Chapter 1 explains how the plan was written.")],
    ]
    parts = load(_pdf(tmp_path / "contents.pdf", pages)).parts
    assert [part.text.strip() for part in parts] == [PROSE, "", "", "Chapter 1 explains how the plan was written."]
    assert [part.page for part in parts] == [1, 2, 3, 4]


def test_a_page_headed_contents_that_is_prose_is_kept() -> None:
    sentences = [f"The plan sets out measure {n} for the city's neighbourhoods." for n in range(1, 5)]
    page = "\n".join(["Contents", *sentences])
    assert not is_contents_page(page)
    assert is_contents_page("\n".join(["Contents", *(f"Measure {n} .......... {n + 2}" for n in range(1, 5))]))
    continued = "\n".join(f"{n} Chapter on measure {n}        p.{n + 40}" for n in range(1, 5))  # no leaders
    assert is_contents_page(continued, continues=True) and not is_contents_page(continued)


def test_two_text_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    from fpdf import FPDF

    left = "The left column tells how the heat network grows across the old town over the coming decade."
    right = "The right column tells how the bus fleet turns electric before the end of the decade."
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.set_xy(10, 20)
    pdf.multi_cell(80, 6, left)
    pdf.set_xy(110, 20)
    pdf.multi_cell(80, 6, right)
    pdf.output(str(tmp_path / "columns.pdf"))
    text = " ".join(load(tmp_path / "columns.pdf").parts[0].text.split())
    assert text == f"{left} {right}"


def test_a_rotated_page_is_read_in_plain_mode(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    source = make_pdf(tmp_path / "upright.pdf", [PROSE])
    writer = PdfWriter()
    writer.add_page(PdfReader(str(source)).pages[0]).rotate(90)
    writer.write(str(tmp_path / "turned.pdf"))
    assert PROSE.split()[:5] == load(tmp_path / "turned.pdf").parts[0].text.split()[:5]


def test_figure_lines_are_told_from_sentences() -> None:
    assert is_figure_line("0 1,000,000 2,000,000 3,000,000")
    assert is_figure_line("2015 2015 2019 2020 Transportation & Mobile Sources")
    assert not is_figure_line("Cut emissions 20% by 2030 and 80% by 2050 against the 2005 level")
    assert not is_figure_line("Table 3 2015 GHG Emissions")


def _page(name: str, number: int) -> str:
    from pypdf import PdfReader

    path = PLANS / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return read_layout(PdfReader(str(path)).pages[number - 1].extract_text(extraction_mode="layout"))


def test_real_plan_table_rows_keep_their_header_and_pie_labels_pair_with_values() -> None:
    lines = _page("Norfolk, VA Equal Adaptation-Mitigation CAP 2019.pdf", 57).splitlines()
    start = lines.index("| Sector | Sector Total (metric tons CO2e) | Percentage of Total |")
    assert lines[start + 1] == "| --- | --- | --- |"
    assert "| Streetlights and Traffic Signals | 13,300 | 7% |" in lines[start:]
    assert "| Figure | Airport Facilities | 10% |" in lines
    assert not any(line.startswith("Airport") for line in lines)


def test_real_plan_wrapped_header_labels_every_value() -> None:
    lines = _page("Greensboro, NC Mitigation Primary CAP 2020.pdf", 19).splitlines()
    header = next(line for line in lines if line.startswith("| Policy Topic | Minimum Cumulative Cost to Implement"))
    below = lines[lines.index(header) + 1 :]
    assert below[0].startswith("| --- |")
    assert any(line.startswith("| Transportation and Land Use | $3,600,000 | $17,600,000 |") for line in below)
    assert any(line.startswith("| Waste Reduction and Recycling |") for line in below)


def test_real_plan_axis_labels_are_a_figure_row() -> None:
    lines = _page("Greensboro, NC Mitigation Primary CAP 2020.pdf", 23).splitlines()
    assert "| Figure | 0% | 1% | 2% | 3% | 4% | 5% | 6% | 7% | 8% | 9% | 10% |" in lines
    assert not any(line.startswith("0% 1%") for line in lines)


def test_real_plan_figure_panel_becomes_rows_and_columns_stay_whole() -> None:
    text = _page("Atlanta, GA Mitigation Plan 2018.pdf", 38)
    lines = text.splitlines()
    assert any(line.startswith("|") and "| Local Jobs Created |" in line for line in lines)
    assert "18% of Atlanta’s electricity\nis directly provided by clean\nenergy sources." in text
    assert not any(line.startswith(("1% ", "82%")) for line in lines)


def test_real_plan_newsletter_columns_read_in_order() -> None:
    text = _page("Savannah, GA Green Plan 2009.pdf", 9)
    assert "Create a ‘Green map’ of\nthe County that highlights" in text
    assert text.index("tourists alike.") < text.index("2 :: Youth Engagement") < text.index("WATER")


def test_real_plan_running_header_and_page_numbers_are_gone_from_every_page() -> None:
    path = PLANS / "Napa, CA Adaptation Plan 2024.pdf"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    parts = load(path).parts  # the title page gives the memo's date once, in its text
    lines = [line.strip() for part in parts[1:] for line in part.text.splitlines()]
    assert not any(line in {"Napa County RCAAP – Draft Adaptation Measures Memo", "August 9, 2024"} for line in lines)
    assert not any(line.startswith("Page ") and line[5:].isdigit() for line in lines)
    assert any(line.startswith("| Implement best practices to address wildfire") for line in lines)


def test_real_plan_front_matter_header_is_gone_as_the_numbered_pages_one() -> None:
    path = PLANS / "Cape Coral, FL Resiliency Plan 2017.pdf"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    lines = [" ".join(line.split()) for part in load(path).parts for line in part.text.splitlines()]
    assert not any("City of Cape Coral Resiliency Plan" in line and "June 30, 2017" in line for line in lines)
    assert any("Acknowledgements" in line for line in lines)


def test_real_plan_table_of_contents_pages_are_left_out() -> None:
    path = PLANS / "Cape Coral, FL Resiliency Plan 2017.pdf"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    pages = {part.page: part.text for part in load(path).parts}
    assert [n for n in range(1, 10) if not pages.get(n, "").strip()] == [4, 5, 6, 7]  # contents, figures, tables
    assert "Acknowledgements" in pages[3] and "Executive Summary" in pages[8] + pages[9]
