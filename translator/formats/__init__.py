"""Document formats: readers that turn files into blocks, writers that keep their structure.

One module per format, each declaring its ``CODEC`` (``translator.formats.base.Codec``) and
importing its library only when used, and one registry line per module
(``translator.formats.registry``):

- ``text``: plain text, the layout rebuild of ``translator.text.layout``; text out;
- ``markdown``: markdown-it-py; Markdown in, Markdown out;
- ``json_result``: the result as JSON (out only);
- ``html``: a saved web page, the article extracted with trafilatura; a clean page out;
- ``review``: the side-by-side review page (out only);
- ``docx``: python-docx; DOCX in, DOCX out;
- ``pdf``: a PDF's text layer with its geometry (in only; Markdown out by default).

The format is detected from the content (so stdin works), the file name only breaking ties
between text-like formats: each input codec's ``sniff`` says how sure it is (``%PDF-`` is a
PDF, a ZIP with ``word/document.xml`` a DOCX, markup with ``<html``/``<body``/``<p>``... a web
page, headings/lists/links/fences a Markdown file) and the surest wins; anything else is text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError
from ..options import Limits
from . import registry
from .base import Codec, Document, InputFormat

if TYPE_CHECKING:
    from ..result import TranslationResult

__all__ = [
    "Codec",
    "Document",
    "InputFormat",
    "OutputFormat",
    "check_format",
    "default_output",
    "detect",
    "extension_for",
    "format_for_name",
    "output_format_for",
    "read_document",
    "registry",
    "write",
]

#: An output format's name (one of ``registry.output_names()``).
OutputFormat = str


def check_format(fmt: str | None) -> OutputFormat | None:
    """The output format ``fmt`` (any case), or UsageError listing the formats; ``None``
    means each input's own format (see ``default_output``)."""
    return None if fmt is None else registry.output_codec(fmt).name


def format_for_name(name: str | None) -> InputFormat | None:
    """The format a file name suggests (its suffix), or None."""
    codec = registry.for_name(name)
    return codec.name if codec is not None else None


def detect(data: bytes, name: str | None = None) -> InputFormat:
    """The format of ``data``, by content (see the module doc); ``name`` breaks ties."""
    suggested = format_for_name(name)
    best: Codec | None = None
    sure = -1
    for codec in registry.inputs():
        assert codec.sniff is not None
        level = codec.sniff(data, suggested)
        if level is not None and level > sure:
            best, sure = codec, level
    if best is None:
        what = "a ZIP archive" if data[:4] == b"PK\x03\x04" else "binary data"
        names = ", ".join(c.name for c in registry.inputs())
        raise InputError(f"{name or '<input>'}: {what}, not a document ({names})")
    return best.name


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
    codec = registry.input_codec(fmt or detect(data, name))
    assert codec.read is not None
    document = codec.read(data, name, limits)
    if not any(block.text.strip() for block in document.blocks):
        raise InputError(f"{label}: no text to translate")
    if len(document.blocks) > limits.paragraphs:
        found = f"{len(document.blocks):,} paragraphs"
        raise InputError(
            limits.refusal(label, found, limits.paragraphs, "paragraphs", "--max-paragraphs")
        )
    return document


def default_output(fmt: InputFormat) -> OutputFormat:
    """The output format when none is asked for: the input codec's ``output``, else its own
    name (DOCX, Markdown, HTML and text keep their format; a PDF gives Markdown)."""
    codec = registry.input_codec(fmt)
    return codec.output or codec.name


def output_format_for(name: str, fmt: str | None) -> OutputFormat:
    """``fmt``, or the default output for the input's format as its name says (batch decides
    by name, so that an output's path is known before its input is read)."""
    return fmt or default_output(format_for_name(name) or registry.FALLBACK)


def extension_for(name: str, fmt: str | None) -> str:
    """The extension of the output written for an input called ``name`` (``fmt``, or its
    format's default output): ``.md`` for ``a.pdf``, ``.review.html`` with ``review``."""
    extension = registry.output_codec(output_format_for(name, fmt)).extension
    assert extension is not None
    return extension


def write(result: TranslationResult, document: Document | None, fmt: OutputFormat) -> str | bytes:
    """Render ``result`` as ``fmt`` (bytes for a binary format: DOCX). Markdown from a Markdown
    input and DOCX from a DOCX input rebuild the original with the translation in place; a web
    page's translated page carries its inline formatting; the other combinations render the
    result's blocks (a new DOCX for DOCX from another format).

    What the writer could not carry over (a link or emphasis not found in the translation) is
    counted into ``result.metadata["losses"]`` with what reading lost."""
    from .inline import collect_losses

    codec = registry.output_codec(fmt)
    assert codec.write is not None
    with collect_losses() as losses:
        rendered = codec.write(result, document)
    if losses:
        # Reading's losses (the document's) plus this writing's: the same whatever was written
        # before from this result.
        reader = document.losses if document is not None else result.metadata.get("losses")
        merged = dict(reader or {})
        for kind, count in losses.items():
            merged[kind] = merged.get(kind, 0) + count
        result.metadata["losses"] = merged
    return rendered
