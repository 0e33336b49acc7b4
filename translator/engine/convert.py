"""Convert a MarianMT model for CTranslate2 (``translator model convert``).

Wraps ``ctranslate2.converters.TransformersConverter``. The conversion goes to a temporary
folder next to its final place and is renamed into place when complete, so an interrupted
conversion never looks usable. torch and transformers are imported here (the converter loads
the model with them), but only when a conversion actually runs.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ModelError
from .base import MODEL_LOAD_LOCK
from .marian import quiet
from .select import (
    META_FILE,
    QUANTIZATIONS,
    TOKENIZER_FILES,
    conversion_dir,
    is_converted,
    read_meta,
)
from .vocab import read_json, target_pieces, write_vmap

log = logging.getLogger("translator")
#: Messages about long one-off work (the first conversion) that a user should see as it
#: happens; the CLI shows this logger's INFO messages on stderr.
progress = logging.getLogger("translator.progress")


@dataclass
class Conversion:
    """A finished conversion: where it is and whether this call made it."""

    path: Path
    quantization: str
    created: bool


def default_quantization(device: str = "auto") -> str:
    """int8 for CPU, float16 for CUDA (``auto``: CUDA when CTranslate2 sees a GPU)."""
    device = (device or "auto").lower()
    if device == "auto":
        import ctranslate2

        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    return "float16" if device.startswith("cuda") else "int8"


def convert_model(
    model: str,
    *,
    quantization: str | None = None,
    device: str = "auto",
    revision: str | None = None,
    output_dir: Path | None = None,
    force: bool = False,
    local_files_only: bool | None = None,
) -> Conversion:
    """Convert ``model`` (Hub id or MarianMT folder) for CTranslate2 and return where it went.

    ``quantization``: one of ``select.QUANTIZATIONS`` (default: :func:`default_quantization`).
    ``output_dir``: default ``select.conversion_dir(model, quantization)``, which is where
    ``--backend auto|ctranslate2`` looks. An existing complete conversion is kept unless
    ``force``. Raises ModelError (one line) when the model is missing or cannot be converted.
    """
    quantization = (quantization or default_quantization(device)).lower()
    if quantization not in QUANTIZATIONS:
        raise ModelError(
            f"unknown quantization {quantization!r} (use one of {', '.join(QUANTIZATIONS)})"
        )
    from .hub import resolve_model

    source = resolve_model(model, revision=revision, local_files_only=local_files_only)
    target = (
        Path(output_dir)
        if output_dir is not None
        else conversion_dir(model, quantization, revision)
    )
    if is_converted(target) and not force:
        meta = read_meta(target)
        if "output_vocabulary" not in meta:  # made before outputs were restricted (vocab.py)
            log.info("%s: converting again (an older conversion without vmap.txt)", model)
        elif meta.get("revision") in (None, source.revision):
            log.info("%s is already converted (%s): %s", model, quantization, target)
            return Conversion(target, quantization, created=False)
        else:
            log.info("%s changed since its conversion; converting again", model)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        decoding = _run_converter(source.path, work / "model", quantization)
        out = work / "model"
        for name in TOKENIZER_FILES:
            if (source.path / name).is_file() and not (out / name).exists():
                shutil.copy2(source.path / name, out / name)
        output = target_pieces(source.path)
        if output is not None:
            write_vmap(out, output)
        meta = {
            "model": model,
            "source": str(source.path),
            "revision": source.revision,
            "quantization": quantization,
            "max_position_embeddings": _positions(source.path),
            **decoding,
            # Ids the decoder may produce (vmap.txt), or None: the whole vocabulary.
            "output_vocabulary": None if output is None else len(output),
            "converted": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "ctranslate2": _ct2_version(),
        }
        (out / META_FILE).write_text(json.dumps(meta, indent=2), "utf-8")
        _replace_dir(out, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("converted %s (%s) to %s", model, quantization, target)
    return Conversion(target, quantization, created=True)


def ensure_converted(
    model: str,
    *,
    device: str = "auto",
    revision: str | None = None,
    local_files_only: bool | None = None,
) -> Conversion | None:
    """Convert ``model`` for CTranslate2 once, into the cache, for ``--backend auto``.

    Returns the conversion, or None after a one-line warning when it is impossible
    (ctranslate2 not installed, or the converter failed): the caller goes on with
    transformers. A model that cannot be found at all raises ModelError as usual.
    """
    import importlib.util

    if importlib.util.find_spec("ctranslate2") is None:
        log.warning(
            "ctranslate2 is not installed, so the model cannot be converted for the fast "
            "backend; using transformers (pip install ctranslate2)"
        )
        return None
    from .hub import resolve_model
    from .select import converted_model_for

    resolve_model(model, revision=revision, local_files_only=local_files_only)  # missing: error
    existing = converted_model_for(model, device=device, revision=revision)
    if existing is not None:
        return Conversion(existing, str(read_meta(existing).get("quantization")), created=False)
    started = time.perf_counter()
    progress.info(
        "converting %s for CTranslate2, once (later runs use the conversion in %s) ...",
        model,
        conversion_dir(model, "…", revision).parent,
    )
    try:
        done = convert_model(
            model, device=device, revision=revision, local_files_only=local_files_only
        )
    except (ModelError, OSError, ImportError) as exc:
        log.warning("cannot convert %s for CTranslate2 (%s); using transformers", model, exc)
        return None
    progress.info("converted %s in %.1f s: %s", model, time.perf_counter() - started, done.path)
    return done


def _run_converter(folder: Path, out: Path, quantization: str) -> dict[str, Any]:
    """Run CTranslate2's converter; returns what the engine must know about the result."""
    # transformers loads the model (and imports lazily); the registry swap is global too.
    with MODEL_LOAD_LOCK:
        from ctranslate2.converters import transformers as ct2_transformers

        return _convert_locked(folder, out, quantization, ct2_transformers)


def _convert_locked(
    folder: Path, out: Path, quantization: str, ct2_transformers: Any
) -> dict[str, Any]:
    from ctranslate2.converters import TransformersConverter

    loader = _marian_loader(ct2_transformers)
    registry = ct2_transformers._MODEL_LOADERS
    previous = registry.get("MarianConfig")
    registry["MarianConfig"] = loader
    try:
        with quiet():
            converter = TransformersConverter(str(folder), low_cpu_mem_usage=True)
            converter.convert(str(out), quantization=quantization, force=True)
    except Exception as exc:  # the converter raises whatever transformers raises
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelError(f"cannot convert the model in {folder}: {first}") from exc
    finally:
        if previous is not None:
            registry["MarianConfig"] = previous
    if getattr(loader, "keeps_start_token", False):
        log.info("%s: the decoder start embedding is not zero; kept it (and <pad>)", folder)
        return {"decoder_start": "<pad>", "suppress": ["<pad>"]}
    return {"decoder_start": "zero-embedding", "suppress": []}


def _marian_loader(ct2_transformers: Any) -> Any:
    """CTranslate2's Marian loader, made exact for every Marian model.

    CTranslate2 starts the decoder from a zero embedding and drops ``<pad>`` (the decoder
    start token) from the vocabulary: right for models converted from Marian, whose ``<pad>``
    embedding is zero, wrong for models trained or fine-tuned in PyTorch with tied
    embeddings, whose ``<pad>`` row is trained too. For those this loader keeps ``<pad>``, its
    weights and the real start token, as transformers does; the engine then forbids
    generating ``<pad>`` (transformers' ``bad_words_ids``).
    """
    marian = ct2_transformers.MarianMTLoader
    bart = ct2_transformers.BartLoader

    class ExactMarianLoader(marian):  # type: ignore[misc, valid-type]
        keeps_start_token = False

        def get_model_spec(self, model: Any) -> Any:
            start = int(model.config.decoder_start_token_id)
            row = model.get_decoder().embed_tokens.weight[start]
            self.keeps_start_token = bool(row.abs().sum().item() != 0)
            if not self.keeps_start_token:
                return super().get_model_spec(model)
            model.config.normalize_before = False
            model.config.normalize_embedding = False
            return bart.get_model_spec(self, model)  # keeps the <pad> row

        def set_decoder(self, spec: Any, decoder: Any) -> None:
            if not self.keeps_start_token:
                return super().set_decoder(spec, decoder)
            bart.set_decoder(self, spec, decoder)

        def set_config(self, config: Any, model: Any, tokenizer: Any) -> None:
            super().set_config(config, model, tokenizer)
            if self.keeps_start_token:
                config.decoder_start_token = tokenizer.convert_ids_to_tokens(
                    model.config.decoder_start_token_id
                )

        def get_vocabulary(self, model: Any, tokenizer: Any) -> Any:
            if not self.keeps_start_token:
                return super().get_vocabulary(model, tokenizer)
            return bart.get_vocabulary(self, model, tokenizer)

    return ExactMarianLoader()


def _positions(folder: Path) -> int:
    cfg = read_json(folder / "config.json", lenient=True)
    try:
        return int(cfg.get("max_position_embeddings", 512))
    except (ValueError, TypeError):
        return 512


def _ct2_version() -> str:
    import ctranslate2

    return str(ctranslate2.__version__)


def _replace_dir(new: Path, target: Path) -> None:
    """Move ``new`` to ``target``; an older conversion there is removed only afterwards."""
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
