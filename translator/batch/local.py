"""Run the due files in this process: read ahead, translate in shared chunks, write behind.

A reader thread reads and splits the due files a few ahead of the engine (each file's
sentences are announced, ``SentencesQueued``, chunk by chunk: no pass over all files first,
so memory and start-up do not grow with the number of files). Files are grouped into chunks
of about ``chunk_sentences`` sentences, and each chunk goes through ``Pipeline.run`` so the
sentences of many short articles share engine batches. Writer threads write each output
atomically as soon as its chunk is done (fsync releases the GIL, so this overlaps the
engine's work on the next chunk; several at once, so their fsyncs are committed together);
the manifest commits as writes finish, so a run killed at any moment loses at most about two
chunks of work. A bad input is recorded as failed and the run goes on. The per-file steps
are ``work.py``'s, shared with the Ray runner.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
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
#: Outputs written at once. Each is fsync'd before its rename; a file system commits
#: concurrent fsyncs together, so eight at once cost about what one does (measured here:
#: 6.6 ms per small file one at a time, 0.23 ms with eight threads).
WRITERS = 8
#: Translated files waiting to be written, at most (then the engine waits for the writers).
PENDING_WRITES = 256


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
        self._writer = ThreadPoolExecutor(WRITERS, thread_name_prefix="translator-batch-writer")
        self._writes: deque[Future[FileRecord]] = deque()

    def run(self, tasks: Iterable[Task]) -> None:
        """Read ahead in one thread, translate here, write in another."""
        chunk: list[Item] = []
        size = 0
        reads = (self._read(task) for task in tasks)
        with self._writer, Prefetch(reads, PREFETCH_FILES,
                                    name="translator-batch-reader") as items:  # fmt: skip
            try:
                for item in items:
                    if item.error is not None:
                        self.ledger.record(FileRecord.failed(item.task, item.error))
                        continue
                    chunk.append(item)
                    size += item.sentences
                    if size >= self.chunk_sentences:
                        self._run_chunk(chunk, size)
                        chunk, size = [], 0
                if chunk:
                    self._run_chunk(chunk, size)
            finally:
                # Also after Ctrl-C: outputs already written are recorded, not redone.
                self._collect_writes(wait=True)

    # -- reading (in the reader thread) ----------------------------------------------------

    def _read(self, task: Task) -> Item:
        return read_item(task, self.source, self._prepare, max_bytes=self.max_bytes)

    def _prepare(self, document: Document, name: str) -> Job:
        with self._prepare_lock:
            return self.pipeline.prepare_document(document, name=name)

    # -- translating and writing -----------------------------------------------------------

    def _run_chunk(self, chunk: list[Item], sentences: int) -> None:
        self.ledger.emit(SentencesQueued(sentences))  # announced as read: no counting pass

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
        # Behind the engine, not behind by more than PENDING_WRITES files (when writing is
        # the slower part, waiting results would pile up in memory).
        while len(self._writes) > PENDING_WRITES:
            self.ledger.record(self._writes.popleft().result())
        self._collect_writes(wait=False)

    def _write(self, item: Item, result: TranslationResult) -> FileRecord:
        """Render and write one output atomically (in the writer thread; touches no state)."""
        return write_output(item, result, self.target, self.fmt)

    def _collect_writes(self, *, wait: bool) -> None:
        """Record finished writes (in order) and save the manifest."""
        while self._writes and (wait or self._writes[0].done()):
            self.ledger.record(self._writes.popleft().result())
        self.ledger.save()
