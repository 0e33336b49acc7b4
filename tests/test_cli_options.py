"""Defaults live only in ``Options``, and the CLI's shared options are declared once.

A command given no shared option runs on exactly Options' defaults (the CLI's one policy of
its own: the translation memory is on); ``--help`` shows those defaults, read from Options;
and no module restates one of Options' defaults as a literal (an ``ast`` scan of the package).
"""

from __future__ import annotations

import ast
import re
from dataclasses import MISSING, fields, replace
from pathlib import Path
from typing import Any

import pytest

from tests.cli import run_cli
from translator.cli.common import SharedOptions
from translator.options import Options

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "translator"


class _Built(Exception):
    """Stops a command once it has built its Options."""


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[Options]:
    """The Options each command builds from its shared options; the command stops there."""
    seen: list[Options] = []
    real = SharedOptions.options

    def options(self: SharedOptions, **kwargs: Any) -> Options:
        seen.append(real(self, **kwargs))
        raise _Built

    monkeypatch.setattr(SharedOptions, "options", options)
    monkeypatch.setenv("TRANSLATOR_DEBUG", "1")  # let _Built through main()
    monkeypatch.delenv("TRANSLATOR_BACKEND")  # the suite's default; here the real default
    return seen


def _serve_extra() -> None:
    for module in ("fastapi", "python_multipart", "uvicorn"):
        pytest.importorskip(module)


def _args(command: str, tmp_path: Path) -> list[str]:
    src, ref = tmp_path / "src.txt", tmp_path / "ref.txt"
    src.write_text("Die Truppen sind in Kiew.\n", "utf-8")
    ref.write_text("The troops are in Kyiv.\n", "utf-8")
    return {
        "translate": ["translate", str(src)],
        "batch": ["batch", str(tmp_path), str(tmp_path / "out")],
        "serve": ["serve"],
        "eval": ["eval", str(src), str(ref)],
    }[command]


@pytest.mark.parametrize("command", ["translate", "batch", "serve", "eval"])
def test_a_command_given_no_shared_option_runs_on_options_defaults(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    built: list[Options],
    command: str,
) -> None:
    if command == "serve":
        _serve_extra()
    with pytest.raises(_Built):
        run_cli(monkeypatch, capsys, *_args(command, tmp_path))
    [options] = built
    # The CLI keeps a translation memory (the library does not); `eval` scores fresh
    # translations, so it keeps none. Everything else is Options' own default.
    assert options == Options(memory=command != "eval").resolved()


@pytest.mark.parametrize("command", ["translate", "batch", "serve"])
def test_the_shared_options_reach_options(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    built: list[Options],
    command: str,
) -> None:
    if command == "serve":
        _serve_extra()
    given = ["--model", "m", "--backend", "transformers", "--device", "cpu", "--beam-size", "2",
             "--batch-size", "5", "--no-cache", "--no-qa", "--glossary", "g.yaml", "--style",
             "BBC", "--no-transliterate"]  # fmt: skip
    limits = ["--max-unpacked", "1M", "--max-paragraphs", "7", "--max-sentences", "9"]
    with pytest.raises(_Built):
        run_cli(monkeypatch, capsys, *_args(command, tmp_path), *given,
                *(limits if command != "serve" else []))  # fmt: skip
    [options] = built
    expected = Options(model="m", backend="transformers", device="cpu", beam_size=2,
                       batch_size=5, memory=False, qa=False, glossary=Path("g.yaml"),
                       style="bbc", transliterate=False)  # fmt: skip
    if command != "serve":
        expected = replace(expected, max_unpacked=10**6, max_paragraphs=7, max_sentences=9)
    assert options == expected.resolved()
    built.clear()
    with pytest.raises(_Built):
        run_cli(monkeypatch, capsys, *_args(command, tmp_path), "--no-glossary")
    assert built[0].glossary is False


def _help(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    monkeypatch.setenv("COLUMNS", "400")  # one line per option
    run = run_cli(monkeypatch, capsys, *args, "--help")
    assert run.code == 0, run.err
    return run.out


@pytest.mark.parametrize("command", ["translate", "batch", "serve", "eval"])
def test_help_shows_options_defaults(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    out = _help(monkeypatch, capsys, command)
    lines = {m.group(1): line for line in out.splitlines()
             if (m := re.search(r"(--[a-z-]+)", line))}  # fmt: skip
    defaults = Options()
    shown: dict[str, object] = {"--beam-size": defaults.beam_size,
                                "--batch-size": defaults.batch_size}
    if command != "eval":
        shown["--style"] = defaults.style
    if command in ("translate", "batch"):
        shown |= {"--max-paragraphs": defaults.max_paragraphs,
                  "--max-sentences": defaults.max_sentences,
                  "--max-unpacked": f"{defaults.max_unpacked // 2**20}MiB"}  # fmt: skip
    for flag, value in shown.items():
        assert f"[default: {value}]" in lines[flag], (flag, lines[flag])
    # Shown once: "[default: None]" would be Typer's own, for an option left unset.
    assert "[default: None]" not in out


def test_translate_batch_and_serve_share_one_declaration(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shared options read the same, panel by panel, in every command."""

    def panel(out: str, title: str) -> list[str]:
        block = out.split(f"─ {title} ─", 1)[1].split("╰", 1)[0]
        return [" ".join(line.strip("│ ").split()) for line in block.splitlines()[1:]]

    helps = {c: _help(monkeypatch, capsys, c) for c in ("translate", "batch", "serve")}
    translation = panel(helps["translate"], "Translation")
    assert any(line.startswith("--model -m") for line in translation)
    assert panel(helps["batch"], "Translation") == translation == panel(helps["serve"],
                                                                        "Translation")
    assert panel(helps["batch"], "Document limits") == panel(helps["translate"],
                                                             "Document limits")
    assert "Document limits" not in helps["serve"]


# -- no literal restatement of Options' defaults ------------------------------------------

#: The engines' and the converter's ``device="auto"``: an engine built directly (not through
#: Options) picks its device itself; Options' own default is None ("not given"), which resolves
#: to the same "auto". Every other default is read from Options (``Options.beam_size`` ...).
KNOWN = {
    ("engine/ct2.py", "device"), ("engine/marian.py", "device"), ("engine/convert.py", "device"),
}  # fmt: skip


def _defaults() -> dict[str, Any]:
    resolved = Options().resolved()  # model, backend, device: what unset resolves to
    return {f.name: getattr(resolved, f.name) for f in fields(Options)}


def restatements(root: Path) -> set[tuple[str, str]]:
    """(module, name) for each parameter default or ``DEFAULT_*`` constant outside
    options.py that spells out one of Options' defaults."""
    defaults = _defaults()
    found: set[tuple[str, str]] = set()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel == "options.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            pairs: list[tuple[str, ast.expr | None]] = []
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                a = node.args
                positional = [*a.posonlyargs, *a.args]
                pairs += zip([p.arg for p in positional[len(positional) - len(a.defaults):]],
                             a.defaults, strict=True)  # fmt: skip
                pairs += zip([p.arg for p in a.kwonlyargs], a.kw_defaults, strict=True)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                pairs += [(t.id.removeprefix("DEFAULT_").lower(), node.value) for t in targets
                          if isinstance(t, ast.Name) and t.id.startswith("DEFAULT_")]  # fmt: skip
            for name, value in pairs:
                if (
                    name in defaults
                    and isinstance(value, ast.Constant)
                    and value.value is not None
                    and value.value == defaults[name]
                    and (rel, name) != ("config.py", "model")  # DEFAULT_MODEL: the model's home
                ):
                    found.add((rel, name))
    return found


def test_no_module_restates_an_options_default() -> None:
    found = restatements(PACKAGE)
    assert found - KNOWN == set(), "use Options' default (None: 'not given') instead"
    assert KNOWN <= found, "a known restatement is gone: take it off KNOWN"


def test_the_scan_finds_a_restatement(tmp_path: Path) -> None:
    """The scan itself: each kind of restatement it must see, and what it must let be."""
    (tmp_path / "options.py").write_text("beam_size = 4\n")
    (tmp_path / "a.py").write_text(
        'def f(x, beam_size=4, *, style: str = "ap", batch_size=None): ...\n'
        'DEFAULT_STYLE: str = "ap"\nDEFAULT_BATCH_SIZE = 32\n'
        "def g(beam_size=5, qa=False): ...\n"
    )
    assert restatements(tmp_path) == {("a.py", "beam_size"), ("a.py", "style"),
                                      ("a.py", "batch_size")}  # fmt: skip


def test_serve_defaults_are_serve_settings() -> None:
    """`translator serve`'s own options default as ServeSettings (their owner) does."""
    import typer.main

    from translator.cli import app
    from translator.serve.service import ServeSettings

    [serve] = [c for c in typer.main.get_command(app).commands.values()  # type: ignore[attr-defined]
               if c.name == "serve"]  # fmt: skip
    given = {p.name: p.default for p in serve.params}
    # data_dir and options have no default there (the command gives them).
    settings = {f.name: f.default for f in fields(ServeSettings) if f.default is not MISSING}
    given["keys_file"] = given.pop("keys")
    given["cors_origins"] = tuple(given.pop("cors_origin") or ())
    compared = {name: (given[name], settings[name]) for name in given.keys() & settings.keys()}
    assert len(compared) >= 11, sorted(compared)
    assert {name: pair for name, pair in compared.items() if pair[0] != pair[1]} == {}
