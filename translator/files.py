"""Files in and out, as bytes: reading an input (or stdin) within the size limit, and
writing outputs atomically, never over an input, and cleaning up after a killed writer.

Nothing here knows about text: decoding and normalising are ``translator.text``'s
(``translator.text.decode`` reads a text file through ``read_bytes`` / ``read_source``).
Errors are :class:`~translator.errors.InputError` / :class:`~translator.errors.OutputError`
naming the file.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from . import config
from .errors import InputError, OutputError

__all__ = [
    "check_folder_writable",
    "check_output",
    "read_bytes",
    "read_source",
    "remove_stale_temps",
    "temp_target",
    "write_atomic",
]

log = logging.getLogger("translator")

# -- reading ---------------------------------------------------------------------------------


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
