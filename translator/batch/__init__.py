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
)
from .manifest import MANIFEST_NAME, Manifest
from .runner import DEFAULT_CHUNK_SENTENCES, BatchRunner, LazyEngine, translate_folder

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
    "LazyEngine",
    "Manifest",
    "Planned",
    "SentencesDone",
    "SentencesQueued",
    "SourceFile",
    "discover",
    "translate_folder",
]
