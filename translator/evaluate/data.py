"""Read an evaluation set: aligned line files or two folders of articles, strictly checked.

Two shapes are accepted:

* two text files, one segment per line, line *i* of REF the reference of line *i* of SRC;
* two folders with the same relative paths (``*.txt``): each SRC article is translated as a
  document and scored against the REF article of the same path.

Files are read as UTF-8 only (a BOM is allowed), like sacrebleu: the legacy-encoding guess the
translator makes for articles would turn a reference with one bad byte into mojibake and skew
every score without a word. Every problem is an `InputError` of one line that names the file
and, where there is one, the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import InputError

#: Articles taken from folders (as ``translator batch`` takes by default).
DOCUMENT_PATTERN = "*.txt"

Kind = Literal["lines", "documents"]


@dataclass(frozen=True)
class EvalSet:
    """Aligned sources and references. ``names`` label each pair (``file:line`` or a path)."""

    kind: Kind
    src: Path
    ref: Path
    sources: list[str]
    references: list[str]
    names: list[str]

    def __len__(self) -> int:
        return len(self.sources)

    @property
    def size(self) -> str:
        """``"1 document"``, ``"2003 segments"``."""
        unit = "segment" if self.kind == "lines" else "document"
        return f"{len(self)} {unit}{'' if len(self) == 1 else 's'}"


def load_eval_set(src: Path, ref: Path) -> EvalSet:
    """Read SRC and REF (two line files, or two folders of articles) and check they align."""
    src, ref = Path(src), Path(ref)
    for path in (src, ref):
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
    if src.is_dir() != ref.is_dir():
        folder, file = (src, ref) if src.is_dir() else (ref, src)
        raise InputError(f"{file}: is a file but {folder} is a folder (give two of a kind)")
    if src.is_dir():
        return _documents(src, ref)
    return _lines(src, ref)


def _lines(src: Path, ref: Path) -> EvalSet:
    sources = read_lines(src)
    references = read_lines(ref)
    if len(sources) != len(references):
        longer, shorter = (src, ref) if len(sources) > len(references) else (ref, src)
        n_long, n_short = max(len(sources), len(references)), min(len(sources), len(references))
        raise InputError(
            f"{longer}:{n_short + 1}: {longer} has {n_long} lines but {shorter} has "
            f"{n_short}; SRC and REF must be aligned line by line"
        )
    names = [f"{src}:{i}" for i in range(1, len(sources) + 1)]
    return EvalSet("lines", src, ref, sources, references, names)


def _documents(src: Path, ref: Path) -> EvalSet:
    rels = sorted(
        p.relative_to(src).as_posix()
        for p in src.rglob(DOCUMENT_PATTERN)
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(src).parts)
    )
    if not rels:
        raise InputError(f"{src}: no {DOCUMENT_PATTERN} articles in this folder")
    sources, references = [], []
    for rel in rels:
        counterpart = ref / rel
        if not counterpart.is_file():
            raise InputError(f"{counterpart}: missing; it is the reference of {src / rel}")
        sources.append(read_text(src / rel))
        references.append(read_text(counterpart))
    return EvalSet("documents", src, ref, sources, references, rels)


def read_text(path: Path) -> str:
    """A whole UTF-8 text file; InputError naming the file (and line) for anything else."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    text = decode_utf8(data, path)
    if not text.strip():
        raise InputError(f"{path}: is empty")
    return text


def read_lines(path: Path) -> list[str]:
    """One segment per line (``\\n`` or ``\\r\\n``; no other line breaks count)."""
    text = read_text(path)
    if text.endswith("\n"):
        text = text[:-1]
    return [line.removesuffix("\r") for line in text.split("\n")]


def decode_utf8(data: bytes, path: Path) -> str:
    """Decode strictly; the error names the line and column of the first bad byte."""
    if b"\x00" in data:
        line, column = _position(data, data.index(b"\x00"))
        raise InputError(f"{path}:{line}: binary data (a NUL byte at column {column}), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line, column = _position(data, offset)
        raise InputError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[offset]:02x} at column {column}); "
            "convert the file, e.g. iconv -f cp1252 -t utf-8"
        ) from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``offset``."""
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column
