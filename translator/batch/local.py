"""Run the due files in this process: read ahead, translate in shared chunks, write behind.

A reader thread reads and splits the next files while the engine works; files are grouped
into chunks of about ``chunk_sentences`` sentences, and each chunk goes through
``Pipeline.run`` so the sentences of many short articles share engine batches. A writer
thread writes each output atomically as soon as its chunk is done (fsync releases the GIL,
so this overlaps the engine's work on the next chunk); the manifest is saved as writes
finish, so a run killed at any moment loses at most about two chunks of work. A bad input is
recorded as failed and the run goes on.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

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


class LocalRunner:
    """Translate ``tasks`` with ``pipeline`` and write them under ``out_dir``; every file's
    record goes to ``ledger``. One instance per run. The per-file steps are ``work.py``'s,
    shared with the Ray runner."""

    def __init__(
        self,
        pipeline: Pipeline,
        ledger: Ledger,
        *,
        in_dir: Path,
        out_dir: Path,
        fmt: str,
        max_bytes: int,
        chunk_sentences: int,
        source: Folder | None = None,
        target: Folder | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.ledger = ledger
        self.fmt = fmt
        self.max_bytes = max_bytes
        self.chunk_sentences = max(1, chunk_sentences)
        self.source = source if source is not None else LocalFolder(in_dir)
        # An output folder that leads back into IN_DIR (a symlink) is refused.
        self.target = target if target is not None else LocalFolder(out_dir, inputs=in_dir)
        # The sentence splitter keeps state per call; reader thread and a retry share it.
        self._prepare_lock = threading.Lock()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="translator-batch-writer")
        self._writes: deque[Future[FileRecord]] = deque()

    def run(self, tasks: list[Task]) -> None:
        """Read ahead in one thread, translate here, write in another."""
        chunk: list[Item] = []
        size = 0
        with self._writer, Prefetch(self._read_all(tasks), PREFETCH_FILES,
                                    name="translator-batch-reader") as items:  # fmt: skip
            try:
                for item in items:
                    if item.error is not None:
                        self.ledger.record(FileRecord.failed(item.task, item.error))
                        continue
                    self.ledger.emit(SentencesQueued(item.sentences))
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

    def _read_all(self, tasks: list[Task]) -> Iterator[Item]:
        for task in tasks:
            yield read_item(task, self.source, self._prepare, max_bytes=self.max_bytes)

    def _prepare(self, text: str, name: str) -> Job:
        with self._prepare_lock:
            return self.pipeline.prepare(text, name=name)

    # -- translating and writing -----------------------------------------------------------

    def _run_chunk(self, chunk: list[Item]) -> None:
        def progress(count: int) -> None:
            self.ledger.emit(SentencesDone(count))

        for item, done in translate_chunk(self.pipeline, chunk, self._prepare, progress):
            if isinstance(done, FileRecord):
                self.ledger.record(done)
            else:
                self._writes.append(self._writer.submit(self._write, item.task, done))
        self._collect_writes(wait=False)

    def _write(self, task: Task, result: TranslationResult) -> FileRecord:
        """Render and write one output atomically (in the writer thread; touches no state)."""
        return write_output(task, result, self.target, self.fmt)

    def _collect_writes(self, *, wait: bool) -> None:
        """Record finished writes (in order) and save the manifest."""
        while self._writes and (wait or self._writes[0].done()):
            self.ledger.record(self._writes.popleft().result())
        self.ledger.save()
