"""OCR cleaning: inline LaTeX of the real contracts' OCR becomes the text it reads as, and nothing else changes."""

from __future__ import annotations

import re

import pytest

from ingest.cleaning import clean_text
from ingest.loaders import load
from tests.conftest import REALDOCS


@pytest.mark.parametrize(
    ("ocr", "text"),
    [
        ("Emissions of $\\mathrm{CO}_{2}$ fell $80\\%$ since 1990.", "Emissions of CO2 fell 80% since 1990."),
        (
            "from $5.65\\mathrm{tCO}_{2}\\mathrm{e}$ in 2005 to $2.1\\mathrm{tCO}_{2}\\mathrm{e}$ by 2030",
            "from 5.65 tCO2e in 2005 to 2.1 tCO2e by 2030",
        ),
        ("heat pumps at $5^{\\circ}\\mathrm{C}$ and 40 $\\mathrm{m}^{2}$ flats", "heat pumps at 5 °C and 40 m² flats"),
        ("roadmap $\\rightarrow$ actions", "roadmap → actions"),
        ("$N = 507$ respondents aged $65+$", "N = 507 respondents aged 65+"),
        ("about $10^{25}$ molecules", "about 10^25 molecules"),
    ],
)
def test_inline_formulas_read_as_text(ocr: str, text: str) -> None:
    assert clean_text(ocr) == text


@pytest.mark.parametrize(
    "plain", ["Tickets cost $5 and $10 in total.", "between $5-$10 per ticket", "A 100% renewable supply by 2030."]
)
def test_dollar_amounts_and_plain_percentages_are_left_alone(plain: str) -> None:
    assert clean_text(plain) == plain


def test_a_real_contract_keeps_no_latex() -> None:
    path = REALDOCS / "ccc_markdown" / "Bratislava.md"
    if not path.is_file():
        pytest.skip("../shared/realdocs is not beside the checkout")
    raw = " ".join(part.text for part in load(path).parts)
    assert "\\mathrm" in raw  # the OCR wrote formulas as LaTeX
    cleaned = clean_text(raw)
    assert not re.search(r"\\(mathrm|%)", cleaned)
    assert "2.1 tCO2e" in cleaned


def test_symbol_font_bullets_become_bullets_and_their_list_splits() -> None:
    pdf_text = "Excluded sources: \uf034 Insufficient information \uf034 Few options\n\uf0b7 Outside the boundary"
    cleaned = clean_text(pdf_text)
    assert cleaned == "Excluded sources: • Insufficient information • Few options\n• Outside the boundary"
    assert clean_text("net\uf020zero in 2030\uf0ae") == "net zero in 2030"


def test_a_word_broken_at_a_line_end_is_joined_when_its_document_uses_it_whole() -> None:
    page = "Total emis-\nsions of the community-\nwide plan, 2020-\n2030, see Annex-\nTables."
    vocabulary = {"emissions", "community", "wide", "plan"}
    assert clean_text(page, vocabulary=vocabulary) == (
        "Total emissions of the community-wide plan, 2020-\n2030, see Annex-\nTables."
    )
    assert clean_text(page) == page  # without the document's words nothing is joined


def test_a_sentence_broken_over_two_paragraphs_is_one_paragraph_again() -> None:
    page = (
        "A city built on thriving, inclusive\n\n\nneighbourhoods and a strong economy.\n\n"
        "- Facilitate bike-sharing at local\n\nuniversities and colleges.\n\n"
        "## Buildings\n\nthe heading stays apart.\n\nThe plan ends here.\n\nlower case after a full stop stays apart."
    )
    assert clean_text(page) == (
        "A city built on thriving, inclusive\nneighbourhoods and a strong economy.\n\n"
        "- Facilitate bike-sharing at local\nuniversities and colleges.\n\n"
        "## Buildings\n\nthe heading stays apart.\n\nThe plan ends here.\n\nlower case after a full stop stays apart."
    )
