"""Translate a folder of articles into a mirrored output folder, incrementally and resumably.

How a run goes:

1. discover the inputs and map each to its output path (``discovery``);
2. hash every input and compare with the manifest: an output that exists, is what we wrote,
   and came from the same source bytes with the same signature is left alone (``manifest``);
3. only if something is left to do is the engine loaded (lazily, at the first sentence);
4. a reader thread reads and splits the next files while the engine works; files are grouped
   into chunks of about ``chunk_sentences`` sentences, and each chunk goes through
   ``Pipeline.run`` so the sentences of many short articles share engine batches;
5. a writer thread writes each output atomically as soon as its chunk is done (while the
   engine works on the next chunk); the manifest is saved as writes finish, so a run killed at
   any moment loses at most about two chunks of work and leaves no partial file. A bad input
   is recorded as failed and the run goes on.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import re
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from .. import config
from ..engine import Engine, engine_signature
from ..errors import InputError, OutputError, TranslatorError
from ..factory import build_pipeline, engine_for
from ..options import Options
from ..pipeline import Job, Pipeline
from ..result import TranslationResult
from .discovery import DEFAULT_PATTERNS, SourceFile, discover
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
from .manifest import MANIFEST_NAME, Entry, Manifest, locked, sha256_file, signature_key
from .signature import batch_signature

log = logging.getLogger("translator")

#: Sentences per chunk: large enough to fill the engine's batches with many short articles,
#: small enough that a kill loses little work and outputs appear steadily.
DEFAULT_CHUNK_SENTENCES = 256
#: Files read and split ahead of the engine.
PREFETCH_FILES = 64


class LazyEngine:
    """Stands in for the engine and loads it at first use, so a run that finds nothing to
    translate never imports torch or reads the weights."""

    def __init__(self, load: Callable[[], Engine]) -> None:
        self._load = load
        self._engine: Engine | None = None

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def _get(self) -> Engine:
        if self._engine is None:
            log.info("loading the translation engine")
            self._engine = self._load()
        return self._engine

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return self._get().translate_batch(sentences)

    @property
    def signature(self) -> dict[str, Any]:
        return engine_signature(self._get())

    def __getattr__(self, name: str) -> Any:  # retranslate() and whatever else engines offer
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._get(), name)


@dataclass
class _Item:
    """One input on its way: read and split (``job``), or failed (``error``)."""

    file: SourceFile
    digest: str | None
    job: Job | None = None
    text: str = ""
    error: str | None = None

    @property
    def sentences(self) -> int:
        return sum(len(u) for u in self.job.units) if self.job is not None else 0


@dataclass
class _Written:
    """What the writer thread did with one result."""

    item: _Item
    outcome: FileOutcome | None = None
    output_sha256: str | None = None
    error: str | None = None


class BatchRunner:
    """Translate every matching file under ``in_dir`` into ``out_dir``.

    ``options`` configure model, glossary, cache and QA as for `translate`; ``engine`` (any
    object with ``translate_batch``) replaces the model. ``on_event`` receives progress events
    (see ``translator.batch.events``). ``run()`` returns a BatchSummary; Ctrl-C raises
    BatchInterrupted carrying the summary so far.
    """

    def __init__(
        self,
        in_dir: Path | str,
        out_dir: Path | str,
        *,
        options: Options | None = None,
        engine: Engine | None = None,
        fmt: str = "text",
        patterns: Sequence[str] = DEFAULT_PATTERNS,
        exclude: Sequence[str] = (),
        force: bool = False,
        max_bytes: int | None = None,
        chunk_sentences: int = DEFAULT_CHUNK_SENTENCES,
        on_event: Callable[[Event], None] | None = None,
    ) -> None:
        from ..options import check_format
        from ..render import EXTENSIONS

        fmt = check_format(fmt)
        self.in_dir = Path(in_dir)
        self.out_dir = Path(out_dir)
        self.options = (options if options is not None else Options()).resolved()
        self.engine = engine
        self.fmt = fmt
        self.extension = EXTENSIONS[fmt]
        self.patterns = tuple(patterns) or DEFAULT_PATTERNS
        self.exclude = tuple(exclude)
        self.force = force
        self.max_bytes = config.MAX_INPUT_BYTES if max_bytes is None else max_bytes
        self.chunk_sentences = max(1, chunk_sentences)
        self.on_event = on_event
        # The sentence splitter keeps state per call; reader thread and a retry share it.
        self._prepare_lock = threading.Lock()

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> BatchSummary:
        started = time.perf_counter()
        found = discover(
            self.in_dir,
            self.out_dir,
            patterns=self.patterns,
            exclude=self.exclude,
            extension=self.extension,
        )
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.out_dir}: cannot create the folder ({exc.strerror})") from exc
        self._real_in, self._real_out = self.in_dir.resolve(), self.out_dir.resolve()

        with locked(self.out_dir):
            pipeline = self._pipeline()
            signature = batch_signature(
                pipeline, self.fmt, options=self.options, engine=self.engine
            )
            self._sig, self._sig_key = signature, signature_key(signature)
            self._manifest = Manifest.load(self.out_dir)
            summary = BatchSummary(
                in_dir=str(self.in_dir),
                out_dir=str(self.out_dir),
                format=self.fmt,
                signature=signature,
            )
            self._outcomes: dict[str, FileOutcome] = {}
            for rel, reason in found.problems:
                self._outcomes[rel] = FileOutcome(rel, "", "failed", reason)
            try:
                _remove_stale_temps(self.out_dir, {f.out_rel for f in found.files})
                todo = self._plan(found.files)
                unchanged = len(found.files) - len(todo)
                self._emit(Planned(total=len(found.files), todo=len(todo), unchanged=unchanged))
                if todo:
                    self._process(todo, pipeline)
            except KeyboardInterrupt:
                summary.interrupted = True
            finally:
                if self._manifest.dirty:
                    self._save_manifest()
                summary.signature = self._sig  # what ran, once the engine has loaded
                summary.files = sorted(self._outcomes.values(), key=lambda f: f.source)
                summary.seconds = time.perf_counter() - started
        if summary.interrupted:
            raise BatchInterrupted(summary)
        return summary

    def _pipeline(self) -> Pipeline:
        options = self.options
        engine = self.engine if self.engine is not None else LazyEngine(lambda: engine_for(options))
        return build_pipeline(options, engine=engine)

    def _plan(self, files: list[SourceFile]) -> list[tuple[SourceFile, str | None]]:
        """Which files need work: new, changed, failed before, output missing or altered."""
        todo = []
        for f in files:
            digest = _source_digest(f.path)
            if not self.force and self._manifest.is_current(
                f.out_rel, f.rel, digest, self._sig_key
            ):
                entry = self._manifest.entries[f.out_rel]
                self._outcomes[f.rel] = FileOutcome(
                    f.rel,
                    f.out_rel,
                    "unchanged",
                    sentences=entry.sentences,
                    terms_missed=entry.terms_missed,
                )
            else:
                todo.append((f, digest))
                self._outcomes[f.rel] = FileOutcome(f.rel, f.out_rel, "pending")
        return todo

    def _process(self, todo: list[tuple[SourceFile, str | None]], pipeline: Pipeline) -> None:
        """Read ahead in one thread, translate here, write in another (fsync releases the GIL,
        so the outputs of one chunk are written while the engine works on the next)."""
        chunk: list[_Item] = []
        size = 0
        self._writes: deque[Future[_Written]] = deque()
        with (
            ThreadPoolExecutor(1, thread_name_prefix="translator-batch-writer") as self._writer,
            Prefetch(self._read_all(todo, pipeline), PREFETCH_FILES) as items,
        ):
            try:
                for item in items:
                    if item.error is not None:
                        self._failed(item, item.error)
                        continue
                    self._emit(SentencesQueued(item.sentences))
                    chunk.append(item)
                    size += item.sentences
                    if size >= self.chunk_sentences:
                        self._run_chunk(chunk, pipeline)
                        chunk, size = [], 0
                if chunk:
                    self._run_chunk(chunk, pipeline)
            finally:
                # Also after Ctrl-C: outputs already written are recorded, not redone.
                self._collect_writes(wait=True)

    # -- reading (in the reader thread) ----------------------------------------------------

    def _read_all(
        self, todo: list[tuple[SourceFile, str | None]], pipeline: Pipeline
    ) -> Iterator[_Item]:
        for f, digest in todo:
            yield self._read(f, digest, pipeline)

    def _read(self, f: SourceFile, digest: str | None, pipeline: Pipeline) -> _Item:
        from ..document import read_file

        try:
            st = os.stat(f.path)
            if not stat.S_ISREG(st.st_mode):
                raise InputError("not a regular file")
            if st.st_size > self.max_bytes:
                raise InputError(
                    f"too large ({st.st_size:,} bytes; the limit is {self.max_bytes:,})"
                )
            text = read_file(f.path)
            with self._prepare_lock:
                job = pipeline.prepare(text, name=_printable(f.rel))
        except InputError as exc:
            # The summary names the file already; keep the reason only.
            return _Item(f, digest, error=str(exc).removeprefix(f"{f.path}: "))
        except OSError as exc:
            return _Item(f, digest, error=f"cannot be read: {exc.strerror or exc}")
        except Exception as exc:  # a bug of ours on this one input: report it, go on
            log.debug("preparing %s failed", f.rel, exc_info=True)
            return _Item(f, digest, error=f"internal error: {type(exc).__name__}: {exc}")
        return _Item(f, digest, job=job, text=text)

    # -- translating and writing -----------------------------------------------------------

    def _run_chunk(self, chunk: list[_Item], pipeline: Pipeline) -> None:
        reported = 0

        def progress(count: int) -> None:
            nonlocal reported
            reported += count
            self._emit(SentencesDone(count))

        try:
            results = pipeline.run([item.job for item in chunk if item.job], progress=progress)
        except TranslatorError:
            raise  # model or cache trouble: every file would fail the same way
        except Exception as exc:
            if len(chunk) == 1:
                log.debug("translating %s failed", chunk[0].file.rel, exc_info=True)
                self._failed(chunk[0], f"internal error: {type(exc).__name__}: {exc}")
                return
            # Find the one input that trips a bug instead of failing its neighbours.
            log.warning(
                "a chunk of %d files failed (%s); retrying them one by one", len(chunk), exc
            )
            for item in chunk:
                with self._prepare_lock:  # the run changed the units: start afresh
                    item.job = pipeline.prepare(item.text, name=_printable(item.file.rel))
                self._run_chunk([item], pipeline)
            return
        self._record_what_ran(pipeline)
        # Progress counts distinct sentences; make the total come out right.
        rest = sum(item.sentences for item in chunk) - reported
        if rest > 0:
            self._emit(SentencesDone(rest))
        for item, result in zip(chunk, results, strict=True):
            self._writes.append(self._writer.submit(self._write, item, result))
        self._collect_writes(wait=False)

    def _record_what_ran(self, pipeline: Pipeline) -> None:
        """Once the engine has loaded, the manifest records its signature, not the prediction
        (after an ``auto`` fallback to transformers, entries say transformers)."""
        engine = pipeline.engine
        if self.engine is None and isinstance(engine, LazyEngine) and engine.loaded:
            signature = batch_signature(
                pipeline, self.fmt, options=self.options, engine=None, loaded=True
            )
            if signature != self._sig:
                self._sig, self._sig_key = signature, signature_key(signature)

    def _write(self, item: _Item, result: TranslationResult) -> _Written:
        """Render and write one output atomically (in the writer thread; touches no state)."""
        from ..document import write_atomic
        from ..render import render

        f = item.file
        path = self.out_dir / f.out_rel
        try:
            data = render(result, self.fmt)
            path.parent.mkdir(parents=True, exist_ok=True)
            parent = path.parent.resolve()
            if parent.is_relative_to(self._real_in) and not parent.is_relative_to(self._real_out):
                raise OutputError(f"{path.parent} leads into the input folder (a symlink?)")
            write_atomic(path, data, inputs=[f.path])
            written = sha256_file(path)
        except OutputError as exc:
            return _Written(item, error=f"cannot write the output: {exc}")
        except OSError as exc:
            return _Written(item, error=f"cannot write the output: {exc.strerror or exc}")
        except Exception as exc:  # a bug of ours on this one result: report it, go on
            log.debug("writing %s failed", f.out_rel, exc_info=True)
            return _Written(item, error=f"internal error: {type(exc).__name__}: {exc}")
        outcome = FileOutcome(
            f.rel,
            f.out_rel,
            "translated",
            sentences=len(result.sentences),
            terms_missed=len(result.missed_terms),
            flags=sum(1 for fl in result.flags if fl.severity != "info"),
        )
        return _Written(item, outcome=outcome, output_sha256=written)

    def _collect_writes(self, *, wait: bool) -> None:
        """Record finished writes in the manifest (in order) and save it."""
        while self._writes and (wait or self._writes[0].done()):
            written = self._writes.popleft().result()
            if written.outcome is None:
                self._failed(written.item, written.error or "not written")
                continue
            f, outcome = written.item.file, written.outcome
            entry = Entry(
                source=f.rel,
                source_sha256=written.item.digest,
                signature=self._sig_key,
                status="ok",
                output_sha256=written.output_sha256,
                sentences=outcome.sentences,
                terms_missed=outcome.terms_missed,
            )
            self._manifest.record(f.out_rel, entry, self._sig)
            self._done(outcome)
        if self._manifest.dirty:
            self._save_manifest()

    def _failed(self, item: _Item, reason: str) -> None:
        f = item.file
        log.info("%s: %s", f.rel, reason)  # reported in the summary, not as it happens
        self._manifest.record(
            f.out_rel,
            Entry(
                source=f.rel,
                source_sha256=item.digest,
                signature=self._sig_key,
                status="failed",
                error=reason,
            ),
            self._sig,
        )
        self._done(FileOutcome(f.rel, f.out_rel, "failed", reason))

    def _done(self, outcome: FileOutcome) -> None:
        self._outcomes[outcome.source] = outcome
        self._emit(FileDone(outcome))

    def _save_manifest(self) -> None:
        try:
            self._manifest.save()
        except (OutputError, OSError) as exc:
            # The outputs are fine; only the next run's shortcut is lost. Say so, go on.
            log.warning("cannot write the manifest %s: %s", self._manifest.path, exc)

    def _emit(self, event: Event) -> None:
        if self.on_event is not None:
            self.on_event(event)


def translate_folder(
    in_dir: Path | str,
    out_dir: Path | str,
    *,
    options: Options | None = None,
    engine: Engine | None = None,
    fmt: str = "text",
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    exclude: Sequence[str] = (),
    force: bool = False,
    max_bytes: int | None = None,
    chunk_sentences: int = DEFAULT_CHUNK_SENTENCES,
    on_event: Callable[[Event], None] | None = None,
) -> BatchSummary:
    """Translate every ``patterns`` file under ``in_dir`` into the same tree under ``out_dir``.

    Incremental (only new or changed inputs are translated; nothing loads the model when
    nothing changed) and resumable (see ``BatchRunner``). Bad inputs are reported in the
    summary and skipped; ``summary.failed`` lists them with the reason.
    """
    return BatchRunner(
        in_dir,
        out_dir,
        options=options,
        engine=engine,
        fmt=fmt,
        patterns=patterns,
        exclude=exclude,
        force=force,
        max_bytes=max_bytes,
        chunk_sentences=chunk_sentences,
        on_event=on_event,
    ).run()


#: The temp files `document.write_atomic` creates next to a target: ``.<name>.<random>.tmp``.
_TEMP = re.compile(r"^\.(?P<name>.+)\.[A-Za-z0-9_]+\.tmp$")


def _remove_stale_temps(out_dir: Path, outputs: set[str]) -> None:
    """Delete temp files a killed run left behind (SIGKILL gives no chance to clean up).

    Only temps of our own outputs and manifest, and only while we hold OUT_DIR's lock, so
    nothing another process is writing is touched.
    """
    names: dict[Path, set[str]] = {}
    for rel in [*outputs, MANIFEST_NAME]:
        path = out_dir / rel
        names.setdefault(path.parent, set()).add(path.name)
    for folder, wanted in names.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            match = _TEMP.match(entry.name)
            if match and match["name"] in wanted and entry.is_file(follow_symlinks=False):
                log.info("removing %s, left by an interrupted run", entry.path)
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _printable(rel: str) -> str:
    """A file name that is not valid UTF-8 (os.fsdecode's lone surrogates), made writable."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _source_digest(path: Path) -> str | None:
    """SHA-256 of a regular file's bytes; None for anything else (never open a FIFO)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
    except OSError:
        return None
    return sha256_file(path)


T = TypeVar("T")
_END = object()


class _Raised:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class Prefetch(Generic[T]):
    """Run an iterator in a background thread, ``depth`` items ahead of the consumer.

    Used as a context manager: leaving it (normally, on an error or on Ctrl-C) stops the
    thread at its next item. An exception in the producer is re-raised in the consumer.
    """

    def __init__(self, source: Iterator[T], depth: int) -> None:
        self._source = source
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._work, name="translator-batch-reader", daemon=True
        )

    def __enter__(self) -> Iterator[T]:
        self._thread.start()
        return self._items()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _put(self, value: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _work(self) -> None:
        try:
            for item in self._source:
                if not self._put(item):
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._put(_Raised(exc))
            return
        self._put(_END)

    def _items(self) -> Iterator[T]:
        while True:
            value = self._queue.get()
            if value is _END:
                return
            if isinstance(value, _Raised):
                raise value.exc
            yield value
