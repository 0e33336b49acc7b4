"""Options -> glossary, translation memory, QA checker, engine -> Pipeline.

The one assembly path: ``translate_text``, the ``translate`` and ``batch`` commands and
``translate_folder`` all call :func:`build_pipeline`, so they get the same defaults (see
``translator.options``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import Engine, load_engine
from .options import GlossarySpec, Options
from .pipeline import Pipeline

if TYPE_CHECKING:
    from .glossary import Glossary

__all__ = ["Options", "build_pipeline", "engine_for", "glossary_for"]


def build_pipeline(options: Options | None = None, *, engine: Engine | None = None) -> Pipeline:
    """Load the glossary, translation memory, QA checker and (unless given) the engine."""
    options = (options or Options()).resolved()
    glossary = glossary_for(options.glossary)
    checker = None
    if options.qa:
        from .qa import QualityChecker

        checker = QualityChecker(glossary=glossary)
    memory = None
    path = options.memory_path()
    if path is not None:
        from .cache import TranslationMemory

        memory = TranslationMemory(path)
    if engine is None:
        engine = engine_for(options)
    return Pipeline(engine, glossary=glossary, checker=checker, memory=memory)


def glossary_for(spec: GlossarySpec) -> Glossary | None:
    """A loaded glossary for ``spec`` (see ``Options.glossary``), or None for ``False``."""
    if spec is False:
        return None
    if spec is not None and not isinstance(spec, str | Path):
        return spec  # already a Glossary (or any object with the pipeline's glossary methods)
    path = Options(glossary=spec).glossary_path()
    if path is None:
        return None
    from .glossary import load_glossary

    return load_glossary(path)


def engine_for(options: Options, **kwargs: Any) -> Engine:
    """Load the engine the options ask for (``batch`` calls this only once there is work)."""
    options = options.resolved()
    return load_engine(
        options.model,
        backend=options.backend or "auto",
        device=options.device or "auto",
        beam_size=options.beam_size,
        batch_size=options.batch_size,
        **kwargs,
    )
