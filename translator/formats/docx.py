"""Word documents in, Word documents out (python-docx).

Reading walks the document the way it is laid out: the headers of each section (unless
linked to the previous one), the body (paragraphs and tables, cell by cell, in order; a text
box right after the paragraph it is anchored in), the footnotes and endnotes (kind
``footnote``; their number marks stay where they are), the footers. Every paragraph with
text is a block; its kind follows its style (Title, Heading N, List ..., Quote, Caption) or
its numbering (a list item), its origin gives the paragraph's index in the body
(``Document.paragraphs[i]``) or its table/row/cell, and its style.

Writing opens the original again and replaces the text of the same paragraphs: paragraph
properties (style, alignment, spacing, numbering) are never touched, so headings, lists,
tables, headers and footers keep their form. Inside a paragraph the runs are rebuilt from the
translation: the paragraph's main character formatting for its text, and bold/italic/other
character formatting and hyperlinks wherever a formatted run maps onto whole sentences or a
term found in the translation (``translator.formats.inline``). A hyperlink that cannot be
placed is kept after its sentence, with its URL as its text; other formatting that cannot be
placed is dropped with a warning. Runs that hold more than text (images, fields, footnote
references) stay where they are, untranslated.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..options import Limits
from ..result import TranslationResult
from ..text.block import Block
from ..text.rules import is_date_line
from .base import NAMED, SIGNATURE, Codec, Document
from .inline import InlineText, Span, lost, phrases, place, segments
from .structure import groups, heading_level, table_rows, without_item_mark

_HEADING = re.compile(r"heading (\d)$")


@dataclass
class _Para:
    """One paragraph with text, its block, and what rebuilding its runs needs."""

    element: Any  # the w:p element
    part: Any  # the package part it lives in (for hyperlink relationships)
    block: Block
    spans: list[Span] = field(default_factory=list)
    base: Any = None  # the rPr of the paragraph's main character formatting (or None)
    runs: list[Any] = field(default_factory=list)  # its text runs and hyperlinks, replaced
    edges: tuple[str, str] = ("", "")  # a space before/after its text (next to a field)


def read_docx(data: bytes, *, name: str = "<input>", limits: Limits | None = None) -> Document:
    """Read a DOCX file (InputError for anything that is not a readable Word document, or
    that holds more than ``limits`` allow: checked on the package before it is parsed)."""
    if limits is not None:
        _check_size(data, name, limits)
    document = _open(data, name)
    paragraphs = _walk(document)
    metadata = _metadata(document)
    blocks = [p.block for p in paragraphs]
    pieces = [text for p in paragraphs for text in phrases(p.block.text, p.spans)]
    return Document(
        format="docx",
        blocks=blocks,
        metadata=metadata,
        original=data,
        phrases=pieces,
        losses=_losses(document, paragraphs),
    )


def _losses(doc: Any, paragraphs: list[_Para]) -> dict[str, int]:
    """What stays untranslated: ``docx_comments`` (comments, in their own part, are left as
    they are), ``docx_untranslated_runs`` (text inside a tracked change, an inline content
    control, a smart tag ...: kept in place, in German)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.parser import parse_xml

    losses: dict[str, int] = {}
    comments = 0
    for rel in doc.part.rels.values():
        if rel.reltype == RT.COMMENTS and not rel.is_external:
            root = parse_xml(rel.target_part.blob)
            comments += sum(_has_text(c) for c in root.iter(_qn("w:comment")))
    if comments:
        losses["docx_comments"] = comments
    elements = {id(p.element): p.element for p in paragraphs}
    untranslated = 0
    for p in elements.values():
        untranslated += sum(kind == "atom" and _own_text(el) for kind, el in _pieces(p))
    if untranslated:
        losses["docx_untranslated_runs"] = untranslated
    return losses


def _has_text(element: Any) -> bool:
    return any((t.text or "").strip() for t in element.iter(_qn("w:t")))


def _own_text(element: Any) -> bool:
    """``element`` holds text of its own, not in a text box (those are read)."""
    box = _qn("w:txbxContent")
    return any(
        (t.text or "").strip() and not any(a.tag == box for a in t.iterancestors())
        for t in element.iter(_qn("w:t"))
    )


def write_docx(result: TranslationResult, document: Document) -> bytes:
    """The original DOCX with every paragraph's text replaced by its translation."""
    doc = _open(document.original or b"", result.name or "<input>")
    paragraphs = _walk(doc)
    if len(paragraphs) != len(result.paragraphs) or any(
        p.block.text != r.source for p, r in zip(paragraphs, result.paragraphs, strict=True)
    ):
        raise ValueError("the translation does not belong to this DOCX document")
    for index, (para, translated) in enumerate(zip(paragraphs, result.paragraphs, strict=True)):
        _rewrite(para, translated, result, index)
    _fallbacks(doc)
    notes = {id(p.part): p.part for p in paragraphs if isinstance(p.part, _NotesPart)}
    for part in notes.values():
        part.store()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -- reading ---------------------------------------------------------------------------------


#: A paragraph's start tag in WordprocessingML, as Word and python-docx write it.
_P_TAGS = (b"<w:p>", b"<w:p ")


def _check_size(data: bytes, name: str, limits: Limits) -> None:
    """Refuse, before any parsing, a package whose XML unpacks to more than
    ``limits.unpacked`` bytes (as its ZIP directory says: a member is never read past the
    size it declares), or whose body holds more paragraphs than ``limits.paragraphs``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [i for i in archive.infolist() if i.filename.endswith((".xml", ".rels"))]
            unpacked = sum(i.file_size for i in members)
            if unpacked > limits.unpacked:
                found = f"its XML unpacks to {unpacked:,} bytes"
                flag = "--max-unpacked"
                raise InputError(limits.refusal(name, found, limits.unpacked, "bytes", flag))
            body = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return  # python-docx says what is wrong with it
    paragraphs = sum(body.count(tag) for tag in _P_TAGS)
    if paragraphs > limits.paragraphs:
        found = f"{paragraphs:,} paragraphs in its body"
        flag = "--max-paragraphs"
        raise InputError(limits.refusal(name, found, limits.paragraphs, "paragraphs", flag))


def _open(data: bytes, name: str) -> Any:
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors, ...
        if "huge" in str(exc).lower():  # lxml's own limit on one text or one document
            raise InputError(
                f"{name}: too large: one of its XML parts holds a text over the XML parser's "
                f"fixed limit (10 MB in one place; no setting raises it): {exc}"
            ) from exc
        reason = "not a Word document" if isinstance(exc, KeyError) else "damaged or not DOCX"
        raise InputError(f"{name}: cannot read it as DOCX ({reason}: {exc})") from exc


def _metadata(doc: Any) -> dict[str, Any]:
    props = doc.core_properties
    # Not the creation date: templates carry theirs into every new file.
    found = {"title": props.title, "author": props.author}
    return {k: v for k, v in found.items() if v}


def _walk(doc: Any) -> list[_Para]:
    """The paragraphs with text, in reading order: headers, body, footers."""
    out: list[_Para] = []
    for where in ("header", "footer"):
        parts: list[tuple[int, Any]] = []
        seen: set[str] = set()
        for s_index, section in enumerate(doc.sections):
            for attr in (f"first_page_{where}", where, f"even_page_{where}"):
                part = getattr(section, attr)
                if part.is_linked_to_previous or str(part.part.partname) in seen:
                    continue
                seen.add(str(part.part.partname))
                parts.append((s_index, part))
        if where == "footer":
            _container(doc, {}, "paragraph", out)
            _notes(doc, out)
        for s_index, part in parts:
            _container(part, {"part": where, "section": s_index}, where, out)
    return out


class _NotesPart:
    """The footnotes or endnotes part, which python-docx keeps as bytes: parsed here, so its
    paragraphs are read and rewritten like the body's (styles come from the document), and
    stored back by ``store``."""

    def __init__(self, part: Any, document_part: Any) -> None:
        from docx.oxml.parser import parse_xml

        self._part = part
        self._document_part = document_part
        self.element = parse_xml(part.blob)

    @property
    def part(self) -> _NotesPart:  # what a Paragraph asks its parent for
        return self

    @property
    def rels(self) -> Any:  # hyperlinks in a note point through the notes part's own
        return self._part.rels

    def get_style(self, style_id: str | None, style_type: Any) -> Any:
        return self._document_part.get_style(style_id, style_type)

    def store(self) -> None:
        from docx.opc.oxml import serialize_part_xml

        self._part._blob = serialize_part_xml(self.element)


class _Blocks:
    """The paragraphs and tables of an element python-docx has no class for (a footnote, a
    text box), in order, like a table cell's; ``part`` is the part they live in."""

    def __init__(self, element: Any, part: Any) -> None:
        self._element = element
        self.part: Any = part  # a StoryPart, or a _NotesPart standing in for one

    def iter_inner_content(self) -> Any:
        return _inner(self._element, self)


def _inner(element: Any, parent: Any) -> Any:
    """The paragraphs and tables of ``element`` in order, those inside a content control
    (``w:sdt``: a cover page, a table of contents) or custom XML included, which python-docx's
    ``iter_inner_content`` passes over."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element:
        if child.tag == _qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == _qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag == _qn("w:sdt"):
            content = child.find(_qn("w:sdtContent"))
            if content is not None:
                yield from _inner(content, parent)
        elif child.tag == _qn("w:customXml"):
            yield from _inner(child, parent)


def _container_element(container: Any) -> Any:
    """The element holding a container's paragraphs (the body of a document)."""
    body = getattr(container, "_body", None)
    return body._element if body is not None else container._element


_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _text_boxes(paragraph: Any, out: list[_Para]) -> None:
    """The text boxes anchored in ``paragraph`` (an info box, a sidebar), right after it:
    their paragraphs are blocks like the body's (origin ``text_box``: the box's number in its
    part). A box is stored twice, as a drawing and as its old-style fallback: the drawing is
    read (and written; see ``_fallbacks``), the fallback copy is not read again."""
    p = paragraph._p
    if p.find(f".//{_qn('w:txbxContent')}") is None:
        return
    root = p.getroottree().getroot()
    numbered = [box for box in root.iter(_qn("w:txbxContent")) if not _in_fallback(box)]
    for box in p.iter(_qn("w:txbxContent")):
        if _in_fallback(box):
            continue
        if next(box.iterancestors(_qn("w:p"))) is not p:
            continue  # a box inside a box: read with the paragraph that holds it
        where = {"text_box": numbered.index(box)}
        _container(_Blocks(box, paragraph.part), where, "paragraph", out)


def _in_fallback(element: Any) -> bool:
    return any(a.tag == f"{{{_MC}}}Fallback" for a in element.iterancestors())


def _fallbacks(doc: Any) -> None:
    """Give each translated text box's fallback copy the drawing's new content, so a reader
    that shows the fallback shows the translation too."""
    for alternate in doc.element.body.iter(f"{{{_MC}}}AlternateContent"):
        choice = alternate.find(f"{{{_MC}}}Choice")
        other = alternate.find(f"{{{_MC}}}Fallback")
        if choice is None or other is None:
            continue
        new = list(choice.iter(_qn("w:txbxContent")))
        old = list(other.iter(_qn("w:txbxContent")))
        if len(new) != 1 or len(old) != 1:
            continue
        for child in list(old[0]):
            old[0].remove(child)
        for child in new[0]:
            old[0].append(deepcopy(child))


def _notes(doc: Any, out: list[_Para]) -> None:
    """Footnotes, then endnotes, after the body: every paragraph of a note is a block of kind
    ``footnote`` (origin: part, note id, paragraph). The separators Word keeps among the
    notes are not notes. The note's number mark is content, not text: it stays in place."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    for reltype, name, tag in (
        (RT.FOOTNOTES, "footnotes", "w:footnote"),
        (RT.ENDNOTES, "endnotes", "w:endnote"),
    ):
        parts = [r.target_part for r in doc.part.rels.values() if r.reltype == reltype]
        if not parts:
            continue
        notes = _NotesPart(parts[0], doc.part)
        for note in notes.element.findall(_qn(tag)):
            if note.get(_qn("w:type")) not in (None, "normal"):  # separator, continuation
                continue
            where = {"part": name, "note": int(note.get(_qn("w:id"), "0"))}
            _container(_Blocks(note, notes), where, "footnote", out)


def _container(
    container: Any, origin: dict[str, Any], kind: str, out: list[_Para]
) -> None:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    paragraph_index = table_index = 0
    for item in _inner(_container_element(container), container):
        if isinstance(item, Paragraph):
            where = {**origin, "paragraph": paragraph_index}
            paragraph_index += 1
            out.extend(_paragraphs(item, where, kind))
            _text_boxes(item, out)
        elif isinstance(item, Table):
            # A merged cell repeats: across its columns (gridSpan) and down its rows (vMerge).
            # The cells' elements are kept (not only their ids: a freed lxml proxy's id is
            # reused).
            seen: dict[int, Any] = {}
            for r, row in enumerate(item.rows):
                for c, cell in enumerate(row.cells):
                    if id(cell._tc) in seen:
                        continue
                    seen[id(cell._tc)] = cell._tc
                    where = {**origin, "table": table_index, "row": r, "cell": c}
                    _container(cell, where, "table-cell", out)
            table_index += 1


def _kind(paragraph: Any, default: str, text: str) -> tuple[str, int | None]:
    if default != "paragraph":
        return default, None
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    heading = _HEADING.match(style)
    p_pr = paragraph._p.pPr
    if style == "title":
        return "title", 1
    if style == "subtitle":
        return "heading", 2
    if heading:
        return "heading", int(heading.group(1)) + 1
    if style.startswith("list") or (p_pr is not None and p_pr.numPr is not None):
        return "list-item", None
    if "quote" in style:
        return "quote", None
    if style == "caption":
        return "caption", None
    if style.startswith("footnote") or style.startswith("endnote"):
        return "footnote", None
    if is_date_line(text):
        return "date", None
    return "paragraph", None


def _paragraphs(paragraph: Any, origin: dict[str, Any], default: str) -> list[_Para]:
    """The paragraph's block, or one block per text stretch between fields ("Seite {PAGE}
    von {NUMPAGES}": "Seite", "von"), so that no field moves."""
    _split_runs(paragraph._p)
    pieces = _pieces(paragraph._p)
    stretches: list[list[tuple[str, Any]]] = [[]]
    for kind, element in pieces:
        if kind == "field":
            stretches.append([])
        else:
            stretches[-1].append((kind, element))
    stretches = [s for s in stretches if any(k in ("run", "link") for k, _ in s)]
    out = []
    for number, stretch in enumerate(stretches):
        where = {**origin, "segment": number} if len(stretches) > 1 else origin
        para = _paragraph(paragraph, stretch, where, default)
        if para is not None:
            out.append(para)
    return out


def _paragraph(
    paragraph: Any, pieces: list[tuple[str, Any]], origin: dict[str, Any], default: str
) -> _Para | None:
    sizes: Counter[bytes] = Counter()
    formats: dict[bytes, Any] = {}
    for kind, element in pieces:
        if kind == "run":
            key, r_pr = _format(element)
            formats.setdefault(key, r_pr)
            sizes[key] += len(_run_text(element))
    base_key = sizes.most_common(1)[0][0] if sizes else b""
    builder = InlineText()
    current: tuple[bytes, object] | None = None
    for kind, element in pieces:
        if kind == "run":
            key, _ = _format(element)
            if current is not None and current[0] != key:
                builder.close(current[1])
                current = None
            if current is None and key != base_key:
                current = (key, object())
                builder.open(current[1], "format", formats[key])
            builder.add(_run_text(element))
        elif kind == "link":
            if current is not None:
                builder.close(current[1])
                current = None
            runs = element.findall(_qn("w:r"))
            r_pr = _format(runs[0])[1] if runs else None
            link_key = object()
            url = _url(element, paragraph.part)
            builder.open(link_key, "link", {"element": element, "rPr": r_pr, "url": url})
            builder.add("".join(_run_text(r) for r in runs))
            builder.close(link_key)
        elif kind == "atom":
            builder.atom("atom", element)
            if _line_break(element):
                builder.add(" ")  # the words either side stay apart
    if current is not None:
        builder.close(current[1])
    text, spans = builder.result()
    if not text:
        return None
    kind, level = _kind(paragraph, default, text)
    style = paragraph.style.name if paragraph.style is not None else None
    where = {**origin, "style": style}
    if level is not None:
        where["level"] = level
    block = Block(kind, text, where)
    runs = [element for kind, element in pieces if kind in ("run", "link", "atom")]
    raw = "".join(
        _run_text(el) if kind == "run" else "".join(_run_text(r) for r in el.findall(_qn("w:r")))
        for kind, el in pieces
        if kind in ("run", "link")
    )
    edges = (" " if raw[:1].isspace() else "", " " if raw[-1:].isspace() else "")
    return _Para(
        paragraph._p, paragraph.part, block, spans, formats.get(base_key), runs, edges
    )


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


#: Paragraph children without content of their own: left where they are.
_MARKERS = ("w:pPr", "w:bookmarkStart", "w:bookmarkEnd", "w:proofErr", "w:commentRangeStart",
            "w:commentRangeEnd", "w:permStart", "w:permEnd")  # fmt: skip


#: Run content that is text (with the run's properties): kept together when a run is split.
_TEXT_PARTS = ("w:t", "w:noBreakHyphen", "w:softHyphen", "w:lastRenderedPageBreak")


def _split_runs(p: Any) -> None:
    """Split each run of ``p`` that holds text next to other content (a tab, a line break,
    a note's number mark, an image, a comment mark) into runs of one kind each, with the same
    properties: the text runs are translated, the others stay where they are. Word shows the
    split runs as it showed the one (runs in fields and hyperlinks are left as they are)."""
    text_tags = {_qn(t) for t in _TEXT_PARTS}
    r_pr_tag = _qn("w:rPr")
    field_tags = {_qn("w:fldChar"), _qn("w:instrText"), _qn("w:delText")}
    for run in p.findall(_qn("w:r")):
        children = [c for c in run if c.tag != r_pr_tag]
        if any(c.tag in field_tags for c in children):
            continue
        groups: list[list[Any]] = []
        for child in children:
            if child.tag in text_tags and groups and groups[-1][0].tag in text_tags:
                groups[-1].append(child)
            else:
                groups.append([child])
        if len(groups) < 2:
            continue
        r_pr = run.find(r_pr_tag)
        at = p.index(run)
        for offset, group in enumerate(groups):
            new = run.makeelement(run.tag, run.attrib)
            if r_pr is not None:
                new.append(deepcopy(r_pr))
            for child in group:
                new.append(child)
            p.insert(at + offset, new)
        p.remove(run)


def _pieces(p: Any) -> list[tuple[str, Any]]:
    """The paragraph's children: ``run`` (text only), ``link`` (a hyperlink of text-only
    runs), ``field`` (a field: the runs from its begin to its end mark, or a simple field;
    a tab, which parts text the way a field does), ``atom`` (other content: a run with an
    image, a line break, a note or comment mark ...) or ``marker`` (properties, bookmarks
    ...)."""
    markers = {_qn(t) for t in _MARKERS}
    tabs = {_qn("w:tab"), _qn("w:ptab")}
    out = []
    depth = 0  # inside a complex field (fldChar begin ... end), results included
    for child in p:
        chars = [c.get(_qn("w:fldCharType")) for c in child.iter(_qn("w:fldChar"))]
        content = [c.tag for c in child if c.tag != _qn("w:rPr")]
        if depth or chars:
            depth += chars.count("begin") - chars.count("end")
            depth = max(depth, 0)
            out.append(("field", child))
        elif child.tag == _qn("w:fldSimple"):
            out.append(("field", child))
        elif child.tag == _qn("w:r") and content and all(tag in tabs for tag in content):
            out.append(("field", child))
        elif child.tag == _qn("w:r") and _text_only(child, breaks=False):
            out.append(("run", child))
        elif child.tag == _qn("w:hyperlink") and all(
            _text_only(r) for r in child.findall(_qn("w:r"))
        ):
            out.append(("link", child))
        elif child.tag in markers:
            out.append(("marker", child))
        else:
            out.append(("atom", child))
    return out


_TEXT_TAGS = ("w:rPr", "w:t", "w:tab", "w:cr", "w:noBreakHyphen", "w:softHyphen",
              "w:lastRenderedPageBreak")  # fmt: skip


def _text_only(run: Any, *, breaks: bool = True) -> bool:
    """A run of text only; ``breaks``: tabs and line breaks count as text (read as spaces:
    inside a hyperlink, which is translated whole)."""
    allowed = {_qn(t) for t in (_TEXT_TAGS if breaks else ("w:rPr", *_TEXT_PARTS))}
    for child in run:
        if child.tag == _qn("w:br") and breaks:
            if child.get(_qn("w:type")) in ("page", "column"):
                return False
        elif child.tag not in allowed:
            return False
    return True


def _run_text(run: Any) -> str:
    parts = []
    for child in run:
        if child.tag == _qn("w:t"):
            parts.append(child.text or "")
        elif child.tag in (_qn("w:tab"), _qn("w:br"), _qn("w:cr")):
            parts.append(" ")
        elif child.tag == _qn("w:noBreakHyphen"):
            parts.append("-")
    return "".join(parts)


def _format(run: Any) -> tuple[bytes, Any]:
    from lxml import etree

    r_pr = run.find(_qn("w:rPr"))
    if r_pr is None:
        return b"", None
    return etree.tostring(r_pr, method="c14n"), r_pr


def _url(link: Any, part: Any) -> str:
    rid = link.get(_qn("r:id"))
    if rid and rid in part.rels:
        return str(part.rels[rid].target_ref)
    anchor = link.get(_qn("w:anchor"))
    return f"#{anchor}" if anchor else ""


# -- writing ---------------------------------------------------------------------------------


def _rewrite(para: _Para, translated: Any, result: TranslationResult, index: int) -> None:
    p, name = para.element, result.name
    target = translated.target
    placed = place(translated, para.spans, result.phrases)
    leading = _leading(para)  # a note's number mark: first, before the text and its space
    before: dict[int, list[Any]] = {}  # position -> elements put there (atoms, lost links)
    for item in placed:
        span = item.span
        if span.kind == "atom" and any(span.data is el for el in leading):
            continue
        if span.kind == "atom":
            before.setdefault(item.start, []).append(("atom", span.data, item.appended))
        elif item.appended and span.kind == "link":
            url = span.data["url"]
            lost(name, index, f"the hyperlink to {url}", "it is added after its sentence")
            if url:
                before.setdefault(item.start, []).append(("link", span, True))
        elif item.appended:
            lost(name, index, "character formatting", "dropped")
    new: list[tuple[Any, Any]] = [(el, None) for el in leading]
    _emit(new, para.edges[0], [], para.base)
    position = 0
    for text, covering in segments(target, placed):
        end = position + len(text)
        start = position
        for at in sorted(a for a in before if position <= a <= end):
            _emit(new, text[start - position : at - position], covering, para.base)
            for kind, data, after in before.pop(at):
                if kind == "atom":
                    if after and not _mark(data):  # a note mark, a line break: no space
                        _emit(new, " ", [], para.base)
                    new.append((data, None))
                else:
                    _emit(new, " ", [], para.base)
                    _emit(new, data.data["url"], [data], para.base)
            start = at
        _emit(new, text[start - position :], covering, para.base)
        position = end
    for leftovers in before.values():  # positions past the end (should not happen)
        new.extend((data, None) for kind, data, _ in leftovers if kind == "atom")
    _emit(new, para.edges[1], [], para.base)
    _no_space_after_breaks(new)
    anchor = para.runs[0].getprevious() if para.runs else None
    for el in para.runs:
        p.remove(el)
    if anchor is None:
        properties = p.find(_qn("w:pPr"))
        index_at = 0 if properties is None else list(p).index(properties) + 1
    else:
        index_at = list(p).index(anchor) + 1
    for offset, (el, _) in enumerate(new):
        p.insert(index_at + offset, el)


def _leading(para: _Para) -> list[Any]:
    """The content runs before the paragraph's first text (a footnote's number mark)."""
    out = []
    for el in para.runs:
        if el.tag == _qn("w:hyperlink") or (el.tag == _qn("w:r") and _text_only(el, breaks=False)):
            break
        out.append(el)
    return out


#: Run content that follows its word with no space: note and comment marks, line breaks.
_MARKS = ("w:footnoteReference", "w:endnoteReference", "w:commentReference", "w:br", "w:cr",
          "w:annotationRef")  # fmt: skip


def _line_break(run: Any) -> bool:
    """A run of a line break (a text-wrapping ``w:br`` or a ``w:cr``) and nothing else."""
    content = [c for c in run if c.tag != _qn("w:rPr")]
    kinds = {_qn("w:br"), _qn("w:cr")}
    return (
        run.tag == _qn("w:r")
        and bool(content)
        and all(c.tag in kinds and c.get(_qn("w:type")) in (None, "textWrapping") for c in content)
    )


def _no_space_after_breaks(new: list[tuple[Any, Any]]) -> None:
    """A line starts with its first word: the space after a line break goes."""
    for (el, _), (after, _) in zip(new, new[1:], strict=False):
        if _line_break(el) and after.tag == _qn("w:r"):
            t = after.find(_qn("w:t"))
            if t is not None and t.text:
                t.text = t.text.lstrip(" ")


def _mark(run: Any) -> bool:
    """A run holding a mark that follows its word with no space (``_MARKS``)."""
    marks = {_qn(t) for t in _MARKS}
    return any(child.tag in marks for child in run)


def _emit(out: list[tuple[Any, Any]], text: str, covering: list[Span], base: Any) -> None:
    """Append a run; inside a hyperlink, joined to the previous piece of the same link.
    ``out`` holds (new element, the original hyperlink it copies or None)."""
    if not text:
        return
    link = next((s for s in covering if s.kind == "link"), None)
    formats = [s for s in covering if s.kind == "format"]
    r_pr = formats[-1].data if formats else (link.data["rPr"] if link else base)
    run = _run(text, r_pr)
    if link is None:
        out.append((run, None))
        return
    source = link.data["element"]
    if out and out[-1][1] is source:
        out[-1][0].append(run)
        return
    hyperlink = deepcopy(source)
    for child in list(hyperlink):
        hyperlink.remove(child)
    hyperlink.append(run)
    out.append((hyperlink, source))


def _run(text: str, r_pr: Any) -> Any:
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    if r_pr is not None:
        run.append(deepcopy(r_pr))
    t = OxmlElement("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    return run


# -- a new DOCX from any input ---------------------------------------------------------------

_NEW_STYLES = {
    "title": "Title",
    "list-item": "List Bullet",
    "quote": "Quote",
    "caption": "Caption",
    "label": "Subtitle",
}


def render_docx(result: TranslationResult) -> bytes:
    """A new DOCX of the translation of any input (PDF, web page, Markdown, text): Title,
    Heading N, List Bullet, Quote, Caption styles, tables, page header and footer text."""
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    for key in ("title", "author"):
        if result.metadata.get(key):
            setattr(doc.core_properties, key, str(result.metadata[key])[:255])
    section = doc.sections[0]
    first_header = first_footer = True
    for group in groups(result.paragraphs):
        p = group[0]
        if p.kind == "table-cell" and "row" in (p.origin or {}):
            rows = table_rows(group)
            table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
            continue
        for item in group:
            text = item.target
            if item.kind in ("header", "footer"):
                part = section.header if item.kind == "header" else section.footer
                first = first_header if item.kind == "header" else first_footer
                target = part.paragraphs[0] if first else part.add_paragraph()
                target.text = text
                if item.kind == "header":
                    first_header = False
                else:
                    first_footer = False
            elif item.kind == "heading":
                doc.add_heading(text, level=min(9, heading_level(item) - 1))
            elif item.kind == "code":
                run = doc.add_paragraph().add_run(text)
                run.font.name = "Courier New"
            elif item.kind in ("date", "footnote"):
                run = doc.add_paragraph().add_run(text)
                run.italic = item.kind == "date"
                if item.kind == "footnote":
                    run.font.size = Pt(9)
            elif item.kind == "list-item":  # the style draws the mark: not the text's too
                text, numbered = without_item_mark(text)
                doc.add_paragraph(text, style="List Number" if numbered else "List Bullet")
            else:
                doc.add_paragraph(text, style=_NEW_STYLES.get(item.kind))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -- the codec ------------------------------------------------------------------------------


def sniff(data: bytes, suggested: str | None) -> int | None:
    """A ZIP holding ``word/document.xml``; or a ZIP named .docx (a broken one: reading it
    says what is wrong)."""
    if data[:4] != b"PK\x03\x04":
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" in archive.namelist():
                return SIGNATURE
    except (zipfile.BadZipFile, OSError, ValueError):
        pass
    return NAMED if suggested == "docx" else None


def _read(data: bytes, name: str | None, limits: Limits) -> Document:
    return read_docx(data, name=name or "<input>", limits=limits)


def _write(result: TranslationResult, document: Document | None) -> bytes:
    """The original rebuilt from a DOCX input, else a new DOCX of the blocks."""
    if document is not None and document.format == "docx":
        return write_docx(result, document)
    return render_docx(result)


CODEC = Codec(
    "docx",
    suffixes=(".docx",),
    sniff=sniff,
    read=_read,
    write=_write,
    extension=".docx",
    binary=True,
    media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
