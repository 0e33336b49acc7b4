"""A CTranslate2 conversion is accepted only when it reproduces the model (convert.py).

The probe sentences are translated greedily by transformers and by the conversion; a
conversion that disagrees is recorded as such, warned about once, and never used by
``--backend auto`` (another way of converting, float32 computation, or transformers is).

A garbled conversion is made with the real converter: CTranslate2's stock Marian loader
(``start="zero"``: the decoder starts from a zero embedding) on a copy model whose ``<pad>``
(decoder start) row carries weight -- the committed copy model with that row scaled up, so
the first decoding step depends on it. That is how the first words of a model trained in
PyTorch come out wrong when its start row is dropped.
"""

from __future__ import annotations

import json
import logging
import shutil
import unicodedata
from pathlib import Path

import pytest

from tests.cli import run_cli
from translator.engine.convert import PROBES, check_conversion, convert_model
from translator.engine.select import conversions_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def start_row_model(tmp_path_factory: pytest.TempPathFactory, copy_model_dir: Path) -> Path:
    """The copy model with its decoder start row scaled by 6: its output depends on it."""
    from safetensors.torch import load_file, save_file

    out = tmp_path_factory.mktemp("start-row") / "model"
    shutil.copytree(copy_model_dir, out)
    weights = load_file(str(out / "model.safetensors"))
    weights["model.shared.weight"][-1] *= 6.0  # <pad> is the last id (Marian's layout)
    save_file(weights, str(out / "model.safetensors"), metadata={"format": "pt"})
    return out


def test_check_catches_a_conversion_that_drops_the_start_row(
    start_row_model: Path, tmp_path: Path
) -> None:
    garbled = convert_model(
        str(start_row_model), quantization="int8", output_dir=tmp_path / "zero",
        start="zero", check=False, force=True,
    )
    result = check_conversion(start_row_model, garbled.path, "int8")
    assert result["probes"] == len(PROBES)
    assert result["agree"] < len(PROBES) - result["fidelity_tolerance"]
    assert not result["exact"] and result["use"] == "transformers"
    assert "NOT exact" in result["summary"]


def test_auto_never_uses_a_conversion_that_fails_the_check(
    start_row_model: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from translator.engine import load_engine
    from translator.engine.marian import MarianEngine

    model = str(start_row_model)
    with caplog.at_level(logging.WARNING, logger="translator"):
        done = convert_model(model, quantization="int8", start="zero", force=True)
        convert_model(model, quantization="int8", start="zero", force=True)
    assert done.check is not None and not done.check["exact"]
    warnings = [r for r in caplog.records if "not exact" in r.getMessage()]
    assert len(warnings) == 1  # warned once
    meta = json.loads((done.path / "translator.json").read_text("utf-8"))
    assert meta["check"]["agree"] == done.check["agree"] < len(PROBES)
    # Never used: --backend auto translates with transformers, exactly as it does.
    assert conversions_of(model) == {}
    engine = load_engine(model, backend="auto", device="cpu", beam_size=1)
    assert engine.signature["backend"] == "transformers"
    reference = MarianEngine(model, device="cpu", beam_size=1)
    assert engine.translate_batch(list(PROBES)) == reference.translate_batch(list(PROBES))


def test_the_check_picks_the_exact_start_for_the_copy_model(
    copy_model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "ct2"
    run = run_cli(
        monkeypatch, capsys, "model", "convert", str(copy_model_dir), "-q", "int8", "-o", str(out)
    )
    assert run.code == 0, run.err
    assert f"check: {len(PROBES)}/{len(PROBES)} probe sentences" in run.out
    assert "exact, using int8" in run.out
    meta = json.loads((out / "translator.json").read_text("utf-8"))
    assert meta["check"]["exact"] and meta["check"]["use"] == "int8"
    assert meta["decoder_start"] == "<pad>"  # the copy model's start row is not zero


#: A copy model trained with its decoder start row (tests/data/copy-marian-start/BUILD.md).
TRAINED_START = Path(__file__).parent / "data" / "copy-marian-start"


def test_a_model_trained_with_its_start_row_is_converted_exactly_at_int8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No scaling by hand: a model that learnt its start row as an input garbles when the
    conversion drops the row, the check says so, and the default path (auto, int8) keeps the
    row and copies every seed sentence exactly."""
    zero = convert_model(
        str(TRAINED_START), quantization="int8", output_dir=tmp_path / "zero",
        start="zero", check=False, force=True,
    )
    refused = check_conversion(TRAINED_START, zero.path, "int8")
    assert not refused["exact"] and refused["agree"] < len(PROBES)

    monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(tmp_path / "cache"))
    seed = (Path(__file__).parents[1] / "seeds" / "000_8703a8c69dd0bbe2.txt").read_text("utf-8")
    source = tmp_path / "seed.txt"
    source.write_text(seed, encoding="utf-8")
    run = run_cli(
        monkeypatch, capsys, "translate", str(source), "--model", str(TRAINED_START),
        "--backend", "auto", "--device", "cpu", "--no-glossary", "--no-qa", "--no-cache",
        "--format", "json",
    )
    assert run.code == 0, run.err
    result = json.loads(run.out)
    assert result["signature"]["backend"] == "ctranslate2"
    assert result["signature"]["quantization"].startswith("int8")
    pairs = [(s["source"], s["target"]) for p in result["paragraphs"] for s in p["sentences"]]
    assert len(pairs) >= 30
    # Every sentence copied exactly (as SentencePiece's NFKC normalisation reads it: "…" is
    # "..." to the model, as to the real opus-mt tokenizer).
    assert [t for _, t in pairs] == [unicodedata.normalize("NFKC", s) for s, _ in pairs]
