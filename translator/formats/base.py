"""What every format reader returns: the blocks of a document, with where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..text.block import Block

#: The input formats the tool reads (detected by content, see ``translator.formats``).
InputFormat = Literal["text", "markdown", "html", "docx", "pdf"]


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
