"""Translation engines.

An engine is any object with ``translate_batch(self, sentences: list[str]) -> list[str]``
returning exactly one translation per input sentence, in order. That is all the pipeline
needs, and it is how tests and other back-ends plug in.

Optional members the pipeline uses when present:

* ``signature: dict`` -- what produced the output (model, revision, backend, decoding options);
  goes into every output's signature and into the translation-memory key.
* ``retranslate(sentences) -> list[str]`` -- translate again with safer decoding (used for
  empty or runaway output).

This package is the only place that imports torch, transformers or ctranslate2, and it does
so lazily, inside the functions that need them.
"""

from __future__ import annotations

from typing import Any

from .protocol import Engine, engine_signature

__all__ = ["Engine", "engine_signature", "load_engine"]


def load_engine(
    model: str | None = None,
    *,
    backend: str | None = None,
    device: str | None = None,
    beam_size: int | None = None,
    batch_size: int | None = None,
    **engine_args: Any,
) -> Engine:
    """Load the engine for ``model`` (Hub id or local folder; default $TRANSLATOR_MODEL, else
    opus-mt-de-en).

    ``backend`` (default $TRANSLATOR_BACKEND, else ``auto``): ``transformers``,
    ``ctranslate2`` (an existing conversion) or ``auto``: CTranslate2, converting the model
    once into the cache when it has no conversion yet (``convert.ensure_converted``); when
    that is impossible (ctranslate2 missing, conversion failed, conversion unusable) a
    one-line warning and transformers. ``device`` (default $TRANSLATOR_DEVICE, else ``auto``).
    ``beam_size`` and ``batch_size`` default as in ``Options``; ``engine_args`` go to the
    engine class (``spec.EngineSpec.from_options``). Bad values raise UsageError.
    """
    from dataclasses import replace

    from ..options import Options
    from .spec import EngineSpec, load

    options = Options(model=model, backend=backend, device=device)  # type: ignore[arg-type]
    if beam_size is not None:
        options = replace(options, beam_size=beam_size)
    if batch_size is not None:
        options = replace(options, batch_size=batch_size)
    for check in ("lost_content_check", "conversion_check"):
        if check in engine_args:
            options = replace(options, **{check: engine_args.pop(check)})
    return load(EngineSpec.from_options(options, **engine_args))
