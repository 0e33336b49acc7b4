"""Fast start: commands that need no model never import torch, transformers or ctranslate2.

Each command runs the real CLI entry in a fresh interpreter, which then reports the model
libraries it has loaded (importing torch alone costs seconds on a laptop CPU).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "ctranslate2")

_RUN = f"""
import json, sys
HEAVY = {HEAVY!r}
report, args = sys.argv[1], sys.argv[2:]
from translator.cli import main
sys.argv = ["translator", *args]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
heavy = [m for m in HEAVY if m in sys.modules]
with open(report, "w") as fh:
    json.dump({{"exit": code, "heavy": heavy}}, fh)
"""


def run_cli(args: list[str], tmp_path: Path) -> dict[str, object]:
    report = tmp_path / "report.json"
    env = {**os.environ, "HF_HOME": str(tmp_path / "hf")}  # an empty Hugging Face cache
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(report), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.is_file(), out.stderr
    result: dict[str, object] = json.loads(report.read_text())
    result["stderr"] = out.stderr
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["translate", "--help"],
        ["batch", "--help"],
        ["model", "--help"],
        ["model", "convert", "--help"],
        ["glossary", "--help"],
        ["glossary", "check"],
        ["glossary", "lookup", "Truppen"],
        ["glossary", "export", "--format", "csv"],
        ["cache", "--help"],
        ["cache", "stats"],
        ["cache", "clear"],
    ],
    ids=" ".join,
)
def test_command_does_not_import_model_libraries(args: list[str], tmp_path: Path) -> None:
    result = run_cli(args, tmp_path)
    assert result["exit"] == 0, result["stderr"]
    assert result["heavy"] == []


def test_model_info_of_a_missing_model_imports_no_model_library(tmp_path: Path) -> None:
    result = run_cli(["model", "info", "Helsinki-NLP/opus-mt-de-en"], tmp_path)
    assert result["exit"] == 4  # not in the (empty) Hugging Face cache of the test
    assert result["heavy"] == []


def test_the_check_itself_can_fail(tmp_path: Path) -> None:
    # A command that loads a model library must show up in the report.
    report = tmp_path / "report.json"
    code = _RUN.replace(
        "from translator.cli import main", "import ctranslate2\nfrom translator.cli import main"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(report), "--help"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert json.loads(report.read_text())["heavy"] == ["ctranslate2"]
