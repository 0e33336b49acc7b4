"""Read and decode input, rebuild paragraphs from PDF-extracted text, write outputs atomically.

PLACEHOLDER: minimal version so the pipeline runs; the full implementation replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """A block of the document. kind: date | label | title | heading | paragraph."""

    kind: str
    text: str


def rebuild(text: str) -> list[Block]:
    blocks = [" ".join(b.split()) for b in text.split("\n\n")]
    return [Block("paragraph", b) for b in blocks if b]


def read_input(source: str) -> tuple[str, str]:
    import sys
    from pathlib import Path

    if source == "-":
        return sys.stdin.read(), "<stdin>"
    return Path(source).read_text(encoding="utf-8"), Path(source).name


def write_atomic(path, data: str, *, inputs=()) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    Path(path).write_text(data, encoding="utf-8")
