"""Dynamic batching: the sentences of concurrent requests go to one engine in shared batches.

The server's pipelines (one per glossary) are built on a :class:`BatchingEngine` instead of the
engine itself. Each request runs its pipeline in its own thread as ``translate`` does; when the
pipeline calls ``translate_batch``, the sentences join a queue. One worker thread, the only one
that touches the engine (torch's settings belong to the thread that loads the model, so it is
loaded there too), takes everything waiting, merges it (each distinct sentence once), sorts it
by length and translates it in engine batches of at most ``max_batch`` sentences. So eight
clients sending a paragraph each cost about one engine call, not eight.

When to start a batch decides how full it is. An engine call costs nearly as much for two
sentences as for twenty (every decoding step runs for the batch's longest sentence), so
starting as soon as the first request of a burst arrives splits the burst into a tiny batch and
a large one, each costing a full call (measured: 2, 18, 2, 15, 3, 13 ... with eight clients).
The batcher therefore knows how many requests are in flight (:meth:`request` brackets each;
the service wraps every translation in it) and how many were recently (clients that just got
their answer come straight back), and waits for half of them to be queued, for ``max_batch``
sentences, or for a deadline: half the last engine call's time, at most ``max_wait``. Half, not
all: a request spends about as long in its own thread (HTTP, splitting, glossary, QA) as in the
engine, so waiting for every request in flight leaves the engine idle while they all do that
work at once (busy 57 % of the time with eight clients); with two halves taking turns, one is
in the engine while the other prepares (busy 96-98 %, and on two idle cores 84-88 % of
`batch`'s sentences per second against 74-82 %; docs/performance.md, Serve). A lone client
never waits; a burst waits at most a fraction of the call it would otherwise waste.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..engine import Engine, engine_signature

log = logging.getLogger("translator.serve")

__all__ = ["BatchingEngine"]

#: How long a burst of concurrent requests is remembered (seconds): within it, a batch waits
#: for as many requests as were in flight at once.
RECENT = 2.0


@dataclass
class _Request:
    sentences: list[str]
    retry: bool
    future: Future[list[str]] = field(default_factory=Future)


class BatchingEngine:
    """An engine (``translate_batch``, ``retranslate``, ``signature``) that merges the calls of
    many threads into length-sorted batches run by one worker thread.

    ``load`` builds the real engine; it is called in the worker thread, and ``start()`` waits
    for it (raising what it raised). ``max_wait``: the longest a batch waits for the requests
    in flight (see the module's docs; never for a lone client). ``stats`` counts engine calls,
    sentences, requests, engine and waiting seconds, and the batches' sizes.
    """

    def __init__(
        self, load: Callable[[], Engine], *, max_batch: int = 64, max_wait: float = 1.0
    ) -> None:
        self._load = load
        self.max_batch = max(1, max_batch)
        self.max_wait = max_wait
        self.engine: Engine | None = None
        self._queue: queue.SimpleQueue[_Request | None] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="translator-serve-engine")
        self._lock = threading.Lock()
        self._inflight = 0  # requests inside request()
        self._peak = 0  # most requests in flight at once, lately
        self._peak_at = 0.0
        self._call_seconds = 0.0  # the last engine call's time (sets the deadline)
        self._carry: list[_Request | None] = []  # taken from the queue for the next batch
        self.stats: dict[str, Any] = {
            "engine_calls": 0, "sentences": 0, "requests": 0, "merged_requests": 0,
            "engine_seconds": 0.0, "wait_seconds": 0.0, "batch_sizes": {},
        }

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

    # -- requests in flight ------------------------------------------------------------------

    @contextmanager
    def request(self) -> Iterator[None]:
        """Bracket one client request (all its engine calls): the batcher waits for the
        requests in flight before it starts a batch."""
        with self._lock:
            self._inflight += 1
            now = time.monotonic()
            if self._inflight >= self._peak or now - self._peak_at > RECENT:
                self._peak, self._peak_at = self._inflight, now
        try:
            yield
        finally:
            with self._lock:
                if self._inflight >= self._peak:  # the burst is still this large
                    self._peak_at = time.monotonic()
                self._inflight -= 1

    def _expected(self) -> int:
        """How many requests a batch waits for: those in flight, or as many as were in
        flight at once lately (their clients come back): within ``RECENT`` seconds or two
        engine calls of the last time that many were."""
        with self._lock:
            window = max(RECENT, 2 * self._call_seconds)
            recent = self._peak if time.monotonic() - self._peak_at <= window else 0
            return max(self._inflight, recent, 1)

    def _enough(self) -> int:
        """Requests queued that start a batch: half those expected (rounded up; the module's
        docs say why), so the two halves of a burst take turns in the engine."""
        return (self._expected() + 1) // 2

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
            first = self._carry.pop() if self._carry else self._queue.get()
            if first is None:
                return
            waiting, stop = self._gather(first)
            for retry in (False, True):
                group = [r for r in waiting if r.retry is retry]
                if group:
                    self._run(group, retry=retry)
            if stop:
                return

    def _gather(self, first: _Request) -> tuple[list[_Request], bool]:
        """``first`` and what joins it: everything already queued, then (while fewer requests
        are queued than are expected) what arrives before the deadline. True: stop after."""
        waiting = [first]
        total = len(first.sentences)
        began = time.monotonic()
        deadline = began + min(self.max_wait, 0.5 * self._call_seconds)
        while total < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                left = deadline - time.monotonic()
                if len(waiting) >= self._enough() or left <= 0:
                    break
                try:
                    item = self._queue.get(timeout=min(left, 0.005))
                except queue.Empty:
                    continue
            if item is None:
                return waiting, True
            if total + len(item.sentences) > self.max_batch:
                # It would start a second, nearly empty engine batch: it starts the next one.
                self._carry.append(item)
                break
            waiting.append(item)
            total += len(item.sentences)
        self.stats["wait_seconds"] += time.monotonic() - began
        return waiting, False

    def _run(self, group: list[_Request], *, retry: bool) -> None:
        assert self.engine is not None
        engine = self.engine
        call = getattr(engine, "retranslate", None) if retry else None
        fn = call or engine.translate_batch
        distinct = sorted(dict.fromkeys(s for r in group for s in r.sentences), key=len)
        outputs: dict[str, str] = {}
        sizes: dict[int, int] = self.stats["batch_sizes"]
        # Batches of equal size (a request longer than max_batch): 40 -> 20 + 20, not 32 + 8.
        size = -(-len(distinct) // -(-len(distinct) // self.max_batch))
        try:
            for start in range(0, len(distinct), size):
                chunk = distinct[start : start + size]
                began = time.monotonic()
                out = fn(chunk)
                seconds = time.monotonic() - began
                if len(out) != len(chunk):
                    raise RuntimeError(f"engine returned {len(out)} for {len(chunk)} sentences")
                outputs.update(zip(chunk, out, strict=True))
                self.stats["engine_calls"] += 1
                self.stats["engine_seconds"] += seconds
                sizes[len(chunk)] = sizes.get(len(chunk), 0) + 1
                if not retry:
                    self._call_seconds = seconds
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
