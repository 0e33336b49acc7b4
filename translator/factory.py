"""Options -> glossary, translation memory, QA checker, engine -> Pipeline.

The one assembly path: ``translate_text``, the ``translate`` and ``batch`` commands and
``translate_folder`` all call :func:`build_pipeline`, so they get the same defaults (see
``translator.options``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import Engine, engine_signature, load_engine
from .options import GlossarySpec, Options
from .pipeline import Pipeline

if TYPE_CHECKING:
    from .cache import TranslationMemory
    from .engine.lazy import LazyEngine
    from .glossary import Glossary

__all__ = ["BackgroundEngine", "Options", "build_pipeline", "engine_for", "glossary_for"]


def build_pipeline(
    options: Options | None = None,
    *,
    engine: Engine | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Pipeline:
    """Load the glossary, translation memory, QA checker and (unless given) the engine.

    The engine is a `LazyEngine` (see `lazy_engine`): a run whose sentences are all in the
    translation memory loads no model. ``on_step("loading the model")`` is called when the
    model starts to load (or is waited for), ``on_step("")`` when it is there."""
    options = (options or Options()).resolved()
    memory = None
    path = options.memory_path()
    if path is not None:
        from .cache import TranslationMemory

        memory = TranslationMemory(path)
    warming = False
    if engine is None:
        engine, warming = lazy_engine(options, memory, on_step=on_step)
    glossary = glossary_for(
        options.glossary, style=options.style, transliterate=options.transliterate
    )
    checker = None
    if options.qa:
        from .qa import QualityChecker

        checker = QualityChecker(glossary=glossary)
        if warming:
            checker.warm_up()  # while the model loads
    return Pipeline(
        engine,
        glossary=glossary,
        checker=checker,
        memory=memory,
        max_sentences=options.max_sentences,
    )


def lazy_engine(
    options: Options,
    memory: TranslationMemory | None,
    *,
    on_step: Callable[[str], None] | None = None,
) -> tuple[LazyEngine, bool]:
    """The engine for ``options``, loaded at first need, and whether it is already loading.

    With a translation memory it signs, until it is loaded, with the signature this setup's
    engine gave last time (the memory remembers it per setup, see ``engine.setup``), so a run
    whose sentences are all in the memory loads no model at all. A setup the memory does not
    know yet loads as before: a CTranslate2 conversion in a thread from now on (while the
    glossary and the checks are set up), anything else at first need.
    """
    from .engine.lazy import LazyEngine

    key = known = None
    if memory is not None:
        from .engine.setup import setup_key

        key = setup_key(
            options.model or "",
            backend=options.backend or "auto",
            device=options.device or "auto",
            beam_size=options.beam_size,
            batch_size=options.batch_size,
        )
        known = memory.known_setup(key)
    background = BackgroundEngine(options) if known is None and _ct2_ready(options) else None

    def load() -> Engine:
        if on_step is not None:
            on_step("loading the model")
        try:
            return background.get() if background is not None else engine_for(options)
        finally:
            if on_step is not None:
                on_step("")

    def remember(signature: dict[str, Any]) -> None:
        if memory is not None and key is not None and signature != known:
            memory.remember_setup(key, signature)

    settle = background.wait if background is not None else None
    engine = LazyEngine(load, signature=known, on_signature=remember, settle=settle)
    return engine, background is not None


def glossary_for(
    spec: GlossarySpec, *, style: str = "ap", transliterate: bool = True
) -> Glossary | None:
    """A loaded glossary for ``spec`` (see ``Options.glossary``), or None for ``False``.

    ``style`` and ``transliterate`` apply to a glossary loaded here; a ``Glossary`` passed in
    is used as it is (it carries its own)."""
    if spec is False:
        return None
    if spec is not None and not isinstance(spec, str | Path):
        return spec  # already a Glossary (or any object with the pipeline's glossary methods)
    path = Options(glossary=spec).glossary_path()
    if path is None:
        return None
    from .glossary import load_glossary

    return load_glossary(path, style=style, transliterate=transliterate)


def engine_for(options: Options, **kwargs: Any) -> Engine:
    """Load the engine the options ask for (``batch`` calls this only once there is work)."""
    from .engine.base import check_device

    options = options.resolved()
    check_device(options.device)  # a GPU asked for and absent: said before anything else
    return load_engine(
        options.model,
        backend=options.backend or "auto",
        device=options.device or "auto",
        beam_size=options.beam_size,
        batch_size=options.batch_size,
        **kwargs,
    )


def _ct2_ready(options: Options) -> bool:
    """True when the engine will be CTranslate2 from an existing conversion (no conversion
    to run first, and not torch: torch's thread settings belong to the thread that sets
    them, so the transformers engine is loaded in the thread that uses it)."""
    if options.backend == "transformers":
        return False
    from .engine.select import converted_model_for

    return converted_model_for(options.model or "", device=options.device or "auto") is not None


class BackgroundEngine:
    """The CTranslate2 engine for ``options``, loading in a thread from construction on.

    Only an existing CTranslate2 conversion is loaded in the thread: when that fails (a
    damaged conversion), the first use loads as ``options`` say (``auto``: warns and takes
    transformers) in its own thread, since torch's settings belong to the thread that loads
    it. An error while loading (a ModelError) is raised at the first use. ``wait()`` lets a
    run that ended without using it finish the loading, so no thread outlives the run.
    """

    def __init__(self, options: Options) -> None:
        self._options = options.resolved()
        self._engine: Engine | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._load, name="translator-engine-load")
        self._thread.start()

    def _load(self) -> None:
        from dataclasses import replace

        try:
            self._engine = engine_for(replace(self._options, backend="ctranslate2"))
        except BaseException as exc:  # handed to the first user
            self._error = exc

    def wait(self) -> None:
        """Until the loading thread has ended."""
        self._thread.join()

    def get(self) -> Engine:
        """The loaded engine (waits for the loading thread)."""
        from .errors import ModelError

        self.wait()
        fallback = isinstance(self._error, ModelError | ImportError)
        if fallback and self._options.backend != "ctranslate2":
            self._engine, self._error = engine_for(self._options), None
        if self._error is not None:
            raise self._error
        assert self._engine is not None
        return self._engine

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return self.get().translate_batch(sentences)

    @property
    def signature(self) -> dict[str, Any]:
        return engine_signature(self.get())

    def __getattr__(self, name: str) -> Any:  # retranslate(), stats and the like
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.get(), name)
