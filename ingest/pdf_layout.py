"""PDF page text with its layout read: tables as Markdown rows, text columns in reading order, figure labels as
figure rows, and running headers, footers, page numbers and the document's own table of contents removed.

Works on pypdf's layout-mode text, a fixed-width grid of each page in which columns stand apart by runs of spaces.
A stretch of lines whose spaces line up into vertical gutters is either text set in columns (long, wordy cells:
read column by column) or a table (short cells, numbers: one Markdown row per line, its first row the header when
it holds no values). A line made mostly of numbers and short labels (a chart's axis or legend) becomes a row under
a "Figure" label, so the answer composer never quotes it as a sentence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from assistant.core.text import FIGURE_LABEL
from assistant.core.vocabulary import vocabulary

GAP = 2  # spaces that part two cells of a line: a single space parts words
EDGE_LINES = 3  # lines at the top and at the bottom of a page where running headers and footers stand
FURNITURE_SHARE = 1 / 3  # a running header or footer stands on at least this share of the pages
PROSE_WORDS_PER_CELL = 3.0  # text columns hold this many words per cell or more; table cells fewer
MAX_TEXT_COLUMNS = 4  # a page is set in at most this many text columns; more columns are a table's
MAX_NUMERIC_PROSE = 0.25  # text columns hold few numbers; tables and figures many
FIGURE_NUMERIC_SHARE = 0.6  # a line whose tokens are numbers at this share or more is a figure's labels
FIGURE_MIXED_SHARE = 0.4  # ... or at this share among labels with hardly a lowercase word
LABEL_WORDS = 4  # a chart's data label is a few words over its value
STACK_FILL = 0.7  # a block of data labels leaves many of its grid cells empty; a table fills most
HEADER_WORDS = 12  # a column's name is short; a cell of a sentence's length is a value
SENTENCE_LOWERCASE = 0.4  # a sentence's share of lowercase words; labels and figures have fewer
SENTENCE_ENDS = (".", ",", ";", ":")
CONTENTS_PROSE_SHARE = 0.25  # a table of contents has few lines that end a sentence; a page of text has many
DOT_LEADER = "...."  # the dots that lead a contents entry to its page number


@dataclass
class _Cell:
    start: int
    end: int
    text: str


def _cells(line: str) -> list[_Cell]:
    """The runs of text of one layout line, parted by ``GAP`` or more spaces, with their character positions."""
    cells: list[_Cell] = []
    start, spaces = None, 0
    for i, ch in enumerate(line + " " * GAP):
        if ch == " ":
            spaces += 1
            if start is not None and spaces == GAP:
                cells.append(_Cell(start, i - GAP + 1, line[start : i - GAP + 1]))
                start = None
        else:
            if start is None:
                start = i
            spaces = 0
    for index in range(len(cells) - 2, -1, -1):  # a bullet glyph set apart from its item opens the item
        bullet = cells[index]
        if len(bullet.text) == 1 and not bullet.text.isalnum():
            cells[index : index + 2] = [_Cell(bullet.start, cells[index + 1].end, f"- {cells[index + 1].text}")]
    return cells


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching (closer than ``GAP``) spans joined: the columns a set of cells occupies."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1] + GAP:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _is_number(token: str) -> bool:
    return any(ch.isdigit() for ch in token) and sum(ch.isalpha() for ch in token) <= 2


def numeric_share(text: str) -> float:
    """Share of the tokens that are numbers, years, amounts or percentages."""
    tokens = text.split()
    return sum(_is_number(t) for t in tokens) / len(tokens) if tokens else 0.0


def is_figure_line(text: str) -> bool:
    """A chart's axis, legend or value labels rather than a sentence: no sentence ending, and mostly numbers, or
    many numbers among labels with hardly a lowercase word (a sentence has its small words: "by", "the", "of")."""
    tokens = text.split()
    if len(tokens) < 3 or text.rstrip().endswith(SENTENCE_ENDS) or max(len(t) for t in tokens) > 25:
        return False
    numbers = sum(_is_number(t) for t in tokens)
    lowercase = sum(t[0].islower() for t in tokens)
    return numbers >= 3 and (
        numbers >= FIGURE_NUMERIC_SHARE * len(tokens)
        or (numbers >= FIGURE_MIXED_SHARE * len(tokens) and lowercase <= 0.2 * len(tokens))
    )


def _sentence_like(text: str) -> bool:
    """Many small lowercase words: a sentence (perhaps set justified, its words spread apart), not labels."""
    tokens = text.split()
    return sum(t[0].islower() for t in tokens) >= SENTENCE_LOWERCASE * len(tokens)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def _figure_row(cells: list[str]) -> str:
    return _row([FIGURE_LABEL, *cells])


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _is_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 2 and not any(
        numeric_share(c) >= 0.5 or len(c.split()) > HEADER_WORDS or c.endswith(".") for c in filled
    )


def _continues(above: list[str], cells: list[str]) -> bool:
    """Whether a row is the wrapped rest of the row above: no values of its own, or each of its cells carries on a
    cell above that stops mid-phrase ("Minimal (less than" over "$100k)")."""
    if all(numeric_share(c) < 0.5 for c in cells):
        return True
    return all(a and not a.endswith(SENTENCE_ENDS) for a, c in zip(above, cells) if c)


def _wrapped_label(above: list[str], cells: list[str]) -> bool:
    """A row holding only the rest of the row label above, which stops on a small word ("Waste Reduction and" over
    "Recycling")."""
    last = above[0].split()[-1] if above[0] else ""
    return bool(cells[0]) and not any(cells[1:]) and last.isalpha() and last.islower()


def _is_value(cell: str) -> bool:
    tokens = cell.split()
    return 0 < len(tokens) <= 2 and all(_is_number(t) for t in tokens)


def _label_values(cells: list[str]) -> list[list[str]] | None:
    """Short labels read top to bottom, each followed by its value ("Airport", "Facilities", "10%"): the data labels
    of a chart, as [label, value] pairs; None when the cells are anything else."""
    pairs: list[list[str]] = []
    label: list[str] = []
    for cell in cells:
        if _is_value(cell) and label:
            pairs.append([" ".join(label), cell])
            label = []
        elif not _is_value(cell) and len(cell.split()) <= LABEL_WORDS and not cell.endswith(SENTENCE_ENDS):
            label.append(cell)
        else:
            return None
    return pairs if pairs and not label else None


def _table(grid: list[list[str]]) -> list[str]:
    """Markdown rows of a table grid; a row with an empty first cell and no values continues the row above (a
    wrapped cell), and the first row is the header when it holds no values."""
    rows: list[list[str]] = []
    for cells in grid:
        if rows and (not cells[0] and _continues(rows[-1], cells) or _wrapped_label(rows[-1], cells)):
            rows[-1] = [_squeeze(f"{a} {b}") for a, b in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    width = len(rows[0])
    values = any(numeric_share(c) >= 0.5 for r in rows[1:] for c in r)
    if values and _is_header(rows[0]):  # a legend (labels only) has no header
        return [_row(rows[0]), _row(["---"] * width), *(_row(r) for r in rows[1:])]
    return [_row(r) for r in rows]


def _block_text(lines: list[str], columns: list[tuple[int, int]]) -> list[str]:
    """A stretch of aligned lines as text columns read one after another, or as a table."""
    grid: list[list[str]] = []
    for line in lines:
        row = [""] * len(columns)
        for cell in _cells(line):
            index = next(i for i, (s, e) in enumerate(columns) if s <= cell.start < e)
            row[index] = _squeeze(f"{row[index]} {cell.text}")
        if any(row):
            grid.append(row)
    filled = [c for r in grid for c in r if c]
    words = sum(len(c.split()) for c in filled)
    if sum(len(c.split()) == 1 for c in filled) >= 0.6 * len(filled) and _sentence_like(" ".join(filled)):
        return ["", *(" ".join(c for c in r if c) for r in grid), ""]  # justified lines, their words spread apart
    stacks = [_label_values([r[i] for r in grid if r[i]]) for i in range(len(columns))]
    if len(filled) < STACK_FILL * len(grid) * len(columns) and all(p is not None for p in stacks):
        return ["", *(_figure_row(pair) for pairs in stacks if pairs for pair in pairs), ""]
    used = sum(sum(bool(r[i]) for r in grid) >= 2 for i in range(len(columns)))  # a stray glyph is no column
    prose = (
        used <= MAX_TEXT_COLUMNS
        and words / len(filled) >= PROSE_WORDS_PER_CELL
        and numeric_share(" ".join(filled)) <= MAX_NUMERIC_PROSE
    )
    if not prose:
        return ["", *_table(grid), ""]
    out: list[str] = []
    for index in range(len(columns)):
        out.extend(["", *(r[index] for r in grid if r[index])])
    return [*out, ""]


def _single_line(line: str) -> str:
    """One line that lines up with no other: a figure row when it holds a chart's labels, else plain text."""
    cells = [c.text for c in _cells(line)]
    text = _squeeze(line)
    if is_figure_line(text):
        return _figure_row(cells if len(cells) > 1 else text.split())
    if len(cells) >= 4 and sum(len(c.split()) == 1 for c in cells) >= 0.6 * len(cells):
        return text  # words spread apart (a justified line, a legend), not cells of a row
    if len(cells) > 1 and numeric_share(text) > 0 and all(len(c.split()) <= 6 for c in cells):
        return _row(cells)  # a headline figure beside its label: "$1.2 billion   invested in transit"
    return text


def read_layout(page_text: str) -> str:
    """Text of one page from its layout-mode text: tables and figure labels as Markdown rows, columns in order."""
    lines = [line.rstrip() for line in page_text.splitlines()]
    cells_of = [_cells(line) for line in lines]
    out: list[str] = []
    i = 0
    while i < len(lines):
        cells = cells_of[i]
        if len(cells) < 2:
            out.append(_squeeze(lines[i]))
            i += 1
            continue
        spans = [(c.start, c.end) for c in cells]
        columns = len(_merge(spans))
        j = i + 1
        while j < len(lines):
            if not lines[j].strip():  # the stretch goes on past a blank line only into a line of cells
                if j + 1 < len(lines) and len(cells_of[j + 1]) >= 2:
                    j += 1
                    continue
                break
            wider = spans + [(c.start, c.end) for c in cells_of[j]]
            if len(_merge(wider)) < columns:  # the line bridges a gutter: the stretch ends above it
                break
            spans = _merge(wider)
            columns = len(spans)
            j += 1
        block = [line for line in lines[i:j] if line.strip()]
        if len(block) == 1:
            out.append(_single_line(block[0]))
        else:
            out.extend(_block_text(block, [(s, e + GAP) for s, e in _merge(spans)]))
        i = j
    return _tidy(out)


def _tidy(lines: list[str]) -> str:
    """Lines joined, runs of blank lines made one; figure-like lines of plain text and stacks of short labels over
    their values (a chart's data labels) turned into figure rows."""
    kept: list[str] = []
    run: list[str] = []  # the plain lines since the last blank line or row

    def close_run() -> None:
        pairs = _label_values(run)
        if pairs and len(run) >= 2:
            del kept[len(kept) - len(run) :]
            kept.extend(_figure_row(pair) for pair in pairs)
        run.clear()

    for line in lines:
        if not line and (not kept or not kept[-1]):
            continue
        if line and not line.startswith("|") and is_figure_line(line):
            line = _figure_row(line.split())
        if line and not line.startswith("|"):
            run.append(line)
        else:
            close_run()
        kept.append(line)
    close_run()
    return "\n".join(kept).strip()


def _edge_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[:EDGE_LINES] + lines[-EDGE_LINES:]


_DIGITS_MASKED = str.maketrans("0123456789", "#" * 10)
_ROMAN = (("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))  # up to FRONT_MATTER_PAGES
FRONT_MATTER_PAGES = 50  # front matter numbered in roman numerals ends well before this page


def _roman(value: int) -> str:
    """``value`` in lower-case roman numerals, as front matter numbers its pages (4 -> "iv")."""
    numeral = ""
    for letters, worth in _ROMAN:
        count, value = divmod(value, worth)
        numeral += letters * count
    return numeral


_PAGE_NUMERALS = frozenset(_roman(n) for n in range(1, FRONT_MATTER_PAGES + 1))


def _furniture_key(line: str) -> str:
    """A line with each number masked, so "Climate Plan   9", "Climate Plan   10" and the front matter's
    "Climate Plan   ii" are one running line."""
    masked = " ".join("#" if word.lower() in _PAGE_NUMERALS else word for word in _squeeze(line).split(" "))
    masked = masked.translate(_DIGITS_MASKED)
    while "##" in masked:
        masked = masked.replace("##", "#")
    return masked


def _column_names(line: str) -> bool:
    """Three or more cells and no number: a table's header repeated over its pages, which labels the rows below."""
    return len(_cells(line)) >= 3 and numeric_share(line) == 0


def furniture(pages: list[str]) -> set[str]:
    """Keys of the lines at the top or bottom of most pages: running headers, footers and page numbers."""
    if len(pages) < 4:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        counts.update({_furniture_key(line) for line in _edge_lines(page) if not _column_names(line)})
    return {key for key, n in counts.items() if n >= max(3, FURNITURE_SHARE * len(pages)) and len(key) <= 120}


def without_furniture(page: str, keys: set[str]) -> str:
    """A page without its running header, footer and page number lines."""
    if not keys:
        return page
    lines = page.splitlines()
    filled = [i for i, line in enumerate(lines) if line.strip()]
    edges = set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])
    return "\n".join(line for i, line in enumerate(lines) if i not in edges or _furniture_key(line) not in keys)


def _letters(text: str) -> str:
    """Lower-case words of letters only: "TABLE OF  CONTENTS:" -> "table of contents"."""
    return " ".join("".join(ch if ch.isalpha() else " " for ch in text.lower()).split())


@lru_cache(maxsize=1)
def _contents_headings() -> frozenset[str]:
    """The headings a table of contents stands under, in every language the assistant reads, as ``_letters``."""
    return frozenset(_letters(heading) for heading in vocabulary().get("contents_headings", []))


def _headed_contents(lines: list[str]) -> bool:
    """A contents heading among the first lines, alone or over two of them ("Table of" / "Contents")."""
    top = [_letters(line) for line in lines[:EDGE_LINES]]
    return any(
        line in _contents_headings() or f"{line} {after}" in _contents_headings()
        for line, after in zip(top, [*top[1:], ""])
    )


def _contents_entry(line: str) -> bool:
    """A line of a table of contents: dot leaders, or a page number at its end ("3.7 Solid Waste   p.41", "ii")."""
    return DOT_LEADER in line or line[-1].isdigit() or line.split()[-1].lower() in _PAGE_NUMERALS


def is_contents_page(page: str, continues: bool = False) -> bool:
    """A table of contents (or list of figures): headed so, or ``continues`` one from the page before with a
    contents entry on a third of its lines or more, and with few lines that end a sentence. Its headings and page
    numbers matched many questions and led replies as fragments ("3.7 Solid Waste 4 Miscellaneous | p.41 p.45")."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    if not lines:
        return False
    prose = sum(line.endswith((".", "!", "?")) and not line.endswith("..") for line in lines)
    if prose > CONTENTS_PROSE_SHARE * len(lines):
        return False
    if _headed_contents(lines):
        return True
    return continues and sum(map(_contents_entry, lines)) >= len(lines) / 3


def read_pages(layout_pages: list[str]) -> list[str]:
    """The text of every page of one PDF, running lines removed and layout read; a table of contents is left
    empty (its page keeps its number)."""
    keys = furniture(layout_pages)
    read, contents = [], False
    for page in layout_pages:
        page = without_furniture(page, keys)
        contents = is_contents_page(page, continues=contents)
        read.append("" if contents else read_layout(page))
    return read
