"""An engine that loads at first use, so a run with nothing to translate loads no model."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..engine import Engine, engine_signature

log = logging.getLogger("translator")


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
