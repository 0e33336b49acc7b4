"""Fast by default: `--backend auto` converts an unconverted model for CTranslate2 once.

The tiny random MarianMT (its output is noise): these tests check which backend ran, where
the conversion went and when it was made, never wording.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import sys
import threading
from pathlib import Path

import pytest

import translator.engine.convert as convert_mod
from translator.batch import Manifest, translate_folder
from translator.cli import main
from translator.engine.select import converted_model_for, ct2_root
from translator.errors import ModelError
from translator.options import Options

pytestmark = pytest.mark.slow

Capture = pytest.CaptureFixture[str]
ARTICLE = "Die Truppen sind in der Stadt. Der Sprecher bestätigte das.\n"


@pytest.fixture(autouse=True)
def _auto(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default backend, as users get it (conftest pins transformers for speed)."""
    monkeypatch.delenv("TRANSLATOR_BACKEND")


def translate(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, source: Path, *args: str
) -> tuple[dict, str]:  # type: ignore[type-arg]
    """`translator translate SOURCE -f json ARGS` in-process: (JSON result, stderr)."""
    argv = ["translator", "translate", str(source), "-f", "json", "--no-cache", "--beam-size", "1"]
    monkeypatch.setattr(sys, "argv", [*argv, *args])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    assert info.value.code in (0, None), err
    return json.loads(out), err


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, "utf-8")
    return path


@pytest.fixture
def model(tiny_model_dir: Path, tmp_path: Path) -> str:
    """The tiny model under a path of this test's own (conversions are keyed by the path)."""
    import shutil

    return str(shutil.copytree(tiny_model_dir, tmp_path / "opus-mt-tiny"))


def test_first_run_converts_once_and_the_second_uses_the_conversion(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, article: Path, model: str
) -> None:
    assert converted_model_for(model) is None
    first, err = translate(monkeypatch, capsys, article, "--model", model)
    assert "converting" in err and "for CTranslate2, once" in err
    conversion = converted_model_for(model)
    assert conversion is not None and conversion.parent == ct2_root()
    assert first["signature"]["backend"] == "ctranslate2"
    assert first["signature"]["quantization"] == "int8"
    made = (conversion / "model.bin").stat().st_mtime_ns

    calls: list[str] = []
    real = convert_mod.convert_model
    monkeypatch.setattr(
        convert_mod, "convert_model", lambda *a, **k: calls.append("x") or real(*a, **k)
    )
    second, err = translate(monkeypatch, capsys, article, "--model", model)
    assert "converting" not in err and calls == []
    assert second["signature"] == first["signature"]
    assert (conversion / "model.bin").stat().st_mtime_ns == made
    assert [len(p["sentences"]) for p in second["paragraphs"]] == [2]


def test_backend_transformers_never_converts(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, article: Path, model: str
) -> None:
    data, err = translate(
        monkeypatch, capsys, article, "--model", model, "--backend", "transformers"
    )
    assert data["signature"]["backend"] == "transformers"
    assert "convert" not in err
    assert converted_model_for(model) is None and not ct2_root().exists()


def test_failed_conversion_warns_in_one_line_and_goes_on_with_transformers(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, article: Path, model: str
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise ModelError("the converter gave up")

    monkeypatch.setattr(convert_mod, "convert_model", fail)
    data, err = translate(monkeypatch, capsys, article, "--model", model)
    assert data["signature"]["backend"] == "transformers"
    warnings = [line for line in err.splitlines() if "cannot convert" in line]
    assert warnings == [
        f"translator: cannot convert {model} for CTranslate2 (the converter gave up); "
        "using transformers"
    ]


def test_without_ctranslate2_it_warns_and_uses_transformers(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, model: str
) -> None:
    import importlib.util

    from translator.engine import load_engine
    from translator.engine.marian import MarianEngine

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ctranslate2" else real(name, *a),
    )
    with caplog.at_level(logging.WARNING, logger="translator"):
        engine = load_engine(model, beam_size=1)
    assert isinstance(engine, MarianEngine)
    assert "ctranslate2 is not installed" in caplog.text
    assert converted_model_for(model) is None


def test_batch_manifest_records_what_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model: str
) -> None:
    """After an auto fallback the manifest says transformers; after a conversion a re-run
    finds every output current (the predicted signature is what ran)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, "utf-8")
    options = Options(model=model, beam_size=1, glossary=False)

    def fail(*args: object, **kwargs: object) -> None:
        raise ModelError("the converter gave up")

    with monkeypatch.context() as m:
        m.setattr(convert_mod, "convert_model", fail)
        summary = translate_folder(tmp_path / "in", tmp_path / "fallback", options=options)
    assert summary.ok and summary.signature["backend"] == "transformers"
    manifest = Manifest.load(tmp_path / "fallback").to_dict()
    entry = manifest["files"]["a.txt"]
    assert manifest["signatures"][entry["signature"]]["backend"] == "transformers"

    summary = translate_folder(tmp_path / "in", tmp_path / "fast", options=options)
    assert summary.signature["backend"] == "ctranslate2" and len(summary.translated) == 1
    again = translate_folder(tmp_path / "in", tmp_path / "fast", options=options)
    assert [f.source for f in again.unchanged] == ["a.txt"] and not again.translated
    # Nothing was due, yet the conversion began loading ahead: the run waited for it, so no
    # loading thread goes on after the call returns (into the caller's next model load).
    loading = [t for t in threading.enumerate() if t.name == "translator-engine-load"]
    assert loading == []


def test_model_download_converts_too(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, model: str
) -> None:
    import translator.engine.hub as hub

    # No Hub here: the "download" finds the files already in place, as a cached model would.
    monkeypatch.setattr(hub, "download_model", lambda name, revision=None: Path(name))
    monkeypatch.setattr(sys, "argv", ["translator", "model", "download", model])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    assert info.value.code in (0, None), err
    conversion = converted_model_for(model)
    assert conversion is not None
    assert f"converted for CTranslate2 (int8): {conversion}" in out

    monkeypatch.setattr(sys, "argv", ["translator", "model", "download", model, "--no-convert"])
    shutil.rmtree(conversion)
    with pytest.raises(SystemExit):
        main()
    assert converted_model_for(model) is None
