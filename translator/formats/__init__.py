"""Document formats: readers that turn files into blocks, writers that keep their structure.

One module per format, each importing its library only when used:

- ``text``: plain text, the layout rebuild of ``translator.text.layout``;
- ``markdown``: markdown-it-py; Markdown in, Markdown out;
- ``html``: a saved web page, the article extracted with trafilatura;
- ``docx``: python-docx; DOCX in, DOCX out;
- ``pdf``: a PDF's text layer with its geometry (``translator.formats.pdf.read_pdf``).

The format is detected from the content (so stdin works), the file name only breaking ties
between text-like formats: ``%PDF-`` is a PDF, a ZIP with ``word/document.xml`` a DOCX, markup
with ``<html``/``<body``/``<p>``... a web page, headings/lists/links/fences a Markdown file,
anything else text.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath
from typing import TYPE_CHECKING

from ..errors import InputError
from ..options import FORMATS, Format, Limits
from .base import Document, InputFormat

if TYPE_CHECKING:
    from ..result import TranslationResult

__all__ = [
    "OUTPUT_FORMATS",
    "Document",
    "InputFormat",
    "OutputFormat",
    "default_output",
    "detect",
    "read_document",
    "write",
]

#: The output formats are ``translator.options``' (``Format``, ``FORMATS``): one list.
OutputFormat = Format
OUTPUT_FORMATS = FORMATS
EXTENSIONS: dict[str, str] = {
    "text": ".txt",
    "markdown": ".md",
    "json": ".json",
    "html": ".html",
    "review": ".review.html",
    "docx": ".docx",
}
#: Output formats that are bytes, not text.
BINARY_OUTPUTS = frozenset({"docx"})

_BY_SUFFIX: dict[str, InputFormat] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}

_HTML = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html\b|<head\b|<body\b)",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAGS = re.compile(rb"<(?:p|div|article|h[1-6]|section|main|span|br)\b[^>]*>", re.IGNORECASE)
_MARKDOWN = re.compile(
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


def format_for_name(name: str | None) -> InputFormat | None:
    """The format a file name suggests (its suffix), or None."""
    if not name:
        return None
    return _BY_SUFFIX.get(PurePath(name).suffix.lower())


def detect(data: bytes, name: str | None = None) -> InputFormat:
    """The format of ``data``, by content (see the module doc); ``name`` breaks ties."""
    if data.lstrip()[:5] == b"%PDF-" or _pdf_after_junk(data):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx" if _zip_has(data, "word/document.xml") else _zip_without_document(name)
    head = data[:65536]
    if _HTML.match(head):
        return "html"
    suggested = format_for_name(name)
    if suggested == "markdown":  # a README that shows a few HTML tags is still Markdown
        return "markdown"
    if len(_HTML_TAGS.findall(head)) >= 3:
        return "html"
    if suggested != "text":
        text = head.decode("utf-8", "replace")
        if len(_MARKDOWN.findall(text)) >= 2:
            return "markdown"
    return "text"


def _pdf_after_junk(data: bytes) -> bool:
    """A PDF with bytes before its header (a Ghostscript banner, a mail header): readers
    look for ``%PDF-`` in the first 1024 bytes. It must start a line there and the file end
    as a PDF does, so that a text that mentions ``%PDF-`` stays text."""
    at = data.find(b"%PDF-", 0, 1024)
    return at > 0 and data[at - 1 : at] in (b"\n", b"\r") and b"%%EOF" in data[-2048:]


def _zip_has(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _zip_without_document(name: str | None) -> InputFormat:
    """A ZIP that is no DOCX: named .docx, it is a broken one; otherwise not a document."""
    if format_for_name(name) == "docx":
        return "docx"  # the DOCX reader says what is wrong with it
    raise InputError(f"{name or '<input>'}: a ZIP archive, not a document (DOCX, PDF, HTML, text)")


def read_document(
    data: bytes,
    *,
    name: str | None = None,
    fmt: InputFormat | None = None,
    limits: Limits | None = None,
) -> Document:
    """Read ``data`` into a Document (format detected unless ``fmt`` is given).

    Raises InputError (naming ``name``) for what cannot be read: undecodable text, a broken
    DOCX, a page without an article, a scanned, encrypted or corrupt PDF, nothing to
    translate, or a document holding more than ``limits`` allow (by default
    ``Options().limits``: a DOCX unpacking to too much XML, too many paragraphs).
    """
    from ..options import Options

    label = name or "<input>"
    limits = limits or Options().limits
    fmt = fmt or detect(data, name)
    if fmt == "pdf":
        from .pdf import read_pdf

        document = read_pdf(data, name=name)
    elif fmt == "docx":
        from .docx import read_docx

        document = read_docx(data, name=label, limits=limits)
    elif fmt == "html":
        from .html import read_html

        document = read_html(data, name=label)
    elif fmt == "markdown":
        from .markdown import read_markdown

        document = read_markdown(data, name=label)
    else:
        from .text import read_text

        document = read_text(data, name=label)
    if not any(block.text.strip() for block in document.blocks):
        raise InputError(f"{label}: no text to translate")
    if len(document.blocks) > limits.paragraphs:
        found = f"{len(document.blocks):,} paragraphs"
        raise InputError(
            limits.refusal(label, found, limits.paragraphs, "paragraphs", "--max-paragraphs")
        )
    return document


def default_output(fmt: InputFormat) -> OutputFormat:
    """The output format when none is asked for: the input's own for DOCX, Markdown and
    HTML; Markdown for PDF (its structure, not its page geometry); text for text."""
    defaults: dict[str, OutputFormat] = {
        "docx": "docx",
        "markdown": "markdown",
        "html": "html",
        "pdf": "markdown",
        "text": "text",
    }
    return defaults[fmt]


def output_format_for(name: str, fmt: str | None) -> str:
    """``fmt``, or the default output for the input's format as its name says (batch decides
    by name, so that an output's path is known before its input is read)."""
    return fmt or default_output(format_for_name(name) or "text")


def write(
    result: TranslationResult, document: Document | None, fmt: OutputFormat | str
) -> str | bytes:
    """Render ``result`` as ``fmt`` (bytes for DOCX). Markdown from a Markdown input and
    DOCX from a DOCX input rebuild the original with the translation in place; a web page's
    translated page carries its inline formatting; the other combinations render the
    result's blocks (a new DOCX for DOCX from another format).

    What the writer could not carry over (a link or emphasis not found in the translation) is
    counted into ``result.metadata["losses"]`` with what reading lost."""
    from .inline import collect_losses

    with collect_losses() as losses:
        rendered = _write(result, document, fmt)
    if losses:
        # Reading's losses (the document's) plus this writing's: the same whatever was written
        # before from this result.
        reader = document.losses if document is not None else result.metadata.get("losses")
        merged = dict(reader or {})
        for kind, count in losses.items():
            merged[kind] = merged.get(kind, 0) + count
        result.metadata["losses"] = merged
    return rendered


def _write(
    result: TranslationResult, document: Document | None, fmt: OutputFormat | str
) -> str | bytes:
    if fmt == "docx":
        if document is None or document.format != "docx":
            from .docx import render_docx

            return render_docx(result)
        from .docx import write_docx

        return write_docx(result, document)
    if fmt == "markdown" and document is not None and document.format == "markdown":
        from .markdown import write_markdown

        return write_markdown(result, document)
    if fmt == "html" and document is not None and document.format == "html":
        from .html import write_html

        return write_html(result, document)
    from ..render import render

    return render(result, fmt)
