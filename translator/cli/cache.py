"""`translator cache ...` commands: inspect or clear the translation memory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import human_size

app = typer.Typer(no_args_is_help=True)

PathOpt = Annotated[
    Path | None,
    typer.Option(
        "--path",
        help="Translation-memory file \\[default: $TRANSLATOR_CACHE_DIR/memory.sqlite3, "
        "else the user cache dir]",
        show_default=False,
        dir_okay=False,
    ),
]


@app.command("stats")
def stats(path: PathOpt = None) -> None:
    """Where the translation memory is, how many entries and setups it holds, its size."""
    from ..cache import TranslationMemory

    with TranslationMemory(path) as memory:
        info = memory.stats()
    typer.echo(f"path:       {info.path}")
    qa = f"  ({info.qa_entries} of them QA results)" if info.qa_entries else ""
    typer.echo(f"entries:    {info.entries}{qa}")
    typer.echo(f"namespaces: {info.namespaces}  (model/backend/decoding/glossary setups)")
    typer.echo(f"size:       {human_size(info.size_bytes)}")


@app.command("clear")
def clear(path: PathOpt = None) -> None:
    """Delete every entry of the translation memory (it only ever saves time, never data)."""
    from ..cache import TranslationMemory

    with TranslationMemory(path) as memory:
        deleted = memory.clear()
        typer.echo(f"deleted {deleted} entries from {memory.path}")
