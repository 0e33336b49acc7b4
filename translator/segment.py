"""German sentence splitting. PLACEHOLDER: the full implementation replaces it."""

from __future__ import annotations

import re


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
