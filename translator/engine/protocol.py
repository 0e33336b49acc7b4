"""The engine protocol: what the pipeline needs of an engine (see ``translator.engine``).

A leaf module, so that the engine package's own modules (``spec``, ``lazy``) can name the
protocol without importing the package's ``__init__`` back."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Engine(Protocol):
    def translate_batch(self, sentences: list[str]) -> list[str]: ...


def engine_signature(engine: Engine) -> dict[str, Any]:
    """The engine's own signature, or its class name for engines that have none."""
    sig = getattr(engine, "signature", None)
    if isinstance(sig, dict):
        return dict(sig)
    return {"backend": type(engine).__name__}
