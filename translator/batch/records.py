"""What a runner reports per file, and where it goes.

Every runner says what became of each due input in a ``FileRecord`` (source and output hash,
status, error, counts); the ``Ledger`` turns records into manifest entries (saved as they
come in), the summary's outcomes and ``FileDone`` events. Records are plain data, so a runner
may produce them in another process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import OutputError
from .events import Event, FileDone, FileOutcome
from .manifest import AnyManifest, Entry, signature_key
from .plan import Task

log = logging.getLogger("translator")


@dataclass
class FileRecord:
    """What became of one due input: translated and written, or failed and why."""

    source: str  # relative to IN_DIR (POSIX)
    output: str  # relative to OUT_DIR (POSIX)
    source_sha256: str | None
    status: Literal["translated", "failed"]
    output_sha256: str | None = None
    error: str | None = None
    sentences: int = 0
    terms_missed: int = 0
    flags: int = 0  # QA warnings and errors an editor should look at
    losses: dict[str, int] = field(default_factory=dict)  # dropped or changed: kind -> count
    #: The source's size and modification time when it was hashed (``Task.stamp``).
    source_size: int | None = None
    source_mtime_ns: int | None = None

    @classmethod
    def failed(cls, task: Task, error: str) -> FileRecord:
        return cls(task.file.rel, task.file.out_rel, task.source_sha256, "failed", error=error)

    @classmethod
    def written(
        cls, task: Task, output_sha256: str | None, *, sentences: int, terms_missed: int,
        flags: int, losses: dict[str, int] | None = None,
    ) -> FileRecord:  # fmt: skip
        """A translated and written file's record."""
        size, mtime = task.stamp if task.stamp is not None else (None, None)
        return cls(task.file.rel, task.file.out_rel, task.source_sha256, "translated",
                   output_sha256=output_sha256, sentences=sentences, terms_missed=terms_missed,
                   flags=flags, losses=dict(losses or {}), source_size=size,
                   source_mtime_ns=mtime)  # fmt: skip

    def outcome(self) -> FileOutcome:
        """The summary's line of this file."""
        return FileOutcome(
            self.source,
            self.output,
            self.status,
            self.error,
            sentences=self.sentences,
            terms_missed=self.terms_missed,
            flags=self.flags,
            losses=dict(self.losses),
        )

    def entry(self, signature: str) -> Entry:
        """The manifest entry of this record, for a run of ``signature`` (its key)."""
        return Entry(
            source=self.source,
            source_sha256=self.source_sha256,
            signature=signature,
            status="ok" if self.status == "translated" else "failed",
            output_sha256=self.output_sha256,
            error=self.error,
            sentences=self.sentences,
            terms_missed=self.terms_missed,
            source_size=self.source_size,
            source_mtime_ns=self.source_mtime_ns,
        )


class Ledger:
    """One run's bookkeeping: the manifest, every file's outcome, and the events."""

    def __init__(
        self,
        manifest: AnyManifest,
        signature: dict[str, Any],
        on_event: Callable[[Event], None] | None = None,
    ) -> None:
        self.manifest = manifest
        self.signature = signature
        self.signature_key = signature_key(signature)
        self.on_event = on_event
        #: Outcome by source path: unchanged, pending, then translated or failed.
        self.outcomes: dict[str, FileOutcome] = {}

    def ran(self, signature: dict[str, Any]) -> None:
        """What actually ran (the loaded engine's signature): recorded from now on."""
        if signature != self.signature:
            self.signature, self.signature_key = signature, signature_key(signature)

    def note(self, outcomes: list[FileOutcome]) -> None:
        """Outcomes known before any work (unchanged, pending, discovery problems)."""
        for outcome in outcomes:
            self.outcomes[outcome.source] = outcome

    def record(self, rec: FileRecord) -> None:
        """A file is done: into the manifest (saved by ``save``), the outcomes, an event."""
        if rec.status == "failed":
            log.info("%s: %s", rec.source, rec.error)  # reported in the summary, not now
        self.manifest.record(rec.output, rec.entry(self.signature_key), self.signature)
        outcome = rec.outcome()
        self.outcomes[outcome.source] = outcome
        self.emit(FileDone(outcome))

    def save(self) -> None:
        """Write the manifest if anything was recorded since the last save."""
        if not self.manifest.dirty:
            return
        try:
            self.manifest.save()
        except (OutputError, OSError) as exc:
            # The outputs are fine; only the next run's shortcut is lost. Say so, go on.
            log.warning("cannot write the manifest %s: %s", self.manifest.path, exc)

    def close(self) -> None:
        """Save, and let go of the manifest (the run is over)."""
        try:
            self.manifest.close()
        except (OutputError, OSError) as exc:
            log.warning("cannot write the manifest %s: %s", self.manifest.path, exc)

    def emit(self, event: Event) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def files(self) -> list[FileOutcome]:
        """Every outcome, by source path."""
        return sorted(self.outcomes.values(), key=lambda f: f.source)
