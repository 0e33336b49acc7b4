"""translator: German news articles into English with MarianMT and an enforced glossary.

    >>> from translator import translate_text
    >>> result = translate_text(open("article.txt").read())
    >>> print(result.target)
"""

from __future__ import annotations

from ._version import __version__
from .errors import (
    GlossaryError,
    InputError,
    ModelError,
    OutputError,
    TermsMissedError,
    TranslatorError,
)
from .pipeline import Pipeline, translate_text
from .result import (
    Flag,
    ParagraphResult,
    SentenceResult,
    TermHit,
    TranslationResult,
)

__all__ = [
    "Flag",
    "GlossaryError",
    "InputError",
    "ModelError",
    "OutputError",
    "ParagraphResult",
    "Pipeline",
    "SentenceResult",
    "TermHit",
    "TermsMissedError",
    "TranslationResult",
    "TranslatorError",
    "__version__",
    "translate_text",
]
