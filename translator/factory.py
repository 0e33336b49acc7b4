"""Assemble a Pipeline from user-facing options (shared by `translate` and `batch`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import config
from .engine import Engine, load_engine
from .pipeline import Pipeline


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


def build_pipeline(options: Options, *, engine: Engine | None = None) -> Pipeline:
    """Load glossary, translation memory, QA checker and (unless given) the engine."""
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
        engine = engine_for(options)
    return Pipeline(engine, glossary=glossary, checker=checker, memory=memory)


def engine_for(options: Options) -> Engine:
    """Load the engine the options ask for (`batch` calls this only once there is work)."""
    return load_engine(
        options.model,
        backend=options.backend,
        device=options.device,
        beam_size=options.beam_size,
        batch_size=options.batch_size,
    )
