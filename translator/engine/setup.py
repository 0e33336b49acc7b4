"""A setup's fingerprint: what decides an engine's signature, from cheap facts only.

The translation memory is keyed by the engine's signature (model, revision, backend,
quantization, decoding options…), which the engine knows once it is loaded; loading means
importing torch or CTranslate2 and reading the weights (seconds). To look sentences up before
that, the memory remembers, per setup, the signature its engine gave the last time
(``TranslationMemory.remember_setup``); a setup is identified by :func:`setup_key`: the
options, the model's files as the file system lists them (names, sizes, modification times;
for a Hub id its cache's snapshot), the CTranslate2 conversions of it, the versions of the
model libraries and whether a GPU is there. Anything that could change the signature changes
the key, and an unknown key simply means the engine is loaded first, as before.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any

#: Libraries whose version can change what an engine outputs.
LIBRARIES = ("ctranslate2", "transformers", "torch", "sentencepiece")


def setup_key(
    model: str, *, backend: str, device: str, beam_size: int, batch_size: int
) -> str:
    """A hash of everything that decides the signature of the engine these options load."""
    from .._version import __version__

    facts: dict[str, Any] = {
        "tool": __version__,
        "options": [model, backend, device, beam_size, batch_size],
        "model": _model_files(model),
        "conversions": _conversions(model),
        "libraries": {name: _version(name) for name in LIBRARIES},
        "gpu": [os.environ.get("CUDA_VISIBLE_DEVICES"), Path("/dev/nvidia0").exists()],
    }
    blob = json.dumps(facts, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _listing(folder: Path) -> list[tuple[str, int, int]]:
    """(name, size, mtime in ns) of the files in ``folder`` (links followed); [] if none."""
    found = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        try:
            st = entry.stat()
        except OSError:
            continue
        if entry.is_file():
            found.append((entry.name, st.st_size, st.st_mtime_ns))
    return found


def _model_files(model: str) -> dict[str, Any]:
    """A local folder by its path and files; a Hub id by its cache's ``main`` snapshot."""
    path = Path(model).expanduser()
    if path.is_dir():
        resolved = path.resolve()
        return {"folder": str(resolved), "files": _listing(resolved)}
    from .hub import hub_cache_dir

    repo = hub_cache_dir() / f"models--{model.replace('/', '--')}"
    try:
        commit = (repo / "refs" / "main").read_text(encoding="utf-8").strip()
    except OSError:
        commit = ""
    snapshot = repo / "snapshots" / commit if commit else None
    return {
        "hub": model,
        "cache": str(repo),
        "commit": commit,
        "files": _listing(snapshot) if snapshot is not None else [],
    }


def _conversions(model: str) -> list[Any]:
    """Each CTranslate2 conversion of ``model`` there is, by its files."""
    from .select import QUANTIZATIONS, conversion_dir

    found: list[Any] = []
    for quantization in QUANTIZATIONS:
        folder = conversion_dir(model, quantization)
        files = _listing(folder)
        if files:
            found.append([quantization, files])
    return found


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
