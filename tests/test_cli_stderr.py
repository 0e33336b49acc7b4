"""What a person sees on stderr: a few lines, whole messages, progress only on a terminal.

The engine is a test double (MangleEngine: it leaves German words, drops names, falls back to
German spellings), so the seed article raises several kinds of flag; the model is not under
test here. The terminal tests run the real entry point in a child process under a
pseudo-terminal (pexpect), and again with stderr redirected to a pipe.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect  # the test extra: a real pseudo-terminal
import pytest

from tests.cli import run_cli as cli
from tests.cli import use_engine
from tests.conftest import SEED
from tests.doubles import MangleEngine
from translator import Pipeline, config
from translator.cli.report import kinds
from translator.glossary import load_glossary
from translator.qa import QualityChecker

ROOT = Path(__file__).resolve().parents[1]


class Engine(MangleEngine):
    """The MangleEngine, which also loses the number 60.000 (an error-level flag)."""

    def _one(self, sentence: str) -> str:
        return super()._one(sentence).replace("60.000", "")


Capture = pytest.CaptureFixture[str]
#: The first word of every line the report prints (after -v's "¶p.s").
STARTS = re.compile(r"^(warning: |error: |wrote |¶\d+\.\d+ )")


@pytest.fixture
def seed_result():  # type: ignore[no-untyped-def]
    """The seed as the CLI's defaults translate it with the MangleEngine."""
    glossary = load_glossary(config.packaged_glossary())
    pipeline = Pipeline(Engine(), glossary=glossary, checker=QualityChecker(glossary))
    return pipeline.translate_text(SEED.read_text(encoding="utf-8"), name=str(SEED))


def translate(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path, *args: str
) -> tuple[int, list[str]]:
    use_engine(monkeypatch, Engine())
    out = tmp_path / "seed.en.txt"
    code, stdout, err = cli(monkeypatch, capsys, "translate", str(SEED), "-o", str(out), *args)
    assert stdout == ""
    return code, err.splitlines()


def test_default_stderr_is_one_line_per_kind_of_problem_and_a_closing_line(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path, seed_result
) -> None:  # type: ignore[no-untyped-def]
    code, lines = translate(monkeypatch, capsys, tmp_path)
    assert code == 0, lines
    expected = kinds(seed_result)
    open_flags = [f for f in seed_result.flags if f.severity != "info" and not f.fixed]
    codes = {f.code for f in open_flags} | ({"term-missed"} if seed_result.missed_terms else set())
    assert len(codes) >= 3  # several kinds of problem, so that the test means something
    assert len(open_flags) + len(seed_result.missed_terms) > 2 * len(codes)
    assert len(lines) == len(expected) + 1 == len(codes) + 1
    for kind, line in zip(expected, lines, strict=False):
        assert line.startswith(f"{kind.severity}: ")
        n = len(kind.where)
        assert f" in {n} sentence" in line and kind.where[0] in line
    assert lines[-1].startswith(f"wrote {tmp_path / 'seed.en.txt'} (text): 35 sentences; terms: ")
    assert f"{len(seed_result.missed_terms)} missed" in lines[-1]


def test_verbose_lists_every_flag_and_quiet_only_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path, seed_result
) -> None:  # type: ignore[no-untyped-def]
    code, lines = translate(monkeypatch, capsys, tmp_path, "-v")
    assert code == 0
    assert len(lines) == len(seed_result.flags) + len(seed_result.missed_terms) + 1
    assert all(STARTS.match(line) for line in lines)

    code, lines = translate(monkeypatch, capsys, tmp_path, "-q")
    assert code == 0
    errors = [k for k in kinds(seed_result) if k.severity == "error"]
    assert errors and len(lines) == len(errors)
    assert all(line.startswith("error: ") for line in lines)


# -- in a child process: a terminal, or stderr redirected -----------------------------------

_RUN = """
import sys, time
import translator.factory
from tests.test_cli_stderr import Engine

class Slow(Engine):
    def translate_batch(self, sentences):
        time.sleep(0.8)  # a model at work: the run takes over a second
        return super().translate_batch(sentences)

translator.factory.engine_for = lambda *a, **k: Slow()
from translator.cli import main
sys.argv = ["translator", *sys.argv[1:]]
main()
"""


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env.update(PYTHONPATH=str(ROOT), TRANSLATOR_CACHE_DIR=str(tmp_path / "cache"),
               HF_HUB_OFFLINE="1", **extra)  # fmt: skip
    return env


def test_a_terminal_sees_progress_then_the_report(tmp_path: Path) -> None:
    out = tmp_path / "seed.en.txt"
    child = pexpect.spawn(
        sys.executable,
        ["-c", _RUN, "translate", str(SEED), "-o", str(out)],
        cwd=str(ROOT),
        env=_env(tmp_path, TERM="xterm-256color"),
        dimensions=(24, 60),
        encoding="utf-8",
        timeout=120,
    )
    child.expect(r"translating \d+/35 sentences")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "wrote " in child.before and out.is_file()


@pytest.mark.parametrize("columns", ["40", "200"])
def test_redirected_stderr_has_no_progress_and_no_line_broken_inside_a_message(
    tmp_path: Path, columns: str
) -> None:
    out = tmp_path / "seed.en.txt"
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, "translate", str(SEED), "-o", str(out), "-v"],
        cwd=ROOT,
        env=_env(tmp_path, COLUMNS=columns, TERM="xterm-256color"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert "translating" not in proc.stderr and "\x1b" not in proc.stderr  # no bars, no colour
    assert any(len(line) > 120 for line in lines)  # long messages, kept whole
    assert all(STARTS.match(line) for line in lines), lines


def test_no_color_and_a_dumb_terminal_get_plain_text(tmp_path: Path) -> None:
    for extra in ({"TERM": "xterm-256color", "NO_COLOR": "1"}, {"TERM": "dumb"}):
        child = pexpect.spawn(
            sys.executable,
            ["-c", _RUN, "translate", str(SEED), "-o", str(tmp_path / "o.txt")],
            cwd=str(ROOT),
            env=_env(tmp_path, **extra),
            dimensions=(24, 200),
            encoding="utf-8",
            timeout=120,
        )
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        text = child.before
        assert "wrote " in text
        assert not re.search(r"\x1b\[[0-9;]*m", text), (extra, text)  # no colour codes
        if extra.get("TERM") == "dumb":
            assert "translating" not in text  # no line redrawing on a dumb terminal


# -- --help -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["translate", "batch", "glossary import", "eval"])
def test_help_shows_on_off_options_as_plain_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, command: str
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    code, out, _ = cli(monkeypatch, capsys, *command.split(), "--help")
    assert code == 0
    assert "<bool>" not in out
    assert re.search(r"--help\s+Show this message", out)


def test_batch_help_shows_the_default_patterns(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    from translator.batch.discovery import DEFAULT_PATTERNS

    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = cli(monkeypatch, capsys, "batch", "--help")
    assert code == 0
    assert " ".join(f'"{p}"' for p in DEFAULT_PATTERNS) in out


def test_batch_progress_on_a_terminal_only(tmp_path: Path) -> None:
    in_dir = tmp_path / "in"
    in_dir.mkdir()
    for name in ("a.txt", "b.txt"):
        (in_dir / name).write_bytes(SEED.read_bytes())
    child = pexpect.spawn(
        sys.executable,
        ["-c", _RUN, "batch", str(in_dir), str(tmp_path / "tty")],
        cwd=str(ROOT),
        env=_env(tmp_path, TERM="xterm-256color"),
        dimensions=(24, 100),
        encoding="utf-8",
        timeout=120,
    )
    child.expect(r"sentences .*\d+/70")  # the total of both files, known from the start
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    proc = subprocess.run(
        [sys.executable, "-c", _RUN, "batch", str(in_dir), str(tmp_path / "redirected")],
        cwd=ROOT,
        env=_env(tmp_path, TERM="xterm-256color"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Batch summary" in proc.stderr
    assert "━" not in proc.stderr and "/70" not in proc.stderr and "\x1b" not in proc.stderr


def test_a_first_conversion_shows_as_a_step() -> None:
    import logging

    from translator.cli.progress import steps_from_log

    steps: list[str] = []
    notes = logging.getLogger("translator.progress")
    with steps_from_log(steps.append):
        notes.info("converting %s for CTranslate2, once (later runs use ...) ...", "m")
        notes.info("converted %s in %.1f s: %s", "m", 12.5, "/cache/ct2/m-int8")
    notes.info("converting again")  # after the run: not a step of it
    assert steps == ["converting the model for CTranslate2 (once)", "loading the model"]
