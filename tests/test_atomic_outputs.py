"""Outputs are written atomically by the commands themselves, not only by the helper.

`test_document.py` tests `write_atomic`; here `translate -o` and `batch` are run through the
real entry point while the operating system misbehaves at the two points an atomic write
depends on: the data reaching the disk (``os.fsync``) and the rename over the old file
(``os.replace``). Whatever fails, the old output stays as it was, no temp file is left, and a
reader looking at the target while the new data is being written sees the old file whole.
A command that wrote its output in place would fail every test here.

The engine is the WordEngine double (the model is not under test).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from tests.cli import run_cli, use_engine
from tests.doubles import WordEngine

Capture = pytest.CaptureFixture[str]

OLD = "THE OLD OUTPUT, COMPLETE.\n"
ARTICLE = (
    "Die Truppen sind in der Stadt angekommen. Die Soldaten berichten von Verlusten.\n\n"
    "Die Region ist nicht mehr sicher.\n"
)
PLAIN = ("--no-glossary", "--no-cache", "--no-qa")


@pytest.fixture(autouse=True)
def _engine(monkeypatch: pytest.MonkeyPatch) -> None:
    use_engine(monkeypatch, WordEngine())


def writing(fd: int, target: Path) -> bool:
    """Whether the open file ``fd`` holds the new data for ``target`` (its temp file, or
    ``target`` itself for a command that writes in place)."""
    name = Path(os.readlink(f"/proc/self/fd/{fd}")).name
    return name == target.name or name.startswith(f".{target.name}.")


def fail_for(monkeypatch: pytest.MonkeyPatch, name: str, target: Path) -> list[str]:
    """Make ``os.<name>`` (fsync or replace) fail with EIO while ``target`` is being written;
    returns the log of the calls that failed."""
    real = getattr(os, name)
    failed: list[str] = []

    def fake(*args: Any, **kwargs: Any) -> Any:
        hit = writing(args[0], target) if name == "fsync" else Path(args[1]).name == target.name
        if hit:
            failed.append(name)
            raise OSError(errno.EIO, "Input/output error")
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, fake)
    return failed


def watch_target_while_writing(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[str]:
    """Read ``target`` the moment its new data has been written in full and is being flushed
    to disk (``os.fsync``), as a concurrent reader would; returns what it read each time."""
    real = os.fsync
    seen: list[str] = []

    def fsync(fd: int) -> None:
        if writing(fd, target):
            seen.append(target.read_text("utf-8"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return seen


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- translate -o --------------------------------------------------------------------------------


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "artikel.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_translate_o_keeps_the_old_output_when_the_write_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, article: Path, step: str
) -> None:
    target = article.parent / "english.txt"
    target.write_text(OLD, encoding="utf-8")
    failed = fail_for(monkeypatch, step, target)
    code, out, err = run_cli(
        monkeypatch, capsys, "translate", str(article), "-o", str(target), *PLAIN
    )
    assert failed == [step]
    assert code == 6
    assert err == f"translator: error: {target}: cannot write (Input/output error)\n"
    assert target.read_text("utf-8") == OLD
    assert visible(article.parent) == ["artikel.txt", "english.txt"]  # no temp file left


def test_translate_o_readers_see_the_old_file_until_the_new_one_is_complete(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, article: Path
) -> None:
    target = article.parent / "english.txt"
    target.write_text(OLD, encoding="utf-8")
    seen = watch_target_while_writing(monkeypatch, target)
    args = ("translate", str(article), "-o", str(target), *PLAIN)
    code, _, err = run_cli(monkeypatch, capsys, *args)
    assert code == 0, err
    assert seen == [OLD]
    new = target.read_text("utf-8")
    assert new != OLD and "troops are in the city" in new
    assert visible(article.parent) == ["artikel.txt", "english.txt"]


# -- batch -----------------------------------------------------------------------------------------


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> tuple[Path, Path]:
    """IN_DIR with a.txt and b.txt, translated once into OUT_DIR; then a.txt is edited, so
    the next run has exactly one output to write, over the old one."""
    in_dir, out_dir = tmp_path / "in", tmp_path / "out"
    in_dir.mkdir()
    (in_dir / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (in_dir / "b.txt").write_text(ARTICLE.replace("Stadt", "Region"), encoding="utf-8")
    code, _, err = run_cli(monkeypatch, capsys, "batch", str(in_dir), str(out_dir), *PLAIN)
    assert code == 0, err
    (out_dir / "a.txt").write_text(OLD, encoding="utf-8")  # stands for the last run's output
    (in_dir / "a.txt").write_text(ARTICLE + "\nDie Stadt ist sicher.\n", encoding="utf-8")
    return in_dir, out_dir


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_batch_keeps_the_old_output_when_the_write_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, folders: tuple[Path, Path], step: str
) -> None:
    in_dir, out_dir = folders
    before = visible(out_dir)
    real = getattr(os, step)
    failed = fail_for(monkeypatch, step, out_dir / "a.txt")
    code, _, err = run_cli(monkeypatch, capsys, "batch", str(in_dir), str(out_dir), *PLAIN)
    assert failed == [step]
    assert code == 8, err
    assert "a.txt" in err and "Input/output error" in err
    assert (out_dir / "a.txt").read_text("utf-8") == OLD
    assert visible(out_dir) == before  # no temp file left

    monkeypatch.setattr(os, step, real)  # the disk works again: the next run writes it
    code, _, err = run_cli(monkeypatch, capsys, "batch", str(in_dir), str(out_dir), *PLAIN)
    assert code == 0, err
    assert "Die Stadt ist sicher" not in (out_dir / "a.txt").read_text("utf-8")
    assert "city is" in (out_dir / "a.txt").read_text("utf-8")


def test_batch_readers_see_the_old_output_until_the_new_one_is_complete(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, folders: tuple[Path, Path]
) -> None:
    in_dir, out_dir = folders
    seen = watch_target_while_writing(monkeypatch, out_dir / "a.txt")
    code, _, err = run_cli(monkeypatch, capsys, "batch", str(in_dir), str(out_dir), *PLAIN)
    assert code == 0, err
    assert seen == [OLD]
    assert "city is" in (out_dir / "a.txt").read_text("utf-8")
