"""Find the articles under an input folder and decide where each one's output goes.

Discovery is recursive and deterministic (sorted). It never takes as input:
hidden files or folders (any path part starting with "."), anything inside the output
folder (when that lies inside the input folder), a folder holding a batch manifest (the
output of an earlier run), or anything an exclude pattern matches. What it leaves out other
than hidden files is counted, so the summary can say so.
Symbolic links to folders are followed, but each real folder is visited once, so a link
loop cannot make it hang or list a file twice.
"""

from __future__ import annotations

import fnmatch
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import InputError, OutputError
from .manifest import MANIFEST_NAME

DEFAULT_PATTERNS = ("*.txt", "*.md", "*.html", "*.htm", "*.docx", "*.pdf")


@dataclass(frozen=True)
class Discovery:
    """What discovery found: the input files, and folders it could not look into."""

    files: list[SourceFile]
    problems: list[tuple[str, str]]  # (relative path, reason)
    #: Files no pattern matched, by extension (lower case; "" for none).
    unmatched: dict[str, int] = field(default_factory=dict)
    #: Files and folders an exclude pattern left out.
    excluded: int = 0
    #: Folders (relative, ending in "/") holding a batch manifest: earlier runs' outputs.
    earlier_outputs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceFile:
    """One discovered input: its path, its path relative to IN_DIR, and its output's."""

    path: Path
    rel: str  # POSIX-style, relative to IN_DIR: the file's identity in the manifest
    out_rel: str  # POSIX-style, relative to OUT_DIR


def matches(rel: str, patterns: Iterable[str]) -> bool:
    """Whether a relative POSIX path matches any glob pattern (case-insensitive).

    A pattern without "/" is matched against the file name ("*.txt"); one with "/" against
    the end of the path ("2024/*.txt") or, with ``*`` spanning folders, the whole path.
    """
    path = PurePosixPath(rel.lower())
    for pattern in patterns:
        pat = pattern.lower().strip("/")
        candidates = [pat]
        while pat.startswith("**/"):  # "**/x" also matches x at the top, as shells' globstar
            pat = pat[3:]
            candidates.append(pat)
        if any(path.match(c) or fnmatch.fnmatchcase(str(path), c) for c in candidates):
            return True
    return False


def check_folders(in_dir: Path, out_dir: Path) -> tuple[Path, Path]:
    """Validate IN_DIR and OUT_DIR; return both resolved. Never lets outputs land in IN_DIR."""
    if not in_dir.exists():
        raise InputError(f"{in_dir}: no such folder")
    if not in_dir.is_dir():
        raise InputError(f"{in_dir}: not a folder")
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder")
    real_in = in_dir.resolve()
    real_out = out_dir.resolve()
    if real_out == real_in:
        raise OutputError(f"{out_dir}: the output folder must differ from the input folder")
    if real_in.is_relative_to(real_out):
        # Mirrored outputs could then land on (or next to) the input files.
        raise OutputError(f"{out_dir}: the output folder must not contain the input folder")
    return real_in, real_out


def discover(
    in_dir: Path,
    out_dir: Path,
    *,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    exclude: Sequence[str] = (),
    extension: str | Callable[[str], str] = ".txt",
) -> Discovery:
    """All input files under ``in_dir`` (sorted by relative path) with their output paths,
    and the sub-folders that could not be listed (reported, never silently dropped).
    ``extension`` is the outputs' extension, or a function of the input's relative path."""
    real_in, real_out = check_folders(in_dir, out_dir)
    if (real_in / MANIFEST_NAME).is_file():
        raise InputError(
            f"{in_dir}: the output of an earlier batch run (it holds {MANIFEST_NAME}), "
            "not German articles"
        )
    patterns = tuple(patterns) or DEFAULT_PATTERNS
    found: list[tuple[Path, str]] = []
    seen_dirs: set[tuple[int, int]] = set()
    problems: list[tuple[str, str]] = []
    unmatched: Counter[str] = Counter()
    excluded = 0
    earlier: list[str] = []

    def unlistable(exc: OSError) -> None:
        where = Path(exc.filename or real_in)
        rel = where.relative_to(real_in).as_posix() if where.is_relative_to(real_in) else str(where)
        problems.append((rel + "/", f"folder cannot be read: {exc.strerror or exc}"))

    for root, dirs, files in os.walk(real_in, followlinks=True, onerror=unlistable):
        root_path = Path(root)
        st = os.stat(root)
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:  # reached again through a symlink: a loop or a duplicate
            dirs[:] = []
            continue
        seen_dirs.add(key)
        rel_root = root_path.relative_to(real_in)
        kept = []
        for d in sorted(dirs):
            if d.startswith(".") or _inside(root_path / d, real_out):
                continue
            if exclude and matches((rel_root / d).as_posix(), exclude):
                excluded += 1
            elif (root_path / d / MANIFEST_NAME).is_file():
                earlier.append((rel_root / d).as_posix() + "/")
            else:
                kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith("."):
                continue
            rel = (rel_root / name).as_posix()
            if not matches(rel, patterns):
                unmatched[PurePosixPath(name).suffix.lower()] += 1
                continue
            if exclude and matches(rel, exclude):
                excluded += 1
                continue
            if _inside(root_path / name, real_out):
                continue  # a link into the output folder: our own output, not an input
            found.append((root_path / name, rel))
    return Discovery(
        files=_with_outputs(found, extension),
        problems=problems,
        unmatched=dict(unmatched.most_common()),
        excluded=excluded,
        earlier_outputs=earlier,
    )


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder)
    except (OSError, RuntimeError):  # unresolvable (e.g. a link loop): not ours either way
        return False


def output_rel(rel: str, extension: str) -> str:
    """``a/b.txt`` -> ``a/b.json`` (the input's suffix replaced by the format's)."""
    path = PurePosixPath(rel)
    return str(path.with_suffix(extension)) if path.suffix else str(path) + extension


def _with_outputs(
    found: list[tuple[Path, str]], extension: str | Callable[[str], str]
) -> list[SourceFile]:
    """Map each input to its output; inputs that would collide (``a.txt`` and ``a.md`` both
    to ``a.json``) keep their full name instead (``a.txt.json``), so nothing overwrites."""
    ext = {rel: extension(rel) if callable(extension) else extension for _, rel in found}
    plain = {rel: output_rel(rel, ext[rel]) for _, rel in found}
    counts = Counter(o.lower() for o in plain.values())  # case-insensitive file systems too
    files = []
    for path, rel in found:
        out = plain[rel]
        if counts[out.lower()] > 1:
            out = rel + ext[rel]
        files.append(SourceFile(path=path, rel=rel, out_rel=out))
    return sorted(files, key=lambda f: f.rel)
