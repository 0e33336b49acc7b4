"""What would change an output, computed without loading the model.

A re-run must decide what needs work before paying for the model (importing torch alone takes
seconds), so the batch signature is first predicted from the options and cheap facts on disk:
the engine spec's resolution (``translator.engine.spec.resolve``: the backend ``auto`` will
take, the model and its revision as the local folder, the conversion or the Hugging Face cache
knows it, the decoding options) and the glossary version, QA, output format, tool version:
the very resolution the pipeline's engine loads from and keys the translation memory with.
Once the engine has loaded, the runner records what actually ran (:func:`batch_signature`
with the loaded engine): after an ``auto`` fallback to transformers
the manifest says transformers. Both go through the one ``translator.signature.signature``.
"""

from __future__ import annotations

from typing import Any

from ..engine import Engine, engine_signature
from ..options import Options
from ..pipeline import Pipeline
from ..signature import manifest_engine, signature

#: The backends whose signature the prediction reproduces.
OUR_BACKENDS = ("transformers", "ctranslate2")


def model_signature(options: Options, engine: Engine | None = None) -> dict[str, Any]:
    """The manifest's engine facts for ``options``, predicted without loading anything: the
    resolution of the options' engine spec (``engine.spec.resolve``), the one ``engine``
    (the pipeline's ``LazyEngine``) was made from when it was made from these options."""
    from ..engine.lazy import LazyEngine
    from ..engine.spec import EngineSpec, resolve

    spec = EngineSpec.from_options(options)
    found = engine.resolution if isinstance(engine, LazyEngine) else None
    if found is None or found.spec != spec:
        found = resolve(spec)
    return manifest_engine(found.signature)


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
        model = model_signature(options, pipeline.engine)
    return signature(
        model,
        glossary=pipeline.glossary.version if pipeline.glossary is not None else None,
        qa=pipeline.checker is not None,
        format=fmt,
    )
