"""What would change an output, computed without loading the model.

A re-run must decide what needs work before paying for the model (importing torch alone takes
seconds), so the batch signature is built from the options and cheap facts on disk: the model
name and its revision as the local folder or the Hugging Face cache knows it, the resolved
backend, the decoding options, the glossary version, QA on/off, output format, tool version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import config
from .._version import __version__
from ..engine import Engine, engine_signature
from ..factory import Options
from ..pipeline import Pipeline


def model_signature(options: Options) -> dict[str, Any]:
    """Model name, revision (if known locally), backend and decoding options."""
    from ..engine.hub import model_info
    from ..engine.select import converted_model_for

    name = options.model or config.model_name()
    backend = options.backend
    converted = converted_model_for(name)
    if backend == "auto":
        backend = "ctranslate2" if converted is not None else "transformers"
    info = model_info(name)
    sig: dict[str, Any] = {
        "model": str(Path(name).expanduser().resolve()) if info["kind"] == "folder" else name,
        "revision": info["revision"],
        "backend": backend,
        "beam_size": options.beam_size,
        "device": options.device,
    }
    if backend == "ctranslate2" and converted is not None:
        sig["converted"] = str(converted)
    return sig


def batch_signature(
    pipeline: Pipeline, fmt: str, *, options: Options | None, engine: Engine | None
) -> dict[str, Any]:
    """The signature a manifest entry is compared against.

    With an engine given by the caller its own signature is used (it is already loaded);
    otherwise the model part comes from ``options`` without loading anything.
    """
    if engine is not None or options is None:
        model = engine_signature(engine if engine is not None else pipeline.engine)
    else:
        model = model_signature(options)
    return {
        "tool": "translator",
        "version": __version__,
        "engine": model,
        "glossary": pipeline.glossary.version if pipeline.glossary is not None else None,
        "qa": pipeline.checker is not None,
        "format": fmt,
    }
