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
    backend: str = "auto",
    device: str = "auto",
    beam_size: int = 4,
    batch_size: int = 32,
    **kwargs: Any,
) -> Engine:
    """Load the engine for ``model`` (Hub id or local folder).

    ``backend``: ``transformers``, ``ctranslate2`` or ``auto`` (CTranslate2 when a converted
    model exists for ``model`` and loads, else transformers, with a warning when a
    conversion exists but cannot be used).
    """
    from .. import config
    from .base import check_device

    model = model or config.model_name()
    check_device(device)  # before a backend is announced or a model converted
    if backend == "auto":
        from .select import converted_model_for

        if converted_model_for(model) is not None:
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
    if backend == "ctranslate2":
        from .ct2 import CTranslate2Engine

        return CTranslate2Engine(
            model, device=device, beam_size=beam_size, batch_size=batch_size, **kwargs
        )
    from ..errors import ModelError

    raise ModelError(f"unknown backend {backend!r} (use transformers, ctranslate2 or auto)")
