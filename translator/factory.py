"""Options -> glossary, translation memory, QA checker, engine -> Pipeline.

The one assembly path: ``translate_text``, the ``translate`` and ``batch`` commands and
``translate_folder`` all call :func:`build_pipeline`, so they get the same defaults (see
``translator.options``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import Engine
from .engine.spec import load as load_engine
from .options import GlossarySpec, Options
from .pipeline import Pipeline

if TYPE_CHECKING:
    from .cache import TranslationMemory
    from .engine.lazy import LazyEngine
    from .glossary import Glossary

__all__ = ["Options", "build_pipeline", "engine_for", "glossary_for", "lazy_engine"]


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

    The options' engine spec is resolved once (``engine.spec.resolve``, no model library
    imported). With a translation memory the engine signs, until it is loaded, with the
    signature this setup's engine gave last time (remembered under the resolution's
    ``setup_key``), so a run whose sentences are all in the memory loads no model at all. A
    setup the memory does not know yet loads as before: an existing CTranslate2 conversion in
    a thread from now on (while the glossary and the checks are set up; a damaged one falls
    back at first need as the options say), anything else at first need.
    """
    from .engine.lazy import LazyEngine
    from .engine.spec import EngineSpec, resolve

    options = options.resolved()
    found = resolve(EngineSpec.from_options(options))
    key = found.setup_key if memory is not None else None
    known = memory.known_setup(key) if memory is not None and key is not None else None
    background = known is None and found.loads_in_background

    def load() -> Engine:
        if background:  # only the conversion there is, in the thread
            return engine_for(replace(options, backend="ctranslate2"))
        return engine_for(options)

    def fallback() -> Engine:
        return engine_for(options)

    def remember(signature: dict[str, Any]) -> None:
        if memory is not None and key is not None and signature != known:
            memory.remember_setup(key, signature)

    engine = LazyEngine(
        load,
        signature=known,
        on_signature=remember,
        background=background,
        fallback=fallback if background and options.backend != "ctranslate2" else None,
        on_step=on_step,
        resolution=found,
    )
    return engine, background


def glossary_for(
    spec: GlossarySpec, *, style: str = Options.style, transliterate: bool = Options.transliterate
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


def engine_for(options: Options, **engine_args: Any) -> Engine:
    """Load the engine the options ask for (``batch`` calls this only once there is work):
    their engine spec (``engine.spec.EngineSpec.from_options``, with ``engine_args``),
    loaded by ``load_engine``."""
    from .engine.base import check_device
    from .engine.spec import EngineSpec

    spec = EngineSpec.from_options(options, **engine_args)
    check_device(spec.device)  # a GPU asked for and absent: said before anything else
    return load_engine(spec)
