"""Running the CLI in tests, and handing it a test-double engine: one helper for every file.

``run_cli`` goes through the console script's entry point (``translator.cli.main``), so typed
errors become their one-line message and exit code exactly as for a user. ``use_engine``
replaces the model loader that every command goes through (``translator.factory.engine_for``)
with one returning the given double.
"""

from __future__ import annotations

import io
import sys
from typing import Any, NamedTuple, TypeVar

import pytest

from translator.cli import main

E = TypeVar("E")


class CliRun(NamedTuple):
    code: int
    out: str
    err: str


def run_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: bytes = b"",
) -> CliRun:
    """Run `translator ARGS` in-process; return (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["translator", *args])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return CliRun(code, out, err)


def use_engine(monkeypatch: pytest.MonkeyPatch, engine: E) -> E:
    """Every command that would load a model gets ``engine`` instead; returns it."""
    import translator.factory

    def load(options: Any) -> E:
        return engine

    monkeypatch.setattr(translator.factory, "engine_for", load)
    return engine
