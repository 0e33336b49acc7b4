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

import logging
from typing import Any, Protocol, runtime_checkable

log = logging.getLogger("translator")


@runtime_checkable
class Engine(Protocol):
    def translate_batch(self, sentences: list[str]) -> list[str]: ...


def engine_signature(engine: Engine) -> dict[str, Any]:
    """The engine's own signature, or its class name for engines that have none."""
    sig = getattr(engine, "signature", None)
    if isinstance(sig, dict):
        return dict(sig)
    return {"backend": type(engine).__name__}


def load_engine(
    model: str | None = None,
    *,
    backend: str | None = None,
    device: str | None = None,
    beam_size: int = 4,
    batch_size: int = 32,
    **kwargs: Any,
) -> Engine:
    """Load the engine for ``model`` (Hub id or local folder; default $TRANSLATOR_MODEL, else
    opus-mt-de-en).

    ``backend`` (default $TRANSLATOR_BACKEND, else ``auto``): ``transformers``,
    ``ctranslate2`` (an existing conversion) or ``auto``: CTranslate2, converting the model
    once into the cache when it has no conversion yet (``convert.ensure_converted``); when
    that is impossible (ctranslate2 missing, conversion failed, conversion unusable) a
    one-line warning and transformers. ``device`` (default $TRANSLATOR_DEVICE, else ``auto``).
    Bad values raise UsageError.
    """
    from ..options import Options
    from .base import check_device

    options = Options(model=model, backend=backend, device=device).resolved()  # type: ignore[arg-type]
    model, backend, device = options.model or "", options.backend, options.device or "auto"
    check_device(device)  # before a backend is announced or a model converted
    if backend == "auto":
        from .select import converted_model_for

        if converted_model_for(model, device=device) is None:
            from .convert import ensure_converted

            ensure_converted(
                model,
                device=device,
                revision=kwargs.get("revision"),
                local_files_only=kwargs.get("local_files_only"),
            )
        if converted_model_for(model, device=device) is not None:
            from ..errors import ModelError

            try:
                return load_engine(
                    model,
                    backend="ctranslate2",
                    device=device,
                    beam_size=beam_size,
                    batch_size=batch_size,
                    **kwargs,
                )
            except (ModelError, ImportError) as exc:  # a damaged conversion, no ctranslate2
                log.warning("cannot use the CTranslate2 conversion (%s); using transformers", exc)
        backend = "transformers"
    if backend == "transformers":
        from .marian import MarianEngine

        return MarianEngine(
            model, device=device, beam_size=beam_size, batch_size=batch_size, **kwargs
        )
    from .ct2 import CTranslate2Engine

    return CTranslate2Engine(
        model, device=device, beam_size=beam_size, batch_size=batch_size, **kwargs
    )
