"""Where CTranslate2 conversions live, and which one belongs to a model name.

A conversion of ``model`` with quantization ``q`` lives in
``config.cache_dir()/ct2/<slug(model)>-<q>/`` (``translator model convert`` writes it). Next to
CTranslate2's own files it holds the tokenizer files and ``translator.json``: the source model,
its revision, the quantization and the model's position limit. A conversion of a local folder
whose files changed since (another revision) is stale and not used.

No model library is imported here: ``--backend auto`` asks this module on every start.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path
from typing import Any

from .. import config
from .vocab import read_json

log = logging.getLogger("translator")

#: The metadata file translator writes into each conversion.
META_FILE = "translator.json"
#: Files of a CTranslate2 model folder (the vocabulary file names vary by architecture).
CT2_WEIGHTS = "model.bin"
#: Tokenizer files copied from the MarianMT folder, so a conversion is self-contained.
TOKENIZER_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")

#: Every quantization CTranslate2 converts to.
QUANTIZATIONS = (
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)
#: Which conversion ``auto`` takes when several exist: fastest first for the device.
PREFERENCE = {
    "cpu": ("int8", "int8_float32", "int16", "float32", "int8_float16", "float16", "bfloat16"),
    "cuda": ("float16", "int8_float16", "bfloat16", "int8_bfloat16", "int8", "float32"),
}


def ct2_root() -> Path:
    """Folder holding every conversion: ``$TRANSLATOR_CACHE_DIR/ct2``."""
    return config.cache_dir() / "ct2"


def model_slug(model: str, revision: str | None = None) -> str:
    """A folder name for ``model``: ``Helsinki-NLP--opus-mt-de-en``; local folders get a hash.

    Two local folders of the same name (``./model`` here and there) must not share a
    conversion, so a folder's slug includes a hash of its absolute path.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        resolved = str(path.resolve())
        digest = hashlib.sha256(resolved.encode()).hexdigest()[:10]
        base = f"{_clean(path.resolve().name) or 'model'}-{digest}"
    else:
        base = _clean(model.replace("/", "--"))
    if revision:
        base += f"@{_clean(revision)[:40]}"
    return base


def _clean(text: str) -> str:
    return re.sub(r"[^\w.@-]+", "_", text).strip("._")


def conversion_dir(model: str, quantization: str, revision: str | None = None) -> Path:
    """Where ``translator model convert`` puts the ``quantization`` conversion of ``model``."""
    return ct2_root() / f"{model_slug(model, revision)}-{quantization}"


def is_converted(path: Path) -> bool:
    """True when ``path`` is a complete CTranslate2 model folder with Marian tokenizer files."""
    return (path / CT2_WEIGHTS).is_file() and all(
        (path / name).is_file() for name in ("source.spm", "vocab.json")
    )


def read_meta(path: Path) -> dict[str, Any]:
    """The conversion's ``translator.json`` ({} when absent or unreadable)."""
    return read_json(path / META_FILE, lenient=True)


def conversions_of(model: str, revision: str | None = None) -> dict[str, Path]:
    """Every complete conversion of ``model``, by quantization (stale ones left out)."""
    found: dict[str, Path] = {}
    root = ct2_root()
    if not root.is_dir():
        return found
    prefix = f"{model_slug(model, revision)}-"
    for quantization in QUANTIZATIONS:
        path = root / f"{prefix}{quantization}"
        if is_converted(path) and not _stale(model, path) and exact(path):
            found[quantization] = path
    return found


def exact(path: Path) -> bool:
    """False when the conversion's check (convert.check_conversion) found it does not
    reproduce the model in any precision: then it is never used (transformers is)."""
    check = read_meta(path).get("check")
    return not (isinstance(check, dict) and check.get("use") == "transformers")


def _stale(model: str, path: Path) -> bool:
    """A local folder whose files changed after it was converted."""
    folder = Path(model).expanduser()
    if not folder.is_dir():
        return False  # Hub ids: the slug (and its optional @revision) identifies the snapshot
    from .hub import folder_revision

    converted_from = read_meta(path).get("revision")
    if converted_from is None or converted_from == folder_revision(folder):
        return False
    log.warning(
        "the CTranslate2 conversion %s is older than the model folder %s; not using it "
        "(run `translator model convert %s --force`)",
        path,
        folder,
        model,
    )
    return True


def converted_model_for(
    model: str,
    *,
    compute_type: str | None = None,
    device: str = "cpu",
    revision: str | None = None,
) -> Path | None:
    """Path of a CTranslate2 conversion of ``model`` if one exists, else None.

    ``model`` may itself be a converted folder (returned as is). With several conversions,
    the one matching ``compute_type`` wins, else the fastest for ``device``.
    """
    path = Path(model).expanduser()
    if path.is_dir() and is_converted(path):
        return path
    found = conversions_of(model, revision)
    if not found:
        return None
    if compute_type in found:
        return found[compute_type]
    order = PREFERENCE["cuda" if device.startswith("cuda") else "cpu"]
    for quantization in (*order, *QUANTIZATIONS):
        if quantization in found:
            return found[quantization]
    return None  # not reached: every key of `found` is in QUANTIZATIONS


def default_quantization(device: str | None = None) -> str:
    """int8 for CPU, float16 for CUDA (``auto``: CUDA when CTranslate2 sees a GPU; only then
    is ctranslate2 imported, never torch)."""
    device = (device or "auto").lower()
    if device == "auto":
        import ctranslate2

        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    return "float16" if device.startswith("cuda") else "int8"
