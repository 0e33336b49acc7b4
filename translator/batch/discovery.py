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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError, OutputError
from .manifest import MANIFEST_NAMES


class _FormatPatterns(Sequence[str]):
    """``*.txt``, ``*.md``, ``*.markdown``, ``*.html`` ...: every suffix of every format the
    registry reads (``translator.formats.registry.patterns``), asked each time it is used, so
    that a format registered later is discovered too."""

    def _now(self) -> tuple[str, ...]:
        from ..formats import registry

        return registry.patterns()

    def __getitem__(self, index: Any) -> Any:  # an index or a slice, as a tuple's
        return self._now()[index]

    def __len__(self) -> int:
        return len(self._now())

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __repr__(self) -> str:
        return f"DEFAULT_PATTERNS{self._now()!r}"


#: The patterns discovery takes when none are given: the input formats' suffixes.
DEFAULT_PATTERNS: Sequence[str] = _FormatPatterns()


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
    ``extension`` is the outputs' extension, or a function of the input's relative path.
    (``Scan`` gives the same files one at a time, without a list of them all.)"""
    scan = Scan(in_dir, out_dir, patterns=patterns, exclude=exclude, extension=extension)
    return scan.result(list(scan))


class Scan:
    """Discovery as a stream: iterating yields each input (``SourceFile``) in the order of
    its relative path, walking one folder at a time, so nothing per file is kept. What it
    leaves out is counted as it goes (``problems``, ``unmatched``, ``excluded``,
    ``earlier_outputs``), complete once the iteration has ended."""

    def __init__(
        self,
        in_dir: Path,
        out_dir: Path,
        *,
        patterns: Sequence[str] = DEFAULT_PATTERNS,
        exclude: Sequence[str] = (),
        extension: str | Callable[[str], str] = ".txt",
    ) -> None:
        self.real_in, self.real_out = check_folders(in_dir, out_dir)
        for name in MANIFEST_NAMES:
            if (self.real_in / name).is_file():
                raise InputError(
                    f"{in_dir}: the output of an earlier batch run (it holds {name}), "
                    "not German articles"
                )
        self.patterns = tuple(patterns) or tuple(DEFAULT_PATTERNS)
        self.exclude = tuple(exclude)
        self.extension = extension
        self.problems: list[tuple[str, str]] = []
        self.unmatched: Counter[str] = Counter()
        self.excluded = 0
        self.earlier_outputs: list[str] = []
        self._suffixes = _suffixes(self.patterns)
        #: Called with each folder's inputs before they are yielded (to clean up after them).
        self.on_folder: Callable[[list[SourceFile]], None] | None = None

    def result(self, files: list[SourceFile]) -> Discovery:
        """A ``Discovery`` of ``files`` and what this scan left out."""
        return Discovery(
            files=files,
            problems=self.problems,
            unmatched=dict(self.unmatched.most_common()),
            excluded=self.excluded,
            earlier_outputs=self.earlier_outputs,
        )

    def __iter__(self) -> Iterator[SourceFile]:
        return self._walk(self.real_in, "", set())

    def _taken(self, rel: str) -> bool:
        if self._suffixes is not None:  # only "*.ext" patterns: the common case, made cheap
            return rel.lower().endswith(self._suffixes)
        return matches(rel, self.patterns)

    def _walk(
        self, folder: Path, rel_root: str, seen: set[tuple[int, int]]
    ) -> Iterator[SourceFile]:
        try:
            st = os.stat(folder)
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            reason = f"folder cannot be read: {exc.strerror or exc}"
            self.problems.append((rel_root or "./", reason))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:  # reached again through a symlink: a loop or a duplicate
            return
        seen.add(key)
        # Sorted as whole relative paths sort: a folder's files come after "name/".
        kinds: list[tuple[str, os.DirEntry[str], bool]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            kinds.append((entry.name + "/" if is_dir else entry.name, entry, is_dir))
        kinds.sort(key=lambda k: k[0])
        # The folder's inputs first (their outputs collide only with each other's), then
        # files and sub-folders in order.
        found: list[tuple[Path, str]] = []
        for _, entry, is_dir in kinds:
            if is_dir:
                continue
            rel = rel_root + entry.name
            if not self._taken(rel):
                self.unmatched[PurePosixPath(entry.name).suffix.lower()] += 1
                continue
            if self.exclude and matches(rel, self.exclude):
                self.excluded += 1
                continue
            path = folder / entry.name
            if entry.is_symlink() and _inside(path, self.real_out):
                continue  # a link into the output folder: our own output, not an input
            found.append((path, rel))
        mapped = _with_outputs(found, self.extension) if found else []
        if mapped and self.on_folder is not None:
            self.on_folder(mapped)
        files = iter(mapped)
        upcoming = next(files, None)
        for _, entry, is_dir in kinds:
            rel = rel_root + entry.name
            if not is_dir:
                if upcoming is not None and upcoming.rel == rel:
                    yield upcoming
                    upcoming = next(files, None)
                continue
            path = folder / entry.name
            if _inside(path, self.real_out):
                continue
            if self.exclude and matches(rel, self.exclude):
                self.excluded += 1
            elif any((path / name).is_file() for name in MANIFEST_NAMES):
                self.earlier_outputs.append(rel + "/")
            else:
                yield from self._walk(path, rel + "/", seen)


def _suffixes(patterns: tuple[str, ...]) -> tuple[str, ...] | None:
    """The lower-case suffixes of patterns that are all ``*.ext`` (no other wildcard, no
    folder), for which ``matches`` is exactly "the path ends with it"; else None."""
    out = []
    for pattern in patterns:
        pat = pattern.lower().strip("/")
        rest = pat[1:]
        if not pat.startswith("*") or any(c in rest for c in "*?[/") or not rest:
            return None
        out.append(rest)
    return tuple(out)


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
