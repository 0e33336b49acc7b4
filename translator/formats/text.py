"""Plain text: decoded (UTF-8, UTF-16/32 with BOM, or a Western legacy encoding), normalised,
and its blocks rebuilt from the line layout (``translator.text.layout``)."""

from __future__ import annotations

from ..text.decode import decode_bytes
from ..text.layout import rebuild
from ..text.normalise import control_characters, normalise
from .base import Document


def read_text(data: bytes, *, name: str = "<input>") -> Document:
    """Read plain text (InputError for binary or undecodable data)."""
    decoded = decode_bytes(data, name=name)
    controls = control_characters(decoded)
    losses = {"control_characters": controls} if controls else {}
    text = normalise(decoded)
    return Document(format="text", blocks=rebuild(text), original=data, losses=losses)
