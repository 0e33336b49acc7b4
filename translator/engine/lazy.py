"""An engine that loads at first use, so a run with nothing to translate loads no model."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from . import Engine, engine_signature

log = logging.getLogger("translator")


class LazyEngine:
    """Stands in for the engine and loads it at first use, so a run that finds nothing to
    translate never imports torch or reads the weights.

    ``signature``: what the engine is known to sign with (the translation memory remembers
    it per setup, see ``translator.engine.setup``); until the engine is loaded, that is the
    signature, so the memory can be looked up without loading anything. Once loaded, the
    engine's own signature counts. ``on_load(engine)`` is called once, after loading.
    ``settle()`` waits for a load started ahead in the background (see ``settle``).
    """

    def __init__(
        self,
        load: Callable[[], Engine],
        *,
        signature: dict[str, Any] | None = None,
        on_load: Callable[[Engine], None] | None = None,
        settle: Callable[[], None] | None = None,
    ) -> None:
        self._load = load
        self._settle = settle
        self._known = signature
        self._on_load = on_load
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def _get(self) -> Engine:
        with self._lock:
            if self._engine is None:
                log.info("loading the translation engine")
                engine = self._load()
                self._engine = engine
                if self._on_load is not None:
                    self._on_load(engine)
            return self._engine

    def settle(self) -> None:
        """Wait for a load that was started ahead in a thread and never used (a run that
        found nothing to translate), so that thread does not outlive the run."""
        if self._settle is not None:
            self._settle()

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return self._get().translate_batch(sentences)

    @property
    def signature(self) -> dict[str, Any]:
        if self._engine is None and self._known is not None:
            return dict(self._known)
        return engine_signature(self._get())

    def __getattr__(self, name: str) -> Any:  # retranslate() and whatever else engines offer
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._get(), name)
