"""Defaults and environment overrides, resolved when asked for (never at import time)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-de-en"

ENV_MODEL = "TRANSLATOR_MODEL"
ENV_DEVICE = "TRANSLATOR_DEVICE"
ENV_GLOSSARY = "TRANSLATOR_GLOSSARY"
ENV_CACHE_DIR = "TRANSLATOR_CACHE_DIR"
ENV_BACKEND = "TRANSLATOR_BACKEND"
#: Set to ``off`` to turn the lost-content check off (``engine.lengths``; for test models
#: whose output is noise by design).
ENV_LOST_CONTENT_CHECK = "TRANSLATOR_LOST_CONTENT_CHECK"
#: Set to ``off`` to skip the check of a new CTranslate2 conversion (``engine.convert``; for
#: test models whose output is noise: their logits tie so often that float32 and transformers
#: part ways on rounding alone).
ENV_CONVERSION_CHECK = "TRANSLATOR_CONVERSION_CHECK"
#: The values that turn a switch off (any case).
OFF = ("off", "0", "false", "no")

#: Largest input file accepted (bytes). News articles are a few KiB; this guards against
#: accidentally feeding a PDF, an archive or a log file.
MAX_INPUT_BYTES = 5 * 1024 * 1024


def model_name() -> str:
    """The model to use: $TRANSLATOR_MODEL or the opus-mt-de-en Hub id."""
    return os.environ.get(ENV_MODEL) or DEFAULT_MODEL


def device() -> str:
    """auto | cpu | cuda (from $TRANSLATOR_DEVICE, default auto)."""
    return os.environ.get(ENV_DEVICE) or "auto"


def backend() -> str:
    """transformers | ctranslate2 | auto (from $TRANSLATOR_BACKEND, default auto)."""
    return os.environ.get(ENV_BACKEND) or "auto"


def switch_on(name: str) -> bool:
    """False when the environment switch ``name`` says ``off`` (``OFF``); read at each call.
    The one reader of the check switches (``Options.resolved`` and engines built without
    options ask it)."""
    return os.environ.get(name, "").strip().lower() not in OFF


def packaged_glossary() -> Path:
    """The glossary shipped with the package (the project root's glossary.yaml links to it)."""
    return Path(__file__).parent / "data" / "glossary.yaml"


def glossary_path() -> Path | None:
    """$TRANSLATOR_GLOSSARY, else ./glossary.yaml, else the packaged glossary (if present)."""
    env = os.environ.get(ENV_GLOSSARY)
    if env:
        return Path(env)
    local = Path("glossary.yaml")
    if local.is_file():
        return local
    packaged = packaged_glossary()
    return packaged if packaged.is_file() else None


def cache_dir() -> Path:
    """Where the translation memory and converted models live ($TRANSLATOR_CACHE_DIR)."""
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("translator"))
