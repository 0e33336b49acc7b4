"""Output paths checked before any work: a bad one fails in a moment, not after the model has
loaded and the article is translated.

An output must not be an input or a folder; its folder must exist (unless ``--mkdir`` asks for
the missing ones to be created) and take a new file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import OutputError
from ..files import check_folder_writable, check_output

MKDIR_HINT = "add --mkdir to create it"


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or ".")


def check_output_folder(folder: Path, *, mkdir: bool, output: Path | None = None) -> None:
    """``folder`` (where ``output`` goes) exists and is writable, or (with ``mkdir``) can be
    created: its nearest existing ancestor is a writable folder."""
    folder = Path(folder).absolute()
    head = f"{output}: " if output is not None else ""
    existing = _nearest_existing(folder)
    if existing != folder and not mkdir:
        raise OutputError(f"{head}folder {folder} does not exist; {MKDIR_HINT}")
    if not existing.is_dir():
        raise OutputError(f"{head}{existing} is not a folder")
    try:
        check_folder_writable(existing)
    except OutputError as exc:
        raise OutputError(f"{head}{exc}") from exc


def check_output_file(path: Path, *, inputs: Iterable[Path] = (), mkdir: bool = False) -> None:
    """``-o FILE``: not an input, not a folder, in a folder that exists (or ``mkdir``) and
    takes a new file."""
    check_output(path, inputs=inputs)
    check_output_folder(Path(path).absolute().parent, mkdir=mkdir, output=path)


def check_batch_output(out_dir: Path, *, mkdir: bool) -> None:
    """``batch``'s OUT_DIR: created when missing (that is what it is for), but only inside a
    folder that exists, unless ``mkdir``; and writable."""
    out_dir = Path(out_dir).absolute()
    if out_dir.exists():
        if not out_dir.is_dir():
            raise OutputError(f"{out_dir}: exists and is not a folder")
        check_output_folder(out_dir, mkdir=mkdir)
        return
    check_output_folder(out_dir.parent, mkdir=mkdir, output=out_dir)
