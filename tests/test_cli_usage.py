"""What a user who gets a flag or a command wrong sees: one line, exit 2, never Click's box;
and the model commands take ``--model`` like every other command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import run_cli


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["translate", "x.txt", "--beam-size", "0"], "Invalid value for '--beam-size'"),
        (["translate", "x.txt", "--bogus"], "No such option: --bogus"),
        (["translate"], "Missing argument 'source'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["batch", "in", "out", "--batch-size", "many"], "'--batch-size'"),
        (["batch", "in", "out", "--max-size", "lots"], "Invalid value for '--max-size': not a"),
        (["translate", "x.txt", "--max-unpacked", "1x"], "Invalid value for '--max-unpacked'"),
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    run = run_cli(monkeypatch, capsys, *args)
    assert run.code == 2
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("translator: error: ")
    assert says in lines[0]
    assert "--help'" in lines[0]  # and where to look
    assert "╭" not in run.err and run.out == ""


def test_a_group_without_its_command_still_shows_its_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_cli(monkeypatch, capsys, "model")
    assert "download" in run.out + run.err and "convert" in run.out + run.err
    assert "translator: error" not in run.err


def test_model_info_takes_model_as_everything_else_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-model"
    by_option = run_cli(monkeypatch, capsys, "model", "info", "--json", "--model", str(missing))
    by_name = run_cli(monkeypatch, capsys, "model", "info", "--json", str(missing))
    assert by_option == by_name
    assert by_option.code == 4 and str(missing) in by_option.out
    both = run_cli(monkeypatch, capsys, "model", "info", "a", "--model", "b")
    assert both.code == 2 and "differs from NAME" in both.err


def test_model_info_piped_is_never_folded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    deep = tmp_path / ("a-rather-long-folder-name-" * 4) / "model"
    run = run_cli(monkeypatch, capsys, "model", "info", "--model", str(deep))
    assert run.code == 4
    # The location line and the "not available" hint each stay on one line (captured = piped).
    assert any(line.strip().startswith("location: ") and str(deep) in line
               for line in run.out.splitlines())
    assert any("or use --model PATH" in line and "available offline" in line
               for line in run.out.splitlines())
