"""What `translate` is doing, on a terminal: loading the model, converting it, translating
n/N sentences. Shown only once the work has taken longer than ``DELAY`` (a cached or short
run prints nothing), only when stderr is a terminal that can redraw a line, and gone when
the work ends (the report follows)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

#: Seconds of work before anything is drawn.
DELAY = 1.0


class Activity:
    """A one-line Rich status (spinner, what, elapsed) that appears after ``delay`` seconds.

    ``step(what)`` names the current step; ``sentences(total)`` and ``advance(n)`` count the
    translation. Thread-safe: an engine loading in a thread may call ``step``.
    """

    def __init__(self, console: Console, *, enabled: bool = True, delay: float = DELAY) -> None:
        self.console = console
        self.enabled = enabled and console.is_terminal and not console.is_dumb_terminal
        self.delay = delay
        self._lock = threading.Lock()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._timer: threading.Timer | None = None
        self._what = ""
        self._done = 0
        self._total = 0
        self._counting = False

    def __enter__(self) -> Activity:
        if self.enabled:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self._task = self._progress.add_task(self._describe(), total=None)
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    def step(self, what: str) -> None:
        """The work now in hand ("loading the model"); "" returns to the sentence count."""
        with self._lock:
            self._what = what
            self._update()

    def sentences(self, total: int) -> None:
        """Translation of ``total`` sentences begins."""
        with self._lock:
            self._counting, self._total, self._done = True, total, 0
            self._update()

    def advance(self, count: int) -> None:
        with self._lock:
            self._done += count
            self._update()

    def _describe(self) -> str:
        if self._what or not self._counting:
            return self._what or "preparing (glossary, sentences)"
        if self._total and self._done >= self._total:
            return f"checking the translation ({self._total} sentences)"
        return f"translating {self._done}/{self._total} sentences"

    def _update(self) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=self._describe())

    def _show(self) -> None:
        with self._lock:
            if self._progress is not None:
                self._progress.start()


@contextlib.contextmanager
def steps_from_log(on_step: Callable[[str], None]) -> Iterator[None]:
    """Turn the library's progress notes (the ``translator.progress`` logger: a first
    conversion of the model for CTranslate2) into steps of the progress display."""
    import logging

    class Steps(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if message.startswith("converting"):
                on_step("converting the model for CTranslate2 (once)")
            elif message.startswith("converted"):
                on_step("loading the model")

    handler = Steps(logging.INFO)
    logger = logging.getLogger("translator.progress")
    level = logger.level
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)  # the notes are INFO records
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
