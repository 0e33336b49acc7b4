"""Rebuild an article from the geometry of a PDF's text lines (no PDF library needed here).

The reader (``translator.formats.pdf``) hands over each page's lines: words with font size,
boldness and position, in the text layer's order. ``translator.formats.pdf_geometry`` drops
the running headers and footers, finds the columns and the reading order and sets captions
and footnotes apart. Then, here:

1. The body size is the font size most of the text is set in.
2. Lines join into blocks: same style and normal line spacing within a column, unless the
   next line is indented (a first-line indent) or the line ended early (not *full*: the next
   line's first word would have fitted) where paragraphs are not marked by space between.
   Across a column or page break a paragraph goes on when its last line is full without
   ending a sentence, has stretched spaces (justified: not a paragraph's last line), or ends
   mid-sentence (a hyphen, a comma, a word like "und", the next line starting lowercase), or
   when paragraphs are marked by indents and the next column's first line has none. Two
   short lines in body type standing apart are one wrapped heading; a bullet starts a block.
3. Line-end hyphens as in plain text (``translator.text.rules.hyphen_glue``):
   "Verteidigungs-" + "ministerium" joins, but "DPRK-" + "Truppen", "NATO-" + "geführt" and
   "Ost-" + "und" keep the hyphen.
4. Kinds: a date line; before the first paragraph the largest heading-like block is the title
   and short ones (at most ``MAX_LABEL_WORDS``) are labels; later bold or larger heading-like
   blocks are headings.

What ends a sentence, what is heading-like, the full and tiny ratios and the word limits are
the shared rules of ``translator.text.rules``; only the geometry-specific ones are here.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict

from ..text.block import Block
from ..text.rules import (
    FULL_RATIO,
    MAX_HEADING_WORDS,
    MAX_LABEL_WORDS,
    TINY_RATIO,
    ends_sentence,
    heading_like,
    hyphen_glue,
    is_date_line,
    open_end,
    starts_lower,
)
from .pdf_geometry import (
    SMALL_SIZE,
    Line,
    Page,
    drop_running,
    mark_roles,
    reading_order,
    take_turned,
)

__all__ = ["rebuild"]

#: Larger than the body size by this factor: a heading's type.
HEADING_SIZE = 1.12
#: Line spacing up to this factor of the usual one keeps lines in one block.
SPACING = 1.3
#: Word spaces this much wider than the document's usual ones were stretched (justified);
#: a paragraph's last line may need very little stretching to reach the column's edge.
STRETCHED = 1.03
#: A first-line indent is at least this share of the font size.
INDENT = 0.6

_SENTENCE_END = re.compile(r"[.,;:][\"'“”»«‘’)\]]*$")
_BULLET = re.compile(r"^[•▪■●○◦‣►]\s?")
_NUMBERED = re.compile(r"^(?:\d{1,2}|[a-z])[.)]\s")
_NOTE_MARK = re.compile(r"^(?:\d{1,3}|[*†‡§]+)[\s).]")


# -- 5. blocks -------------------------------------------------------------------------------


class _Spacing:
    """The usual distance between baselines and between words, per font size (from the
    document itself)."""

    def __init__(self, lines: list[Line]) -> None:
        deltas: dict[float, list[float]] = defaultdict(list)
        for a, b in zip(lines, lines[1:], strict=False):
            delta = b.baseline - a.baseline
            if a.group == b.group and a.size == b.size and 0.9 * a.size <= delta <= 2.5 * a.size:
                deltas[a.size].append(delta)
        self.usual = {size: statistics.median(ds) for size, ds in deltas.items()}
        # Word spaces as set, measured on lines that end well before their column's edge.
        spaces: dict[float, list[float]] = defaultdict(list)
        for line in lines:
            if len(line.words) > 1 and line.x1 < line.right - 2 * line.size:
                spaces[line.size].append(_word_gap(line))
        self.space = {size: statistics.median(gaps) for size, gaps in spaces.items()}
        # Paragraphs marked by a first-line indent: then a line at a column's head that is
        # not indented goes on with the paragraph before, whatever that paragraph's last
        # line looked like.
        indented = sum(_indented(line) for line in lines)
        self.indents = indented >= 3 and indented >= 0.03 * len(lines)
        # Paragraphs marked by space between them: body lines part by a wider gap, and
        # hardly ever does a sentence end a short line with the next right below it.
        gapped = tight = 0
        for a, b in zip(lines, lines[1:], strict=False):
            if a.group != b.group or a.size != b.size or a.bold or b.bold:
                continue
            if not self.normal(a, b):
                gapped += b.baseline - a.baseline < 3 * self.usual.get(b.size, 1.2 * b.size)
            elif ends_sentence(a.text) and not _full(a, b, FULL_RATIO) and not _indented(b):
                tight += 1
        self.spaced = gapped >= 2 and tight <= 0.25 * gapped

    def normal(self, a: Line, b: Line) -> bool:
        usual = self.usual.get(b.size, 1.2 * b.size)
        return b.baseline - a.baseline <= SPACING * usual

    def justified(self, line: Line) -> bool:
        """The line's spaces were stretched to reach its column's edge: a paragraph's last
        line is set with plain spaces, so the paragraph goes on."""
        if len(line.words) < 2 or line.x1 < line.right - 1:
            return False
        space = self.space.get(line.size, 0.28 * line.size)
        return _word_gap(line) > STRETCHED * space + 0.05


def _word_gap(line: Line) -> float:
    words = line.words
    return sum(b.x0 - a.x1 for a, b in zip(words, words[1:], strict=False)) / (len(words) - 1)


def _full(a: Line, b: Line, share: float = 1.0) -> bool:
    """``a`` is full: ``b``'s first word would not have fitted on it (in ``share`` of the
    column's width)."""
    first = b.words[0]
    width = a.left + share * (a.right - a.left)
    return a.x1 + 0.3 * a.size + (first.x1 - first.x0) > width + 0.5


def _indented(line: Line) -> bool:
    return line.x0 - line.left >= INDENT * line.size


def _mid_sentence(a: Line, b: Line) -> bool:
    return open_end(a.text) or (not ends_sentence(a.text) and starts_lower(b.text))


def _continues(a: Line, b: Line, body: float, spacing: _Spacing) -> bool:
    """Whether line ``b`` goes on with the block that line ``a`` ends."""
    if abs(a.size - b.size) > 0.6 or a.bold != b.bold:
        return False
    if _starts_item(a, b):
        return False
    display = b.bold or b.size >= HEADING_SIZE * body or b.size < SMALL_SIZE * body
    if a.group == b.group and b.top > a.top:
        if display:
            return spacing.normal(a, b) and not (ends_sentence(a.text) and _indented(b))
        if spacing.normal(a, b):
            if _indented(b) and not _indented(a) and not _mid_sentence(a, b):
                return False  # a first-line indent (not a list item's hanging one)
            if spacing.spaced and not (heading_like(a.text) and not _full(a, b, FULL_RATIO)):
                return True  # no space between: one paragraph (a short line above is a label)
            # Ragged lines need not be greedy: nearly full without ending a sentence is a wrap.
            loose = not ends_sentence(a.text) and _full(a, b, FULL_RATIO)
            return _full(a, b) or loose or _mid_sentence(a, b)
        # A wider gap: only a paragraph interrupted mid-sentence goes on (a figure between).
        return _goes_on(a, b, spacing)
    # A column or page break.
    if display or _indented(b):
        return False
    return spacing.indents or _goes_on(a, b, spacing)


def _wrapped_heading(a: Line, b: Line, c: Line | None, spacing: _Spacing) -> bool:
    """Two short lines in body type without final punctuation, right below each other and
    standing apart from what follows: one heading wrapped (as ``translator.text.layout``'s
    rule 4)."""
    if a.size != b.size or a.bold != b.bold or ends_sentence(a.text):
        return False
    if a.group == b.group and not spacing.normal(a, b):
        return False
    if not heading_like(f"{a.text} {b.text}"):
        return False
    if not _full(a, b, TINY_RATIO):
        return False  # a tiny first line is a label above a paragraph
    alone = c is None or c.group != b.group or not spacing.normal(b, c) or _indented(c)
    return alone and not _full(a, b, FULL_RATIO)


def _starts_item(a: Line, b: Line) -> bool:
    """``b`` starts a list item: a bullet, or a number after a line that ended early."""
    if _BULLET.match(b.text):
        return True
    return bool(_NUMBERED.match(b.text)) and not _full(a, b) and not _mid_sentence(a, b)


def _goes_on(a: Line, b: Line, spacing: _Spacing) -> bool:
    """Across a break (column, page, figure): ``a`` was cut off mid-paragraph."""
    cut_off = _full(a, b) and not ends_sentence(a.text)
    return cut_off or _mid_sentence(a, b) or spacing.justified(a)


def _join(lines: list[Line]) -> str:
    text = lines[0].text
    for line in lines[1:]:
        glue = hyphen_glue(text, line.text)
        text = text[:-1] + line.text if glue is None else text + glue + line.text
    return text


def _origin(lines: list[Line]) -> dict[str, object]:
    page = lines[0].page
    here = [ln for ln in lines if ln.page == page]
    bbox = [
        round(min(ln.x0 for ln in here), 1),
        round(min(ln.top for ln in here), 1),
        round(max(ln.x1 for ln in here), 1),
        round(max(ln.bottom for ln in here), 1),
    ]
    origin: dict[str, object] = {"page": page, "bbox": bbox}
    pages = sorted({ln.page for ln in lines})
    if len(pages) > 1:
        origin["pages"] = pages
    return origin


def _units(ordered: list[Line], body: float) -> list[list[Line]]:
    flow = [ln for ln in ordered if ln.role == "flow"]
    after = dict(zip(map(id, flow), flow[1:], strict=False))
    spacing = _Spacing(flow)
    units: list[list[Line]] = []
    open_flow: list[Line] | None = None
    for i, line in enumerate(ordered):
        if line.role == "flow":
            if open_flow and (
                _continues(open_flow[-1], line, body, spacing)
                or (
                    len(open_flow) == 1
                    and _wrapped_heading(open_flow[0], line, after.get(id(line)), spacing)
                )
            ):
                open_flow.append(line)
            else:
                open_flow = [line]
                units.append(open_flow)
            continue
        previous = ordered[i - 1] if i else None
        if (
            previous is not None
            and previous.role == line.role
            and units[-1][-1] is previous
            and previous.group == line.group
            and not (line.role == "footnote" and _NOTE_MARK.match(line.text))
        ):
            units[-1].append(line)
        else:
            units.append([line])
    return units


# -- 7. kinds --------------------------------------------------------------------------------


def _classify(units: list[list[Line]], body: float) -> list[Block]:
    texts = [_join(unit) for unit in units]
    sizes = [max(ln.size for ln in unit) for unit in units]
    kinds: list[str] = []
    for unit, text, size in zip(units, texts, sizes, strict=True):
        role = unit[0].role
        if role != "flow":
            kinds.append(role)
        elif is_date_line(text):
            kinds.append("date")
        elif (all(ln.bold for ln in unit) or size >= HEADING_SIZE * body) and _display(text):
            kinds.append("heading")
        elif heading_like(text) and not open_end(text):
            kinds.append("short")  # a short line in body type: a heading only up front
        else:
            kinds.append("paragraph")
    first = kinds.index("paragraph") if "paragraph" in kinds else len(kinds)
    front = [i for i in range(first) if kinds[i] in ("heading", "short")]
    if front:
        # The largest type, preferring a heading of more than three words over a masthead
        # or a section label; the others up front are labels when short, else headings.
        title = max(front, key=lambda i: (_words(texts[i]) > MAX_LABEL_WORDS, sizes[i], -i))
        for i in front:
            if i == title:
                kinds[i] = "title"
            elif _words(texts[i]) <= MAX_LABEL_WORDS:
                kinds[i] = "label"
            else:
                kinds[i] = "heading"
    # Without any heading set bold or large (one font throughout), a short line standing
    # alone is a heading, as in plain text (translator.text.layout); else it is body text.
    flat = "heading" not in kinds[first:]
    kinds = [("heading" if flat else "paragraph") if k == "short" else k for k in kinds]
    return [
        Block(kind, text, _origin(unit))
        for kind, text, unit in zip(kinds, texts, units, strict=True)
    ]


def _words(text: str) -> int:
    return sum(any(ch.isalnum() for ch in word) for word in text.split())


def _display(text: str) -> bool:
    """Short and not a sentence or a clause: a heading when set bold or large ("?" allowed)."""
    return (
        len(text.split()) <= MAX_HEADING_WORDS
        and not _SENTENCE_END.search(text)
        and not open_end(text)
        and not starts_lower(text)
        and any(ch.isalpha() for ch in text)
    )


# -- entry point -----------------------------------------------------------------------------


def rebuild(pages: list[Page]) -> tuple[list[Block], list[str]]:
    """The article's blocks in reading order, and the running texts that were left out (one
    per line left out)."""
    turned = take_turned(pages)
    sizes = Counter[float]()
    for page in pages:
        for line in page.lines or turned[page.number]:
            sizes[line.size] += len(line.text)
    if not sizes:
        return [], []
    body = sizes.most_common(1)[0][0]
    removed = drop_running(pages, body)
    ordered: list[Line] = []
    for page in pages:
        here = reading_order(page, body, ordered[-1].group if ordered else 0)
        mark_roles(here, page, body)
        ordered += here
        for line in turned.get(page.number, []):
            line.page, line.role = page.number, "caption"
            line.group = (ordered[-1].group if ordered else 0) + 1
            ordered.append(line)
    return _classify(_units(ordered, body), body), removed
