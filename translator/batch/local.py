"""Run the due files in this process: read ahead, translate in shared chunks, write behind.

Before the first chunk every due file is read and split once, so the sentence total is known
from the start (``SentencesQueued`` with all of them); what was read is kept for the run up to
``KEEP_BYTES`` of input, the rest is read again, by a reader thread, while the engine works.
Files are grouped
into chunks of about ``chunk_sentences`` sentences, and each chunk goes through
``Pipeline.run`` so the sentences of many short articles share engine batches. A writer
thread writes each output atomically as soon as its chunk is done (fsync releases the GIL,
so this overlaps the engine's work on the next chunk); the manifest is saved as writes
finish, so a run killed at any moment loses at most about two chunks of work. A bad input is
recorded as failed and the run goes on.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError, TranslatorError
from ..formats.base import Document
from ..pipeline import Job, Pipeline
from ..result import TranslationResult
from .events import SentencesDone, SentencesQueued
from .manifest import sha256_file
from .plan import Task
from .prefetch import Prefetch
from .records import FileRecord, Ledger

log = logging.getLogger("translator")

#: Files read and split ahead of the engine.
PREFETCH_FILES = 64
#: Input bytes whose documents the counting pass keeps for the run (the rest is read again).
KEEP_BYTES = 64 * 1024 * 1024


@dataclass
class _Item:
    """One due input on its way: read and split (``job``), or failed (``error``)."""

    task: Task
    job: Job | None = None
    document: Document | None = None
    error: str | None = None
    size: int = 0  # input bytes
    counted: int = 0  # sentences when the counting pass read it

    @property
    def sentences(self) -> int:
        return sum(len(u) for u in self.job.units) if self.job is not None else 0

    def forget(self) -> _Item:
        """The item without its document (to be read again when its turn comes)."""
        return _Item(self.task, counted=self.counted)


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
    ) -> None:
        self.pipeline = pipeline
        self.ledger = ledger
        self.out_dir = out_dir
        self.fmt = fmt
        self.max_bytes = max_bytes
        self.chunk_sentences = max(1, chunk_sentences)
        #: Gives the loaded engine's signature once it has run (the manifest records that).
        self.what_ran = what_ran
        # An output folder that leads back into IN_DIR (a symlink) is refused.
        self._real_in, self._real_out = in_dir.resolve(), out_dir.resolve()
        # The sentence splitter keeps state per call; reader thread and a retry share it.
        self._prepare_lock = threading.Lock()
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="translator-batch-writer")
        self._writes: deque[Future[FileRecord]] = deque()

    def run(self, tasks: list[Task]) -> None:
        """Count, then read ahead in one thread, translate here, write in another."""
        counted = self._count(tasks)
        self.ledger.emit(SentencesQueued(sum(item.counted for item in counted)))
        chunk: list[_Item] = []
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

    def _count(self, tasks: list[Task]) -> list[_Item]:
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

    def _read_again(self, items: list[_Item]) -> Iterator[_Item]:
        for item in items:
            if item.job is None and item.error is None:
                fresh = self._read(item.task)
                fresh.counted = item.counted
                yield fresh
            else:
                yield item

    def _read(self, task: Task) -> _Item:
        from ..document import read_bytes
        from ..formats import read_document

        f = task.file
        try:
            st = os.stat(f.path)
            if not stat.S_ISREG(st.st_mode):
                raise InputError("not a regular file")
            if st.st_size > self.max_bytes:
                raise InputError(
                    f"too large ({st.st_size:,} bytes; the limit is {self.max_bytes:,})"
                )
            document = read_document(read_bytes(f.path), name=str(f.path))
            job = self._prepare(document, f.rel)
        except InputError as exc:
            # The summary names the file already; keep the reason only.
            return _Item(task, error=str(exc).removeprefix(f"{f.path}: "))
        except OSError as exc:
            return _Item(task, error=f"cannot be read: {exc.strerror or exc}")
        except Exception as exc:  # a bug of ours on this one input: report it, go on
            log.debug("preparing %s failed", f.rel, exc_info=True)
            return _Item(task, error=f"internal error: {type(exc).__name__}: {exc}")
        return _Item(task, job=job, document=document, size=st.st_size)

    def _prepare(self, document: Document, rel: str) -> Job:
        with self._prepare_lock:
            return self.pipeline.prepare_document(document, name=_printable(rel))

    # -- translating and writing -----------------------------------------------------------

    def _run_chunk(self, chunk: list[_Item]) -> None:
        reported = 0

        def progress(count: int) -> None:
            nonlocal reported
            reported += count
            self.ledger.emit(SentencesDone(count))
            # The previous chunk's outputs are written while this one translates: count
            # each file as soon as it is on disk, not when this chunk ends.
            self._collect_writes(wait=False)

        try:
            jobs = [item.job for item in chunk if item.job]
            results = self.pipeline.run(jobs, progress=progress)
        except TranslatorError:
            raise  # model or cache trouble: every file would fail the same way
        except Exception as exc:
            if len(chunk) == 1:
                log.debug("translating %s failed", chunk[0].task.file.rel, exc_info=True)
                error = f"internal error: {type(exc).__name__}: {exc}"
                self.ledger.record(FileRecord.failed(chunk[0].task, error))
                return
            # Find the one input that trips a bug instead of failing its neighbours.
            log.warning(
                "a chunk of %d files failed (%s); retrying them one by one", len(chunk), exc
            )
            for item in chunk:
                assert item.document is not None  # every job comes from a read document
                item.job = self._prepare(item.document, item.task.file.rel)  # the run changed it
                self._run_chunk([item])
            return
        ran = self.what_ran(self.pipeline) if self.what_ran is not None else None
        if ran is not None:
            self.ledger.ran(ran)
        # Progress counts distinct sentences; make the total come out right.
        rest = sum(item.sentences for item in chunk) - reported
        if rest > 0:
            self.ledger.emit(SentencesDone(rest))
        for item, result in zip(chunk, results, strict=True):
            self._writes.append(self._writer.submit(self._write, item, result))
        self._collect_writes(wait=False)

    def _write(self, item: _Item, result: TranslationResult) -> FileRecord:
        """Render and write one output atomically (in the writer thread; touches no state)."""
        from ..document import write_atomic
        from ..formats import output_format_for, write

        task = item.task
        f = task.file
        path = self.out_dir / f.out_rel
        try:
            data = write(result, item.document, output_format_for(f.rel, self.fmt))
            path.parent.mkdir(parents=True, exist_ok=True)
            parent = path.parent.resolve()
            if parent.is_relative_to(self._real_in) and not parent.is_relative_to(self._real_out):
                raise OutputError(f"{path.parent} leads into the input folder (a symlink?)")
            write_atomic(path, data, inputs=[f.path])
            written = sha256_file(path)
        except OutputError as exc:
            return FileRecord.failed(task, f"cannot write the output: {exc}")
        except InputError as exc:  # e.g. DOCX output asked for a file that is not DOCX
            return FileRecord.failed(task, str(exc).removeprefix(f"{f.rel}: "))
        except OSError as exc:
            return FileRecord.failed(task, f"cannot write the output: {exc.strerror or exc}")
        except Exception as exc:  # a bug of ours on this one result: report it, go on
            log.debug("writing %s failed", f.out_rel, exc_info=True)
            return FileRecord.failed(task, f"internal error: {type(exc).__name__}: {exc}")
        return FileRecord(
            f.rel,
            f.out_rel,
            task.source_sha256,
            "translated",
            output_sha256=written,
            sentences=len(result.sentences),
            terms_missed=len(result.missed_terms),
            flags=sum(1 for fl in result.flags if fl.severity != "info"),
        )

    def _collect_writes(self, *, wait: bool) -> None:
        """Record finished writes (in order) and save the manifest."""
        while self._writes and (wait or self._writes[0].done()):
            self.ledger.record(self._writes.popleft().result())
        self.ledger.save()


def _printable(rel: str) -> str:
    """A file name that is not valid UTF-8 (os.fsdecode's lone surrogates), made writable."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
