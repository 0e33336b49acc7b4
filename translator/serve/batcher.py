"""Dynamic batching: the sentences of concurrent requests go to one engine in shared batches.

The server's pipelines (one per glossary) are built on a :class:`BatchingEngine` instead of the
engine itself. Each request runs its pipeline in its own thread as ``translate`` does; when the
pipeline calls ``translate_batch``, the sentences join a queue. One worker thread, the only one
that touches the engine (torch's settings belong to the thread that loads the model, so it is
loaded there too), takes everything waiting, merges it (each distinct sentence once), sorts it
by length and translates it in engine batches of at most ``max_batch`` sentences. So eight
clients sending a paragraph each cost about one engine call, not eight.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from ..engine import Engine, engine_signature

log = logging.getLogger("translator.serve")

__all__ = ["BatchingEngine"]


@dataclass
class _Request:
    sentences: list[str]
    retry: bool
    future: Future[list[str]] = field(default_factory=Future)


class BatchingEngine:
    """An engine (``translate_batch``, ``retranslate``, ``signature``) that merges the calls of
    many threads into length-sorted batches run by one worker thread.

    ``load`` builds the real engine; it is called in the worker thread, and ``start()`` waits
    for it (raising what it raised). ``max_wait``: how long a batch waits for more requests
    while clients are concurrent (never for a lone client). ``stats`` counts engine calls,
    sentences and requests.
    """

    def __init__(
        self, load: Callable[[], Engine], *, max_batch: int = 64, max_wait: float = 0.02
    ) -> None:
        self._load = load
        self.max_batch = max(1, max_batch)
        self.max_wait = max_wait
        self._last = 0  # requests merged into the last batch
        self.engine: Engine | None = None
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="translator-serve-engine")
        self._lock = threading.Lock()
        self.stats = {"engine_calls": 0, "sentences": 0, "requests": 0, "merged_requests": 0}

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the worker and wait until the engine is loaded (its error is raised here)."""
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def close(self) -> None:
        """Let the worker finish what is queued, then stop it."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    # -- the engine protocol -----------------------------------------------------------------

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return self._submit(sentences, retry=False)

    def retranslate(self, sentences: list[str]) -> list[str]:
        return self._submit(sentences, retry=True)

    @property
    def signature(self) -> dict[str, Any]:
        if self.engine is None:
            raise RuntimeError("engine not started")
        return engine_signature(self.engine)

    def _submit(self, sentences: list[str], *, retry: bool) -> list[str]:
        if not sentences:
            return []
        if not self._thread.is_alive():
            raise RuntimeError("the engine worker is not running")
        request = _Request(list(sentences), retry)
        self._queue.put(request)
        return request.future.result()

    # -- the worker --------------------------------------------------------------------------

    def _work(self) -> None:
        try:
            self.engine = self._load()
        except BaseException as exc:  # handed to start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        while True:
            first = self._queue.get()
            if first is None:
                return
            waiting = [first]
            stop = False
            total = len(first.sentences)
            # Everything already waiting; while clients are concurrent (the last batch merged
            # several requests) also what arrives within ``max_wait``: their threads are still
            # finishing the last batch's sentences and about to send the next ones.
            wait = self.max_wait if self._last > 1 else 0.0
            deadline = time.monotonic() + wait
            while total < self.max_batch:
                left = deadline - time.monotonic()
                try:
                    item = self._queue.get(timeout=left) if left > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                waiting.append(item)
                total += len(item.sentences)
            self._last = len(waiting)
            for retry in (False, True):
                group = [r for r in waiting if r.retry is retry]
                if group:
                    self._run(group, retry=retry)
            if stop:
                return

    def _run(self, group: list[_Request], *, retry: bool) -> None:
        assert self.engine is not None
        engine = self.engine
        call = getattr(engine, "retranslate", None) if retry else None
        fn = call or engine.translate_batch
        distinct = sorted(dict.fromkeys(s for r in group for s in r.sentences), key=len)
        outputs: dict[str, str] = {}
        try:
            for start in range(0, len(distinct), self.max_batch):
                chunk = distinct[start : start + self.max_batch]
                out = fn(chunk)
                if len(out) != len(chunk):
                    raise RuntimeError(f"engine returned {len(out)} for {len(chunk)} sentences")
                outputs.update(zip(chunk, out, strict=True))
                self.stats["engine_calls"] += 1
        except BaseException as exc:
            for r in group:
                r.future.set_exception(exc)
            return
        self.stats["sentences"] += len(distinct)
        self.stats["requests"] += len(group)
        if len(group) > 1:
            self.stats["merged_requests"] += len(group)
        for r in group:
            r.future.set_result([outputs[s] for s in r.sentences])
