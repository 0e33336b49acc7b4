"""Batch conversion of article folders: incremental, resumable, nothing lost.

    >>> from translator.batch import translate_folder
    >>> summary = translate_folder("articles/", "english/", fmt="json")
    >>> summary.ok, len(summary.translated), [(f.source, f.reason) for f in summary.failed]

``translate_folder`` (or ``BatchRunner(...).run()``) mirrors IN_DIR's tree into OUT_DIR, keeps
a manifest there so a re-run translates only what changed, and reports progress as events
(``on_event``) that the CLI draws as Rich progress bars. No typer or rich in here.
"""

from __future__ import annotations

from .discovery import DEFAULT_PATTERNS, Discovery, SourceFile, discover
from .events import (
    BatchInterrupted,
    BatchSummary,
    Event,
    FileDone,
    FileOutcome,
    Planned,
    SentencesDone,
    SentencesQueued,
    Working,
)
from .lazy import LazyEngine
from .local import LocalRunner
from .manifest import MANIFEST_NAME, Manifest
from .plan import Plan, Task, make_plan
from .ray_runner import RaySettings
from .records import FileRecord, Ledger
from .runner import DEFAULT_CHUNK_SENTENCES, BatchRunner, translate_folder

__all__ = [
    "DEFAULT_CHUNK_SENTENCES",
    "DEFAULT_PATTERNS",
    "MANIFEST_NAME",
    "BatchInterrupted",
    "BatchRunner",
    "BatchSummary",
    "Discovery",
    "Event",
    "FileDone",
    "FileOutcome",
    "FileRecord",
    "LazyEngine",
    "Ledger",
    "LocalRunner",
    "Manifest",
    "Plan",
    "Planned",
    "RaySettings",
    "SentencesDone",
    "SentencesQueued",
    "SourceFile",
    "Task",
    "Working",
    "discover",
    "make_plan",
    "translate_folder",
]
