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
    engine's own signature counts. ``on_signature(signature)`` is called with the engine's
    signature once it has loaded, or with one learned elsewhere (:meth:`learn`).
    ``settle()`` waits for a load started ahead in the background (see ``settle``).
    """

    def __init__(
        self,
        load: Callable[[], Engine],
        *,
        signature: dict[str, Any] | None = None,
        on_signature: Callable[[dict[str, Any]], None] | None = None,
        settle: Callable[[], None] | None = None,
    ) -> None:
        self._load = load
        self._settle = settle
        self._known = signature
        self._on_signature = on_signature
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
                if self._on_signature is not None:
                    self._on_signature(engine_signature(engine))
            return self._engine

    @property
    def known_signature(self) -> dict[str, Any] | None:
        """The signature, when it is known without loading anything (the loaded engine's,
        or the one remembered or learned for this setup); None when only loading tells."""
        with self._lock:
            if self._engine is not None:
                return engine_signature(self._engine)
        return dict(self._known) if self._known is not None else None

    def learn(self, signature: dict[str, Any]) -> None:
        """Sign with ``signature`` until loaded: the signature this setup's engine gave where
        it was loaded elsewhere (a Ray worker); remembered like a load's (``on_signature``)."""
        if self._engine is None and signature != self._known:
            self._known = dict(signature)
            if self._on_signature is not None:
                self._on_signature(dict(signature))

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
