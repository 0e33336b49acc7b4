"""Rebuild the blocks of an article (date, title, labels, headings, paragraphs) from text.

The input may be clean (one paragraph per line, or paragraphs separated by blank lines) or
extracted from a PDF: lines hard-wrapped at a fixed width, paragraphs cut in two by page
breaks or stray blank lines, words hyphenated at line ends, headings set in a larger font
(so wrapped at fewer characters). The rules, in order of confidence:

1. Is the text hard-wrapped at all? Yes if a fair share (>= 15 %) of line breaks are
   evidently in mid-sentence: the line lacks final punctuation and the next starts lowercase,
   or the line ends with a comma, a hyphenated word or a word that cannot end a sentence.
   Clean text has (almost) none, so its structure is left alone.
   Wrapped text with a blank line after (nearly) every line is double-spaced: one blank line
   there is only line spacing.
2. The wrap width W is a high percentile of the line lengths. A line is *full* when the
   next line's first word would not have fitted on it (len + 1 + word > 0.85 W): then the
   break is a wrap. A line is *tiny* when even half the width would have held the next word.
3. Two lines are joined when the next starts lowercase (German sentences and paragraphs
   start uppercase), when the line ends with a hyphen, a comma or a word that cannot end a
   sentence ("und", "der", ...), when an opened „quote is not closed yet, or (hard-wrapped
   text only) when the line is full. Across a blank line / page break only if the line also
   lacks sentence-final punctuation, and for a full line only if it ends a wrapped paragraph
   (a single line before a blank line is a heading).
4. Two short lines without final punctuation are one wrapped heading (larger font), unless
   the first is tiny (a label like "Ukraine" above the first paragraph line) or the second
   is full (the heading is followed directly by its paragraph's first line).
5. Line-end hyphens: "Verteidigungs-" + "ministerium" -> "Verteidigungsministerium", but
   the hyphen stays before an uppercase word ("DPRK-Truppen", "Nikolayevo-Daryino"), after
   an acronym or a digit ("NATO-geführt", "3-jährig"), and before "und"/"oder" ("Ost- und").

Each rebuilt block is then classified: a date line; heading-like blocks (no final
punctuation, at most 16 words) before the first paragraph are the title (the first with more
than 3 words, else the first) and labels (the other short ones); later ones are headings.

The rules shared with the PDF rebuild and the sentence splitter (what ends a sentence, what
is heading-like, a date line, a list item, line-end hyphens, the full and tiny ratios and the
word limits) live in :mod:`translator.text.rules`; only the plain-text ones are here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .block import Block
from .normalise import normalise
from .rules import (
    FULL_RATIO,
    LIST_ITEM,
    MAX_LABEL_WORDS,
    SOFT_BREAK,
    TINY_RATIO,
    ends_sentence,
    first_word,
    heading_like,
    hyphen_glue,
    is_date_line,
    last_word,
    open_end,
    starts_lower,
)

__all__ = ["blocks", "rebuild"]

#: Share of mid-sentence breaks above which a text counts as hard-wrapped.
WRAPPED_SHARE = 0.15
#: A line ending a sentence is a wrap only this full (with the next word), unless the text's
#: own mid-sentence wraps show how full its lines get (a paragraph's last line is often
#: nearly full).
SENTENCE_END_FULL_RATIO = 0.95
#: Share of line breaks with a blank line above which wrapped text counts as double-spaced.
SPACED_SHARE = 0.8

#: What parts the two sides of a line in a list of pairs (vocabulary, terms, schedules).
_PAIR_SEPARATORS = (" – ", " - ", " = ", ": ", " | ")
_PROSE_MARKS = re.compile(r"[,;!?„“\"]|\.(?:\s|$)")
#: Auxiliaries and modals: a line ending in one continues on the next line (no blank line
#: between) even when that starts uppercase ("Soldaten haben" / "Verluste erlitten").
_AUXILIARIES = frozenset(
    """haben hat hatte hatten ist sind war waren wird werden wurde wurden kann können konnte
    konnten soll sollen sollte sollten muss müssen musste mussten will wollen wollte wollten
    darf dürfen durfte durften""".split()
)
#: Marks that open a quotation.
_OPENING_QUOTES = "„\"»«‚‘“"


# -- lines -----------------------------------------------------------------------------------


@dataclass
class _Line:
    text: str
    gap: int  # blank lines before it


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    gap = 0
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if line and line.replace(SOFT_BREAK, "").strip():
            lines.append(_Line(line, gap))
            gap = 0
        else:
            gap += 1
    return lines


def _quote_balance(text: str) -> int:
    return text.count("„") - text.count("“")


@dataclass(frozen=True)
class _Layout:
    wrapped: bool
    width: float
    spaced: bool  # double-spaced: a blank line after (nearly) every line
    page_gap: int = 0  # blank lines that make a page break, not a paragraph break (0: none)
    #: How full (share of the width, with the next word) the least full evident wrap is:
    #: a line ending a sentence must be as full to be a wrap, not a paragraph's end.
    wrap_ratio: float = SENTENCE_END_FULL_RATIO

    def page_break(self, gap: int) -> bool:
        """A page break alone: more blank lines than between paragraphs, and not more than
        the fewest a page break leaves (more: a paragraph ended there too)."""
        return bool(self.page_gap) and gap == self.page_gap

    def full(self, line: str, following: str) -> bool:
        needed = len(line) + 1 + len(first_word(following))
        return self.wrapped and needed > FULL_RATIO * self.width

    def full_sentence_end(self, line: str, following: str) -> bool:
        """``line`` ends a sentence and is as full as the lines that wrap mid-sentence."""
        needed = len(line) + 1 + len(first_word(following))
        return self.wrapped and needed > self.wrap_ratio * self.width

    def tiny(self, line: str, following: str) -> bool:
        return len(line) + 1 + len(first_word(following)) <= TINY_RATIO * self.width


def _measure(lines: list[_Line]) -> _Layout:
    pairs = list(zip(lines, lines[1:], strict=False))
    if not pairs:
        return _Layout(wrapped=False, width=0.0, spaced=False)
    evidence = sum(
        1
        for a, b in pairs
        if not ends_sentence(a.text) and (starts_lower(b.text) or open_end(a.text))
    )
    lengths = sorted(len(a.text) for a, _ in pairs)
    width = float(lengths[min(len(lengths) - 1, int(0.9 * len(lengths)))])
    wrapped = evidence > 0 and evidence >= WRAPPED_SHARE * len(pairs)
    spaced = wrapped and sum(1 for _, b in pairs if b.gap) >= SPACED_SHARE * len(pairs)
    # Paragraphs apart by one blank line (or none): more blank lines than that (a form feed
    # gives five) are a page break, which may fall inside a paragraph.
    gaps = Counter(b.gap for _, b in pairs if b.gap)
    small = Counter({gap: n for gap, n in gaps.items() if gap <= 1 + spaced})
    usual = small.most_common(1)[0][0] if small else 1
    page_gaps = [gap for gap in gaps if gap >= usual + 2]
    page_gap = min(page_gaps) if wrapped and page_gaps else 0
    # Lines wrapped mid-sentence (the next starts lowercase, nothing between): how full
    # they are; in a proportional font some hold fewer characters than others.
    fills = sorted(
        (len(a.text) + 1 + len(first_word(b.text))) / width
        for a, b in pairs
        if not b.gap and not ends_sentence(a.text) and starts_lower(b.text) and width
    )
    ratio = SENTENCE_END_FULL_RATIO
    if len(fills) >= 8:
        ratio = min(SENTENCE_END_FULL_RATIO, max(FULL_RATIO, fills[len(fills) // 5]))
    return _Layout(wrapped, width, spaced, page_gap, ratio)


# -- joining ---------------------------------------------------------------------------------


def _joins(layout: _Layout, lines: list[_Line], i: int, unit_lines: int, quoting: bool) -> bool:
    """Whether line ``i + 1`` continues the block that line ``i`` ends.

    ``unit_lines``: how many lines that block has so far; ``quoting``: it opened a „quote
    that is not closed yet.
    """
    a, b = lines[i].text, lines[i + 1].text
    if a.endswith(SOFT_BREAK):
        return True  # a word broken by a soft hyphen, even across a page break
    gap = lines[i + 1].gap
    if _starts_item(layout, a, b):
        return False  # a list item or an exercise starts (not "... im" / "2. Wahlgang")
    if _in_pairs(lines, i) or (
        i + 2 < len(lines) and _pair(a) is None and _in_pairs(lines, i + 1)
    ):
        return False  # a line of a list of pairs ("der Hund – the dog"), or the list starts
    if gap and a.endswith(":") and b[0] in _OPENING_QUOTES:
        return False  # "... sagte er:" / blank line / „A quoted sentence.“ of its own
    if not gap and not ends_sentence(a) and last_word(a) in _AUXILIARIES:
        return True  # "Soldaten haben" / "Verluste erlitten": one sentence, not a heading
    if not ends_sentence(a):
        if starts_lower(b) or open_end(a) or quoting:
            return True  # mid-sentence
        if layout.full(a, b) and (not gap or unit_lines > 1 or layout.page_break(gap)):
            # A wrap. Across a blank line only for a wrapped paragraph: a single line
            # before a blank line is a heading (but not before a page break).
            return True
    if gap:
        # A page break after a full line of a wrapped paragraph: it goes on over the page
        # (its last line would have been short), unless a heading starts the new page.
        return (
            layout.page_break(gap)
            and layout.full(a, b)
            and not _heading_at(layout, lines, i + 1)
        )
    if layout.wrapped and starts_lower(b):
        return True  # e.g. "z. B." or "6." at a line end
    if layout.full(a, b) and (not ends_sentence(a) or layout.full_sentence_end(a, b)):
        # A wrap, unless a paragraph's last line happens to be full and a heading follows.
        return not (ends_sentence(a) and _heading_at(layout, lines, i + 1))
    if ends_sentence(a) or layout.tiny(a, b):
        return False
    if not layout.wrapped or unit_lines > 1 or not heading_like(f"{a} {b}"):
        return False
    # Two short lines without final punctuation: a heading wrapped over two lines, unless
    # the second line goes on (then the heading's paragraph starts right below it).
    return _stands_alone(layout, lines, i + 1)


def _starts_item(layout: _Layout, a: str, b: str) -> bool:
    """Line ``b`` starts a list item: its mark, after an item, a sentence, a colon or a line
    that ended early; not after a full line running on into it ("im" / "2. Wahlgang", "die
    Regierung" / "- so hieß es -")."""
    if not LIST_ITEM.match(b) or open_end(a):
        return False
    ended = ends_sentence(a) or a.endswith(":") or bool(LIST_ITEM.match(a))
    return ended or not layout.full(a, b)


def _pair(text: str) -> str | None:
    """The separator that parts ``text`` in two, if it is such a line: the separator once,
    no punctuation of a sentence (prose with dashes is not a list)."""
    if open_end(text) or _PROSE_MARKS.search(text):
        return None
    return next((sep for sep in _PAIR_SEPARATORS if text.count(sep) == 1), None)


def _in_pairs(lines: list[_Line], i: int) -> bool:
    """Lines ``i`` and ``i + 1`` belong to a run of at least three lines, nothing between
    them, each parted by the same separator: a list of pairs, one per line."""
    sep = _pair(lines[i].text)
    if sep is None or lines[i + 1].gap or _pair(lines[i + 1].text) != sep:
        return False
    run = 2
    j = i
    while run < 3 and j > 0 and not lines[j].gap and _pair(lines[j - 1].text) == sep:
        run, j = run + 1, j - 1
    j = i + 1
    while run < 3 and j + 1 < len(lines) and not lines[j + 1].gap:
        if _pair(lines[j + 1].text) != sep:
            break
        run, j = run + 1, j + 1
    return run >= 3


def _stands_alone(layout: _Layout, lines: list[_Line], j: int) -> bool:
    """Line ``j`` is heading-like and not continued by the line after it."""
    return heading_like(lines[j].text) and not _goes_on(layout, lines, j)


def _heading_at(layout: _Layout, lines: list[_Line], j: int) -> bool:
    """A heading starts at line ``j``: one line, or two short ones (a wrapped heading)."""
    if _stands_alone(layout, lines, j):
        return True
    if j + 1 >= len(lines) or lines[j + 1].gap:
        return False
    b, c = lines[j].text, lines[j + 1].text
    return (
        not layout.full(b, c)
        and heading_like(f"{b} {c}")
        and not _goes_on(layout, lines, j + 1)
    )


def _goes_on(layout: _Layout, lines: list[_Line], j: int) -> bool:
    """Line ``j``'s text continues on the next line (a wrap, or mid-sentence)."""
    if j + 1 >= len(lines):
        return False
    b, after = lines[j].text, lines[j + 1].text
    return layout.full(b, after) or open_end(b) or (starts_lower(after) and not ends_sentence(b))


def _join_lines(unit: list[str]) -> str:
    """Join a block's lines, undoing line-end hyphenation but keeping real hyphens."""
    out = [unit[0]]
    for left, right in zip(unit, unit[1:], strict=False):
        glue = "" if left.endswith(SOFT_BREAK) else hyphen_glue(left, right)
        if glue is None:
            out[-1] = out[-1][:-1]  # "Verteidigungs-" + "ministerium"
        else:
            out.append(glue)
        out.append(right)
    return " ".join("".join(out).replace(SOFT_BREAK, "").split())


# -- classification --------------------------------------------------------------------------


def _classify(texts: list[str]) -> list[Block]:
    kinds = [
        "date" if is_date_line(t)
        else "list-item" if LIST_ITEM.match(t)
        else "heading" if heading_like(t)
        else "paragraph"
        for t in texts
    ]  # fmt: skip
    first_paragraph = kinds.index("paragraph") if "paragraph" in kinds else len(kinds)
    header = [i for i in range(first_paragraph) if kinds[i] == "heading"]
    long_ones = [i for i in header if len(texts[i].split()) > MAX_LABEL_WORDS]
    title = long_ones[0] if long_ones else (header[0] if header else None)
    for i in header:
        if i == title:
            kinds[i] = "title"
        elif len(texts[i].split()) <= MAX_LABEL_WORDS:
            kinds[i] = "label"
    return [Block(kind, text) for kind, text in zip(kinds, texts, strict=True)]


# -- entry point -----------------------------------------------------------------------------


def blocks(text: str) -> list[Block]:
    """The blocks of already normalised text (:func:`rebuild` normalises first)."""
    lines = _lines(text)
    if not lines:
        return []
    layout = _measure(lines)
    if layout.spaced:
        # Double-spaced extraction: one blank line is only line spacing.
        lines = [_Line(line.text, max(0, line.gap - 1)) for line in lines]
    units: list[list[str]] = [[lines[0].text]]
    quotes = _quote_balance(lines[0].text)
    for i in range(len(lines) - 1):
        following = lines[i + 1].text
        if _joins(layout, lines, i, len(units[-1]), quotes > 0):
            units[-1].append(following)
            quotes += _quote_balance(following)
        else:
            units.append([following])
            quotes = _quote_balance(following)
    return _classify([_join_lines(unit) for unit in units])


def rebuild(text: str) -> list[Block]:
    """Rebuild the blocks (date, title, label, heading, paragraph) of an article from raw
    decoded text: normalised first, then PDF line-wrapping, page breaks and line-end
    hyphenation undone (the rules above). No word is lost."""
    return blocks(normalise(text))
