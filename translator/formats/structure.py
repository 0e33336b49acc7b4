"""The structure of a translation's blocks, as every writer that draws it needs it: list
items and table cells grouped, tables as rows, heading levels, list marks, front matter.

The writers themselves are the format codecs (``translator.formats.registry``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from ..result import ParagraphResult

#: Metadata keys written as Markdown front matter / shown under an HTML page's title.
FRONT_MATTER_KEYS = ("title", "author", "date", "url", "sitename")


#: A list item's own mark, as plain text keeps it ("- Brot", "2. die Nachfrage").
_ITEM_MARK = re.compile(r"^(?:[-*+•–]|\d{1,9}[.)])\s+")


def list_item(text: str) -> str:
    """A list item as Markdown writes it: its own mark kept, else ``- `` before it."""
    return text if _ITEM_MARK.match(text) else f"- {text}"


def without_item_mark(text: str) -> tuple[str, bool]:
    """A list item's text without the mark plain text keeps in it, and whether that mark was
    a number: for the writers that draw their own bullet or number (HTML, DOCX), so that an
    item never shows two marks ("• - Brot")."""
    mark = _ITEM_MARK.match(text)
    if mark is None:
        return text, False
    return text[mark.end():], mark.group().strip()[0].isdigit()


def heading_level(p: ParagraphResult) -> int:
    """A heading's level, 2 to 6 (1 is the title). ``origin["level"]`` counts the way HTML
    and Markdown do (h1 = the title); DOCX's "Heading N" is level N + 1."""
    level = (p.origin or {}).get("level")
    return min(6, max(2, level)) if isinstance(level, int) else 2


def in_table(p: ParagraphResult) -> bool:
    """Whether ``p`` is a cell of a table whose rows and cells are numbered."""
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
    if in_table(a) and in_table(b):
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


def front_matter(metadata: dict[str, Any]) -> str:
    """YAML front matter for the document's metadata (empty string when there is none)."""
    import yaml

    data = {k: metadata[k] for k in FRONT_MATTER_KEYS if metadata.get(k)}
    if not data:
        return ""
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---"
