"""translator: German news articles into English with MarianMT and an enforced glossary.

    >>> from translator import translate_text
    >>> result = translate_text(open("article.txt").read())
    >>> print(result.target)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    GlossaryError,
    InputError,
    ModelError,
    OutputError,
    TermsMissedError,
    TranslatorError,
    UsageError,
)
from .options import Options
from .pipeline import Pipeline
from .result import (
    Flag,
    ParagraphResult,
    SentenceResult,
    TermHit,
    TranslationResult,
)

if TYPE_CHECKING:
    from .engine import Engine
    from .glossary import Glossary

__all__ = [
    "Flag",
    "GlossaryError",
    "InputError",
    "ModelError",
    "Options",
    "OutputError",
    "ParagraphResult",
    "Pipeline",
    "SentenceResult",
    "TermHit",
    "TermsMissedError",
    "TranslationResult",
    "TranslatorError",
    "UsageError",
    "__version__",
    "build_pipeline",
    "load_glossary",
    "translate_text",
]


def load_glossary(path: str | os.PathLike[str], **options: Any) -> Glossary:
    """Read and validate a glossary YAML file (`GlossaryError` names file, line and entry).

    ``options``: ``style`` (``ap``, ``reuters``, ``bbc``) and ``transliterate`` (see
    `translator.glossary.load_glossary`). The result can be passed as
    ``translate_text(text, glossary=...)`` or ``Options(glossary=...)``.
    """
    from .glossary import load_glossary as load

    return load(Path(path), **options)


def build_pipeline(
    options: Options | None = None, *, engine: Engine | None = None, **changes: Any
) -> Pipeline:
    """A pipeline with the defaults every entry point shares (``translator.Options``): the
    packaged glossary, QA, the model (loaded when first needed, unless ``engine`` is given);
    any Options field may be changed as a keyword (``glossary=False``, ``memory=True``...).
    Assembled by ``translator.factory.build_pipeline``, as the CLI and the batch runners do.
    """
    from dataclasses import replace

    from .factory import build_pipeline as build

    return build(replace(options or Options(), **changes), engine=engine)


def translate_text(
    text: str,
    *,
    engine: Engine | None = None,
    options: Options | None = None,
    name: str | None = None,
    **changes: Any,
) -> TranslationResult:
    """Translate a German article, with the same defaults as ``translator translate``.

    The pipeline is assembled from ``options`` (default ``Options()``) with any of its fields
    given as keywords changed (``glossary=``, ``qa=``, ``memory=``, ``model=``, ``backend=``,
    ``device=``, ``beam_size=``, ``batch_size=``; see ``translator.Options``): the packaged
    glossary and the quality checks are on; the translation memory is off unless asked for
    (``memory=True`` or a path), so a library call writes nothing to disk. ``engine``
    (any object with ``translate_batch``) replaces the MarianMT model.
    """
    pipeline = build_pipeline(options, engine=engine, **changes)
    return pipeline.translate_text(text, name=name)
