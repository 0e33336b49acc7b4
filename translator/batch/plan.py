"""What is due: the inputs whose outputs are missing, stale, altered or failed before.

A runner (the local one in ``local.py``, or any other) is handed the due ``Task``s and says
what became of each in a ``records.FileRecord``; deciding what is due needs no model.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .discovery import Discovery, SourceFile
from .events import FileOutcome
from .manifest import Manifest, sha256_file


@dataclass(frozen=True)
class Task:
    """One input that is due, with the SHA-256 of its bytes when it was planned."""

    file: SourceFile
    source_sha256: str | None


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


def make_plan(
    found: Discovery,
    manifest: Manifest,
    signature_key: str,
    *,
    force: bool = False,
    digest_of: Callable[[SourceFile], str | None] | None = None,
) -> Plan:
    """Which inputs need work: new, changed, failed before, output missing or altered (all of
    them with ``force``). An input is hashed once here (``digest_of``: how, for inputs that
    are not local files); its task carries the hash."""
    plan = Plan(problems=discovery_problems(found))
    for f in found.files:
        digest = digest_of(f) if digest_of is not None else source_digest(f.path)
        if not force and manifest.is_current(f.out_rel, f.rel, digest, signature_key):
            entry = manifest.entries[f.out_rel]
            plan.unchanged.append(
                FileOutcome(
                    f.rel,
                    f.out_rel,
                    "unchanged",
                    sentences=entry.sentences,
                    terms_missed=entry.terms_missed,
                )
            )
        else:
            plan.due.append(Task(f, digest))
    return plan


def discovery_problems(found: Discovery) -> list[FileOutcome]:
    """The failed outcomes of what discovery could not look into."""
    return [FileOutcome(rel, "", "failed", reason) for rel, reason in found.problems]


def source_digest(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes; None for anything else (never open a FIFO)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
    except OSError:
        return None
    return sha256_file(path)
