"""PDF layout reading on the real city plans: pages/s of the loader with and without it, and what it finds.

Inputs: the 13 plans in ../shared/realdocs/city_plans_pdf (read-only; skipped cleanly when absent). For each file,
"plain" times pypdf's plain ``extract_text`` per page (the loader before layout reading); "layout" times the loader
as it is (``ingest.loaders.load``: layout-mode text, running lines removed, tables, columns and figure rows). Times
are the process's CPU seconds (``time.process_time``): the machine is shared, and wall time at a load of 20 on 2
cores measures the neighbours. Then the counts over all pages: table rows (header rows included), header rows, and
figure rows.

    .venv/bin/python bench/pdf_layout.py            # about 3 CPU minutes
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.loaders import load  # noqa: E402
from ingest.pdf_layout import FIGURE_LABEL  # noqa: E402

PLANS = ROOT.parent / "shared" / "realdocs" / "city_plans_pdf"


def _plain(path: Path) -> int:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    for page in reader.pages:
        page.extract_text()
    return len(reader.pages)


def main() -> None:
    if not PLANS.is_dir():
        print(f"skipped: {PLANS} is absent")
        return
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)
    totals = {"pages": 0, "plain_s": 0.0, "layout_s": 0.0, "rows": 0, "headers": 0, "figure_rows": 0}
    print(f"{'file':45s} {'pages':>5s} {'plain p/s':>9s} {'layout p/s':>10s} {'rows':>5s} {'hdrs':>5s} {'fig':>4s}")
    for path in sorted(PLANS.glob("*.pdf")):
        start = time.process_time()
        pages = _plain(path)
        plain_s = time.process_time() - start
        start = time.process_time()
        doc = load(path)
        layout_s = time.process_time() - start
        lines = [line for part in doc.parts for line in part.text.splitlines()]
        figure = sum(line.startswith(f"| {FIGURE_LABEL} |") for line in lines)
        headers = sum(line.startswith("| ---") for line in lines)
        rows = sum(line.startswith("|") for line in lines) - figure - 2 * headers
        print(
            f"{path.name[:45]:45s} {pages:5d} {pages / plain_s:9.1f} {pages / layout_s:10.1f} {rows:5d}"
            f" {headers:5d} {figure:4d}"
        )
        for key, value in zip(totals, (pages, plain_s, layout_s, rows, headers, figure)):
            totals[key] += value
    print(
        f"{'all':45s} {totals['pages']:5d} {totals['pages'] / totals['plain_s']:9.1f}"
        f" {totals['pages'] / totals['layout_s']:10.1f} {totals['rows']:5d} {totals['headers']:5d}"
        f" {totals['figure_rows']:4d}"
    )


if __name__ == "__main__":
    main()
