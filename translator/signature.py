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

#: Signature keys that do not change a translation (left out of the memory namespace): the
#: output format is applied after the engine and the glossary.
NOT_TRANSLATION = frozenset({"format"})
#: The first characters of every namespace of QA results (``Pipeline._check_all``): they are
#: not translations. A translation namespace is a hex digest, so it never starts with it.
QA_PREFIX = "qa-"
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
    """The translation memory's namespace for a setup: the one place it is derived.

    ``sig`` is a full signature (:func:`signature`: the engine's own, i.e. model and
    revision, backend, quantization and compute type, device, beam size, length limits,
    output restriction, library version; the glossary version, which covers its entries,
    house style and transliteration; QA, which decides retries; the tool's version).
    Everything in it except what only shapes the output file (``NOT_TRANSLATION``) goes
    into the hash; the device counts by its kind (``cuda:1`` is ``cuda``). The library,
    the CLI, the local batch runner and the Ray runner all key the memory with this.
    """
    key = {k: v for k, v in sig.items() if k not in NOT_TRANSLATION}
    if isinstance(key.get("device"), str):
        key["device"] = key["device"].split(":", 1)[0]
    blob = json.dumps(key, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def qa_namespace(version: str) -> str:
    """The memory namespace of the QA results of checker ``version``."""
    return QA_PREFIX + version


def is_qa_namespace(namespace: str) -> bool:
    """Whether ``namespace`` holds QA results rather than translations."""
    return namespace.startswith(QA_PREFIX)


def manifest_engine(engine: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an engine signature a batch manifest records and compares."""
    if "backend" in engine and engine["backend"] in ("transformers", "ctranslate2"):
        return {k: engine[k] for k in MANIFEST_ENGINE_KEYS if k in engine}
    return dict(engine)  # an engine of the caller's: all it says about itself
