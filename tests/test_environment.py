"""The environment as users set it: TRANSLATOR_DEBUG, TRANSLATOR_MODEL, TRANSLATOR_GLOSSARY,
and a model download that meets a network that refuses the connection.

Everything goes through the CLI (`tests/cli.py`), so the tests hold however the options are
read inside. The engine is the WordEngine double where the model is not what is tested.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import run_cli, use_engine
from tests.doubles import WordEngine

Capture = pytest.CaptureFixture[str]
ROOT = Path(__file__).resolve().parents[1]
TEXT = b"Die Truppen sind in der Stadt angekommen."
FAST = ("--beam-size", "1", "--no-cache", "-f", "json")


def translate(monkeypatch: pytest.MonkeyPatch, capsys: Capture, *args: str) -> tuple[int, str, str]:
    return run_cli(monkeypatch, capsys, "translate", "-", *FAST, *args, stdin=TEXT)


# -- TRANSLATOR_DEBUG ----------------------------------------------------------------------------


class BrokenEngine(WordEngine):
    """Stands for a bug of ours somewhere below the CLI."""

    def translate_batch(self, sentences: list[str]) -> list[str]:
        raise RuntimeError("a bug in the engine")


def test_an_internal_error_is_one_line_without_translator_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    use_engine(monkeypatch, BrokenEngine())
    monkeypatch.delenv("TRANSLATOR_DEBUG", raising=False)
    assert translate(monkeypatch, capsys, "--no-glossary") == (
        1,
        "",
        "translator: internal error: RuntimeError: a bug in the engine "
        "(set TRANSLATOR_DEBUG=1 for the traceback)\n",
    )
    monkeypatch.setenv("TRANSLATOR_DEBUG", "")  # set but empty: still off
    code, _, err = translate(monkeypatch, capsys, "--no-glossary")
    assert code == 1 and err.count("\n") == 1


def test_translator_debug_lets_the_traceback_through(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    use_engine(monkeypatch, BrokenEngine())
    monkeypatch.setenv("TRANSLATOR_DEBUG", "1")
    with pytest.raises(RuntimeError, match="a bug in the engine"):
        translate(monkeypatch, capsys, "--no-glossary")


def test_translator_debug_shows_the_traceback_in_a_real_process(tmp_path: Path) -> None:
    """What the user sees: Python's traceback instead of the one line."""
    code = (
        "import sys\n"
        "import translator.factory\n"
        "from tests.test_environment import BrokenEngine\n"
        "translator.factory.engine_for = lambda options: BrokenEngine()\n"
        "from translator.cli import main\n"
        "sys.argv = ['translator', 'translate', '-', '--no-glossary', '--no-cache']\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATOR_CACHE_DIR": str(tmp_path)}
    for debug, traceback in (("1", True), (None, False)):
        env.pop("TRANSLATOR_DEBUG", None)
        if debug:
            env["TRANSLATOR_DEBUG"] = debug
        done = subprocess.run([sys.executable, "-c", code], input=TEXT, capture_output=True,
                              env=env, cwd=ROOT, timeout=120)  # fmt: skip
        err = done.stderr.decode()
        assert done.returncode == 1, err
        assert ("Traceback (most recent call last)" in err) is traceback, err
        assert "RuntimeError: a bug in the engine" in err


# -- TRANSLATOR_MODEL ----------------------------------------------------------------------------


@pytest.mark.slow
def test_translator_model_is_the_model_used_unless_model_is_given(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tiny_model_dir: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRANSLATOR_MODEL", str(tiny_model_dir))
    code, out, err = translate(monkeypatch, capsys, "--no-glossary", "--backend", "transformers")
    assert code == 0, err
    assert json.loads(out)["signature"]["model"] == str(tiny_model_dir.resolve())

    # --model wins over the variable (which now names a folder that is not there).
    missing = tmp_path / "no-such-model"
    monkeypatch.setenv("TRANSLATOR_MODEL", str(missing))
    code, out, err = translate(monkeypatch, capsys, "--no-glossary", "--backend", "transformers",
                               "--model", str(tiny_model_dir))  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["signature"]["model"] == str(tiny_model_dir.resolve())


def test_a_missing_translator_model_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-model"
    monkeypatch.setenv("TRANSLATOR_MODEL", str(missing))
    code, out, err = translate(monkeypatch, capsys, "--no-glossary", "--backend", "transformers")
    assert (code, out) == (4, "")
    assert err.startswith(f"translator: error: model '{missing}' is not available: no such folder")
    assert err.count("\n") == 1
    code, out, _ = run_cli(monkeypatch, capsys, "model", "info", "--json")
    assert json.loads(out)["name"] == str(missing)


# -- TRANSLATOR_GLOSSARY -------------------------------------------------------------------------


def glossary(path: Path, source: str, target: str) -> Path:
    path.write_text(
        f"schema: 1\nentries:\n  - source: {source}\n    target: {target}\n    category: term\n",
        encoding="utf-8",
    )
    return path


def terms(out: str) -> list[tuple[str, str]]:
    return [(t["source"], t["expected"]) for t in json.loads(out)["terms"]]


def test_translator_glossary_is_the_glossary_used(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    use_engine(monkeypatch, WordEngine())
    mine = glossary(tmp_path / "mine.yaml", "Truppen", "armed forces")
    monkeypatch.setenv("TRANSLATOR_GLOSSARY", str(mine))
    code, out, err = translate(monkeypatch, capsys)
    assert code == 0, err
    assert terms(out) == [("Truppen", "armed forces")]
    assert "armed forces" in json.loads(out)["paragraphs"][0]["target"]

    other = glossary(tmp_path / "other.yaml", "Stadt", "township")
    code, out, err = translate(monkeypatch, capsys, "--glossary", str(other))
    assert code == 0, err
    assert terms(out) == [("Stadt", "township")]  # --glossary wins over the variable

    code, out, err = translate(monkeypatch, capsys, "--no-glossary")
    assert code == 0, err
    assert terms(out) == []


def test_a_broken_translator_glossary_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    use_engine(monkeypatch, WordEngine())
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema: 1\nentries:\n  - source: Truppen\n", encoding="utf-8")
    monkeypatch.setenv("TRANSLATOR_GLOSSARY", str(broken))
    code, out, err = translate(monkeypatch, capsys)
    assert (code, out) == (5, "")
    assert err.startswith(f"translator: error: {broken}:") and "target" in err


# -- the download meets a refused connection -----------------------------------------------------


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections (bound, never listening, so no one else
    can take it while the test runs)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.mark.parametrize(
    "args", [("model", "download"), ("translate", "-", "--no-glossary", "--no-cache")]
)
def test_no_network_is_a_one_line_model_error(
    tmp_path: Path, closed_port: int, args: tuple[str, ...]
) -> None:
    """The real Hugging Face client, online (no HF_HUB_OFFLINE), with the Hub at a port that
    refuses the connection, as an unreachable network does."""
    offline = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    env = {k: v for k, v in os.environ.items() if k not in offline}
    env.update(
        HF_ENDPOINT=f"http://127.0.0.1:{closed_port}",
        HF_HOME=str(tmp_path / "hf"),
        TRANSLATOR_CACHE_DIR=str(tmp_path / "cache"),
        PYTHONPATH=str(ROOT),
    )
    done = subprocess.run([sys.executable, "-m", "translator", *args], input=TEXT,
                          capture_output=True, env=env, cwd=tmp_path, timeout=120)  # fmt: skip
    err = done.stderr.decode()
    assert done.returncode == 4, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(
        "translator: error: model 'Helsinki-NLP/opus-mt-de-en' is not available: download failed"
    )
    assert "Connection refused" in err
    assert "translator model download Helsinki-NLP/opus-mt-de-en" in err  # the fix is named
    hub = tmp_path / "hf" / "hub"
    assert not (hub / "models--Helsinki-NLP--opus-mt-de-en" / "snapshots").exists()
