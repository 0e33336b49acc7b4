"""Translate a folder of articles into a mirrored output folder, incrementally and resumably.

How a run goes:

1. discover the inputs and map each to its output path (``discovery``);
2. under OUT_DIR's lock, hash every input and compare with the manifest: an output that
   exists, is what we wrote, and came from the same source bytes with the same signature is
   left alone; the rest is due (``plan``);
3. only if something is due is the engine loaded (lazily, at the first sentence: ``lazy``);
4. a runner translates the due files and reports a record per file (``local.LocalRunner``:
   read ahead, shared chunks, write behind); the records go into the manifest, the summary
   and the events (``records.Ledger``).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import config
from ..engine import Engine
from ..engine.lazy import LazyEngine
from ..errors import OutputError
from ..factory import build_pipeline
from ..options import Options
from ..pipeline import Pipeline
from .discovery import DEFAULT_PATTERNS, Discovery, Scan, SourceFile
from .events import BatchInterrupted, BatchSummary, Event, FileOutcome, Planned, Working
from .local import LocalRunner
from .manifest import LEGACY_NAME, AnyManifest, Manifest, locked
from .plan import Planner, Task, problem_outcomes
from .ray_runner import RayRunner, RaySettings
from .records import Ledger
from .signature import batch_signature
from .storage import Folder, LocalFolder, RemoteFolder, RemoteManifest, is_url

#: Sentences per chunk: large enough to fill the engine's batches with many short articles,
#: small enough that a kill loses little work and outputs appear steadily.
DEFAULT_CHUNK_SENTENCES = 256


class BatchRunner:
    """Translate every matching file under ``in_dir`` into ``out_dir``.

    ``options`` configure model, glossary, cache and QA as for `translate`; ``engine`` (any
    object with ``translate_batch``) replaces the model. ``on_event`` receives progress events
    (see ``translator.batch.events``). ``run()`` returns a BatchSummary; Ctrl-C raises
    BatchInterrupted carrying the summary so far.

    ``ray`` runs the due files on a Ray cluster (``ray_runner``) instead of in this process.
    ``in_dir`` and ``out_dir`` may be object-store URLs (``s3://bucket/prefix``; fsspec
    ``storage_options`` for credentials and endpoint).
    """

    def __init__(
        self,
        in_dir: Path | str,
        out_dir: Path | str,
        *,
        options: Options | None = None,
        engine: Engine | None = None,
        fmt: str | None = None,
        patterns: Sequence[str] = DEFAULT_PATTERNS,
        exclude: Sequence[str] = (),
        force: bool = False,
        max_bytes: int | None = None,
        chunk_sentences: int = DEFAULT_CHUNK_SENTENCES,
        on_event: Callable[[Event], None] | None = None,
        ray: RaySettings | None = None,
        storage_options: dict[str, object] | None = None,
    ) -> None:
        from ..formats import check_format

        fmt = check_format(fmt)
        if ray is not None and engine is not None:
            raise ValueError("a Ray run builds an engine on each worker: pass ray.engine_factory")
        self.in_dir: Path | str = str(in_dir) if is_url(str(in_dir)) else Path(in_dir)
        self.out_dir: Path | str = str(out_dir) if is_url(str(out_dir)) else Path(out_dir)
        self.ray = ray
        self.storage_options = dict(storage_options or {})
        self.options = (options if options is not None else Options()).resolved()
        self.engine = engine
        self.fmt = fmt  # None: each input's own format (see formats.default_output)
        self.patterns = tuple(patterns) or tuple(DEFAULT_PATTERNS)
        self.exclude = tuple(exclude)
        self.force = force
        self.max_bytes = config.MAX_INPUT_BYTES if max_bytes is None else max_bytes
        self.chunk_sentences = max(1, chunk_sentences)
        self.on_event = on_event

    def run(self) -> BatchSummary:
        started = time.perf_counter()
        source, target = self._folders()
        # Discovery streams (``Scan``): files are planned as they are found, never all listed.
        found: Scan | Discovery
        if isinstance(source, RemoteFolder):
            found = source.discover(self.patterns, self.exclude, self._extension, str(self.out_dir))
        else:
            found = Scan(
                Path(self.in_dir),
                Path(self.out_dir),
                patterns=self.patterns,
                exclude=self.exclude,
                extension=self._extension,
            )
        manifest: AnyManifest | None = None
        if isinstance(target, RemoteFolder):
            # An object store has no folders to create and no lock: one run per OUT at a time.
            manifest = RemoteManifest.load_from(target)
            guard: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        else:
            out = Path(self.out_dir)
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"{out}: cannot create the folder ({exc.strerror})") from exc
            guard = locked(out)  # the manifest is opened under the lock

        with guard:
            pipeline = self._pipeline()
            signature = batch_signature(
                pipeline, self.fmt or "own", options=self.options, engine=self.engine
            )
            if manifest is None:
                manifest = Manifest.load(Path(self.out_dir))
            ledger = Ledger(manifest, signature, self.on_event)
            summary = BatchSummary(
                in_dir=str(self.in_dir),
                out_dir=str(self.out_dir),
                format=self.fmt or "own",
                signature=signature,
                patterns=list(self.patterns),
            )
            try:
                with _Spill() as due:
                    unchanged = self._plan(found, source, ledger, due)
                    summary.unmatched = dict(found.unmatched)
                    summary.excluded = found.excluded
                    summary.earlier_outputs = list(found.earlier_outputs)
                    ledger.note(problem_outcomes(found.problems))
                    ledger.save()  # stamps refreshed while planning
                    ledger.emit(Planned(total=due.count + unchanged, todo=due.count,
                                        unchanged=unchanged))  # fmt: skip
                    if due.count:
                        self._runner(pipeline, ledger, source, target)(due.tasks())
            except KeyboardInterrupt:
                summary.interrupted = True
            finally:
                if isinstance(pipeline.engine, LazyEngine):
                    pipeline.engine.settle()  # no loading thread outlives the run
                ledger.close()
                summary.signature = ledger.signature  # what ran, once the engine has loaded
                summary.files = ledger.files()
                summary.seconds = time.perf_counter() - started
        if summary.interrupted:
            raise BatchInterrupted(summary)
        return summary

    def _plan(self, found: Scan | Discovery, source: Folder, ledger: Ledger, due: _Spill) -> int:
        """Decide for each input found whether it is due (spilled to ``due``) or unchanged
        (noted); the number unchanged. One pass, as discovery goes."""
        from ..files import remove_stale_temps

        digest_of = None
        if isinstance(source, RemoteFolder):
            remote = source
            digest_of = lambda f: remote.sha256(f.rel)  # noqa: E731
        planner = Planner(ledger.manifest, ledger.signature_key, force=self.force,
                          digest_of=digest_of)  # fmt: skip
        files: Iterable[SourceFile]
        if isinstance(found, Scan):
            out_dir = Path(self.out_dir)
            # Ours to clean: we hold the lock, so no one else writes these now. Each folder's
            # outputs once, as discovery maps them.
            remove_stale_temps([out_dir / LEGACY_NAME])
            found.on_folder = lambda batch: remove_stale_temps(out_dir / f.out_rel for f in batch)
            files = found
        else:
            files = found.files
        unchanged = 0
        for f in files:
            decided = planner.check(f)
            if isinstance(decided, Task):
                due.add(decided)
                ledger.note([FileOutcome(f.rel, f.out_rel, "pending")])
            else:
                unchanged += 1
                ledger.note([decided])
        return unchanged

    def _extension(self, rel: str) -> str:
        from ..formats import extension_for

        return extension_for(rel, self.fmt)

    def _folders(self) -> tuple[Folder, Folder]:
        def folder(where: Path | str, inputs: Path | None) -> Folder:
            if isinstance(where, str):
                return RemoteFolder(where, self.storage_options, limits=self.options.limits)
            return LocalFolder(where, inputs=inputs, limits=self.options.limits)

        inputs = self.in_dir if isinstance(self.in_dir, Path) else None
        return folder(self.in_dir, None), folder(self.out_dir, inputs)

    def _runner(
        self, pipeline: Pipeline, ledger: Ledger, source: Folder, target: Folder
    ) -> Callable[[Iterable[Task]], None]:
        """The runner's ``run``: on Ray when asked, else in this process."""
        if self.ray is not None:
            ray_run = RayRunner(
                pipeline,
                ledger,
                options=self.options,
                settings=self.ray,
                source=source,
                target=target,
                fmt=self.fmt,
                max_bytes=self.max_bytes,
                chunk_sentences=self.chunk_sentences,
            ).run
            return lambda tasks: ray_run(list(tasks))
        return LocalRunner(
            pipeline,
            ledger,
            in_dir=Path(self.in_dir),
            out_dir=Path(self.out_dir),
            fmt=self.fmt,
            max_bytes=self.max_bytes,
            chunk_sentences=self.chunk_sentences,
            what_ran=self._what_ran,
            source=source,
            target=target,
        ).run

    def _pipeline(self) -> Pipeline:
        # Without an engine of the caller's, the model loads at the first sentence the memory
        # does not hold (none at all when nothing is due, or every chunk is in the memory).
        return build_pipeline(
            self.options, engine=self.engine, on_step=lambda what: self._emit(Working(what))
        )

    def _emit(self, event: Event) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def _what_ran(self, pipeline: Pipeline) -> dict[str, Any] | None:
        """Once the engine has loaded, its own signature, not the prediction (after an
        ``auto`` fallback to transformers, the manifest says transformers)."""
        engine = pipeline.engine
        if self.engine is None and isinstance(engine, LazyEngine) and engine.loaded:
            return batch_signature(
                pipeline, self.fmt or "own", options=self.options, engine=None, loaded=True
            )
        return None


class _Spill:
    """The due tasks, one JSON line each in a temporary file: planning finds them before
    any work starts (so the totals are known), without holding them all in memory."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8", prefix="translator-due-")
        self.count = 0

    def __enter__(self) -> _Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def add(self, task: Task) -> None:
        f = task.file
        row = [str(f.path), f.rel, f.out_rel, task.source_sha256, task.stamp]
        self._file.write(json.dumps(row) + "\n")  # ASCII: any file name round-trips
        self.count += 1

    def tasks(self) -> Iterator[Task]:
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            path, rel, out_rel, sha, stamp = json.loads(line)
            yield Task(SourceFile(Path(path), rel, out_rel), sha, tuple(stamp) if stamp else None)


def translate_folder(
    in_dir: Path | str,
    out_dir: Path | str,
    *,
    options: Options | None = None,
    engine: Engine | None = None,
    fmt: str | None = None,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    exclude: Sequence[str] = (),
    force: bool = False,
    max_bytes: int | None = None,
    chunk_sentences: int = DEFAULT_CHUNK_SENTENCES,
    on_event: Callable[[Event], None] | None = None,
    ray: RaySettings | None = None,
    storage_options: dict[str, object] | None = None,
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
        ray=ray,
        storage_options=storage_options,
    ).run()
