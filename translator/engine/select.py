"""Which converted (CTranslate2) model belongs to a model name. Filled in by the speed work."""

from __future__ import annotations

from pathlib import Path


def converted_model_for(model: str) -> Path | None:
    """Path of a CTranslate2 conversion of ``model`` if one exists, else None."""
    return None
