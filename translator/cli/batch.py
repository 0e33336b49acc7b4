"""`translator batch IN_DIR OUT_DIR`: a folder of articles, incrementally and resumably."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import config
from ..formats import registry
from .app import EXIT_BATCH_FAILURES, EXIT_INTERRUPTED, EXIT_USAGE, app
from .common import (
    LIMIT_OPTIONS,
    NONE_GIVEN,
    TRANSLATION_OPTIONS,
    FormatOpt,
    SharedOptions,
    StrictOpt,
    parse_size,
    quiet_progress,
    stderr_console,
    with_shared_options,
)
from .paths import check_batch_output, check_output_file

if TYPE_CHECKING:
    from ..batch import BatchSummary, Event

#: Failed files listed in the summary table (all of them are in --summary-json).
_MAX_FAILED_ROWS = 30


@app.command()
@with_shared_options(*TRANSLATION_OPTIONS, *LIMIT_OPTIONS)
def batch(
    in_dir: Annotated[
        str,
        typer.Argument(
            help="Folder of German articles (searched recursively), or an object-store "
            "prefix (s3://bucket/articles).",
            show_default=False,
        ),
    ],
    out_dir: Annotated[
        str,
        typer.Argument(
            help="Output folder (or object-store prefix); its tree mirrors IN_DIR's. Created "
            "if missing (its parent must exist, unless --mkdir).",
            show_default=False,
        ),
    ],
    pattern: Annotated[
        list[str] | None,
        typer.Option(
            "--pattern",
            "-p",
            help="Files to take (glob, repeatable) \\[default: "
            + " ".join(f'"{p}"' for p in registry.patterns()) + "]",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", "-x", help="Files or folders to leave out (glob, repeatable)."),
    ] = None,
    fmt: FormatOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Translate every file again, changed or not.")
    ] = False,
    mkdir: Annotated[
        bool,
        typer.Option("--mkdir", help="Create OUT_DIR's missing parent folders (as mkdir -p)."),
    ] = False,
    summary_json: Annotated[
        Path | None,
        typer.Option("--summary-json", help="Write a machine-readable summary here (- = stdout)."),
    ] = None,
    max_size: Annotated[
        str, typer.Option("--max-size", help="Skip (and report) inputs larger than this.")
    ] = "5MiB",
    chunk_sentences: Annotated[
        int,
        typer.Option(
            "--chunk-sentences",
            min=1,
            help="Sentences translated together (many files share engine batches); "
            "also the most work a kill can lose.",
        ),
    ] = 256,
    shared: SharedOptions = NONE_GIVEN,  # --model, --glossary, ... (see with_shared_options)
    strict: StrictOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress and no summary table (for scripts).")
    ] = False,
    use_ray: Annotated[
        bool,
        typer.Option(
            "--ray",
            help="Run on a Ray cluster: $RAY_ADDRESS or --ray-address, else a local Ray on "
            "this machine's cores (needs the 'ray' extra).",
        ),
    ] = False,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address",
            help="The Ray cluster to join: its head node, HOST:6379 (as $RAY_ADDRESS).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Ray workers, each with the model loaded once "
            "(default: the cluster's CPUs / --threads-per-worker)",
            show_default=False,
        ),
    ] = None,
    threads_per_worker: Annotated[
        int | None,
        typer.Option(
            "--threads-per-worker",
            min=1,
            help="CPU threads (and CPUs reserved) per Ray worker "
            "(default: 1, or the cluster's CPUs / --workers)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Translate every article in IN_DIR into OUT_DIR; re-runs redo only what changed.

    Exit codes: 0 done, 8 some files failed, 7 terms missed (--strict), 130 interrupted.
    """
    from ..batch import BatchInterrupted, BatchRunner, RaySettings
    from ..batch.ray_runner import INSTALL_HINT, ray_available
    from ..batch.storage import is_url
    from ..formats import check_format

    ray = None
    if use_ray or ray_address or workers or threads_per_worker:
        if not use_ray:
            raise typer.BadParameter("needs --ray", param_hint="--ray-address/--workers")
        if not ray_available():
            print(f"translator: error: {INSTALL_HINT}", file=sys.stderr)
            raise typer.Exit(EXIT_USAGE)
        ray = RaySettings(
            address=ray_address, workers=workers, threads_per_worker=threads_per_worker
        )
    fmt = check_format(fmt)
    if quiet:
        quiet_progress()
    max_bytes = parse_size(max_size, "--max-size")
    if max_bytes > config.MAX_INPUT_BYTES:
        limit = f"at most {config.MAX_INPUT_BYTES:,} bytes (the reader's limit)"
        raise typer.BadParameter(limit, param_hint="--max-size")
    options = shared.options()
    # Refuse a bad output before any work (reading, hashing, loading the model).
    if not is_url(out_dir):
        check_batch_output(Path(out_dir), mkdir=mkdir)
    if summary_json is not None:
        _check_summary_target(summary_json, in_dir, out_dir)
        if str(summary_json) != "-":
            check_output_file(summary_json, mkdir=mkdir)
    progress = None if quiet else BatchProgress()
    runner = BatchRunner(
        in_dir,
        out_dir,
        options=options,
        fmt=fmt,
        patterns=pattern or (),
        exclude=exclude or (),
        force=force,
        max_bytes=max_bytes,
        chunk_sentences=chunk_sentences,
        on_event=progress,
        ray=ray,
    )
    interrupted = False
    made = [] if is_url(out_dir) else _missing_folders(Path(out_dir))
    try:
        with _sigterm_interrupts(), progress or _nothing(), _conversion_steps(progress):
            try:
                summary = runner.run()
            except BatchInterrupted as exc:
                summary, interrupted = exc.summary, True
    except BaseException:
        _remove_if_empty(made)  # a failed run leaves no empty OUT_DIR of its own making
        raise
    if interrupted:
        _remove_if_empty(made)
    if summary_json is not None:
        _write_summary(summary, summary_json)
    if not quiet:
        print_summary(summary)
    if interrupted:
        print("translator: interrupted; run the same command again to continue", file=sys.stderr)
        raise typer.Exit(EXIT_INTERRUPTED)
    if summary.failed:
        raise typer.Exit(EXIT_BATCH_FAILURES)
    if strict and summary.terms_missed:
        from ..errors import TermsMissedError

        # As `translate --strict`: the error, its one line and exit code come from main().
        files = [f.source for f in summary.translated if f.terms_missed]
        raise TermsMissedError(
            f"{summary.terms_missed} glossary term(s) missed in {len(files)} file(s): "
            + ", ".join(files[:5])
            + (", …" if len(files) > 5 else "")
        )


def _missing_folders(out_dir: Path) -> list[Path]:
    """The folders a run creates for ``out_dir``: it and (``--mkdir``) its missing parents,
    innermost first."""
    missing = []
    for folder in (out_dir.absolute(), *out_dir.absolute().parents):
        if folder.exists():
            break
        missing.append(folder)
    return missing


def _remove_if_empty(folders: list[Path]) -> None:
    """Remove the ``folders`` (innermost first) this run created, as far as they are empty:
    one that holds anything (an output, the manifest) stays, and so do its parents. A folder
    that existed before the run is never in the list."""
    for folder in folders:
        try:
            folder.rmdir()  # only ever an empty folder
        except FileNotFoundError:
            continue
        except OSError:
            return


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _conversion_steps(progress: BatchProgress | None) -> Any:
    """A first conversion of the model shows as a step of the progress display."""
    if progress is None:
        return _nothing()
    from ..batch import Working
    from .progress import steps_from_log

    return steps_from_log(lambda what: progress(Working(what)))


@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops the run like Ctrl-C: the current chunk is dropped, all else is kept."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (e.g. called from a test runner's worker)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_summary_target(target: Path, in_dir: str, out_dir: str) -> None:
    """Refuse, before any work, a summary path that lies in IN_DIR (outside OUT_DIR)."""
    from ..batch.storage import is_url
    from ..errors import OutputError

    if str(target) == "-" or is_url(in_dir):
        return
    where = target.resolve().parent
    inside_out = not is_url(out_dir) and where.is_relative_to(Path(out_dir).resolve())
    if where.is_relative_to(Path(in_dir).resolve()) and not inside_out:
        raise OutputError(f"{target}: the summary would be written into the input folder")


def _write_summary(summary: BatchSummary, target: Path) -> None:
    from ..files import write_atomic

    data = summary.to_json()
    if str(target) == "-":
        sys.stdout.write(data)
        sys.stdout.flush()
        return
    write_atomic(target, data)


class BatchProgress:
    """Rich progress on a terminal, fed by the runner's events: what is being done (loading
    or converting the model), files written n/N with the ETA from their rate, sentences
    translated of those read so far, with their rate. Nothing is drawn when stderr is not a
    terminal (or under TERM=dumb); lines printed through it (unchanged files, failures) show
    either way."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        console = stderr_console()
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<9}"),
            _counted(BarColumn()),
            _counted(MofNCompleteColumn()),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            _eta_column(),
            console=console,
            transient=True,  # the summary table replaces the bars
            disable=not console.is_terminal or console.is_dumb_terminal,
        )
        self.step = self.progress.add_task("", total=None, rate="", visible=False, eta=False,
                                           counted=False)  # fmt: skip
        # The ETA comes from the files: their number is known from the start, the sentences
        # are counted as the files are read (no pass over an archive before the work).
        self.files = self.progress.add_task("files", total=None, rate="", visible=False,
                                            eta=True)  # fmt: skip
        self.sentences = self.progress.add_task("sentences", total=0, rate="", visible=False,
                                                eta=False)  # fmt: skip

    def __enter__(self) -> BatchProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.progress.stop()

    def __call__(self, event: Event) -> None:
        from ..batch import FileDone, Planned, SentencesDone, SentencesQueued, Working

        p = self.progress
        if isinstance(event, Planned):
            if event.unchanged:
                p.console.print(f"{event.unchanged} of {event.total} files unchanged, skipped")
            if event.todo:
                p.update(self.files, total=event.todo, visible=True)
                p.update(self.sentences, visible=True)
        elif isinstance(event, Working):
            p.update(self.step, description=event.what, visible=bool(event.what))
        elif isinstance(event, SentencesQueued):
            task = p.tasks[self.sentences]
            p.update(self.sentences, total=(task.total or 0) + event.count)
        elif isinstance(event, SentencesDone):
            p.advance(self.sentences, event.count)
            self._rate(self.sentences, "sent/s")
        elif isinstance(event, FileDone):
            p.advance(self.files, 1)
            outcome = event.outcome
            if outcome.status == "failed":
                from rich.markup import escape

                line = f"[red]failed[/] {escape(outcome.source)}: {escape(outcome.reason or '')}"
                p.console.print(line, highlight=False)

    def _rate(self, task_id: Any, unit: str) -> None:
        speed = self.progress.tasks[task_id].speed
        self.progress.update(task_id, rate=f"{speed:.1f} {unit}" if speed else "")


def _counted(column: Any) -> Any:
    """``column`` on the counting rows only (a step such as "loading the model" has no bar)."""
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class Counted(ProgressColumn):
        def render(self, task: Task) -> Any:
            return column.render(task) if task.fields.get("counted", True) else Text("")

    return Counted()


def _eta_column() -> Any:
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    class EtaColumn(ProgressColumn):
        """``ETA 0:01:23`` from the sentence rate (sentences left / sentences per second), on
        the sentences row only: files finish in bursts, so their rate says little."""

        def render(self, task: Task) -> Text:
            if not task.fields.get("eta"):
                return Text("")
            speed = task.finished_speed or task.speed
            if task.total is None or not speed:
                return Text("ETA -:--:--", style="progress.remaining")
            left = max(0.0, task.total - task.completed) / speed
            hours, rest = divmod(int(left), 3600)
            return Text(f"ETA {hours}:{rest // 60:02d}:{rest % 60:02d}",
                        style="progress.remaining")  # fmt: skip

    return EtaColumn()


def print_summary(summary: BatchSummary) -> None:
    """The table at the end: counts, sentences, terms missed, time, and every failure's reason."""
    from rich.markup import escape
    from rich.table import Table

    from .report import losses_line

    console = stderr_console()
    title = "Batch interrupted" if summary.interrupted else "Batch summary"
    table = Table(title=f"{title} — {escape(summary.out_dir)}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("translated", str(len(summary.translated)))
    table.add_row("skipped (unchanged)", str(len(summary.unchanged)))
    if summary.unmatched:
        table.add_row("skipped (no -p pattern matched)", escape(skipped_by_pattern(summary)))
    if summary.excluded:
        table.add_row("skipped (-x)", str(summary.excluded))
    if summary.earlier_outputs:
        folders = ", ".join(summary.earlier_outputs[:3]) + (
            ", …" if len(summary.earlier_outputs) > 3 else ""
        )
        table.add_row(
            "skipped (earlier runs' output folders)",
            f"{len(summary.earlier_outputs)}: {escape(folders)}",
        )
    table.add_row("failed", f"[red]{len(summary.failed)}[/]" if summary.failed else "0")
    if summary.pending:
        table.add_row("not reached (interrupted)", str(len(summary.pending)))
    table.add_row("sentences translated", str(summary.sentences))
    missed = summary.terms_missed
    table.add_row("glossary terms missed", f"[yellow]{missed}[/]" if missed else "0")
    table.add_row("QA warnings/errors", str(summary.flags))
    rate = f" ({summary.sentences / summary.seconds:.1f} sentences/s)" if summary.seconds else ""
    table.add_row("time", f"{summary.seconds:.1f} s{rate}")
    console.print(table)
    if summary.failed:
        failed = Table(title="Failed files (skipped)")
        failed.add_column("file", overflow="fold")
        failed.add_column("reason", overflow="fold")
        for outcome in summary.failed[:_MAX_FAILED_ROWS]:
            failed.add_row(escape(outcome.source), escape(outcome.reason or ""))
        if len(summary.failed) > _MAX_FAILED_ROWS:
            failed.caption = (
                f"and {len(summary.failed) - _MAX_FAILED_ROWS} more (all in --summary-json)"
            )
        console.print(failed)
    files = sum(1 for f in summary.translated if f.losses)
    lost = losses_line(summary.losses, f"in {files} file{'s' * (files != 1)}; --summary-json")
    if lost:
        console.print(f"[yellow]warning:[/] {escape(lost)}", highlight=False)
    if not summary.files:
        console.print(f"[yellow]warning:[/] {escape(nothing_matched(summary))}", highlight=False)


def skipped_by_pattern(summary: BatchSummary) -> str:
    """``5 (.rtf 3, .odt 1, no extension 1)``."""
    parts = [f"{ext or 'no extension'} {n}" for ext, n in summary.unmatched.items()]
    return f"{sum(summary.unmatched.values())} ({', '.join(parts)})"


def nothing_matched(summary: BatchSummary) -> str:
    """Why a run had nothing to do, and the -p that would take the files it passed over."""
    patterns = " ".join(f'"{p}"' for p in summary.patterns)
    message = f"no file in {summary.in_dir} matched {patterns}"
    if summary.unmatched:
        ext = next((e for e in summary.unmatched if e), "")
        message += f"; it holds {skipped_by_pattern(summary)}"
        if ext:
            message += f": to take them, add -p \"*{ext}\""
    return message
