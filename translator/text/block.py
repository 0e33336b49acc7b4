"""The unit every reader produces and every writer consumes: one block of an article."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Block"]


@dataclass(frozen=True)
class Block:
    """A block of the document. kind: date | label | title | heading | paragraph (and, from
    structured formats, caption | footnote | list-item | quote | table-cell).

    ``origin`` says where the block came from in the original file, so a reviewer can find it
    (PDF: ``{"page": 1, "bbox": [x0, top, x1, bottom]}``; DOCX: ``{"paragraph": 3, "style":
    "Heading 1"}``; HTML: ``{"element": "p"}``); ``None`` for plain text. It never affects the
    translation and is not part of equality.
    """

    kind: str
    text: str
    origin: dict[str, Any] | None = field(default=None, compare=False, hash=False)
