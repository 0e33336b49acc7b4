"""The engine spec: one resolution, without model libraries, that loading keeps to.

``resolve(EngineSpec.from_options(options))`` says which backend ``auto`` takes, the model,
its revision and the signature the engine will sign with; the batch manifest predicts from
it and the translation memory keys its remembered setups by it. These tests load the tiny
random model (its output is noise: only signatures are compared, never wording).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from translator.engine.spec import EngineSpec, load, resolve
from translator.options import Options
from translator.signature import MANIFEST_ENGINE_KEYS, manifest_engine

ROOT = Path(__file__).resolve().parents[1]


def manifest_part(signature: dict) -> dict:  # type: ignore[type-arg]
    return {k: signature[k] for k in MANIFEST_ENGINE_KEYS if k in signature}


def spec_of(model: Path | str, **options: object) -> EngineSpec:
    base: dict[str, object] = {"model": str(model), "device": "cpu", "beam_size": 1}
    return EngineSpec.from_options(Options(**{**base, **options}), threads=1)  # type: ignore[arg-type]


_RESOLVE = """
import json, sys
from translator.engine.spec import EngineSpec, resolve
from translator.options import Options
resolve(EngineSpec.from_options(Options(model=sys.argv[1])))  # device auto: GPUs not counted
found = resolve(EngineSpec.from_options(Options(model=sys.argv[1], device="cpu")))
key = found.setup_key
heavy = [m for m in ("torch", "transformers", "ctranslate2") if m in sys.modules]
print(json.dumps({"signature": found.signature, "key": key, "heavy": heavy}))
"""


def test_resolving_imports_no_model_library(tiny_model_dir: Path, tmp_path: Path) -> None:
    """In a fresh process (this one has imported torch long ago): ``auto`` resolved, its
    signature predicted and its setup key computed, and no model library is imported."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATOR_BACKEND": "auto"}
    out = subprocess.run(
        [sys.executable, "-c", _RESOLVE, str(tiny_model_dir)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    found = json.loads(out.stdout)
    assert found["heavy"] == []
    assert found["signature"]["backend"] == "ctranslate2"  # auto: converted on first use
    assert found["signature"]["quantization"] == "int8" and len(found["key"]) == 64


def test_auto_is_decided_by_the_conversion_there_is_and_ctranslate2(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    found = resolve(spec_of(tiny_model_dir, backend="auto"))
    assert (found.backend, found.convert_first, found.conversion) == ("ctranslate2", True, None)
    assert not found.loads_in_background  # nothing to load in a thread before converting
    assert resolve(spec_of(tiny_model_dir, backend="transformers")).backend == "transformers"
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ctranslate2" else real(name, *a),
    )
    without = resolve(spec_of(tiny_model_dir, backend="auto"))
    assert (without.backend, without.convert_first) == ("transformers", True)  # warns on load


@pytest.mark.parametrize("backend", ["transformers", "auto-converting", "auto", "ctranslate2"])
def test_the_predicted_signature_is_what_the_loaded_engine_signs(
    tiny_model_dir: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """transformers; ``auto`` before the model is converted (loading converts it);
    ``auto`` and ``ctranslate2`` with the conversion there. The folder is given relative to
    the working directory (signatures name it by its absolute path)."""
    if backend != "transformers":
        from translator.engine.convert import convert_model

        if backend != "auto-converting":
            convert_model(str(tiny_model_dir))
    monkeypatch.chdir(tiny_model_dir.parent)
    spec = spec_of(tiny_model_dir.name, backend=backend.removesuffix("-converting"))
    predicted = resolve(spec).signature
    engine = load(spec)
    assert engine.signature["backend"] == ("transformers" if backend == "transformers" else
                                           "ctranslate2")  # fmt: skip
    assert manifest_part(predicted) == manifest_part(engine.signature) | {"device": "cpu"}
    assert set(manifest_part(predicted)) >= {"backend", "model", "revision", "beam_size"}
    assert predicted["revision"]  # a folder's revision: the hash of its files


def test_the_manifest_and_the_memory_use_the_pipelines_resolution(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    """The pipeline's engine carries the resolution it loads from; the manifest's
    prediction is its signature and the memory remembers the loaded engine's signature under
    its setup key, so the next run signs (and looks the memory up) without loading."""
    from translator.batch.signature import batch_signature
    from translator.engine.lazy import LazyEngine
    from translator.factory import build_pipeline

    memory = tmp_path / "m.sqlite3"
    options = Options(model=str(tiny_model_dir), backend="transformers", device="cpu",
                      beam_size=1, glossary=False, qa=False, memory=memory)  # fmt: skip
    pipeline = build_pipeline(options)
    engine = pipeline.engine
    assert isinstance(engine, LazyEngine) and engine.resolution is not None
    found = engine.resolution
    assert found == resolve(EngineSpec.from_options(options))
    predicted = batch_signature(pipeline, "text", options=options, engine=None)
    assert manifest_part(predicted) == manifest_engine(found.signature)
    assert not engine.loaded  # predicting loaded nothing

    pipeline.translate_text("Die Truppen sind in der Stadt.")
    assert engine.loaded and pipeline.memory is not None
    assert pipeline.memory.known_setup(found.setup_key) == engine.signature
    assert manifest_part(engine.signature) | {"device": "cpu"} == manifest_engine(found.signature)

    again = build_pipeline(options)
    assert isinstance(again.engine, LazyEngine) and again.engine.resolution is not None
    assert again.engine.resolution.setup_key == found.setup_key
    assert again.engine.known_signature == engine.signature and not again.engine.loaded
    assert batch_signature(again, "text", options=options, engine=None) == predicted


def test_the_check_switches_are_options_read_from_the_environment_once(
    monkeypatch: pytest.MonkeyPatch, tiny_model_dir: Path
) -> None:
    """``off`` in the environment, unless the options say otherwise; the spec carries them
    to the engine and, as environment, to another process (a Ray worker)."""
    monkeypatch.setenv("TRANSLATOR_LOST_CONTENT_CHECK", "off")
    monkeypatch.setenv("TRANSLATOR_CONVERSION_CHECK", "OFF")
    spec = EngineSpec.from_options(Options())
    assert (spec.lost_content_check, spec.conversion_check) == (False, False)
    forced = EngineSpec.from_options(Options(lost_content_check=True))
    assert (forced.lost_content_check, forced.conversion_check) == (True, False)
    monkeypatch.delenv("TRANSLATOR_LOST_CONTENT_CHECK")
    monkeypatch.delenv("TRANSLATOR_CONVERSION_CHECK")
    assert EngineSpec.from_options(Options()).conversion_check is True  # the default: on
    for name, value in spec.environment().items():  # what a worker's environment gets
        monkeypatch.setenv(name, value)
    assert EngineSpec.from_options(Options()) == spec
    engine = load(spec_of(tiny_model_dir, backend="transformers", lost_content_check=True))
    assert engine.lost_content_check is True  # the spec's, whatever the environment says
