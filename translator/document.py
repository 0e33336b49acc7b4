"""Read and decode input, rebuild paragraphs from PDF-extracted text, write outputs atomically.

Reading: ``read_input`` / ``read_file`` / ``decode_bytes`` turn bytes into normalised text or
raise :class:`~translator.errors.InputError` naming the file. Writing: ``write_atomic``.
Rebuilding: ``rebuild`` normalises text and turns it into blocks (rules: ``translator.layout``).
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from . import config
from .errors import InputError, OutputError
from .layout import SOFT_BREAK, Block, blocks

__all__ = [
    "Block",
    "check_output",
    "control_characters",
    "decode_bytes",
    "join_soft_breaks",
    "normalise",
    "read_bytes",
    "read_file",
    "read_input",
    "read_source",
    "rebuild",
    "remove_stale_temps",
    "temp_target",
    "write_atomic",
]

log = logging.getLogger("translator")

# -- normalisation ---------------------------------------------------------------------------

#: Invisible characters that carry nothing for translation: zero-width space, word joiner,
#: BOM / zero-width no-break space, direction marks, Mongolian vowel separator.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u200e\u200f\u180e\u00ad"), None)
#: Space-like characters (no-break, thin, figure, ideographic ...) become a plain space.
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
#: Other control characters (not newline) become a space, so no words are glued together.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
#: A soft hyphen at a line end marks a hyphenated word: it becomes ``SOFT_BREAK``, which
#: ``translator.layout`` joins (the lines keep their lengths for its width rules) and
#: ``join_soft_breaks`` removes with the line break after it.
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*(?=\n)")
_SOFT_BREAK_JOIN = re.compile(SOFT_BREAK + r"\s*")


def normalise(text: str) -> str:
    """Normalise decoded text; idempotent.

    Line ends become ``\\n`` (a form feed, i.e. a page break, becomes three blank lines'
    worth), Unicode NFC, soft hyphens at a line end marked (``SOFT_BREAK``), other soft
    hyphens / zero-width characters / the BOM removed, no-break
    and other special spaces turned into plain spaces, control characters into spaces.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\f", "\n\n\n\n")
    text = text.replace("\v", "\n")
    text = _SOFT_HYPHEN_BREAK.sub(SOFT_BREAK, text)
    text = text.translate(_INVISIBLE)
    text = _SPACES.sub(" ", text)
    text = _CONTROLS.sub(" ", text)
    return unicodedata.normalize("NFC", text)


#: Control characters text should not hold (tab, line ends, form feed, NEL aside).
_STRAY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def control_characters(text: str) -> int:
    """How many control characters ``normalise`` will turn into spaces (a reader counts
    them in ``Document.losses``)."""
    return len(_STRAY_CONTROLS.findall(text))


def join_soft_breaks(text: str) -> str:
    """``normalise``d text with each word hyphenated at a line end by a soft hyphen whole
    again (for text that is not rebuilt by ``translator.layout``)."""
    return _SOFT_BREAK_JOIN.sub("", text)


def rebuild(text: str) -> list[Block]:
    """Rebuild the blocks (date, title, label, heading, paragraph) of an article from raw
    decoded text: normalised first, then PDF line-wrapping, page breaks and line-end
    hyphenation undone (rules in ``translator.layout``). No word is lost."""
    return blocks(normalise(text))


# -- decoding --------------------------------------------------------------------------------

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


# -- reading ---------------------------------------------------------------------------------


def read_input(source: str) -> tuple[str, str]:
    """Read ``source`` (a path, or ``"-"`` for stdin) -> (normalised text, display name)."""
    data, name = read_source(source)
    return _text_from(data, name), name


def read_source(source: str) -> tuple[bytes, str]:
    """The bytes of ``source`` (a path, or ``"-"`` for stdin) and its display name.
    InputError for what cannot be read, is empty or larger than ``config.MAX_INPUT_BYTES``."""
    if source == "-":
        name = "<stdin>"
        try:
            data = sys.stdin.buffer.read(config.MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from exc
        return _checked_bytes(data, name), name
    return read_bytes(Path(source)), source


def read_file(path: Path) -> str:
    """Read one input file -> normalised text. InputError for anything that is not a
    readable, non-empty text file of at most ``config.MAX_INPUT_BYTES``."""
    return _text_from(read_bytes(path), str(path))


def read_bytes(path: Path) -> bytes:
    """Read one input file's bytes (any format). InputError for anything that is not a
    readable, non-empty file of at most ``config.MAX_INPUT_BYTES``."""
    name = str(path)
    if not path.exists():
        raise InputError(f"{name}: no such file")
    if path.is_dir():
        raise InputError(f"{name}: is a directory, not a file")
    try:
        with path.open("rb") as fh:
            data = fh.read(config.MAX_INPUT_BYTES + 1)
    except PermissionError as exc:
        raise InputError(f"{name}: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    return _checked_bytes(data, name)


def _checked_bytes(data: bytes, name: str) -> bytes:
    limit = config.MAX_INPUT_BYTES
    if len(data) > limit:
        raise InputError(f"{name}: too large (more than {limit:,} bytes); is it really an article?")
    if not data.strip():
        raise InputError(f"{name}: is empty")
    return data


def _text_from(data: bytes, name: str) -> str:
    text = normalise(decode_bytes(_checked_bytes(data, name), name=name))
    if not text.strip():
        raise InputError(f"{name}: is empty")
    return text


# -- writing ---------------------------------------------------------------------------------


def write_atomic(
    path: Path | str, data: str | bytes, *, inputs: Iterable[Path | str] = ()
) -> None:
    """Write ``data`` (text as UTF-8, as given; or bytes) to ``path`` atomically: temp file in
    the same folder, fsync, ``os.replace``. Refuses (OutputError) to write over any of
    ``inputs``."""
    target = check_output(path, inputs=inputs)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = f"cannot create folder {parent} ({exc.strerror or exc})"
        raise OutputError(f"{target}: {reason}") from exc
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_TEMP_SUFFIX, dir=parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from exc
    try:
        payload = data if isinstance(data, bytes) else data.encode("utf-8")
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from exc
        raise


#: ``write_atomic``'s temp files: ``.<name>.<random>.tmp`` next to the target (hidden, so a
#: batch run never reads one as input; mkstemp's random part is letters, digits and ``_``).
_TEMP_SUFFIX = ".tmp"
_TEMP = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]+\.tmp$")


def temp_target(name: str) -> str | None:
    """The file name whose ``write_atomic`` temp file ``name`` is, or None if it is none."""
    match = _TEMP.match(name)
    return match["name"] if match else None


def remove_stale_temps(targets: Iterable[Path]) -> None:
    """Delete the temp files ``write_atomic`` left next to ``targets`` when its process was
    killed (SIGKILL gives no chance to clean up). Only temps of these targets are touched:
    the caller must know that no one is writing them now (batch holds OUT_DIR's lock)."""
    names: dict[Path, set[str]] = {}
    for path in targets:
        names.setdefault(path.parent, set()).add(path.name)
    for folder, wanted in names.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if temp_target(entry.name) in wanted and entry.is_file(follow_symlinks=False):
                log.info("removing %s, left by an interrupted run", entry.path)
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def check_output(path: Path | str, *, inputs: Iterable[Path | str] = ()) -> Path:
    """Raise OutputError if ``path`` is one of ``inputs`` or a folder; callers check this
    before doing any work, and ``write_atomic`` checks it again when it writes."""
    target = Path(path)
    for source in inputs:
        if _same_file(target, Path(source)):
            raise OutputError(f"{target}: refusing to overwrite the input file")
    if target.is_dir():
        raise OutputError(f"{target}: is a directory")
    return target


def check_folder_writable(folder: Path | str) -> None:
    """Raise OutputError unless a file can be created in ``folder`` (an existing folder):
    tried for real with a temporary file, so that permissions, read-only mounts and special
    file systems (``/sys``, ``/proc``) all count. Callers check before any work."""
    folder = Path(folder)
    try:
        fd, probe = tempfile.mkstemp(prefix=".translator-probe.", suffix=_TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write into {folder} ({exc.strerror or exc})") from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def _file_mode(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 & ~umask
    (mkstemp would leave it 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
