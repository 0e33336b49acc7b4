"""A re-run served by the translation memory loads no model and imports no model library.

The first run translates the seed with the real MarianMT path (the copy-trained model in
tests/data, transformers backend) and so fills the memory; every later run, `translate` or
`batch` (per chunk), finds all its sentences there. Each run is a fresh interpreter that
reports the model libraries it imported, as in tests/test_startup.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import COPY_MODEL_DIR, SEED

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "ctranslate2")

_RUN = f"""
import json, sys
report, args = sys.argv[1], sys.argv[2:]
from translator.cli import main
sys.argv = ["translator", *args]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
with open(report, "w") as fh:
    json.dump({{"exit": code, "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}, fh)
"""

MODEL = ("--model", str(COPY_MODEL_DIR), "--backend", "transformers", "--beam-size", "1")


def run(tmp_path: Path, *args: str) -> tuple[dict[str, object], str]:
    report = tmp_path / "report.json"
    env = {**os.environ, "TRANSLATOR_CACHE_DIR": str(tmp_path / "cache"),
           "HF_HOME": str(tmp_path / "hf"), "PYTHONPATH": str(ROOT)}  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, str(report), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert report.is_file(), proc.stderr
    return json.loads(report.read_text()), proc.stderr


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose translation memory holds every sentence of the seed."""
    tmp_path = tmp_path_factory.mktemp("cached")
    report, err = run(tmp_path, "translate", str(SEED), "-o", str(tmp_path / "first.txt"), *MODEL)
    assert report["exit"] == 0, err
    assert "transformers" in report["heavy"]  # the check can fail: this run loaded the model
    return tmp_path


def test_a_fully_cached_translate_imports_no_model_library(memory: Path) -> None:
    out = memory / "again.txt"
    report, err = run(memory, "translate", str(SEED), "-o", str(out), *MODEL)
    assert report == {"exit": 0, "heavy": []}, err
    assert out.read_text("utf-8") == (memory / "first.txt").read_text("utf-8")
    assert "35 sentences (35 from memory)" in err


def test_a_batch_whose_chunks_are_all_cached_imports_no_model_library(memory: Path) -> None:
    in_dir = memory / "in"
    in_dir.mkdir(exist_ok=True)
    for name in ("a.txt", "b.txt"):
        (in_dir / name).write_bytes(SEED.read_bytes())
    report, err = run(memory, "batch", str(in_dir), str(memory / "out"), *MODEL)
    assert report == {"exit": 0, "heavy": []}, err
    for name in ("a.txt", "b.txt"):
        assert (memory / "out" / name).read_text("utf-8") == (memory / "first.txt").read_text(
            "utf-8"
        )


def test_a_new_sentence_loads_the_model(memory: Path) -> None:
    article = memory / "new.txt"
    article.write_text(SEED.read_text("utf-8") + "\n\nDas ist ein ganz neuer Satz.\n", "utf-8")
    report, err = run(memory, "translate", str(article), "-o", str(memory / "new.en.txt"), *MODEL)
    assert report["exit"] == 0, err
    assert "transformers" in report["heavy"]
    assert "36 sentences (35 from memory)" in err
