"""Markdown in, Markdown out (parsed with markdown-it-py, CommonMark plus tables).

Reading: headings (the first ``#`` is the title), paragraphs, list items, block quotes and
table cells become blocks of those kinds, with their line in the file as origin; fenced and
indented code and HTML blocks become ``code`` blocks, never translated. Inline markup is kept
as spans (``translator.formats.inline``): emphasis, strong, strike-through, links (the text
is translated, the URL never), inline code and autolinks (never translated: found again in
the translation as written), images and inline HTML (put back unchanged).

Writing rebuilds the original file: every line that holds no translatable text (front matter,
code, blank lines, rules, reference definitions, table delimiter rows) is kept byte for byte,
and so is every block whose translation is its source text (names, numbers, a copy model: a
round trip is exact). Each changed block replaces its lines, after the same container prefix
(``> ``, ``- ``, ``1. ``, ``## ``), its markup written again around the translation: soft line
breaks become spaces; hard line breaks, images and inline HTML go next to the word they
followed or preceded if it is in the translation (else after their sentence); link targets,
titles, code spans and autolinks are written so that they read back as they were.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..result import ParagraphResult, TranslationResult
from ..text.block import Block
from ..text.decode import decode_bytes
from ..text.normalise import control_characters
from ..text.rules import is_date_line
from .base import LIKELY, NAMED, Codec, Document
from .inline import InlineText, Placed, Span, lost, markup, nests, phrases, place
from .structure import front_matter, groups, heading_level, in_table, list_item, table_rows

if TYPE_CHECKING:
    from ..options import Limits

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_PREFIX = re.compile(r"^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?(?:#{1,6}[ \t]+)?")
_LINE_START_MARK = re.compile(r"^(?:(#{1,6}|>|[-+*])(?=\s|$)|(\d{1,9})([.)])(?=\s|$))")
_SPECIAL = re.compile(r"([\\`*\[\]<~])|&(?=#?\w+;)|!$")
_UNDERSCORE = re.compile(r"(?<![\w])_|_(?![\w])")
_MARKERS = {"em": "*", "strong": "**", "s": "~~"}
_CONTAINERS = ("list_item_open", "blockquote_open")


@dataclass
class _Unit:
    """A block and where its text sits in the body's lines."""

    block: Block
    spans: list[Span] = field(default_factory=list)
    lines: tuple[int, int] = (0, 0)  # [start, end) in the body
    first_line: str = ""  # the first line of its inline source (finds the prefix)
    setext: bool = False  # a heading underlined with === / ---
    cell: tuple[int, int] | None = None  # (row line, cell index) for a table cell
    raw: str = ""  # its inline source as written (a table cell's, kept when unchanged)


@dataclass
class _Parsed:
    front: str  # the front matter, verbatim (with its closing line)
    body: str
    units: list[_Unit]
    rows: dict[int, int]  # table row line -> number of cells
    metadata: dict[str, Any]


def read_markdown(data: bytes, *, name: str = "<input>") -> Document:
    """Read a Markdown file (InputError for binary or undecodable data)."""
    parsed = _parse(data, name)
    controls = control_characters(parsed.body)
    return Document(
        format="markdown",
        blocks=[unit.block for unit in parsed.units],
        metadata=parsed.metadata,
        original=data,
        phrases=[p for u in parsed.units for p in phrases(u.block.text, u.spans)],
        losses={"control_characters": controls} if controls else {},
    )


def write_markdown(result: TranslationResult, document: Document) -> str:
    """The original Markdown file with every block's text replaced by its translation."""
    parsed = _parse(document.original or b"", result.name or "<input>")
    if len(parsed.units) != len(result.paragraphs) or any(
        u.block.text != p.source for u, p in zip(parsed.units, result.paragraphs, strict=True)
    ):
        raise ValueError("the translation does not belong to this Markdown document")
    lines = parsed.body.split("\n")
    replaced: dict[int, str] = {}
    dropped: set[int] = set()
    cells: dict[int, dict[int, str]] = {}
    changed_rows: set[int] = set()
    for index, (unit, paragraph) in enumerate(zip(parsed.units, result.paragraphs, strict=True)):
        if unit.block.kind == "code":
            continue
        unchanged = paragraph.target == unit.block.text
        if unit.cell is not None:
            row, cell = unit.cell
            if unchanged:
                cells.setdefault(row, {}).setdefault(cell, unit.raw)
            else:
                inline = _render_inline(paragraph, unit.spans, result, index)
                cells.setdefault(row, {})[cell] = inline.replace("|", "\\|")
                changed_rows.add(row)
            continue
        if unchanged:  # the translation is the source: its lines stay as written
            continue
        inline = _render_inline(paragraph, unit.spans, result, index)
        start, end = unit.lines
        first = lines[start]
        at = first.find(unit.first_line) if unit.first_line else -1
        prefix = first[:at] if at >= 0 else _PREFIX.match(first).group(0)  # type: ignore[union-attr]
        replaced[start] = prefix + inline
        dropped.update(range(start + 1, end - 1 if unit.setext else end))
    for row, count in parsed.rows.items():
        if row in changed_rows:
            texts = [cells[row].get(i, "") for i in range(count)]
            indent = lines[row][: len(lines[row]) - len(lines[row].lstrip())]
            replaced[row] = indent + "| " + " | ".join(texts) + " |"
    out = [replaced.get(i, line) for i, line in enumerate(lines) if i not in dropped]
    return parsed.front + "\n".join(out)


# -- parsing ---------------------------------------------------------------------------------


def _parser() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # Keep URLs exactly as written (markdown-it would percent-encode them).
    md.normalizeLink = _same  # type: ignore[method-assign]
    md.normalizeLinkText = _same  # type: ignore[method-assign,assignment]
    return md


def _same(url: str) -> str:
    return url


def _parse(data: bytes, name: str) -> _Parsed:
    text = decode_bytes(data, name=name).replace("\r\n", "\n").replace("\r", "\n")
    front, body, metadata = _front_matter(text)
    offset = front.count("\n")
    tokens = _parser().parse(body)
    units: list[_Unit] = []
    rows: dict[int, int] = {}
    stack: list[str] = []
    row_line, cell_index = -1, -1
    for i, token in enumerate(tokens):
        if token.type == "tr_open" and token.map:
            row_line, cell_index = token.map[0], -1
            rows[row_line] = 0
        elif token.type in ("th_open", "td_open"):
            cell_index += 1
            rows[row_line] = cell_index + 1
        if token.nesting == 1:
            stack.append(token.type)
        elif token.nesting == -1 and stack:
            stack.pop()
        if token.type in ("fence", "code_block", "html_block") and token.map:
            content = token.content.rstrip("\n")
            if content.strip():
                element = "html" if token.type == "html_block" else "pre"
                where_code = {"element": element, "line": offset + token.map[0] + 1}
                lines = (token.map[0], token.map[1])
                units.append(_Unit(Block("code", content, where_code), lines=lines))
            continue
        if token.type != "inline":
            continue
        parent = tokens[i - 1]
        plain, spans = _inline(token.children or [])
        if not plain:
            continue
        where = parent.map or token.map or [row_line, row_line + 1]
        origin: dict[str, Any] = {"line": offset + where[0] + 1}
        unit = _Unit(Block("paragraph", plain), spans, lines=(where[0], where[1]))
        unit.first_line = token.content.split("\n", 1)[0]
        unit.raw = token.content
        if parent.type == "heading_open":
            level = int(parent.tag[1])
            title = level == 1 and not any(u.block.kind == "title" for u in units)
            kind = "title" if title else "heading"
            origin.update(element=parent.tag, level=level)
            unit.setext = parent.markup in ("=", "-")
        elif parent.type in ("th_open", "td_open"):
            kind = "table-cell"
            origin.update(element=parent.tag, row=row_line, cell=cell_index)
            unit.cell = (row_line, cell_index)
        else:
            container = next((t for t in reversed(stack) if t in _CONTAINERS), None)
            kind = {"list_item_open": "list-item", "blockquote_open": "quote"}.get(
                container or "", "paragraph"
            )
            if kind == "paragraph" and is_date_line(plain):
                kind = "date"
            origin["element"] = {"list-item": "li", "quote": "blockquote"}.get(kind, "p")
        unit.block = Block(kind, plain, origin)
        units.append(unit)
    # A table cell's origin: its table by first row line, rows counted from the header.
    _number_tables(units)
    return _Parsed(front=front, body=body, units=units, rows=rows, metadata=metadata)


def _number_tables(units: list[_Unit]) -> None:
    table, previous_row, first_rows = -1, None, 0
    for unit in units:
        if unit.cell is None:
            previous_row = None
            continue
        origin = unit.block.origin or {}
        row = unit.cell[0]
        if previous_row is None:
            table, first_rows = table + 1, row
        previous_row = row
        origin["table"] = table
        origin["row"] = _row_index(row, first_rows)


def _row_index(row_line: int, first_line: int) -> int:
    # The delimiter row (|---|) takes the line after the header row.
    return 0 if row_line == first_line else row_line - first_line - 1


def _front_matter(text: str) -> tuple[str, str, dict[str, Any]]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return "", text, {}
    import yaml

    try:
        data = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict):  # dates and the like as strings, so the JSON can hold them
        data = json.loads(json.dumps(data, default=str))
    metadata: dict[str, Any] = {"front_matter": data} if isinstance(data, dict) else {}
    if isinstance(data, dict):
        for key in ("title", "author", "date", "url"):
            if data.get(key) is not None:
                metadata[key] = str(data[key])
    front = match.group(0)
    if not front.endswith("\n"):
        front += "\n"
    return front, text[match.end() :], metadata


def _inline(children: list[Any]) -> tuple[str, list[Span]]:
    builder = InlineText()
    open_keys: list[object] = []
    for i, token in enumerate(children):
        kind = token.type
        if kind == "text":
            builder.add(token.content)
        elif kind == "softbreak":
            builder.add(" ")
        elif kind == "hardbreak":
            builder.add(" ")
            builder.atom("atom", (_HARD_BREAK, False))
        elif kind == "code_inline":
            key = object()
            fence, content = token.markup, token.content
            padded = content.strip(" ") and (content[0] in "` " or content[-1] in "` ")
            pad = " " if padded else ""
            builder.open(key, "verbatim", f"{fence}{pad}{content}{pad}{fence}")
            builder.add(content)
            builder.close(key)
        elif kind in ("em_open", "strong_open", "s_open"):
            key = object()
            open_keys.append(key)
            builder.open(key, kind.removesuffix("_open"))
        elif kind == "link_open":
            key = object()
            open_keys.append(key)
            href = str(token.attrs.get("href", ""))
            if token.markup == "autolink":  # as written: <x@y.example>, not <mailto:x@y...>
                shown = children[i + 1].content if i + 1 < len(children) else href
                builder.open(key, "verbatim", f"<{shown}>")
            else:
                builder.open(key, "link", (href, token.attrs.get("title")))
        elif kind in ("em_close", "strong_close", "s_close", "link_close") and open_keys:
            builder.close(open_keys.pop())
        elif kind == "image":
            alt = _escape(token.content)
            where = _link_target(str(token.attrs.get("src", "")), token.attrs.get("title"))
            builder.atom("atom", (f"![{alt}]({where})", _space_follows(children, i)))
        elif kind == "html_inline":
            builder.atom("atom", (token.content, _space_follows(children, i)))
    return builder.result()


_HARD_BREAK = "\\\n"


def _space_follows(children: list[Any], i: int) -> bool:
    following = children[i + 1] if i + 1 < len(children) else None
    if following is None:
        return False
    return following.type == "softbreak" or following.content[:1].isspace()


# -- writing inline text ---------------------------------------------------------------------


def _escape(text: str) -> str:
    """Text as Markdown: markup characters, an entity's ``&`` and a ``!`` that would make the
    link after it an image, backslash-escaped."""
    return _UNDERSCORE.sub(r"\\_", _SPECIAL.sub(lambda m: "\\" + m.group(0), text))


_DESTINATION_BARE = re.compile(r"[^\s()<>\x00-\x1f]+")
_BACKSLASHED = re.compile(r"\\(?=[!-/:-@\[-`{-~])|&(?=#?\w+;)")


def _link_target(href: str, title: Any) -> str:
    """A link's destination and title written so that they read back as they are."""
    where = _BACKSLASHED.sub(lambda m: "\\" + m.group(0), href)
    if not _DESTINATION_BARE.fullmatch(href):
        where = "<" + re.sub(r"([<>])", r"\\\1", where) + ">"
    if title:
        quoted = _BACKSLASHED.sub(lambda m: "\\" + m.group(0), str(title)).replace('"', '\\"')
        where += f' "{quoted}"'
    return where


def _escape_line_start(line: str) -> str:
    """Keep a translated line from turning into a heading, quote or list item."""
    match = _LINE_START_MARK.match(line)
    if not match:
        return line
    if match.group(1):
        return "\\" + line
    return f"{match.group(2)}\\{line[len(match.group(2)) :]}"


def _render_inline(
    paragraph: ParagraphResult, spans: list[Span], result: TranslationResult, index: int
) -> str:
    name = result.name
    placed = place(paragraph, spans, result.phrases, anchor_atoms=True)
    ranges: list[Placed] = []
    extras: dict[int, list[str]] = {}
    for p in placed:
        if p.span.start == p.span.end:  # an atom: image, inline HTML, a hard line break
            text, space = p.span.data
            space = space and paragraph.target[p.start : p.start + 1] not in (" ", "")
            atom = f" {text}" if p.appended else text + (" " if space else "")
            extras.setdefault(p.start, []).append(atom)
            if p.appended:
                what = "a line break" if text == _HARD_BREAK else text
                lost(name, index, what, "added after its sentence")
        elif p.appended or not all(nests(p, q) for q in ranges):
            _keep_unplaced(p, extras, name, index)
        else:
            ranges.append(p)
    written = markup(paragraph.target, ranges, extras, _opener, _closer, _escape)
    # A hard break: no spaces before it, none at the paragraph's ends, and the line after it
    # must not start a heading, quote or list.
    lines = re.sub(r"[ \t]*\\\n[ \t]*", _HARD_BREAK, written).split(_HARD_BREAK)
    lines = [line for line in lines if line.strip()] or [""]
    return _HARD_BREAK.join(_escape_line_start(line.strip()) for line in lines)


def _keep_unplaced(p: Placed, extras: dict[int, list[str]], name: str | None, index: int) -> None:
    span = p.span
    if span.kind == "verbatim":
        extras.setdefault(p.start, []).append(f" {span.data}")
        lost(name, index, f"inline code {span.data}", "added after its sentence")
    elif span.kind == "link":
        extras.setdefault(p.start, []).append(f" (<{span.data[0]}>)")
        lost(name, index, f"the link to {span.data[0]}", "its URL is added after its sentence")
    else:
        lost(name, index, f"{span.kind} emphasis", "dropped")


def _opener(span: Span) -> str:
    return "[" if span.kind == "link" else _MARKERS.get(span.kind, "")


def _closer(span: Span) -> str:
    if span.kind == "link":
        return f"]({_link_target(*span.data)})"
    if span.kind == "verbatim":
        return ""
    return _MARKERS.get(span.kind, "")


# -- Markdown from any input ----------------------------------------------------------------


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
        if in_table(first):
            parts.append(_markdown_table(group))
        elif first.kind == "list-item":
            parts.append("\n".join(list_item(p.target) for p in group))
        else:
            parts.append(_markdown_block(first))
    return "\n\n".join(parts) + "\n"


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


# -- the codec ------------------------------------------------------------------------------

_MARKS = re.compile(
    r"""^(?:\#{1,6}\s+\S          # ATX heading
      |(?:```|~~~)               # code fence
      |[-*+]\s+\S                # bullet list
      |>\s*\S                    # block quote
      |\|.*\|\s*$                # table row
    )|\[[^\]\n]+\]\([^)\s]+\)    # inline link
    |\*\*[^*\n]+\*\*|`[^`\n]+`   # strong emphasis, inline code
    """,
    re.MULTILINE | re.VERBOSE,
)


def sniff(data: bytes, suggested: str | None) -> int | None:
    """Named .md (a README that shows a few HTML tags is still Markdown), or two Markdown
    marks (headings, fences, lists, quotes, tables, links) in a file not named .txt."""
    if suggested == "markdown":
        return NAMED
    if suggested != "text":
        text = data[:65536].decode("utf-8", "replace")
        if len(_MARKS.findall(text)) >= 2:
            return LIKELY
    return None


def _read(data: bytes, name: str | None, limits: Limits) -> Document:
    return read_markdown(data, name=name or "<input>")


def _write(result: TranslationResult, document: Document | None) -> str:
    """The original rebuilt from a Markdown input, else Markdown drawn from the blocks."""
    if document is not None and document.format == "markdown":
        return write_markdown(result, document)
    return render_markdown(result)


CODEC = Codec(
    "markdown",
    suffixes=(".md", ".markdown"),
    sniff=sniff,
    read=_read,
    write=_write,
    extension=".md",
    media_type="text/markdown; charset=utf-8",
)
