"""Turn a TranslationResult into text, Markdown, JSON, an HTML page or the HTML review page.

These render the result's blocks for any input; ``translator.formats.write`` adds the writers
that rebuild an original file (DOCX in -> DOCX out, Markdown in -> Markdown out).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from .result import ParagraphResult, TranslationResult

#: Metadata keys written as Markdown front matter / shown under an HTML page's title.
FRONT_MATTER_KEYS = ("title", "author", "date", "url", "sitename")


def render(result: TranslationResult, fmt: str = "text") -> str:
    if fmt == "text":
        return render_text(result)
    if fmt == "markdown":
        return render_markdown(result)
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        from .formats.html import render_page

        return render_page(result)
    if fmt == "review":
        from .review import render_html

        return render_html(result)
    raise ValueError(f"unknown text format {fmt!r}; use one of text, markdown, json, html, review")


def render_text(result: TranslationResult) -> str:
    """Paragraphs (headings included) separated by one blank line."""
    return "\n\n".join(p.target for p in result.paragraphs) + "\n"


def render_markdown(result: TranslationResult) -> str:
    """The title as `#`, headings as `##` (or deeper, by their level), the date and section
    label in italics, lists, quotes, tables, code fences; the document's metadata (URL, date,
    author) as YAML front matter."""
    parts: list[str] = []
    front = front_matter(result.metadata)
    if front:
        parts.append(front)
    for group in groups(result.paragraphs):
        first = group[0]
        if _in_table(first):
            parts.append(_markdown_table(group))
        elif first.kind == "list-item":
            parts.append("\n".join(_list_item(p.target) for p in group))
        else:
            parts.append(_markdown_block(first))
    return "\n\n".join(parts) + "\n"


#: A list item's own mark, as plain text keeps it ("- Brot", "2. die Nachfrage").
_ITEM_MARK = re.compile(r"^(?:[-*+•–]|\d{1,9}[.)])\s+")


def _list_item(text: str) -> str:
    return text if _ITEM_MARK.match(text) else f"- {text}"


def without_item_mark(text: str) -> tuple[str, bool]:
    """A list item's text without the mark plain text keeps in it, and whether that mark was
    a number: for the writers that draw their own bullet or number (HTML, DOCX), so that an
    item never shows two marks ("• - Brot")."""
    mark = _ITEM_MARK.match(text)
    if mark is None:
        return text, False
    return text[mark.end():], mark.group().strip()[0].isdigit()


def _markdown_block(p: ParagraphResult) -> str:
    text = p.target
    if p.kind == "title":
        return f"# {text}"
    if p.kind == "heading":
        return f"{'#' * heading_level(p)} {text}"
    if p.kind in ("date", "label", "caption"):
        return f"*{text}*"
    if p.kind == "quote":
        return f"> {text}"
    if p.kind == "code":
        fence = "~~~" if "```" in text else "```"
        return f"{fence}\n{text}\n{fence}"
    if p.kind == "footnote":
        return f"<small>{text}</small>"
    return text


def heading_level(p: ParagraphResult) -> int:
    """A heading's level, 2 to 6 (1 is the title). ``origin["level"]`` counts the way HTML
    and Markdown do (h1 = the title); DOCX's "Heading N" is level N + 1."""
    level = (p.origin or {}).get("level")
    return min(6, max(2, level)) if isinstance(level, int) else 2


def _in_table(p: ParagraphResult) -> bool:
    origin = p.origin or {}
    return p.kind == "table-cell" and "row" in origin and "cell" in origin


def groups(paragraphs: list[ParagraphResult]) -> Iterator[list[ParagraphResult]]:
    """Consecutive list items, and consecutive cells of one table, as one group each."""
    group: list[ParagraphResult] = []
    for p in paragraphs:
        if group and _same_group(group[-1], p):
            group.append(p)
            continue
        if group:
            yield group
        group = [p]
    if group:
        yield group


def _same_group(a: ParagraphResult, b: ParagraphResult) -> bool:
    if a.kind == b.kind == "list-item":
        return True
    if _in_table(a) and _in_table(b):
        return (a.origin or {}).get("table") == (b.origin or {}).get("table")
    return False


def table_rows(
    cells: list[ParagraphResult], text: Callable[[ParagraphResult], str] | None = None
) -> list[list[str]]:
    """The cells of one table as rows (paragraphs of one cell joined with a space); each
    paragraph as ``text(p)`` says (default: its translation). Cells numbered by column keep
    their column: where a merged cell was read once (its first row, its first column), the
    columns it covers elsewhere are empty."""
    rows: dict[Any, dict[Any, list[str]]] = {}
    for p in cells:
        origin = p.origin or {}
        cell = rows.setdefault(origin.get("row"), {}).setdefault(origin.get("cell"), [])
        cell.append(text(p) if text is not None else p.target)
    out = []
    for row in rows.values():
        if all(isinstance(c, int) for c in row):
            out.append([" ".join(row.get(c, [])) for c in range(max(row) + 1)])
        else:
            out.append([" ".join(parts) for parts in row.values()])
    return out


def _markdown_table(cells: list[ParagraphResult]) -> str:
    rows = table_rows(cells)
    width = max(len(row) for row in rows)
    lines = []
    for i, row in enumerate(rows):
        padded = [c.replace("|", "\\|") for c in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(padded) + " |")
        if i == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def front_matter(metadata: dict[str, Any]) -> str:
    """YAML front matter for the document's metadata (empty string when there is none)."""
    import yaml

    data = {k: metadata[k] for k in FRONT_MATTER_KEYS if metadata.get(k)}
    if not data:
        return ""
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---"
