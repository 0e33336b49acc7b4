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
from .pipeline import Pipeline, translate_text
from .result import (
    Flag,
    ParagraphResult,
    SentenceResult,
    TermHit,
    TranslationResult,
)

if TYPE_CHECKING:
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
