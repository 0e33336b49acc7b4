"""What is due: the inputs whose outputs are missing, stale, altered or failed before.

A runner (the local one in ``local.py``, or any other) is handed the due ``Task``s and says
what became of each in a ``records.FileRecord``; deciding what is due needs no model.
``Planner.check`` decides for one file at a time, so a run can plan while it discovers,
holding nothing per file; ``make_plan`` is the same over a whole ``Discovery``.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .discovery import Discovery, SourceFile
from .events import FileOutcome
from .manifest import AnyManifest, Stamp, sha256_file, stamp_of


@dataclass(frozen=True)
class Task:
    """One input that is due, with the SHA-256 of its bytes when it was planned (and their
    size and modification time then, when the file was old enough to trust them)."""

    file: SourceFile
    source_sha256: str | None
    stamp: Stamp | None = None


@dataclass
class Plan:
    """Every input found, split into what is due and what is unchanged."""

    due: list[Task] = field(default_factory=list)
    unchanged: list[FileOutcome] = field(default_factory=list)
    #: Inputs or folders that could not even be listed (discovery problems).
    problems: list[FileOutcome] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Inputs found (problems aside)."""
        return len(self.due) + len(self.unchanged)


class Planner:
    """Decides, one input at a time, whether it is due (see ``check``)."""

    def __init__(
        self,
        manifest: AnyManifest,
        signature_key: str,
        *,
        force: bool = False,
        digest_of: Callable[[SourceFile], str | None] | None = None,
    ) -> None:
        self.manifest = manifest
        self.signature_key = signature_key
        self.force = force
        self.digest_of = digest_of
        self.now_ns = time.time_ns()

    def check(self, f: SourceFile) -> Task | FileOutcome:
        """The file's task when it is due (new, changed, failed before, its output missing
        or altered; everything with ``force``), else its "unchanged" outcome. A local input
        is hashed only when its size or time differ from the manifest's; an output likewise.
        """
        entry = None if self.force else self.manifest.get(f.out_rel)
        if entry is not None and (
            entry.status != "ok" or entry.signature != self.signature_key or entry.source != f.rel
        ):
            entry = None
        stamp: Stamp | None = None
        if self.digest_of is not None:  # not a local file: no stamp, always the hash
            digest = self.digest_of(f)
        else:
            st = _regular_stat(f.path)
            if st is None:
                return Task(f, None)  # missing or not a file: its reading says why
            stamp = stamp_of(st, now_ns=self.now_ns)
            if entry is not None and entry.source_stamp == (st.st_size, st.st_mtime_ns):
                digest = entry.source_sha256
            else:
                digest = sha256_file(f.path)
        if (
            entry is None
            or digest is None
            or digest != entry.source_sha256
            or not self.manifest.output_current(f.out_rel, entry)
        ):
            return Task(f, digest, stamp)
        if stamp is not None and stamp != entry.source_stamp:
            self.manifest.restamp(f.out_rel, source=stamp)  # same bytes, new time: next time
        return FileOutcome(
            f.rel, f.out_rel, "unchanged", sentences=entry.sentences,
            terms_missed=entry.terms_missed,
        )  # fmt: skip


def make_plan(
    found: Discovery,
    manifest: AnyManifest,
    signature_key: str,
    *,
    force: bool = False,
    digest_of: Callable[[SourceFile], str | None] | None = None,
) -> Plan:
    """Which inputs need work: new, changed, failed before, output missing or altered (all of
    them with ``force``). An input is hashed here at most once (``digest_of``: how, for
    inputs that are not local files); its task carries the hash."""
    plan = Plan(problems=discovery_problems(found))
    planner = Planner(manifest, signature_key, force=force, digest_of=digest_of)
    for f in found.files:
        decided = planner.check(f)
        if isinstance(decided, Task):
            plan.due.append(decided)
        else:
            plan.unchanged.append(decided)
    return plan


def discovery_problems(found: Discovery) -> list[FileOutcome]:
    """The failed outcomes of what discovery could not look into."""
    return problem_outcomes(found.problems)


def problem_outcomes(problems: list[tuple[str, str]]) -> list[FileOutcome]:
    return [FileOutcome(rel, "", "failed", reason) for rel, reason in problems]


def _regular_stat(path: Path) -> os.stat_result | None:
    """A regular file's stat; None for anything else (never open a FIFO)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def source_digest(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes; None for anything else (never open a FIFO)."""
    return sha256_file(path) if _regular_stat(path) is not None else None
