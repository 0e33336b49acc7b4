"""What every format shares: the Document a reader returns, and the Codec a format module
declares (see ``translator.formats.registry``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..text.block import Block

if TYPE_CHECKING:
    from ..options import Limits
    from ..result import TranslationResult

#: An input format's name (``text``, ``markdown``, ``html``, ``docx``, ``pdf``, or any
#: registered codec's): the registry, not a list here, says which exist.
InputFormat = str

#: How sure a codec's ``sniff`` is that some bytes are its format. The surest codec wins; a
#: tie goes to the one registered first. ``None`` from ``sniff`` means "not mine".
SIGNATURE = 40  #: the content's own signature (``%PDF-``, a ZIP holding ``word/document.xml``)
DECLARED = 30  #: text that declares its format at its start (``<!doctype html``, ``<html``)
NAMED = 20  #: the file name says so and the content does not say otherwise
LIKELY = 10  #: the content looks like it (markup, Markdown marks)
ANYTHING = 0  #: a format that reads whatever no other claims (plain text)


@dataclass
class Document:
    """A document read from a file: its blocks in reading order, plus what a writer needs.

    ``metadata`` holds what the original says about itself (title, date, author, URL, front
    matter); ``original`` is the raw input, kept for writers that rebuild the original file's
    structure (DOCX in, DOCX out). ``phrases`` are formatted pieces inside sentences (a linked
    term, a bold name): the pipeline translates them on their own too, so that a writer can
    find them in their sentence's translation and carry the formatting over. ``losses``
    counts what reading dropped or changed, by kind (``page_furniture``, ``docx_comments``
    ...): readers add ``doc.losses[kind] = doc.losses.get(kind, 0) + n``; the result's
    JSON metadata carries them (``metadata["losses"]``) and the CLI says them in one line.
    """

    format: InputFormat
    blocks: list[Block]
    metadata: dict[str, Any] = field(default_factory=dict)
    original: bytes | None = field(default=None, repr=False)
    phrases: list[str] = field(default_factory=list)
    losses: dict[str, int] = field(default_factory=dict)  # dropped or changed: kind -> count


#: ``sniff(data, suggested)``: how sure the codec is that ``data`` is its format (one of the
#: levels above, or None); ``suggested`` is the format the file name's suffix names, if any.
Sniff = Callable[[bytes, "str | None"], "int | None"]
#: ``read(data, name, limits)``: the Document (InputError naming ``name`` for what cannot be
#: read; ``name`` is None for stdin).
Read = Callable[[bytes, "str | None", "Limits"], Document]
#: ``write(result, document)``: the output (``bytes`` for a binary format). ``document`` is the
#: input's Document when the caller has it (writers that rebuild their own format use it).
Write = Callable[["TranslationResult", "Document | None"], "str | bytes"]


@dataclass(frozen=True)
class Codec:
    """One format, declared once in its own module (``CODEC = Codec(...)``) and listed by one
    line in ``translator.formats.registry``.

    ``name``: what ``--format`` and ``Document.format`` call it. Reading (an input format):
    ``suffixes`` (lower case, with the dot) are the file names batch discovery takes and that
    break ties in detection; ``sniff`` tells it by content; ``read`` reads it; ``output`` is
    the output format when none is asked (default: its own name). Writing (an output format):
    ``write``, the output file's ``extension``, ``binary`` (bytes, not text), ``media_type``
    (what the server sends it as) and ``help`` (a few words for ``--format``'s help).
    """

    name: str
    suffixes: tuple[str, ...] = ()
    sniff: Sniff | None = None
    read: Read | None = None
    output: str | None = None
    write: Write | None = None
    extension: str | None = None
    binary: bool = False
    media_type: str = "text/plain; charset=utf-8"
    help: str = ""

    def __post_init__(self) -> None:
        if (self.read is None) != (self.sniff is None):
            raise ValueError(f"codec {self.name!r}: an input format needs both sniff and read")
        if (self.write is None) != (self.extension is None):
            raise ValueError(f"codec {self.name!r}: an output format needs write and extension")
        if self.read is None and self.write is None:
            raise ValueError(f"codec {self.name!r}: reads nothing and writes nothing")

    @property
    def reads(self) -> bool:
        return self.read is not None

    @property
    def writes(self) -> bool:
        return self.write is not None
