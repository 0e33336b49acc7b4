"""Plain text: decoded (UTF-8, UTF-16/32 with BOM, or a Western legacy encoding), normalised,
and its blocks rebuilt from the line layout (``translator.text.layout``); written as paragraphs
separated by blank lines. What no other format claims is read as text (a ZIP excepted)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text.decode import decode_bytes
from ..text.layout import rebuild
from ..text.normalise import control_characters, normalise
from .base import ANYTHING, Codec, Document

if TYPE_CHECKING:
    from ..options import Limits
    from ..result import TranslationResult


def read_text(data: bytes, *, name: str = "<input>") -> Document:
    """Read plain text (InputError for binary or undecodable data)."""
    decoded = decode_bytes(data, name=name)
    controls = control_characters(decoded)
    losses = {"control_characters": controls} if controls else {}
    text = normalise(decoded)
    return Document(format="text", blocks=rebuild(text), original=data, losses=losses)


def render_text(result: TranslationResult) -> str:
    """Paragraphs (headings included) separated by one blank line."""
    return "\n\n".join(p.target for p in result.paragraphs) + "\n"


def sniff(data: bytes, suggested: str | None) -> int | None:
    """Anything is text, but a ZIP archive (a document of some other kind, or none)."""
    return None if data[:4] == b"PK\x03\x04" else ANYTHING


def _read(data: bytes, name: str | None, limits: Limits) -> Document:
    return read_text(data, name=name or "<input>")


def _write(result: TranslationResult, document: Document | None) -> str:
    return render_text(result)


CODEC = Codec(
    "text",
    suffixes=(".txt",),
    sniff=sniff,
    read=_read,
    write=_write,
    extension=".txt",
)
