"""Run an iterator in a background thread, a few items ahead of its consumer."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

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

    def __init__(
        self, source: Iterator[T], depth: int, *, name: str = "translator-prefetch"
    ) -> None:
        self._source = source
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)

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
