"""Errors a command can know before the work fail before it: no model is built, nothing is
read or created, one line and the exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import translator.factory
from tests.cli import run_cli as cli
from tests.doubles import WordEngine

Capture = pytest.CaptureFixture[str]
ARTICLE = "Die Truppen sind in der Stadt angekommen.\n\nDie Region ist nicht mehr sicher.\n"


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every engine the CLI builds (a WordEngine each time)."""
    engines: list[Any] = []

    def load(*args: Any, **kwargs: Any) -> WordEngine:
        engines.append((args, kwargs))
        return WordEngine()

    # The loader under factory.engine_for, so that what engine_for checks first still runs.
    monkeypatch.setattr(translator.factory, "load_engine", load)
    return engines


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "artikel.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.mark.parametrize("target", ["/sys/out.txt", "/proc/out.txt"])
def test_an_unwritable_output_fails_before_the_engine_is_built(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, built: list[Any], article: Path, target: str
) -> None:
    code, out, err = cli(monkeypatch, capsys, "translate", str(article), "-o", target,
                         "--no-cache")  # fmt: skip
    assert (code, out, built) == (6, "", [])
    assert err.startswith(f"translator: error: {target}: cannot write into ")
    assert err.count("\n") == 1


def test_a_missing_output_folder_is_an_error_unless_mkdir(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, built: list[Any], article: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    target = tmp_path / "new" / "deeper" / "out.txt"
    code, out, err = cli(monkeypatch, capsys, "translate", str(article), "-o", str(target))
    assert (code, out, built) == (6, "", [])
    assert f"folder {target.parent} does not exist; add --mkdir" in err
    assert not (tmp_path / "new").exists()

    code, _, err = cli(monkeypatch, capsys, "translate", str(article), "-o", str(target),
                       "--mkdir")  # fmt: skip
    assert code == 0, err
    assert target.read_text("utf-8").strip() and len(built) == 1


def test_batch_checks_its_output_folder_before_any_work(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, built: list[Any], article: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    in_dir = article.parent
    out_dir = tmp_path / "missing" / "out"
    code, _, err = cli(monkeypatch, capsys, "batch", str(in_dir), str(out_dir))
    assert (code, built) == (6, [])
    assert "does not exist; add --mkdir" in err and err.count("\n") == 1
    assert not (tmp_path / "missing").exists()

    code, _, err = cli(monkeypatch, capsys, "batch", str(in_dir), "/sys/out")
    assert (code, built) == (6, [])
    assert "cannot write into /sys" in err

    # OUT_DIR itself may be missing: creating it is what batch does.
    code, _, err = cli(monkeypatch, capsys, "batch", str(in_dir), str(tmp_path / "out"))
    assert code == 0, err
    assert (tmp_path / "out" / "artikel.txt").is_file()


@pytest.mark.parametrize("command", ["translate", "batch"])
def test_a_missing_gpu_is_the_first_and_only_thing_said(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, built: list[Any], article: Path,
    tmp_path: Path, command: str,
) -> None:  # fmt: skip
    from translator.engine.base import cuda_device_count

    if cuda_device_count():
        pytest.skip("this machine has a CUDA device")
    where = [str(article)] if command == "translate" else [str(tmp_path), str(tmp_path / "o")]
    code, out, err = cli(monkeypatch, capsys, command, *where, "--device", "cuda")
    assert (code, out, built) == (4, "", [])
    assert err == (
        "translator: error: --device cuda asked for, but no such CUDA device is available\n"
    )
