"""Bytes to text: the encodings German articles come in, and reading a text file or stdin.

``decode_bytes`` is what every text-based reader (plain text, Markdown, HTML) calls on the
bytes it holds; ``read_input`` / ``read_file`` read a file (or stdin) through
:mod:`translator.files`, decode and normalise it. Errors are :class:`~translator.errors.InputError`
naming the file.
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

from ..errors import InputError
from ..files import read_bytes, read_source
from .normalise import normalise

__all__ = ["WESTERN_ENCODINGS", "decode_bytes", "read_file", "read_input"]

log = logging.getLogger("translator")

#: Legacy encodings German text comes in. Detection is restricted to them: on short
#: inputs an unrestricted detector picks exotic code pages ("Zurück" -> cp1006).
WESTERN_ENCODINGS = ["cp1252", "iso8859_15", "latin_1"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: it starts with the UTF-16 LE BOM
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, *, name: str = "<input>") -> str:
    """Decode ``data``: UTF-8 (with or without BOM), UTF-16/32 with BOM, or a detected
    Western legacy encoding (cp1252 / ISO 8859-15 / Latin-1, via charset-normalizer).

    Raises InputError (naming ``name``) for binary or undecodable data.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
            except UnicodeDecodeError as exc:
                reason = f"not valid {encoding.upper()} text ({exc.reason})"
                raise InputError(f"{name}: {reason}") from exc
            return _checked(text, name)
    if b"\x00" in data:
        raise InputError(f"{name}: binary file (contains NUL bytes), not text")
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # The default chaos threshold first; short texts full of quotes and dashes score as
    # "chaotic", so a second, more lenient pass (still only Western encodings).
    for threshold in (0.2, 0.5):
        match = from_bytes(data, cp_isolation=WESTERN_ENCODINGS, threshold=threshold).best()
        if match is not None:
            log.info("%s: not UTF-8; detected %s", name, match.encoding)
            return _checked(str(match), name)
    raise InputError(
        f"{name}: not text, or in an unknown encoding (expected UTF-8, cp1252 or Latin-1)"
    )


#: Control characters that text files do not contain (tab, line ends, form feed excepted).
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _checked(text: str, name: str) -> str:
    """Reject decoded text that is mostly control characters (a binary file)."""
    controls = len(_BINARY_CONTROLS.findall(text))
    if controls > max(2, len(text) // 100):
        raise InputError(f"{name}: binary file (control characters), not text")
    return text


def read_input(source: str) -> tuple[str, str]:
    """Read ``source`` (a path, or ``"-"`` for stdin) -> (normalised text, display name)."""
    data, name = read_source(source)
    return _text_from(data, name), name


def read_file(path: Path) -> str:
    """Read one input file -> normalised text. InputError for anything that is not a
    readable, non-empty text file of at most ``config.MAX_INPUT_BYTES``."""
    return _text_from(read_bytes(path), str(path))


def _text_from(data: bytes, name: str) -> str:
    """``data`` (already checked for size and emptiness by ``translator.files``) decoded and
    normalised; InputError if nothing but whitespace is left."""
    text = normalise(decode_bytes(data, name=name))
    if not text.strip():
        raise InputError(f"{name}: is empty")
    return text
