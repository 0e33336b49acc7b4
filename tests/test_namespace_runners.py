"""Model A, then model B, through every runner with one translation memory: B's outputs are
B's own (what B gives with the memory off), never A's from the memory.

A is the tiny random model (noise), B the copy-trained model (tests/data/copy-marian): what one
outputs, the other never does, so a translation served from the wrong namespace shows. The
runners: the library (``translate_text``), the CLI (``translate``), the local batch runner and
the Ray runner (``batch --ray``). This is the test that caught the Ray runner keying its memory
entries by a signature key that did not exist (every model shared one namespace).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli import run_cli

pytestmark = [pytest.mark.ray, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_8703a8c69dd0bbe2.txt"


def _text() -> str:
    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs[:3]) + "\n"


def _options(model: Path, memory: Any) -> Any:
    from translator.options import Options

    return Options(model=str(model), backend="transformers", beam_size=1, glossary=False,
                   qa=False, memory=memory)  # fmt: skip


def _batch(in_dir: Path, out_dir: Path, model: Path, memory: Any, *, ray: bool) -> str:
    from translator.batch import RaySettings, translate_folder

    settings = RaySettings(workers=1) if ray else None
    summary = translate_folder(in_dir, out_dir, options=_options(model, memory), ray=settings)
    assert not summary.failed, summary.failed
    return (out_dir / "article.txt").read_text(encoding="utf-8")


def _every_runner(
    model: Path, memory: Path | None, work: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> dict[str, str]:
    """The output of each runner for ``model``, with the memory file ``memory`` (None: off)."""
    from translator import translate_text

    text = _text()
    in_dir = work / "in"
    in_dir.mkdir(parents=True, exist_ok=True)
    (in_dir / "article.txt").write_text(text, encoding="utf-8")
    out: dict[str, str] = {}
    store = memory if memory is not None else False
    out["translate_text"] = translate_text(text, options=_options(model, store)).target + "\n"
    if memory is not None:
        monkeypatch.setenv("TRANSLATOR_CACHE_DIR", str(memory.parent))  # the CLI's memory
    off = ["--no-cache"] if memory is None else []
    cli = run_cli(monkeypatch, capsys, "translate", str(in_dir / "article.txt"), "--model",
                  str(model), "--backend", "transformers", "--beam-size", "1", "--no-glossary",
                  "--no-qa", *off)  # fmt: skip
    assert cli.code == 0, cli.err
    out["cli translate"] = cli.out
    out["batch"] = _batch(in_dir, work / "local", model, store, ray=False)
    out["batch --ray"] = _batch(in_dir, work / "ray", model, store, ray=True)
    return out


def test_model_b_after_model_a_with_one_memory_gives_b_own_outputs_in_every_runner(
    ray_cluster: str,
    copy_model_dir: Path,
    tiny_model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from translator.cache import FILENAME

    memory = tmp_path / "cache" / FILENAME
    memory.parent.mkdir()
    a = _every_runner(tiny_model_dir, memory, tmp_path / "a", monkeypatch, capsys)
    b = _every_runner(copy_model_dir, memory, tmp_path / "b", monkeypatch, capsys)
    # B with the memory off: what every runner must give for B.
    cold = _every_runner(copy_model_dir, None, tmp_path / "cold", monkeypatch, capsys)
    assert a["batch --ray"] != cold["batch --ray"]  # A's outputs would show
    for runner in b:
        assert b[runner] == cold[runner], runner
    # And every runner agrees with the others (text outputs end with one newline).
    assert len({v.rstrip("\n") for v in b.values()}) == 1, b
