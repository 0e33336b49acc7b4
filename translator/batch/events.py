"""What a batch run reports while it works, and what it returns.

The runner calls ``on_event(event)`` from the thread that called ``run()``; the CLI turns
the events into Rich progress bars, a library user into whatever they like.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

FileStatus = Literal["translated", "unchanged", "failed", "pending"]


@dataclass(slots=True)
class FileOutcome:
    """What became of one input file."""

    source: str  # relative to IN_DIR (POSIX); a folder that could not be listed ends in "/"
    output: str  # relative to OUT_DIR (POSIX); "" when there is none
    status: FileStatus
    reason: str | None = None  # why it failed
    sentences: int = 0
    terms_missed: int = 0
    flags: int = 0  # QA warnings and errors an editor should look at
    #: What reading or writing dropped or changed (``translator.formats.Document.losses``).
    losses: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Planned:
    """Discovery and change detection are done: ``todo`` files will be processed."""

    total: int
    todo: int
    unchanged: int


@dataclass(frozen=True)
class SentencesQueued:
    """``count`` more sentences are to be translated. The local runner sends the total of the
    due files once, before the first is translated (and more only if a file grew since)."""

    count: int


@dataclass(frozen=True)
class SentencesDone:
    """``count`` more sentences were translated (or found in the translation memory)."""

    count: int


@dataclass(frozen=True)
class FileDone:
    """One of the ``todo`` files is finished: translated and written, or failed."""

    outcome: FileOutcome


@dataclass(frozen=True)
class Working:
    """A step that is not translation has started (``what``: "loading the model",
    "converting the model"), or ended (``what`` empty)."""

    what: str


Event = Planned | SentencesQueued | SentencesDone | FileDone | Working


@dataclass
class BatchSummary:
    """The result of a batch run (also written as JSON with ``--summary-json``)."""

    in_dir: str
    out_dir: str
    format: str
    signature: dict[str, Any]
    files: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    #: The patterns files were taken by, and what discovery left out: files no pattern
    #: matched (by extension), files or folders an exclude pattern matched, and folders
    #: holding an earlier run's output (never read as input).
    patterns: list[str] = field(default_factory=list)
    unmatched: dict[str, int] = field(default_factory=dict)
    excluded: int = 0
    earlier_outputs: list[str] = field(default_factory=list)

    def _with(self, status: FileStatus) -> list[FileOutcome]:
        return [f for f in self.files if f.status == status]

    @property
    def translated(self) -> list[FileOutcome]:
        return self._with("translated")

    @property
    def unchanged(self) -> list[FileOutcome]:
        return self._with("unchanged")

    @property
    def failed(self) -> list[FileOutcome]:
        return self._with("failed")

    @property
    def pending(self) -> list[FileOutcome]:
        """Files not reached because the run was interrupted."""
        return self._with("pending")

    @property
    def sentences(self) -> int:
        return sum(f.sentences for f in self.translated)

    @property
    def terms_missed(self) -> int:
        return sum(f.terms_missed for f in self.translated)

    @property
    def flags(self) -> int:
        """QA warnings and errors in the translated files (sentences an editor should see)."""
        return sum(f.flags for f in self.translated)

    @property
    def losses(self) -> dict[str, int]:
        """What reading or writing dropped or changed in the translated files: kind -> count."""
        total: dict[str, int] = {}
        for f in self.translated:
            for kind, count in f.losses.items():
                total[kind] = total.get(kind, 0) + count
        return total

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": 1,
            "in_dir": self.in_dir,
            "out_dir": self.out_dir,
            "format": self.format,
            "signature": self.signature,
            "counts": {
                "files": len(self.files),
                "translated": len(self.translated),
                "unchanged": len(self.unchanged),
                "failed": len(self.failed),
                "pending": len(self.pending),
            },
            "sentences": self.sentences,
            "terms_missed": self.terms_missed,
            "flags": self.flags,
            "losses": self.losses,
            "patterns": self.patterns,
            "skipped": {
                "unmatched": self.unmatched,
                "excluded": self.excluded,
                "earlier_outputs": self.earlier_outputs,
            },
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "files": [asdict(f) for f in self.files],
        }

    def to_json(self) -> str:
        """``to_dict()`` as JSON text (file names that are not UTF-8 come out escaped)."""
        from .manifest import dumps

        return dumps(self.to_dict())


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM turned into it) stopped the run; ``summary`` says how far it got.

    A KeyboardInterrupt, so code that does not know about batches still sees an interrupt.
    Every finished output and the manifest are on disk; the next run continues from there.
    """

    def __init__(self, summary: BatchSummary) -> None:
        super().__init__("batch interrupted")
        self.summary = summary
