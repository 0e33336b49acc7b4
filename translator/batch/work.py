"""The per-file work every runner shares: read and split, translate, render, write, record.

The local runner (``local.py``) spreads these steps over a reader thread, the engine and a
writer thread; the Ray runner (``ray_runner.py``) calls ``translate_files`` inside each
actor. Both call the same functions with the same pipeline setup, so for the same inputs and
settings they write the same bytes. Where inputs come from and outputs go is a ``Folder``
(``storage.py``): a local or shared path, or an object-store prefix.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..errors import InputError, OutputError, TranslatorError
from ..formats.base import Document
from ..pipeline import Job, MemoryChoice, Pipeline, Progress
from ..result import TranslationResult
from .plan import Task
from .records import FileRecord
from .storage import Folder

log = logging.getLogger("translator")


@dataclass
class Item:
    """One due input on its way: read and split (``job``), or failed (``error``)."""

    task: Task
    job: Job | None = None
    document: Document | None = None
    error: str | None = None
    size: int = 0  # input bytes (as read)

    @property
    def sentences(self) -> int:
        return self.job.sentences if self.job is not None else 0


Prepare = Callable[[Document, str], Job]  # (document, name) -> Job


def read_item(task: Task, source: Folder, prepare: Prepare, *, max_bytes: int) -> Item:
    """Read one input (any format) and split it into the pipeline's units; a bad input
    becomes an error."""
    f = task.file
    try:
        document = source.read_document(f, max_bytes=max_bytes)
        job = prepare(document, printable(f.rel))
    except InputError as exc:
        # The summary names the file already; keep the reason only (the reader names the file
        # by its path, the pipeline by its printable name).
        reason = str(exc).removeprefix(f"{f.path}: ").removeprefix(f"{printable(f.rel)}: ")
        return Item(task, error=reason)
    except OSError as exc:
        return Item(task, error=f"cannot be read: {exc.strerror or exc}")
    except Exception as exc:  # a bug of ours on this one input: report it, go on
        log.debug("preparing %s failed", f.rel, exc_info=True)
        return Item(task, error=f"internal error: {type(exc).__name__}: {exc}")
    size = len(document.original or b"") or sum(len(b.text) for b in document.blocks)
    return Item(task, job=job, document=document, size=size)


Translated = tuple[Item, TranslationResult | FileRecord]


def translate_chunk(
    pipeline: Pipeline,
    chunk: list[Item],
    prepare: Prepare,
    progress: Progress | None = None,
    *,
    memory: MemoryChoice = ...,
) -> list[Translated]:
    """Translate the prepared items of ``chunk`` together (they share engine batches).

    Each item comes back with its result, or with a failed record when translating it trips a
    bug: the chunk is then retried one file at a time, so only the culprit fails. Model or
    memory trouble (a TranslatorError) is raised: every file would fail the same way.
    ``memory``: the translation memory of this call (``Pipeline.run``; default the
    pipeline's own).
    """
    reported = 0

    def counted(count: int) -> None:
        nonlocal reported
        reported += count
        if progress is not None:
            progress(count)

    try:
        jobs = [item.job for item in chunk if item.job]
        results = pipeline.run(jobs, progress=counted, memory=memory)
    except TranslatorError:
        raise
    except Exception as exc:
        if len(chunk) == 1:
            log.debug("translating %s failed", chunk[0].task.file.rel, exc_info=True)
            error = f"internal error: {type(exc).__name__}: {exc}"
            return [(chunk[0], FileRecord.failed(chunk[0].task, error))]
        # Find the one input that trips a bug instead of failing its neighbours.
        log.warning("a chunk of %d files failed (%s); retrying them one by one", len(chunk), exc)
        done: list[Translated] = []
        for item in chunk:
            assert item.document is not None  # every job comes from a read document
            item.job = prepare(item.document, printable(item.task.file.rel))  # the run changed it
            done += translate_chunk(pipeline, [item], prepare, progress, memory=memory)
        return done
    # Progress counts distinct sentences; make the total come out right.
    rest = sum(item.sentences for item in chunk) - reported
    if rest > 0 and progress is not None:
        progress(rest)
    return list(zip(chunk, results, strict=True))


def write_output(
    item: Item, result: TranslationResult, target: Folder, fmt: str | None
) -> FileRecord:
    """Render one result (``fmt``, or the input's own format) and write it atomically under
    ``target``; its record."""
    from ..formats import output_format_for, write

    task = item.task
    f = task.file
    try:
        data = write(result, item.document, output_format_for(f.rel, fmt))
        written = target.write(f.out_rel, data, source=f)
    except OutputError as exc:
        return FileRecord.failed(task, f"cannot write the output: {exc}")
    except InputError as exc:  # e.g. DOCX output asked for a file that is not DOCX
        return FileRecord.failed(task, str(exc).removeprefix(f"{f.rel}: "))
    except OSError as exc:
        return FileRecord.failed(task, f"cannot write the output: {exc.strerror or exc}")
    except Exception as exc:  # a bug of ours on this one result: report it, go on
        log.debug("writing %s failed", f.out_rel, exc_info=True)
        return FileRecord.failed(task, f"internal error: {type(exc).__name__}: {exc}")
    return FileRecord.written(
        task,
        written,
        sentences=len(result.sentences),
        terms_missed=len(result.missed_terms),
        flags=sum(1 for fl in result.flags if fl.severity != "info"),
        losses=dict(result.metadata.get("losses") or {}),
    )


def translate_files(
    pipeline: Pipeline,
    tasks: Iterable[Task],
    source: Folder,
    target: Folder,
    *,
    fmt: str | None,
    max_bytes: int,
    memory: MemoryChoice = ...,
) -> list[FileRecord]:
    """Read, translate (as one chunk), render and write ``tasks``: one record per task.

    What the local runner does with threads around it, in one call (a Ray actor's work).
    ``memory``: the translation memory of this call (default the pipeline's own).
    """

    def prepare(document: Document, name: str) -> Job:
        return pipeline.prepare_document(document, name=name)

    records: list[FileRecord] = []
    chunk: list[Item] = []
    for task in tasks:
        item = read_item(task, source, prepare, max_bytes=max_bytes)
        if item.error is not None:
            records.append(FileRecord.failed(task, item.error))
        else:
            chunk.append(item)
    if chunk:
        for item, done in translate_chunk(pipeline, chunk, prepare, memory=memory):
            if isinstance(done, FileRecord):
                records.append(done)
            else:
                records.append(write_output(item, done, target, fmt))
    return records


def printable(rel: str) -> str:
    """A file name that is not valid UTF-8 (os.fsdecode's lone surrogates), made writable."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
