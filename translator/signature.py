"""The one signature: what produced an output, as recorded everywhere.

Every output's ``signature``, the settings a batch manifest compares and the translation
memory's namespace are all built here, from the signature of the engine that actually ran
(after an ``auto`` fallback to transformers they say ``transformers``), the glossary version
and whether QA ran.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: Signature keys that do not change what the engine outputs (not part of the memory key).
NOT_ENGINE = frozenset({"tool", "version", "glossary", "qa", "format"})
#: The engine facts a batch manifest compares: knowable before the model is loaded (see
#: ``translator.batch.signature``), so that a re-run with nothing to do loads no model.
MANIFEST_ENGINE_KEYS = ("backend", "model", "revision", "quantization", "beam_size", "device")


def signature(
    engine: Mapping[str, Any], *, glossary: str | None, qa: bool, **extra: Any
) -> dict[str, Any]:
    """Tool and version, the engine's own signature, glossary version, QA (and ``extra``)."""
    from ._version import __version__

    sig: dict[str, Any] = {"tool": "translator", "version": __version__}
    sig.update(engine)
    sig["glossary"] = glossary
    sig["qa"] = qa
    sig.update(extra)
    return sig


def memory_namespace(sig: Mapping[str, Any]) -> str:
    """Translation-memory key prefix: everything in ``sig`` that changes an engine output."""
    key: dict[str, Any] = {"engine": {k: v for k, v in sig.items() if k not in NOT_ENGINE}}
    if sig.get("glossary") is not None:
        key["glossary"] = sig["glossary"]
    blob = json.dumps(key, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def manifest_engine(engine: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an engine signature a batch manifest records and compares."""
    if "backend" in engine and engine["backend"] in ("transformers", "ctranslate2"):
        return {k: engine[k] for k in MANIFEST_ENGINE_KEYS if k in engine}
    return dict(engine)  # an engine of the caller's: all it says about itself
