"""A paragraph-rebuild set: the German news-like articles of tests/data/news_de, rendered as
text extracted from PDFs: lines wrapped at a width, words hyphenated at line ends (pyphen's
German patterns) with a hyphen or a soft hyphen, the title and headings wrapped narrower (a
larger font), page breaks (a form feed or blank lines) anywhere, also inside paragraphs.

``variants()`` draws the renderings from a seed; ``exact_paragraphs`` counts how many of a
rendering's paragraphs ``translator.text.layout`` rebuilds exactly.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent / "data" / "news_de"
SOFT_HYPHEN = "\u00ad"


def articles() -> list[list[tuple[str, str]]]:
    """Each article's blocks: (kind, text)."""
    out = []
    for path in sorted(ARTICLES.glob("*.txt")):
        blocks = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            kind, sep, rest = line.partition(": ")
            if sep and kind in ("label", "title", "date", "heading"):
                blocks.append((kind, rest.strip()))
            else:
                blocks.append(("paragraph", line.strip()))
        out.append(blocks)
    return out


@lru_cache(maxsize=1)
def _hyphenator():  # type: ignore[no-untyped-def]
    import pyphen

    return pyphen.Pyphen(lang="de_DE", left=2, right=3)


@dataclass(frozen=True)
class Style:
    width: int = 60  # the column's width, in average characters (set in Times, 10 points)
    hyphen: str = "-"  # what a line-end hyphenation leaves: "-" or the soft hyphen
    blank_between: bool = True  # a blank line between paragraphs
    page_lines: int | None = None  # lines per page (a page break after as many)
    page_break: str = "\f"  # "\f" or blank lines


#: The width of an average character of German text in Times at 10 points (points).
CHAR = 4.4


def _width(text: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, "Times-Roman", 10))


def wrap(text: str, width: int, hyphen: str = "-") -> list[str]:
    """Greedy wrapping as a typesetter does, by the width of the words in a proportional
    font (so lines hold more or fewer characters), hyphenating a word that does not fit
    where German hyphenation allows (a compound's own hyphen is a break point too)."""
    room_pt = width * CHAR
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(candidate) <= room_pt:
            line = candidate
            continue
        room = room_pt - _width(f"{line} " if line else "")
        head, tail = _split(word, room, hyphen)
        if head:
            lines.append(f"{line} {head}" if line else head)
            line = tail
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _split(word: str, room: float, hyphen: str) -> tuple[str, str]:
    """The longest head of ``word`` (with its hyphen) that fits in ``room`` points, and
    the rest."""
    best = ("", word)
    for i, ch in enumerate(word[:-1]):
        if ch == "-" and _width(word[: i + 1]) <= room and word[i + 1].isalpha():
            best = (word[: i + 1], word[i + 1 :])  # at a compound's own hyphen: it stays
    for head, tail in _hyphenator().iterate(word):
        fits = _width(head + "-") <= room
        if fits and len(head) > len(best[0]) and head[-1:].isalpha():
            if tail[:1].isalpha():
                best = (head + hyphen, tail)
    return best


def render(blocks: list[tuple[str, str]], style: Style) -> str:
    """The article as PDF extraction leaves it (see the module docstring)."""
    lines: list[str] = []
    for n, (kind, text) in enumerate(blocks):
        if kind == "title":
            body = wrap(text, int(style.width * 0.6), style.hyphen)
        elif kind == "heading":
            body = wrap(text, int(style.width * 0.8), style.hyphen)
        elif kind == "paragraph":
            body = wrap(text, style.width, style.hyphen)
        else:
            body = [text]
        if n and (style.blank_between or kind != "paragraph"):
            lines.append("")
        lines += body
    if not style.page_lines:
        return "\n".join(lines) + "\n"
    out: list[str] = []
    count = 0
    for line in lines:
        out.append(line)
        count += 1
        if count >= style.page_lines and line:
            out.append(style.page_break if style.page_break == "\f" else "\n\n")
            count = 0
    return "\n".join(out) + "\n"


def expected(blocks: list[tuple[str, str]]) -> list[str]:
    return [text for kind, text in blocks if kind == "paragraph"]


def variants(
    seed: int = 0, per_article: int = 12, *, blank_between: bool = True
) -> Iterator[tuple[str, list[str], Style]]:
    """(rendered text, its paragraphs, the style) for every article, ``per_article``
    styles each, drawn from ``seed``. ``blank_between``: paragraphs apart by a blank line,
    as in the seed (else nothing marks where one ends but its short last line)."""
    rng = random.Random(seed)
    for blocks in articles():
        for _ in range(per_article):
            style = Style(
                width=rng.choice([42, 50, 58, 66, 75, 90]),
                hyphen=rng.choice(["-", SOFT_HYPHEN]),
                blank_between=blank_between,
                page_lines=rng.choice([None, 9, 14, 23, 37]),
                page_break=rng.choice(["\f", "\n\n"]),
            )
            yield render(blocks, style), expected(blocks), style


def exact_paragraphs(text: str, paragraphs: list[str]) -> int:
    """How many of ``paragraphs`` the rebuilt text holds exactly, as paragraph blocks."""
    from translator.text.layout import rebuild

    found = Counter(b.text for b in rebuild(text) if b.kind == "paragraph")
    hits = 0
    for paragraph in paragraphs:
        if found[paragraph]:
            found[paragraph] -= 1
            hits += 1
    return hits
