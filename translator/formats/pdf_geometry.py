"""Where a PDF's lines are: running headers and footers, columns and reading order,
captions and footnotes (no PDF library needed here; ``translator.formats.pdf`` reads the text
layer, ``translator.formats.pdf_layout`` joins the lines into blocks).

1. Running headers, footers and page numbers are dropped: a line in the top or bottom band of
   the page, standing apart from the text, whose text (digits aside) comes back at the same
   height on several pages, or that is only a page number alone on its row, or (at the top)
   that is short and in smaller type than the body and not a date line (the article's date).
   They are reported, not silently lost.
2. Columns: a gutter is an x range that the narrow lines of the page never cross while lines
   on both sides of it do, and on whose right edge lines start (a column's left edge). Lines
   that cross a gutter span the columns (a title, a wide lead) and, like a picture across a
   gutter, cut the page into sections; each section is read column by column, left to right.
3. Captions (small or italic lines next to an image, and text set turned, like a photo
   credit up a picture's side) and footnotes (small lines below the lowest body line) are
   lines of their own role, never joined into the text around them.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..text.rules import is_date_line

__all__ = [
    "SMALL_SIZE",
    "Line",
    "Page",
    "Word",
    "drop_running",
    "mark_roles",
    "reading_order",
    "take_turned",
]

#: Share of the page height at the top and bottom where running headers and footers sit.
MARGIN_BAND = 0.12
#: A running header or footer comes back on this share of the pages (and on two at least).
RUNNING_SHARE = 0.4
#: How far (points) the same header may move between pages.
RUNNING_SLACK = 4.0
#: A running header or footer stands apart from the text: by at least this share of the
#: type size (lines of text are closer: their gap is their leading less their size).
RUNNING_GAP = 1.0
#: A line wider than this share of the page's text area spans columns: gutters are found
#: from the narrower ones.
NARROW = 0.6
#: A gutter is crossed by at most this share of the narrow lines of its neighbouring columns.
GUTTER_LOW = 0.15
#: Smaller than the body size by this factor: a footnote's or a caption's type.
SMALL_SIZE = 0.92
#: An initial this many times the body size, beside the first lines, is a drop cap.
DROP_CAP = 1.8

_PAGE_NUMBER = re.compile(
    r"^(?:(?:seite|s\.|page|p\.)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|von|of|aus)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(
    r"^(?:Foto|Fotos|Bild|Abb\.|Abbildung|Grafik|Karte|Illustration|Quelle)\b", re.IGNORECASE
)


@dataclass
class Word:
    """A word of the text layer: its box (points from the page's top left) and font."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    baseline: float
    size: float
    bold: bool = False
    italic: bool = False
    space_after: bool = False  # the text layer has a space after it
    rotated: bool = False  # set turned (a photo credit up a picture's side)


@dataclass(eq=False)
class Line:
    """Words on one baseline. ``page``, ``group``, ``left``, ``right`` are set by the layout."""

    words: list[Word]
    page: int = 0
    group: int = 0  # a column of a section: lines of one group are read top to bottom
    left: float = 0.0  # the column's edges
    right: float = 0.0
    role: str = "flow"  # flow | caption | footnote
    text: str = field(init=False)
    x0: float = field(init=False)
    x1: float = field(init=False)
    top: float = field(init=False)
    bottom: float = field(init=False)
    baseline: float = field(init=False)
    size: float = field(init=False)
    bold: bool = field(init=False)
    italic: bool = field(init=False)

    def __post_init__(self) -> None:
        words = self.words
        self.text = " ".join(w.text for w in words)
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        self.top = min(w.top for w in words)
        self.bottom = max(w.bottom for w in words)
        letters = Counter[float]()
        bold = italic = total = 0
        for w in words:
            letters[round(w.size * 2) / 2] += len(w.text)
            total += len(w.text)
            bold += len(w.text) * w.bold
            italic += len(w.text) * w.italic
        self.size = letters.most_common(1)[0][0]
        self.baseline = statistics.median(w.baseline for w in words)
        self.bold = bold > 0.6 * total
        self.italic = italic > 0.6 * total


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line]
    images: list[tuple[float, ...]] = field(default_factory=list)  # x0, top, x1, bottom
    controls: int = 0  # control characters left out of its text


# -- 1. running headers and footers ----------------------------------------------------------


def drop_running(pages: list[Page], body: float) -> list[str]:
    """Remove running headers, footers and page numbers; return their texts, one per line
    removed (``body``: the body text's size).

    Only a line in the top or bottom band that stands apart from the text (nothing between
    it and the page's edge, a gap wider than a line's to the text inside) can be one. It is
    one if its text (digits aside) comes back at the same height on enough pages, or it is a
    page number alone on its row, or, at the top, it is short and in smaller type than the
    body (a header on a one-page document, or on a page where it does not come back).
    """
    places: dict[str, list[tuple[int, float]]] = defaultdict(list)
    candidates: dict[int, dict[int, bool]] = {}  # page -> id(line) -> in the top band
    for page in pages:
        here = candidates[page.number] = {}
        for line in page.lines:
            top = line.bottom < MARGIN_BAND * page.height
            in_band = top or line.top > (1 - MARGIN_BAND) * page.height
            if in_band and _apart(line, page, top, body):
                here[id(line)] = top
                places[_shape(line.text)].append((page.number, line.top))
    needed = max(2, RUNNING_SHARE * len(pages))
    removed: list[str] = []
    for page in pages:
        kept = []
        for line in page.lines:
            at_top = candidates[page.number].get(id(line))
            if at_top is not None:
                near = places[_shape(line.text)]
                same = {p for p, y in near if abs(y - line.top) <= RUNNING_SLACK}
                small = line.size < SMALL_SIZE * body and len(line.text.split()) <= 12
                alone = not any(
                    other is not line and other.top < line.bottom and line.top < other.bottom
                    for other in page.lines
                )
                if (
                    len(same) >= needed
                    or (alone and _PAGE_NUMBER.match(line.text))
                    or (at_top and small and _letters(line.text) and not is_date_line(line.text))
                ):
                    removed.append(line.text)
                    continue
            kept.append(line)
        page.lines = kept
    return removed


def _apart(line: Line, page: Page, top: bool, body: float) -> bool:
    """No line between ``line`` and the page's (top or bottom) edge, and the nearest line
    inside more than a line's gap away (``RUNNING_GAP`` of its size or the body's)."""
    gaps = []
    for other in page.lines:
        if other is line:
            continue
        if top:
            if other.bottom <= line.top:
                return False
            if other.top >= line.bottom:
                gaps.append(other.top - line.bottom)
        else:
            if other.top >= line.bottom:
                return False
            if other.bottom <= line.top:
                gaps.append(line.top - other.bottom)
    return min(gaps, default=body) >= RUNNING_GAP * max(body, line.size)


def _letters(text: str) -> bool:
    return sum(ch.isalpha() for ch in text) >= 3


def take_turned(pages: list[Page]) -> dict[int, list[Line]]:
    """Take out the lines set turned (not along the page): they are read as captions, after
    the page's text, and take no part in finding its columns."""
    turned = {}
    for page in pages:
        turned[page.number] = [ln for ln in page.lines if ln.words[0].rotated]
        page.lines = [ln for ln in page.lines if not ln.words[0].rotated]
    return turned


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


# -- 3. columns and reading order ------------------------------------------------------------


def _gutters(lines: list[Line], page_width: float, body: float) -> list[tuple[float, float]]:
    """x ranges between columns: crossed by (almost) no narrow line, with text on both sides
    and a column's left edge (lines aligned) on the right."""
    left, right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
    # The text area: as wide as the text, or the page less a margin like the left one on the
    # right, whichever is wider (a last page's second column may hold a line or two).
    area = max(right - left, page_width - 2 * left)
    narrow = [ln for ln in lines if ln.x1 - ln.x0 <= NARROW * area]
    if len(narrow) < 4:
        return []
    bins = int(right - left) + 2
    diff = [0] * (bins + 1)
    for ln in narrow:
        diff[int(ln.x0 - left)] += 1
        diff[int(ln.x1 - left) + 1] -= 1
    cover, running = [], 0
    for step in diff[:bins]:
        running += step
        cover.append(running)
    peak = max(cover)
    low, high = GUTTER_LOW * peak, max(3, 0.3 * peak)
    gutters = []
    x = 0
    while x < bins:
        if cover[x] > low:
            x += 1
            continue
        start = x
        while x < bins and cover[x] <= low:
            x += 1
        g0, g1 = left + start, left + x - 1
        aligned = sum(abs(ln.x0 - (g1 + 1)) <= 2 for ln in narrow)
        if (
            x - start >= 3
            and max(cover[:start], default=0) >= high
            and max(cover[x:], default=0) >= high
            and aligned >= 3  # a column starts right of it: lines aligned on its left edge
        ):
            gutters.append((g0, g1))
    last = _sparse_column(narrow, lines, gutters[-1][1] + 1 if gutters else left, body)
    return gutters + ([last] if last else [])


def _sparse_column(
    narrow: list[Line], lines: list[Line], base: float, body: float
) -> tuple[float, float] | None:
    """The gutter before a last column of a line or two (where an article ends): lines that
    start, all aligned, clearly right of the column starting at ``base``, which hardly any
    line crosses (a ragged single column's long lines would)."""
    column = [
        ln for ln in narrow if base - 2 <= ln.x0 <= base + 2 * body and abs(ln.size - body) < 0.6
    ]
    if len(column) < 3:
        return None
    edge = max(ln.x1 for ln in column)
    beyond = [ln for ln in narrow if ln.x0 > edge + body]
    if not beyond:
        return None
    start = min(ln.x0 for ln in beyond)
    crossing = sum(ln.x0 < edge and ln.x1 > start for ln in lines)
    aligned = all(ln.x0 - start <= 2 * body for ln in beyond)  # a first-line indent at most
    if aligned and crossing <= max(2, 0.1 * len(lines)):
        return (edge + 1, start - 1)
    return None


def _split_at_gutters(lines: list[Line], gutters: list[tuple[float, float]]) -> list[Line]:
    """Cut lines that run across a gutter at a gap there (two columns' lines read as one)."""
    out = []
    for line in lines:
        parts = [line.words]
        for g0, g1 in gutters:
            middle = (g0 + g1) / 2
            words = parts[-1]
            for i in range(len(words) - 1):
                a, b = words[i], words[i + 1]
                gap = b.x0 - a.x1
                if a.x1 <= middle <= b.x0 and gap >= max(0.9 * a.size, 0.6 * (g1 - g0)):
                    parts[-1:] = [words[: i + 1], words[i + 1 :]]
                    break
        out += [line if len(parts) == 1 else Line(ws) for ws in parts]
    return out


def _merge_fragments(lines: list[Line], gutters: list[tuple[float, float]]) -> list[Line]:
    """Join pieces of one line (a justified line's wide spaces) that no gutter separates."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: ln.baseline):
        if rows and line.baseline - rows[-1][0].baseline <= 0.3 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    out: list[Line] = []
    for row in rows:
        pieces: list[Line] = []
        for line in sorted(row, key=lambda ln: ln.x0):
            last = pieces[-1] if pieces else None
            if (
                last is not None
                and abs(line.size - last.size) < 0.6
                and line.x0 >= last.x1 - 0.5
                and not any(last.x1 <= g1 and line.x0 >= g0 for g0, g1 in gutters)
            ):
                pieces[-1] = Line(last.words + line.words)
            else:
                pieces.append(line)
        out += pieces
    return out


def _attach_drop_caps(lines: list[Line], body: float) -> list[Line]:
    """An initial set large over the first lines of a paragraph ("N" beside "ach Berichten")
    joins the word it begins; the lines beside it count as flush with it, not indented."""
    caps = [
        ln
        for ln in lines
        if ln.size >= DROP_CAP * body and len(ln.text) <= 2 and ln.text[-1:].isupper()
    ]
    for cap in caps:
        beside = sorted(
            (
                ln
                for ln in lines
                if abs(ln.size - body) < 0.6
                and 0 <= ln.x0 - cap.x1 + 1 <= 2 * body
                and ln.top < cap.bottom
                and ln.bottom > cap.top
            ),
            key=lambda ln: ln.top,
        )
        if not beside:
            continue
        first, *rest = beside
        word = first.words[0]
        initial = Word(
            cap.text + word.text, cap.x0, word.top, word.x1, word.bottom, word.baseline,
            word.size, word.bold, word.italic, word.space_after,
        )  # fmt: skip
        joined = Line([initial, *first.words[1:]])
        lines = [joined if ln is first else ln for ln in lines if ln is not cap]
        for ln in rest:
            ln.x0 = cap.x0
    return lines


def reading_order(page: Page, body: float, first_group: int) -> list[Line]:
    """The page's lines in reading order, each given its group (column) and column edges."""
    lines = page.lines
    if not lines:
        return []
    lines = _attach_drop_caps(lines, body)
    gutters = _gutters(lines, page.width, body)
    if gutters:
        lines = _split_at_gutters(lines, gutters)
    lines = _merge_fragments(lines, gutters)
    page_left, page_right = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)

    def column(line: Line) -> int | None:
        if any(line.x0 < g0 and line.x1 > g1 for g0, g1 in gutters):
            return None  # spans columns
        centre = (line.x0 + line.x1) / 2
        return sum(centre > (g0 + g1) / 2 for g0, g1 in gutters)

    columns = {id(ln): column(ln) for ln in lines}
    edges: dict[int | None, tuple[float, float]] = {None: (page_left, page_right)}
    for col in range(len(gutters) + 1):
        mine = [ln for ln in lines if columns[id(ln)] == col]
        sized = [ln for ln in mine if abs(ln.size - body) < 0.6] or mine
        if sized:
            edges[col] = (min(ln.x0 for ln in sized), max(ln.x1 for ln in sized))

    ordered: list[Line] = []
    group = first_group
    pending: dict[int, list[Line]] = defaultdict(list)

    def flush() -> None:
        nonlocal group
        for col in sorted(pending):
            group += 1
            for ln in pending[col]:
                ln.group = group
                ordered.append(ln)
        pending.clear()

    # A picture across a gutter cuts the page into sections as a spanning line does.
    cuts = sorted(
        top for x0, top, x1, _ in page.images if any(x0 < g0 and x1 > g1 for g0, g1 in gutters)
    )
    spanning = False
    for line in sorted(lines, key=lambda ln: (ln.baseline, ln.x0)):
        if cuts and cuts[0] < line.top:
            flush()
            spanning = False
            cuts = [cut for cut in cuts if cut >= line.top]
        line.page = page.number
        where = columns[id(line)]
        line.left, line.right = edges[where]
        if where is None:
            if not spanning:
                flush()
                group += 1
                spanning = True
            line.group = group
            ordered.append(line)
        else:
            spanning = False
            pending[where].append(line)
    flush()
    return ordered


# -- 4. captions and footnotes ---------------------------------------------------------------


def mark_roles(page_lines: list[Line], page: Page, body: float) -> None:
    small = [ln for ln in page_lines if ln.size < SMALL_SIZE * body]
    if not small:
        return
    body_bottom = max((ln.bottom for ln in page_lines if abs(ln.size - body) < 0.6), default=None)
    for line in small + [ln for ln in page_lines if ln.italic and ln not in small]:
        if _beside_image(line, page.images) or _CAPTION_START.match(line.text):
            line.role = "caption"
    # A caption's further lines: same type, right below.
    for a, b in zip(page_lines, page_lines[1:], strict=False):
        if (
            a.role == "caption"
            and b.role == "flow"
            and b.group == a.group
            and abs(a.size - b.size) < 0.3
            and a.italic == b.italic
            and b.top - a.bottom < 0.8 * b.size
        ):
            b.role = "caption"
    if body_bottom is None:
        return
    for line in small:
        if line.role == "flow" and line.top >= body_bottom - 1 and line.top > page.height / 2:
            line.role = "footnote"


def _beside_image(line: Line, images: list[tuple[float, ...]]) -> bool:
    reach = 2.5 * line.size
    for x0, top, x1, bottom in images:
        overlaps = min(line.x1, x1) - max(line.x0, x0) > 0
        if overlaps and (0 <= line.top - bottom <= reach or 0 <= top - line.bottom <= reach):
            return True
    return False
