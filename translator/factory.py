"""Assemble a Pipeline from user-facing options (shared by `translate` and `batch`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .engine import Engine, engine_signature, load_engine
from .pipeline import Pipeline

if TYPE_CHECKING:
    from .cache import TranslationMemory
    from .engine.lazy import LazyEngine


@dataclass
class Options:
    model: str | None = None
    backend: str = "auto"
    device: str = "auto"
    beam_size: int = 4
    batch_size: int = 32
    glossary: Path | None = None  # None: the default glossary (config.glossary_path())
    use_glossary: bool = True
    use_cache: bool = True
    cache_path: Path | None = None
    use_qa: bool = True
    # House style of the glossary's renderings: ap | reuters | bbc (translator.glossary.style).
    style: str = "ap"
    transliterate: bool = True  # Slavic names no entry lists -> English spelling (glossary.names)


def build_pipeline(
    options: Options,
    *,
    engine: Engine | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Pipeline:
    """Load glossary, translation memory, QA checker; the engine (unless given) loads at its
    first sentence (see `lazy_engine`). ``on_step("loading the model")`` is called when it
    starts loading, ``on_step("")`` when it is done."""
    glossary = None
    if options.use_glossary:
        from .glossary import load_glossary

        path = options.glossary or config.glossary_path()
        if path is not None:
            glossary = load_glossary(
                path, style=options.style, transliterate=options.transliterate
            )
    checker = None
    if options.use_qa:
        from .qa import QualityChecker

        checker = QualityChecker(glossary=glossary)
    memory = None
    if options.use_cache:
        from .cache import TranslationMemory

        memory = TranslationMemory(options.cache_path)
    if engine is None:
        engine = lazy_engine(options, memory, on_step=on_step)
    return Pipeline(engine, glossary=glossary, checker=checker, memory=memory)


def lazy_engine(
    options: Options,
    memory: TranslationMemory | None,
    *,
    on_step: Callable[[str], None] | None = None,
) -> LazyEngine:
    """The engine for ``options``, loaded at first need. With a translation memory it signs,
    until then, with the signature this setup's engine gave last time (the memory remembers
    it per setup), so a run whose sentences are all in the memory loads no model at all."""
    from .engine.base import check_device
    from .engine.lazy import LazyEngine
    from .engine.setup import setup_key

    check_device(options.device)  # a GPU asked for and absent: say so before any work

    def load() -> Engine:
        if on_step is not None:
            on_step("loading the model")
        try:
            return engine_for(options)
        finally:
            if on_step is not None:
                on_step("")

    if memory is None:
        return LazyEngine(load)
    key = setup_key(
        options.model or config.model_name(),
        backend=options.backend,
        device=options.device,
        beam_size=options.beam_size,
        batch_size=options.batch_size,
    )
    known = memory.known_setup(key)

    def remember(engine: Engine) -> None:
        signature = engine_signature(engine)
        if signature != known:
            memory.remember_setup(key, signature)

    return LazyEngine(load, signature=known, on_load=remember)


def engine_for(options: Options) -> Engine:
    """Load the engine the options ask for (`batch` calls this only once there is work)."""
    return load_engine(
        options.model,
        backend=options.backend,
        device=options.device,
        beam_size=options.beam_size,
        batch_size=options.batch_size,
    )
