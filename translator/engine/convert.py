"""Convert a MarianMT model for CTranslate2 (``translator model convert``).

Wraps ``ctranslate2.converters.TransformersConverter``. The conversion goes to a temporary
folder next to its final place and is renamed into place when complete, so an interrupted
conversion never looks usable. torch and transformers are imported here (the converter loads
the model with them), but only when a conversion actually runs.

A conversion is accepted only when it reproduces the model (:func:`check_conversion`): the
probe sentences (``PROBES``: short and long German, mixed German/English) are translated
greedily by transformers and by the conversion. Two comparisons, two tolerances:

* fidelity: the conversion computed in float32 must give transformers' output on every probe
  (``FIDELITY_TOLERANCE`` sentences may differ: none). A wrong decoder start, vocabulary or
  weight shows here. If the conversion fails it, the other way of starting the decoder is
  tried (``start``: CTranslate2's zero embedding, or the model's own ``<pad>`` row);
* quantization: the conversion at its own precision (int8 on a CPU) against float32: at most
  ``QUANTIZATION_TOLERANCE`` of the probes may differ (rounding changes a word of a real model
  now and then; an error in the quantized path changes many). If it fails, the engine
  computes this conversion in float32.

If no way of converting passes the fidelity check, ``--backend auto`` uses transformers. The
result is stored in the conversion's ``translator.json`` (``check``), warned about once when
the conversion is made, and printed by ``translator model convert``.
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

from .. import config
from ..errors import ModelError
from .base import MODEL_LOAD_LOCK
from .marian import quiet
from .select import (
    META_FILE,
    QUANTIZATIONS,
    TOKENIZER_FILES,
    conversion_dir,
    default_quantization,
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
    """A finished conversion: where it is, whether this call made it, and its check."""

    path: Path
    quantization: str
    created: bool
    check: dict[str, Any] | None = None


#: The conversion check's probe sentences: short and long German, mixed German/English, names
#: and numbers. Fixed, so that every conversion is checked alike.
PROBES = (
    "Ja.",
    "Kiew.",
    "Nein, sagte er.",
    "Die Lage an der Front ist ernst.",
    "Am 20. März 2024 um 14:30 Uhr meldete die Armee 17 zerstörte Panzer.",
    "Nach Berichten über schwere Verluste haben nordkoreanische Truppen sich von den "
    "Frontlinien in Russlands Kursk-Region zurückgezogen, sagen ukrainische Beamte.",
    "Oleksandr Syrskyj traf Boris Pistorius und Mark Rutte in Brüssel, um über neue "
    "Lieferungen von Munition, Drohnen und Systemen zur Luftabwehr zu sprechen, die nach "
    "Angaben des Verteidigungsministeriums bis zum Ende des Jahres 2025 eintreffen sollen.",
    "Die Special Operations Forces meldeten am Montag, dass das Institute for the Study of "
    "War die Lage anders bewertet.",
    "Laut CNN sagte ein Sprecher: „We will not give up Kyiv“, und verließ den Raum.",
    "Rund 3,5 Millionen Menschen sind seit Beginn des Krieges aus der Region geflohen.",
    "Selenskyj wies darauf hin, dass sich 60.000 russische Soldaten und 12.000 Nordkoreaner "
    "in Kursk befanden.",
    "Breaking news: Ukrainian officials bestätigten den Angriff auf Charkiw.",
)
#: Set to ``off`` to skip the check (for test models whose output is noise: their logits tie
#: so often that float32 and transformers part ways on rounding alone);
#: ``Options.conversion_check`` is the same switch for one run.
CHECK_SWITCH = config.ENV_CONVERSION_CHECK
#: Probes on which the float32 conversion may differ from transformers (greedy): none.
FIDELITY_TOLERANCE = 0
#: Share of probes on which the quantized conversion may differ from its float32 computation.
QUANTIZATION_TOLERANCE = 0.25
#: How a conversion may start the decoder: the model's own start (<pad>) row, or CTranslate2's
#: zero embedding (its stock Marian loader; right for models converted from Marian, whose
#: <pad> row is zero). ``auto``: the model's row when it is not zero.
STARTS = ("auto", "keep", "zero")


def convert_model(
    model: str,
    *,
    quantization: str | None = None,
    device: str = "auto",
    revision: str | None = None,
    output_dir: Path | None = None,
    force: bool = False,
    local_files_only: bool | None = None,
    start: str = "auto",
    check: bool | None = None,
) -> Conversion:
    """Convert ``model`` (Hub id or MarianMT folder) for CTranslate2 and return where it went.

    ``quantization``: one of ``select.QUANTIZATIONS`` (default: :func:`default_quantization`).
    ``output_dir``: default ``select.conversion_dir(model, quantization)``, which is where
    ``--backend auto|ctranslate2`` looks. An existing complete conversion is kept unless
    ``force``. ``start``: how the decoder starts (``STARTS``). ``check``: run
    :func:`check_conversion` (and fall back as the module docstring says); False only for
    tests that need an unchecked conversion. Raises ModelError (one line) when the model is
    missing or cannot be converted.
    """
    if start not in STARTS:
        raise ModelError(f"unknown decoder start {start!r} (use one of {', '.join(STARTS)})")
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
            return Conversion(target, quantization, created=False, check=meta.get("check"))
        else:
            log.info("%s changed since its conversion; converting again", model)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    result: dict[str, Any] | None = None
    try:
        out = work / "model"
        decoding = _convert_folder(source.path, out, quantization, start)
        if check is None:
            check = config.switch_on(CHECK_SWITCH)
        if check:
            result = check_conversion(source.path, out, quantization)
            if not result["exact"] and start == "auto":
                # The other way of starting the decoder may be the exact one.
                other = "zero" if decoding["decoder_start"] == "<pad>" else "keep"
                retry = work / "other"
                other_decoding = _convert_folder(source.path, retry, quantization, other)
                other_result = check_conversion(source.path, retry, quantization)
                tried = [result["summary"], other_result["summary"]]
                if other_result["exact"] or other_result["agree"] > result["agree"]:
                    shutil.rmtree(out)
                    os.replace(retry, out)
                    decoding, result = other_decoding, other_result
                result["tried"] = tried
            _warn_once(model, result)
        meta = {
            "model": model,
            "source": str(source.path),
            "revision": source.revision,
            **decoding,
            "converted": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "ctranslate2": _ct2_version(),
            "check": result,
        }
        if result is not None and result["use"] == "float32":
            meta["compute_type"] = "float32"  # the quantized computation was not exact
        (out / META_FILE).write_text(json.dumps(meta, indent=2), "utf-8")
        _replace_dir(out, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log.info("converted %s (%s) to %s", model, quantization, target)
    return Conversion(target, quantization, created=True, check=result)


def _convert_folder(folder: Path, out: Path, quantization: str, start: str) -> dict[str, Any]:
    """Run the converter into ``out`` and complete it (tokenizer files, vmap.txt, what the
    engine must know in translator.json); returns the latter."""
    decoding = _run_converter(folder, out, quantization, start)
    for name in TOKENIZER_FILES:
        if (folder / name).is_file() and not (out / name).exists():
            shutil.copy2(folder / name, out / name)
    output = target_pieces(folder)
    if output is not None:
        write_vmap(out, output)
    engine_meta = {
        "quantization": quantization,
        "max_position_embeddings": _positions(folder),
        **decoding,
        # Ids the decoder may produce (vmap.txt), or None: the whole vocabulary.
        "output_vocabulary": None if output is None else len(output),
    }
    (out / META_FILE).write_text(json.dumps(engine_meta, indent=2), "utf-8")
    return engine_meta


def check_conversion(folder: Path, converted: Path, quantization: str) -> dict[str, Any]:
    """Does the conversion in ``converted`` reproduce the MarianMT model in ``folder``?

    Translates ``PROBES`` greedily with transformers, with the conversion computed in
    float32, and (when quantized) at its own precision. Returns the result stored in the
    conversion's metadata: ``probes``, ``agree`` (float32 conversion = transformers),
    ``quantized_agree``, the tolerances, ``exact`` (fidelity within tolerance), ``use``
    (the quantization, ``float32`` or ``transformers``) and a one-line ``summary``.
    """
    from .ct2 import CTranslate2Engine
    from .marian import MarianEngine

    probes = list(PROBES)
    reference = MarianEngine(str(folder), device="cpu", beam_size=1).translate_batch(probes)
    float32 = CTranslate2Engine(
        str(converted), device="cpu", beam_size=1, compute_type="float32"
    ).translate_batch(probes)
    agree = sum(a == b for a, b in zip(reference, float32, strict=True))
    exact = len(probes) - agree <= FIDELITY_TOLERANCE
    quantized_agree = agree
    if quantization not in ("float32",):
        own = CTranslate2Engine(
            str(converted), device="cpu", beam_size=1, compute_type=_cpu_compute(quantization)
        ).translate_batch(probes)
        quantized_agree = sum(a == b for a, b in zip(float32, own, strict=True))
    quantized_ok = len(probes) - quantized_agree <= QUANTIZATION_TOLERANCE * len(probes)
    use = (quantization if quantized_ok else "float32") if exact else "transformers"
    first = next(
        (f"{a!r} became {b!r}" for a, b in zip(reference, float32, strict=True) if a != b), ""
    )
    summary = (
        f"{agree}/{len(probes)} probe sentences as transformers gives them (float32)"
        + (
            f", {quantized_agree}/{len(probes)} at {quantization} as in float32"
            if quantization != "float32"
            else ""
        )
        + f": {'exact' if exact else 'NOT exact'}, using {use}"
        + (f" (e.g. {first[:120]})" if first else "")
    )
    return {
        "probes": len(probes),
        "agree": agree,
        "quantized_agree": quantized_agree,
        "fidelity_tolerance": FIDELITY_TOLERANCE,
        "quantization_tolerance": QUANTIZATION_TOLERANCE,
        "exact": exact,
        "quantized_exact": quantized_ok,
        "use": use,
        "summary": summary,
    }


def _cpu_compute(quantization: str) -> str:
    """The compute type that runs a ``quantization`` conversion on a CPU, as the engine does."""
    return "default" if quantization.startswith("int") or quantization == "float32" else "float32"


_warned: set[str] = set()


def _warn_once(model: str, result: dict[str, Any]) -> None:
    """Warn (once per model and process) when the conversion is not used as converted."""
    fine = result["exact"] and result["quantized_exact"] and "tried" not in result
    if fine or model in _warned:
        return
    _warned.add(model)
    log.warning("the CTranslate2 conversion of %s is not exact: %s", model, result["summary"])


def ensure_converted(
    model: str,
    *,
    device: str = "auto",
    revision: str | None = None,
    local_files_only: bool | None = None,
    check: bool | None = None,
) -> Conversion | None:
    """Convert ``model`` for CTranslate2 once, into the cache, for ``--backend auto``
    (``check``: as :func:`convert_model`'s).

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
        meta = read_meta(existing)
        done = Conversion(existing, str(meta.get("quantization")), False, meta.get("check"))
        return _usable(model, done)
    started = time.perf_counter()
    progress.info(
        "converting %s for CTranslate2, once (later runs use the conversion in %s) ...",
        model,
        conversion_dir(model, "…", revision).parent,
    )
    try:
        done = convert_model(
            model,
            device=device,
            revision=revision,
            local_files_only=local_files_only,
            check=check,
        )
    except (ModelError, OSError, ImportError) as exc:
        log.warning("cannot convert %s for CTranslate2 (%s); using transformers", model, exc)
        return None
    progress.info("converted %s in %.1f s: %s", model, time.perf_counter() - started, done.path)
    return _usable(model, done)


def _usable(model: str, done: Conversion) -> Conversion | None:
    """``done``, or None when its check found no exact way to run it (then transformers)."""
    if done.check is not None and done.check.get("use") == "transformers":
        log.info("%s: its CTranslate2 conversion is not exact (%s); using transformers",
                 model, done.check.get("summary"))
        return None
    return done


def _run_converter(folder: Path, out: Path, quantization: str, start: str) -> dict[str, Any]:
    """Run CTranslate2's converter; returns what the engine must know about the result."""
    # transformers loads the model (and imports lazily); the registry swap is global too.
    with MODEL_LOAD_LOCK:
        from ctranslate2.converters import transformers as ct2_transformers

        return _convert_locked(folder, out, quantization, ct2_transformers, start)


def _convert_locked(
    folder: Path, out: Path, quantization: str, ct2_transformers: Any, start: str
) -> dict[str, Any]:
    from ctranslate2.converters import TransformersConverter

    loader = _marian_loader(ct2_transformers, start)
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


def _marian_loader(ct2_transformers: Any, start: str = "auto") -> Any:
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
            start_id = int(model.config.decoder_start_token_id)
            row = model.get_decoder().embed_tokens.weight[start_id]
            nonzero = bool(row.abs().sum().item() != 0)
            self.keeps_start_token = start == "keep" or (start == "auto" and nonzero)
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
