"""Engine factories for the Ray tests: the real MarianMT engine, built on each worker, with
one thing added that a test needs (a log of what it translated, a worker that dies).

They are what the tests are about only in the added part; translation is the real engine's.
Picklable (a Ray worker builds its engine from them) and importable by the workers (the Ray
fixture puts the repository on their PYTHONPATH).
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The backend the Ray tests run unless one says otherwise (``options``, ``Sabotaged``).
BACKEND = "ctranslate2"


def options(model: Path, **kw: Any) -> Any:
    """The options both runners get in the tests: the real engine, greedy, memory on; the
    product's CTranslate2 backend (a worker then imports no torch: an actor starts in about a
    second, not six; the conversion is made once, in the session's worker cache)."""
    from translator.options import Options

    kw.setdefault("memory", True)  # the library's default is off; batch runs keep one
    kw.setdefault("backend", BACKEND)
    return Options(model=str(model), beam_size=1, **kw)


@dataclass(frozen=True)
class Sabotaged:
    """Builds ``options(model)``'s engine (the way a worker does) and wraps it.

    ``log``: every sentence sent to the engine is appended there (one file per process).
    ``crash_on``: a batch with a sentence containing this kills its process, every time.
    ``kill_once``: the first batch anywhere kills its process (SIGKILL) and leaves this file.
    ``delay``: seconds to sleep per batch (slows a run down enough to kill its driver).
    ``backend``: as ``options``'s.
    """

    model: Path
    log: Path | None = None
    crash_on: str | None = None
    kill_once: Path | None = None
    delay: float = 0.0
    backend: str = BACKEND

    def __call__(self) -> Any:
        from translator.factory import engine_for

        return _Wrapped(engine_for(options(self.model, backend=self.backend)), self)


class _Wrapped:
    def __init__(self, engine: Any, how: Sabotaged) -> None:
        self.engine = engine
        self.how = how

    @property
    def signature(self) -> Any:
        return self.engine.signature

    def translate_batch(self, sentences: list[str]) -> list[str]:
        how = self.how
        if how.crash_on is not None and any(how.crash_on in s for s in sentences):
            os._exit(3)  # as a segfault would: no exception, no clean-up
        if how.kill_once is not None:
            try:
                fd = os.open(how.kill_once, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                pass
            else:
                os.close(fd)
                os.kill(os.getpid(), signal.SIGKILL)
        if how.log is not None:
            with open(how.log / f"{os.getpid()}.log", "a", encoding="utf-8") as fh:
                fh.writelines(s.replace("\n", " ") + "\n" for s in sentences)
        if how.delay:
            time.sleep(how.delay)
        return self.engine.translate_batch(sentences)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.engine, name)
