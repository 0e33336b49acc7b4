"""The formats the tool reads and writes: one line each, in ``MODULES``.

Each line names the module whose ``CODEC`` (``translator.formats.base.Codec``) says what the
format is called, which file names and contents are it, how to read and write it, its output
extension and whether that output is binary. Everything else asks here: detection and
reading (``translator.formats``), ``--format``'s choices, batch discovery's default patterns
and output extensions, the server's download names and media types. Adding a format is one
new module and one line below (docs/formats.md walks through it).

The modules are imported the first time a codec is asked for, not when this one is.
"""

from __future__ import annotations

import importlib
from pathlib import PurePath

from ..errors import UsageError
from .base import Codec

#: One line per format: the module that defines its ``CODEC``. The order is the order
#: formats are listed in, and breaks a tie when two codecs are equally sure of some bytes.
MODULES: tuple[str, ...] = (
    "translator.formats.text",
    "translator.formats.markdown",
    "translator.formats.json_result",
    "translator.formats.html",
    "translator.formats.review",
    "translator.formats.docx",
    "translator.formats.pdf",
)

#: What an input is read as when neither its name nor its content says (stdin, no suffix).
FALLBACK = "text"

_loaded: tuple[tuple[str, ...], tuple[Codec, ...]] | None = None


def codecs() -> tuple[Codec, ...]:
    """Every registered codec, in ``MODULES`` order (loaded once per value of ``MODULES``)."""
    global _loaded
    if _loaded is None or _loaded[0] != MODULES:
        found = tuple(_codec(module) for module in MODULES)
        names = [c.name for c in found]
        doubled = sorted({n for n in names if names.count(n) > 1})
        if doubled:
            raise ValueError(f"formats registered twice: {', '.join(doubled)}")
        _loaded = (MODULES, found)
    return _loaded[1]


def _codec(module: str) -> Codec:
    codec = getattr(importlib.import_module(module), "CODEC", None)
    if not isinstance(codec, Codec):
        raise TypeError(f"{module} defines no CODEC (a translator.formats.base.Codec)")
    return codec


def inputs() -> tuple[Codec, ...]:
    """The codecs that read (the input formats)."""
    return tuple(c for c in codecs() if c.reads)


def outputs() -> tuple[Codec, ...]:
    """The codecs that write (the output formats)."""
    return tuple(c for c in codecs() if c.writes)


def output_names() -> tuple[str, ...]:
    """The output formats' names (``--format``'s choices)."""
    return tuple(c.name for c in outputs())


def input_codec(name: str) -> Codec:
    """The input codec called ``name`` (ValueError for none)."""
    for codec in inputs():
        if codec.name == name:
            return codec
    raise ValueError(f"no input format {name!r}; one of {', '.join(c.name for c in inputs())}")


def output_codec(name: str) -> Codec:
    """The output codec called ``name`` (any case), else UsageError listing the formats."""
    wanted = name.strip().lower() if isinstance(name, str) else name
    for codec in outputs():
        if codec.name == wanted:
            return codec
    raise UsageError("format", f"must be one of {', '.join(output_names())} (got {name!r})")


def for_name(name: str | None) -> Codec | None:
    """The input codec a file name's suffix names, or None."""
    if not name:
        return None
    suffix = PurePath(name).suffix.lower()
    for codec in inputs():
        if suffix in codec.suffixes:
            return codec
    return None


def suffixes() -> tuple[str, ...]:
    """Every input format's suffixes (``.txt``, ``.md``, ``.markdown`` ...)."""
    return tuple(suffix for codec in inputs() for suffix in codec.suffixes)


def patterns() -> tuple[str, ...]:
    """Glob patterns of every input format's suffixes (``*.txt``, ``*.md`` ...)."""
    return tuple(f"*{suffix}" for suffix in suffixes())


def describe() -> str:
    """The output formats for ``--format``'s help: ``text | markdown | json | html (the
    translated page) | ...``."""
    return " | ".join(f"{c.name} ({c.help})" if c.help else c.name for c in outputs())
