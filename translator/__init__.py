"""translator: German news articles into English with MarianMT and an enforced glossary.

    >>> from translator import translate_text
    >>> result = translate_text(open("article.txt").read())
    >>> print(result.target)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    GlossaryError,
    InputError,
    ModelError,
    OutputError,
    TermsMissedError,
    TranslatorError,
    UsageError,
)
from .options import Options  # noqa: E402
from .pipeline import Pipeline, translate_text  # noqa: E402
from .result import (  # noqa: E402
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


def load_glossary(path: str | os.PathLike[str]) -> Glossary:
    """Read and validate a glossary YAML file (`GlossaryError` names file, line and entry).

    The result can be passed as ``translate_text(text, glossary=...)`` or ``Options(glossary=...)``.
    """
    from .glossary import load_glossary as load

    return load(Path(path))
