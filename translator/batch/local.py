"""Run the due files in this process: read ahead, translate in shared chunks, write behind.

Before the first chunk every due file is read and split once, so the sentence total is known
from the start (``SentencesQueued`` with all of them); what was read is kept for the run up to
``KEEP_BYTES`` of input, the rest is read again, by a reader thread, while the engine works.
Files are grouped into chunks of about ``chunk_sentences`` sentences, and each chunk goes
through ``Pipeline.run`` so the sentences of many short articles share engine batches. A writer
thread writes each output atomically as soon as its chunk is done (fsync releases the GIL,
so this overlaps the engine's work on the next chunk); the manifest is saved as writes
finish, so a run killed at any moment loses at most about two chunks of work. A bad input is
recorded as failed and the run goes on. The per-file steps are ``work.py``'s, shared with the
Ray runner.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..formats.base import Document
from ..pipeline import Job, Pipeline
from ..result import TranslationResult
from .events import SentencesDone, SentencesQueued
from .plan import Task
from .prefetch import Prefetch
from .records import FileRecord, Ledger
from .storage import Folder, LocalFolder
from .work import Item, read_item, translate_chunk, write_output

log = logging.getLogger("translator")

#: Files read and split ahead of the engine.
PREFETCH_FILES = 64
#: Input bytes whose documents the counting pass keeps for the run (the rest is read again).
KEEP_BYTES = 64 * 1024 * 1024


class LocalRunner:
    """Translate ``tasks`` with ``pipeline`` and write them under ``out_dir``; every file's
    record goes to ``ledger``. One instance per run."""

    def __init__(
        self,
        pipeline: Pipeline,
        ledger: Ledger,
        *,
        in_dir: Path,
        out_dir: Path,
        fmt: str | None,
        max_bytes: int,
        chunk_sentences: int,
        what_ran: Callable[[Pipeline], dict[str, Any] | None] | None = None,
        source: Folder | None = None,
        target: Folder | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.ledger = ledger
        self.fmt = fmt
        self.max_bytes = max_bytes
        self.chunk_sentences = max(1, chunk_sentences)
        #: Gives the loaded engine's signature once it has run (the manifest records that).
        self.what_ran = what_ran
        self.source = source if source is not None else LocalFolder(in_dir)
        # An output folder that leads back into IN_DIR (a symlink) is refused.
        self.target = target if target is not None else LocalFolder(out_dir, inputs=in_dir)
        # The sentence splitter keeps state per call; reader thread and a retry share it.
        self._prepare_lock = threading.Lock()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="translator-batch-writer")
        self._writes: deque[Future[FileRecord]] = deque()

    def run(self, tasks: list[Task]) -> None:
        """Count, then read ahead in one thread, translate here, write in another."""
        counted = self._count(tasks)
        self.ledger.emit(SentencesQueued(sum(item.counted for item in counted)))
        chunk: list[Item] = []
        size = 0
        with self._writer, Prefetch(self._read_again(counted), PREFETCH_FILES,
                                    name="translator-batch-reader") as items:  # fmt: skip
            try:
                for item in items:
                    if item.error is not None:
                        self.ledger.record(FileRecord.failed(item.task, item.error))
                        continue
                    if item.sentences > item.counted:  # the file grew since it was counted
                        self.ledger.emit(SentencesQueued(item.sentences - item.counted))
                    chunk.append(item)
                    size += item.sentences
                    if size >= self.chunk_sentences:
                        self._run_chunk(chunk)
                        chunk, size = [], 0
                if chunk:
                    self._run_chunk(chunk)
            finally:
                # Also after Ctrl-C: outputs already written are recorded, not redone.
                self._collect_writes(wait=True)

    # -- reading (in the reader thread) ----------------------------------------------------

    def _count(self, tasks: list[Task]) -> list[Item]:
        """Read and split every due file once, for the totals; keep the first ``KEEP_BYTES``
        of documents (and every failure) for the run."""
        items = []
        kept = 0
        for task in tasks:
            item = self._read(task)
            item.counted = item.sentences
            if item.job is not None:
                kept += item.size
                if kept > KEEP_BYTES:
                    item = item.forget()
            items.append(item)
        return items

    def _read_again(self, items: list[Item]) -> Iterator[Item]:
        for item in items:
            if item.job is None and item.error is None:
                fresh = self._read(item.task)
                fresh.counted = item.counted
                yield fresh
            else:
                yield item

    def _read(self, task: Task) -> Item:
        return read_item(task, self.source, self._prepare, max_bytes=self.max_bytes)

    def _prepare(self, document: Document, name: str) -> Job:
        with self._prepare_lock:
            return self.pipeline.prepare_document(document, name=name)

    # -- translating and writing -----------------------------------------------------------

    def _run_chunk(self, chunk: list[Item]) -> None:
        def progress(count: int) -> None:
            self.ledger.emit(SentencesDone(count))
            # The previous chunk's outputs are written while this one translates: count
            # each file as soon as it is on disk, not when this chunk ends.
            self._collect_writes(wait=False)

        translated = translate_chunk(self.pipeline, chunk, self._prepare, progress)
        ran = self.what_ran(self.pipeline) if self.what_ran is not None else None
        if ran is not None:
            self.ledger.ran(ran)
        for item, done in translated:
            if isinstance(done, FileRecord):
                self.ledger.record(done)
            else:
                self._writes.append(self._writer.submit(self._write, item, done))
        self._collect_writes(wait=False)

    def _write(self, item: Item, result: TranslationResult) -> FileRecord:
        """Render and write one output atomically (in the writer thread; touches no state)."""
        return write_output(item, result, self.target, self.fmt)

    def _collect_writes(self, *, wait: bool) -> None:
        """Record finished writes (in order) and save the manifest."""
        while self._writes and (wait or self._writes[0].done()):
            self.ledger.record(self._writes.popleft().result())
        self.ledger.save()
