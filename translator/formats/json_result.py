"""The whole result as JSON (``TranslationResult.to_dict``): every sentence with its source,
glossary terms, quality flags and what was dropped or changed. Written, never read."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .base import Codec, Document

if TYPE_CHECKING:
    from ..result import TranslationResult


def render_json(result: TranslationResult, document: Document | None = None) -> str:
    """``result.to_dict()`` as indented UTF-8 JSON."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"


CODEC = Codec(
    "json",
    write=render_json,
    extension=".json",
    media_type="application/json",
)
