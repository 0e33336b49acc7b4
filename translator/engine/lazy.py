"""The engine handle: loaded at first use or in a thread, with a fallback, no forwarding.

A pipeline holds a :class:`LazyEngine`, not a loaded engine, so that a run with nothing to
translate (everything unchanged, or in the translation memory) never imports torch or reads
the weights. ``translator.factory.lazy_engine`` builds it from an engine spec.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .protocol import Engine, engine_signature

if TYPE_CHECKING:
    from .spec import Resolution

log = logging.getLogger("translator")


class LazyEngine:
    """Stands in for the engine and loads it at first use (or from construction on, in a
    thread).

    ``load()`` builds the engine. ``background=True`` starts it in a thread now (while the
    glossary and the checks are set up); an error there (a ModelError) is raised at the first
    use, and at every use after it, unless ``fallback`` is given and the error is a
    ModelError or ImportError: then ``fallback()`` builds the engine at the first use, in the
    thread that uses it (``auto``: a damaged conversion, then transformers, whose torch
    settings belong to the thread that loads it).

    ``signature``: what the engine is known to sign with (the translation memory remembers
    it per setup, see ``translator.engine.spec.Resolution.setup_key``); until the engine is
    loaded, that is the signature, so the memory can be looked up without loading anything.
    Once loaded, the engine's own signature counts. ``on_signature(signature)`` is called
    with the engine's signature once it has loaded, or with one learned elsewhere
    (:meth:`learn`). ``on_step("loading the model")`` is called when the first use starts
    loading (or waiting for) the model, ``on_step("")`` when it is there. ``resolution``:
    what it loads (``engine.spec.resolve``), when known.
    """

    def __init__(
        self,
        load: Callable[[], Engine],
        *,
        signature: dict[str, Any] | None = None,
        on_signature: Callable[[dict[str, Any]], None] | None = None,
        background: bool = False,
        fallback: Callable[[], Engine] | None = None,
        on_step: Callable[[str], None] | None = None,
        resolution: Resolution | None = None,
    ) -> None:
        #: The engine spec's resolution this engine loads from, when it was made from one
        #: (``factory.lazy_engine``): the batch manifest predicts its signature from it.
        self.resolution = resolution
        self._load = load
        self._fallback = fallback
        self._known = signature
        self._on_signature = on_signature
        self._on_step = on_step
        self._engine: Engine | None = None  # set at the first use
        self._ahead: Engine | None = None  # what the background load built
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._load_ahead, name="translator-engine-load")
            self._thread.start()

    # -- loading -------------------------------------------------------------------------------

    def _load_ahead(self) -> None:
        try:
            self._ahead = self._load()
        except BaseException as exc:  # handed to the first user
            self._error = exc

    @property
    def loaded(self) -> bool:
        """Whether the engine has been used (loaded, or its background load taken)."""
        return self._engine is not None

    @property
    def background(self) -> bool:
        """Whether the engine was loading in a thread from construction on."""
        return self._thread is not None

    def get(self) -> Engine:
        """The engine: loaded now, or waited for when it loads in the background."""
        with self._lock:
            if self._engine is not None:
                return self._engine
            if self._on_step is not None:
                self._on_step("loading the model")
            try:
                engine = self._obtain()
            finally:
                if self._on_step is not None:
                    self._on_step("")
            self._engine = engine
            if self._on_signature is not None:
                self._on_signature(engine_signature(engine))
            return engine

    def _obtain(self) -> Engine:
        if self._thread is None:
            log.info("loading the translation engine")
            return self._load()
        self._thread.join()
        if self._ahead is not None:
            return self._ahead
        from ..errors import ModelError

        if self._fallback is not None and isinstance(self._error, ModelError | ImportError):
            self._error = None
            self._thread = None  # from now on: the fallback, at first need
            self._load = self._fallback
            return self._obtain()
        assert self._error is not None
        raise self._error

    def settle(self) -> None:
        """Wait for a load that was started ahead in a thread and never used (a run that
        found nothing to translate), so that thread does not outlive the run."""
        if self._thread is not None:
            self._thread.join()

    # -- signatures ------------------------------------------------------------------------------

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
        if not self.loaded and signature != self._known:
            self._known = dict(signature)
            if self._on_signature is not None:
                self._on_signature(dict(signature))

    @property
    def signature(self) -> dict[str, Any]:
        """The remembered or learned signature until loaded (loads when there is none)."""
        if not self.loaded and self._known is not None:
            return dict(self._known)
        return engine_signature(self.get())

    # -- what the pipeline and the runners call ------------------------------------------------

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return self.get().translate_batch(sentences)

    def retranslate(self, sentences: list[str]) -> list[str]:
        """The engine's safer decoding, or its ``translate_batch`` when it has none."""
        engine = self.get()
        again = getattr(engine, "retranslate", None)
        return again(sentences) if callable(again) else engine.translate_batch(sentences)

    @property
    def last_flags(self) -> list[tuple[int, str, bool]] | None:
        """What the engine's lost-content check found in its last call (None: no engine
        loaded, or one without the check)."""
        found = getattr(self._engine, "last_flags", None)
        return found if isinstance(found, list) else None

    @property
    def stats(self) -> dict[str, int]:
        """The loaded engine's counters ({} before loading, or for an engine without)."""
        found = getattr(self._engine, "stats", None)
        return dict(found) if isinstance(found, dict) else {}
