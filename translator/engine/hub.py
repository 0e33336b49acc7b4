"""Find a MarianMT model: a local folder, the Hugging Face cache, or (when allowed) the Hub.

No torch here: `translator model info` and `download` use this module, and the CTranslate2
conversion uses it to find the folder to convert. Environment variables are read when a
function is called (tests and users may set them after import).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelError
from .vocab import read_json

log = logging.getLogger("translator")

#: What a download fetches: configs, tokenizer files and the safetensors weights (the Hub
#: repos also hold TensorFlow/Rust weights nobody here needs).
DOWNLOAD_PATTERNS = ["*.json", "*.spm", "model.safetensors"]
#: Older repos without safetensors.
FALLBACK_WEIGHTS = "pytorch_model.bin"
WEIGHT_FILES = ("model.safetensors", FALLBACK_WEIGHTS)
#: Without these a Marian model cannot be loaded (plus one of WEIGHT_FILES).
REQUIRED_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_EXAMPLE_ID = "Helsinki-NLP/opus-mt-de-en"


@dataclass
class ResolvedModel:
    """Where a model's files are: ``kind`` is ``folder`` (a local copy) or ``cache`` (HF cache)."""

    name: str
    path: Path
    kind: str
    revision: str
    files: dict[str, int] = field(default_factory=dict)  # file name -> size in bytes


def offline() -> bool:
    """True when $HF_HUB_OFFLINE (or the older $TRANSFORMERS_OFFLINE) forbids the network.

    Read on every call, not at import, so a setting made after start-up counts.
    """
    return any(
        os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def hub_cache_dir() -> Path:
    """The HF hub cache: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg).expanduser() / "huggingface" / "hub"


def looks_like_hub_id(model: str) -> bool:
    return bool(_HUB_ID.match(model)) and not model.startswith(("~", "."))


def missing_files(folder: Path) -> list[str]:
    """The files a Marian model folder lacks (empty when it is complete)."""
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if not any((folder / name).is_file() for name in WEIGHT_FILES):
        missing.append(" or ".join(WEIGHT_FILES))
    return missing


def folder_revision(folder: Path) -> str:
    """A revision for a model folder: the Hub commit of a cache snapshot, else a content hash.

    The hash covers config.json's bytes and the names and sizes of the other files (hashing
    300 MB of weights on every start would cost seconds).
    """
    resolved = folder.resolve()
    if _COMMIT.match(resolved.name) and resolved.parent.name == "snapshots":
        return resolved.name
    digest = hashlib.sha256()
    config = folder / "config.json"
    if config.is_file():
        digest.update(config.read_bytes())
    for name, size in sorted(_files(folder).items()):
        digest.update(f"{name}:{size}\n".encode())
    return "local-" + digest.hexdigest()[:12]


def _files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}


def not_available_message(model: str, reason: str) -> str:
    """The one line that says which model is missing and every way to fix it."""
    return (
        f"model {model!r} is not available: {reason}. Fix: pass --model PATH (or set "
        f"TRANSLATOR_MODEL=PATH) to a local copy of the model folder, or run "
        f"`translator model download {model}` on a connected machine (files go to the "
        f"Hugging Face cache, {hub_cache_dir()}; set HF_HOME to move it)"
    )


def resolve_model(
    model: str, *, revision: str | None = None, local_files_only: bool | None = None
) -> ResolvedModel:
    """Find ``model`` (a local folder or a Hub id) and return where its files are.

    A Hub id is looked up in the local cache first, so a cached model never waits on the
    network; only when it is not cached, and neither ``local_files_only`` nor $HF_HUB_OFFLINE
    forbid it, is it downloaded. Raises ModelError (one line, with the fixes) otherwise.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        missing = missing_files(path)
        if missing:
            raise ModelError(f"model folder {path} is missing {', '.join(missing)}")
        return ResolvedModel(model, path, "folder", folder_revision(path), _files(path))
    if not looks_like_hub_id(model):
        raise ModelError(
            not_available_message(model, f"no such folder {path}")
            if not path.exists()
            else f"model path {path} is not a folder"
        )
    cached = cached_snapshot(model, revision)
    if cached is not None and not missing_files(cached):
        return ResolvedModel(model, cached, "cache", folder_revision(cached), _files(cached))
    if local_files_only or offline():
        why = "HF_HUB_OFFLINE is set" if offline() else "local_files_only was asked for"
        where = f"{'incomplete' if cached else 'not'} in the Hugging Face cache"
        raise ModelError(not_available_message(model, f"{where} and {why}"))
    folder = download_model(model, revision=revision)
    return ResolvedModel(model, folder, "cache", folder_revision(folder), _files(folder))


def cached_snapshot(model: str, revision: str | None = None) -> Path | None:
    """The cache's snapshot folder of ``model`` at ``revision`` (default: main), if any."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = snapshot_download(
            model,
            revision=revision,
            cache_dir=hub_cache_dir(),
            allow_patterns=DOWNLOAD_PATTERNS + [FALLBACK_WEIGHTS],
            local_files_only=True,
        )
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None
    return Path(folder)


def download_model(model: str, *, revision: str | None = None) -> Path:
    """Download ``model`` from the Hub into the HF cache; return its snapshot folder.

    Fetches only ``*.json``, ``*.spm`` and ``model.safetensors`` (``pytorch_model.bin`` only
    when the repo has no safetensors). Raises ModelError with one line when it cannot.
    """
    if not looks_like_hub_id(model) or Path(model).expanduser().is_dir():
        raise ModelError(f"{model!r} is a local path, not a Hub model id like {_EXAMPLE_ID}")
    if offline():
        raise ModelError(not_available_message(model, "HF_HUB_OFFLINE is set, nothing downloaded"))
    from huggingface_hub import snapshot_download

    try:
        folder = Path(
            snapshot_download(
                model,
                revision=revision,
                cache_dir=hub_cache_dir(),
                allow_patterns=DOWNLOAD_PATTERNS,
                # Bound the wait on an unreachable or slow Hub (seconds per request).
                etag_timeout=10,
            )
        )
        if not (folder / "model.safetensors").is_file():
            folder = Path(
                snapshot_download(
                    model,
                    revision=revision,
                    cache_dir=hub_cache_dir(),
                    allow_patterns=[FALLBACK_WEIGHTS],
                    etag_timeout=10,
                )
            )
    except Exception as exc:  # network, auth, unknown repo: all end as one line for the user
        reason = _short_reason(exc)
        raise ModelError(not_available_message(model, f"download failed ({reason})")) from exc
    missing = missing_files(folder)
    if missing:
        raise ModelError(f"downloaded {model} to {folder} but it lacks {', '.join(missing)}")
    log.info("model %s downloaded to %s", model, folder)
    return folder


def _short_reason(exc: BaseException) -> str:
    """The first line of an exception, without the library's long advice paragraphs."""
    text = str(exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return f"{type(exc).__name__}: {first}"[:200]


def model_info(model: str, *, revision: str | None = None) -> dict[str, Any]:
    """What is known locally about ``model`` (never touches the network, never imports torch).

    Keys: name, kind (folder | cache | missing), location, revision, available_offline,
    files ({name: bytes}), missing (file names), config (d_model, layers, vocab, positions...).
    """
    info: dict[str, Any] = {
        "name": model,
        "kind": "missing",
        "location": None,
        "revision": None,
        "available_offline": False,
        "files": {},
        "missing": [],
        "config": {},
    }
    path = Path(model).expanduser()
    folder: Path | None = None
    if path.is_dir():
        folder, info["kind"] = path, "folder"
    elif looks_like_hub_id(model):
        folder = cached_snapshot(model, revision)
        info["kind"] = "cache" if folder is not None else "missing"
        if folder is None:
            info["location"] = str(hub_cache_dir())
    if folder is None:
        if not looks_like_hub_id(model):
            info["location"] = str(path)
        return info
    info["location"] = str(folder)
    info["files"] = _files(folder)
    info["missing"] = missing_files(folder)
    info["available_offline"] = not info["missing"]
    info["revision"] = folder_revision(folder)
    info["config"] = _config_summary(folder)
    return info


def _config_summary(folder: Path) -> dict[str, Any]:
    config = read_json(folder / "config.json", lenient=True)
    keys = (
        "model_type",
        "d_model",
        "encoder_layers",
        "decoder_layers",
        "encoder_attention_heads",
        "encoder_ffn_dim",
        "vocab_size",
        "max_position_embeddings",
        "activation_function",
    )
    return {k: config[k] for k in keys if k in config}
