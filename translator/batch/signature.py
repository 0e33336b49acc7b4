"""What would change an output, computed without loading the model.

A re-run must decide what needs work before paying for the model (importing torch alone takes
seconds), so the batch signature is first predicted from the options and cheap facts on disk:
the model name and its revision as the local folder or the Hugging Face cache knows it, the
backend ``auto`` will take, the decoding options, glossary version, QA, output format, tool
version. Once the engine has loaded, the runner records what actually ran
(:func:`batch_signature` with the loaded engine): after an ``auto`` fallback to transformers
the manifest says transformers. Both go through the one ``translator.signature.signature``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from ..engine import Engine, engine_signature
from ..options import Options
from ..pipeline import Pipeline
from ..signature import manifest_engine, signature

#: The backends whose signature the prediction below reproduces.
OUR_BACKENDS = ("transformers", "ctranslate2")


def model_signature(options: Options) -> dict[str, Any]:
    """The manifest's engine facts for ``options``, predicted without loading anything."""
    from ..engine.hub import model_info
    from ..engine.select import converted_model_for, read_meta

    options = options.resolved()
    name = options.model or ""
    device = options.device or "auto"
    backend = options.backend or "auto"
    converted = converted_model_for(name, device=device)
    if backend == "auto":
        # auto converts on first use when it can (engine.load_engine), else transformers
        can_convert = importlib.util.find_spec("ctranslate2") is not None
        backend = "ctranslate2" if converted is not None or can_convert else "transformers"
    info = model_info(name)
    sig: dict[str, Any] = {
        "backend": backend,
        "model": str(Path(name).expanduser().resolve()) if info["kind"] == "folder" else name,
        "revision": info["revision"],
        "beam_size": options.beam_size,
    }
    if backend == "ctranslate2":
        if converted is not None:  # the engine signs with the conversion's own record
            meta = read_meta(converted)
            sig["quantization"] = meta.get("quantization")
            sig["revision"] = meta.get("revision")
        else:
            from ..engine.convert import default_quantization

            sig["quantization"] = default_quantization(device)
    return manifest_engine(sig) | {"device": device}


def batch_signature(
    pipeline: Pipeline,
    fmt: str,
    *,
    options: Options | None,
    engine: Engine | None,
    loaded: bool = False,
) -> dict[str, Any]:
    """The signature a manifest entry is compared against and recorded with.

    With an engine given by the caller, or once the pipeline's engine has ``loaded``, the
    engine's own signature is used (what actually runs); otherwise the engine part is
    predicted from ``options`` without loading anything.
    """
    if engine is not None or options is None:
        model = manifest_engine(engine_signature(engine if engine is not None else pipeline.engine))
    elif loaded and engine_signature(pipeline.engine).get("backend") in OUR_BACKENDS:
        device = options.resolved().device or "auto"
        model = manifest_engine(engine_signature(pipeline.engine)) | {"device": device}
    else:
        model = model_signature(options)
    return signature(
        model,
        glossary=pipeline.glossary.version if pipeline.glossary is not None else None,
        qa=pipeline.checker is not None,
        format=fmt,
    )
