"""Web pages: the article of a saved page in, a clean translated page out.

trafilatura finds the article (title, author, date, URL, headings, paragraphs, lists, quotes,
tables) and leaves out navigation, ads, "read more" lists, cookie banners and comments. Each
block's origin names its element and, where its text is found in the page, the element's
XPath, so a reviewer can find it in the original.

The output page (``--format html``) is the translated article on its own: a self-contained
page (inline CSS, no scripts) with the title, a line with date, author and source link, and
the blocks. From a web page, bold, italic and links inside the blocks are carried over where
they can be placed (``translator.formats.inline``): a link that cannot be is kept after its
sentence with its URL as its text; emphasis that cannot be is dropped with a warning.
"""

from __future__ import annotations

import logging
import re
from html import escape
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..result import ParagraphResult, TranslationResult
from ..text.block import Block
from ..text.decode import decode_bytes
from ..text.rules import is_date_line
from .base import DECLARED, LIKELY, Codec, Document
from .inline import InlineText, Placed, Span, lost, markup, nests, phrases, place
from .structure import groups, heading_level, table_rows, without_item_mark

if TYPE_CHECKING:
    from ..options import Limits

log = logging.getLogger("translator")

#: trafilatura's element -> (block kind, the HTML element it stands for)
_KINDS = {
    "p": ("paragraph", "p"),
    "quote": ("quote", "blockquote"),
    "code": ("code", "pre"),
}
#: Elements of the original page whose text is looked up for a block's XPath.
_PAGE_ELEMENTS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "td", "th", "pre")
_METADATA = ("title", "author", "date", "url", "sitename", "description")


#: trafilatura's ``hi`` renderings -> span kind (and its HTML element when written)
_EMPHASIS = {"#b": "bold", "#i": "italic", "#u": "underline", "#t": "code", "#sub": "sub",
             "#sup": "sup"}  # fmt: skip
_TAGS = {"bold": "strong", "italic": "em", "underline": "u", "code": "code", "sub": "sub",
         "sup": "sup"}  # fmt: skip


def read_html(data: bytes, *, name: str = "<input>") -> Document:
    """The article of a web page. InputError when the page has no article text."""
    blocks, spans, metadata = _article(data, name)
    pieces = [t for block, s in zip(blocks, spans, strict=True) for t in phrases(block.text, s)]
    return Document(
        format="html", blocks=blocks, metadata=metadata, original=data, phrases=pieces
    )


def _article(data: bytes, name: str) -> tuple[list[Block], list[list[Span]], dict[str, Any]]:
    """The article's blocks, each block's inline spans (bold, italic, links) and metadata.

    trafilatura in precision mode first; when it finds nothing, in recall mode; when that
    finds nothing either, the text blocks of the page's body (``_body_blocks``). Only a page
    with no text at all is refused."""
    page = decode_bytes(data, name=name)
    metadata: dict[str, Any] = {}
    found: list[tuple[Block, list[Span]]] = []
    for mode in ("favor_precision", "favor_recall"):
        metadata, found = _extract(page, mode)
        if found:
            if mode != "favor_precision":
                log.warning("%s: no article found at first; read in trafilatura's recall mode "
                            "(it may include page furniture)", name)  # fmt: skip
            break
    if not found:
        found = _body_blocks(page)
        if found:
            log.warning("%s: no article found; read the page's text blocks (they may include "
                        "navigation)", name)  # fmt: skip
    if not found:
        raise InputError(f"{name}: no article text found in the web page")
    title = metadata.get("title")
    if title and not any(b.kind == "title" for b, _ in found):
        found.insert(0, (Block("title", _flat(title), {"element": "title"}), []))
    blocks = [b for b, _ in found]
    _locate(blocks, page)
    return blocks, [s for _, s in found], metadata


def _extract(page: str, mode: str) -> tuple[dict[str, Any], list[tuple[Block, list[Span]]]]:
    """trafilatura's article (``mode``: ``favor_precision`` or ``favor_recall``): its
    metadata and blocks (none when it finds nothing)."""
    import trafilatura
    from lxml import etree

    tree = _distinct_repeats(page)
    xml = trafilatura.extract(
        tree if tree is not None else page,
        output_format="xml",
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_formatting=True,
        include_links=True,
        include_images=False,
        deduplicate=False,
        favor_precision=mode == "favor_precision",
        favor_recall=mode == "favor_recall",
    )
    if not xml:
        return {}, []
    root = etree.fromstring(xml.encode("utf-8"))
    metadata = {k: root.get(k) for k in _METADATA if root.get(k)}
    main = root.find("main")
    return metadata, _blocks(main) if main is not None else []


#: Page elements whose repeats trafilatura would drop: a paragraph said twice stays twice.
_REPEATABLE = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "blockquote", "dd")
#: Invisible (dropped when text is normalised): told apart by trafilatura, not by the reader.
_JOINER = "\u2060"


def _distinct_repeats(page: str) -> Any:
    """The page parsed, with an element whose text repeats an earlier one's made different
    by invisible word joiners (trafilatura drops a paragraph repeating the one before it;
    the text read is the same, see ``translator.text.normalise``). None if the page
    cannot be parsed (trafilatura then gets the text)."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return None
    seen: dict[str, int] = {}
    for element in tree.iter(*_REPEATABLE):
        text = " ".join(element.text_content().split())
        if not text:
            continue
        count = seen[text] = seen.get(text, 0) + 1
        if count > 1:
            mark = _JOINER * (count - 1)
            if len(element):
                last = element[-1]
                last.tail = (last.tail or "") + mark
            else:
                element.text = (element.text or "") + mark
    return tree


#: Page elements a page's text blocks are read from when trafilatura finds no article.
_BODY_BLOCKS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "td", "th", "pre",
                "dd", "dt", "figcaption", "div", "section", "article", "main")  # fmt: skip
#: Never text to translate.
_NOT_TEXT = ("script", "style", "noscript", "template", "svg", "head", "form", "button", "select")


def _body_blocks(page: str) -> list[tuple[Block, list[Span]]]:
    """The text blocks of a page's body in order: each element of ``_BODY_BLOCKS`` with text
    of its own (a ``div`` holding only other blocks gives none), scripts and styles aside."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return []
    for bad in list(tree.iter(*_NOT_TEXT)):
        bad.drop_tree()
    out: list[tuple[Block, list[Span]]] = []
    blocks = set(_BODY_BLOCKS)
    for element in tree.iter(*_BODY_BLOCKS):
        if any(a.tag in blocks and a.tag not in ("div", "section", "article", "main")
               for a in element.iterancestors()):  # fmt: skip
            continue  # read with the block that holds it
        builder = InlineText()
        _own_text(element, builder, blocks)
        text, spans = builder.result()
        if not text:
            continue
        tag = element.tag
        if tag.startswith("h") and tag[1:].isdigit():
            level = int(tag[1])
            first = level == 1 and not any(b.kind == "title" for b, _ in out)
            kind = "title" if first else "heading"
            out.append((Block(kind, text, {"element": tag, "level": level}), spans))
        elif tag == "li":
            out.append((Block("list-item", text, {"element": "li"}), spans))
        else:
            html_tag = tag if tag in ("blockquote", "td", "th", "pre") else "p"
            kind = {"blockquote": "quote", "td": "paragraph", "pre": "code"}.get(tag, "paragraph")
            out.append((Block(kind, text, {"element": html_tag}), spans))
    return out


def _own_text(element: Any, builder: InlineText, blocks: set[str]) -> None:
    """The text of ``element`` outside the blocks inside it (those are blocks of their own)."""
    if isinstance(element.text, str):
        builder.add(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag in ("div", "section", "article", "main"):
            builder.add(" ")
        elif isinstance(child.tag, str) and child.tag not in blocks:
            if child.tag == "br":
                builder.add(" ")
            _own_text(child, builder, blocks)
        if isinstance(child.tail, str):
            builder.add(child.tail)


def _flat(text: str) -> str:
    builder = InlineText()
    builder.add(text)
    return builder.result()[0]


def _inline(element: Any) -> tuple[str, list[Span]]:
    """An element's text, whitespace as the pipeline has it, and its bold/italic/link spans."""
    builder = InlineText()

    def walk(el: Any) -> None:
        if el.text:
            builder.add(el.text)
        for child in el:
            key: object | None = None
            if child.tag == "hi" and child.get("rend") in _EMPHASIS:
                key = object()
                builder.open(key, _EMPHASIS[child.get("rend")])
            elif child.tag == "ref" and child.get("target"):
                key = object()
                builder.open(key, "link", child.get("target"))
            if child.tag == "lb":
                builder.add(" ")
            walk(child)
            if key is not None:
                builder.close(key)
            if child.tail:
                builder.add(child.tail)

    walk(element)
    return builder.result()


def _blocks(main: Any) -> list[tuple[Block, list[Span]]]:
    blocks: list[tuple[Block, list[Span]]] = []
    tables = 0
    elements = list(main)
    while elements:
        element = elements.pop(0)
        tag = element.tag
        if tag == "div":  # trafilatura keeps some sections' blocks in a div
            elements[:0] = list(element)
        elif tag == "head":
            rend = element.get("rend") or "h2"
            level = int(rend[1]) if rend[1:].isdigit() else 2
            text, spans = _inline(element)
            first_h1 = level == 1 and not any(b.kind == "title" for b, _ in blocks)
            kind = "title" if first_h1 else "heading"
            blocks.append((Block(kind, text, {"element": rend, "level": level}), spans))
        elif tag == "list":
            for item in element.iter("item"):
                text, spans = _inline(item)
                blocks.append((Block("list-item", text, {"element": "li"}), spans))
        elif tag == "table":
            for r, row in enumerate(element.iter("row")):
                for c, cell in enumerate(row.iter("cell")):
                    text, spans = _inline(cell)
                    html_tag = "th" if cell.get("role") == "head" else "td"
                    origin = {"element": html_tag, "table": tables, "row": r, "cell": c}
                    blocks.append((Block("table-cell", text, origin), spans))
            tables += 1
        elif tag in _KINDS:
            kind, html_tag = _KINDS[tag]
            if kind == "code":
                text, spans = "".join(element.itertext()).strip("\n"), []
            else:
                text, spans = _inline(element)
            if kind == "paragraph" and is_date_line(text):
                kind = "date"
            blocks.append((Block(kind, text, {"element": html_tag}), spans))
    return [(b, s) for b, s in blocks if b.text.strip()]


def _locate(blocks: list[Block], page: str) -> None:
    """Add the XPath of the page element each block's text comes from (first unused match)."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(page)
    except (ValueError, lxml.etree.ParserError):
        return
    where: dict[str, list[str]] = {}
    getpath = tree.getroottree().getpath
    for element in tree.iter(*_PAGE_ELEMENTS):
        where.setdefault(_flat(element.text_content()), []).append(getpath(element))
    for block in blocks:
        paths = where.get(block.text)
        if paths and block.origin is not None:
            block.origin["path"] = paths.pop(0)


# -- the translated page ---------------------------------------------------------------------

_CSS = """
body { margin:0; font:18px/1.6 Georgia,"Times New Roman",serif; color:#1d2330; background:#fff; }
article { max-width:46rem; margin:0 auto; padding:1.5rem 1.25rem 3rem; }
h1 { font-size:2rem; line-height:1.2; margin:.5rem 0; }
h2, h3, h4 { line-height:1.3; margin:1.6rem 0 .5rem; }
.meta { color:#5d6677; font:14px/1.5 system-ui,sans-serif; margin:0 0 1.5rem; }
blockquote { margin:1rem 0; padding-left:1rem; border-left:3px solid #d9dde5; color:#3b4252; }
table { border-collapse:collapse; margin:1rem 0; }
td, th { border:1px solid #d9dde5; padding:.3rem .6rem; text-align:left; vertical-align:top; }
pre { background:#f5f6f8; padding:.8rem; overflow-x:auto; font-size:14px; }
.caption, .footnote, .page-part { color:#5d6677; font-size:.9rem; }
"""


def write_html(result: TranslationResult, document: Document) -> str:
    """The translated page of a web page, its bold, italic and links carried over."""
    blocks, spans, _ = _article(document.original or b"", result.name or "<input>")
    if [b.text for b in blocks] != [p.source for p in result.paragraphs]:
        raise ValueError("the translation does not belong to this web page")
    return render_page(result, spans)


def render_page(result: TranslationResult, spans: list[list[Span]] | None = None) -> str:
    """The translated document as one self-contained HTML page; ``spans``: each paragraph's
    inline formatting in its source (see ``write_html``)."""
    index = {id(p): i for i, p in enumerate(result.paragraphs)}

    def inline(p: ParagraphResult) -> str:
        i = index[id(p)]
        return _inline_html(p, spans[i] if spans else [], result, i)

    metadata = result.metadata
    title = next((p.target for p in result.paragraphs if p.kind == "title"), None)
    title = title or metadata.get("title") or result.name or "Translation"
    body: list[str] = []
    meta = _meta_line(metadata)
    for group in groups(result.paragraphs):
        first = group[0]
        if first.kind == "list-item":
            # An item read from plain text keeps its own mark ("- Brot", "2. ..."): the list
            # draws it instead (numbered items as <ol>), never both.
            marked = [without_item_mark(inline(p)) for p in group]
            numbered = {n for _, n in marked}
            if len(numbered) > 1:  # numbers beside bullets: each item keeps its own mark
                marked = [(inline(p), False) for p in group]
            items = "".join(f"<li>{text}</li>" for text, _ in marked)
            tag = "ol" if numbered == {True} else "ul"
            body.append(f"<{tag}>{items}</{tag}>")
        elif first.kind == "table-cell" and "row" in (first.origin or {}):
            head = (first.origin or {}).get("element") == "th"
            rows = []
            for r, row in enumerate(table_rows(group, inline)):
                tag = "th" if head and r == 0 else "td"
                rows.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in row) + "</tr>")
            body.append(f"<table>{''.join(rows)}</table>")
        else:
            body.append(_element(first, inline(first)))
        if first.kind == "title" and meta:
            body.append(meta)
            meta = ""
    if meta:
        body.insert(0, meta)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<article>",
            *body,
            "</article>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _meta_line(metadata: dict[str, Any]) -> str:
    parts = [escape(str(metadata[k])) for k in ("date", "author") if metadata.get(k)]
    url = metadata.get("url")
    if url:
        parts.append(f'<a href="{escape(str(url), quote=True)}">source</a>')
    return f'<p class="meta">{" · ".join(parts)}</p>' if parts else ""


def _element(p: ParagraphResult, text: str) -> str:
    """``p`` as its HTML element; ``text``: its translation as HTML."""
    if p.kind == "title":
        return f"<h1>{text}</h1>"
    if p.kind == "heading":
        n = heading_level(p)
        return f"<h{n}>{text}</h{n}>"
    if p.kind == "quote":
        return f"<blockquote><p>{text}</p></blockquote>"
    if p.kind == "code":
        return f"<pre><code>{text}</code></pre>"
    if p.kind in ("date", "label"):
        return f'<p class="meta">{text}</p>'
    if p.kind in ("caption", "footnote"):
        return f'<p class="{p.kind}">{text}</p>'
    if p.kind in ("header", "footer"):
        return f'<p class="page-part">{text}</p>'
    return f"<p>{text}</p>"


def _inline_html(
    paragraph: ParagraphResult, spans: list[Span], result: TranslationResult, index: int
) -> str:
    """The paragraph's translation as HTML, with the source's bold, italic and links where
    they can be placed; a link that cannot be placed follows its sentence as its URL."""
    target = paragraph.target
    if not spans or paragraph.kind == "code":
        return escape(target)
    ranges: list[Placed] = []
    extras: dict[int, list[str]] = {}
    for p in place(paragraph, spans, result.phrases):
        if not p.appended and all(nests(p, q) for q in ranges):
            ranges.append(p)
        elif p.span.kind == "link":
            url = escape(str(p.span.data), quote=True)
            extras.setdefault(p.start, []).append(f' (<a href="{url}">{escape(p.span.data)}</a>)')
            fate = "its URL is added after its sentence"
            lost(result.name, index, f"the link to {p.span.data}", fate)
        else:
            lost(result.name, index, f"{p.span.kind} emphasis", "dropped")
    return markup(target, ranges, extras, _open_tag, _close_tag, escape)


def _open_tag(span: Span) -> str:
    if span.kind == "link":
        return f'<a href="{escape(str(span.data), quote=True)}">'
    return f"<{_TAGS[span.kind]}>"


def _close_tag(span: Span) -> str:
    return "</a>" if span.kind == "link" else f"</{_TAGS[span.kind]}>"


# -- the codec ------------------------------------------------------------------------------

_DECLARED = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b|<head\b|<body\b)",
    re.IGNORECASE | re.DOTALL,
)
_BLOCK_TAGS = re.compile(rb"<(?:p|div|article|h[1-6]|section|main|span|br)\b[^>]*>", re.IGNORECASE)


def sniff(data: bytes, suggested: str | None) -> int | None:
    """A page that starts as one (``<!doctype html``, ``<html``, ``<head``, ``<body``), or
    holds three block tags (``<p>``, ``<div>``...): these outweigh Markdown's marks, but not
    a .md name (a README that shows a few tags)."""
    head = data[:65536]
    if _DECLARED.match(head):
        return DECLARED
    if len(_BLOCK_TAGS.findall(head)) >= 3:
        return LIKELY + 1
    return None


def _read(data: bytes, name: str | None, limits: Limits) -> Document:
    return read_html(data, name=name or "<input>")


def _write(result: TranslationResult, document: Document | None) -> str:
    """The translated page; from a web page, with its inline formatting carried over."""
    if document is not None and document.format == "html":
        return write_html(result, document)
    return render_page(result)


CODEC = Codec(
    "html",
    suffixes=(".html", ".htm", ".xhtml"),
    sniff=sniff,
    read=_read,
    write=_write,
    extension=".html",
    media_type="text/html; charset=utf-8",
    help="the translated page",
)
