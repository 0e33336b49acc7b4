"""`translator glossary suggest FILE|FOLDER...`: English fragments, hybrids and names to add."""

from __future__ import annotations

import os
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Annotated

import typer

from .glossary import GlossaryOpt, _path, app


def _articles(paths: list[Path], patterns: list[str]) -> Iterator[tuple[Path, bool]]:
    """(file, named) for each path; a folder gives its files whose name matches one of
    ``patterns`` (case-insensitive), recursively, in sorted order, hidden files and folders
    left out."""
    for path in paths:
        if not path.is_dir():
            yield path, True
            continue
        for root, dirs, files in os.walk(path, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith(".") and any(
                    fnmatch(name.lower(), p.lower()) for p in patterns
                ):
                    yield Path(root) / name, False


@app.command("suggest")
def suggest(
    files: Annotated[
        list[Path],
        typer.Argument(help="German articles (any input format: text, Markdown, web page, "
                       "DOCX, PDF), or folders of them (searched recursively for --pattern)."),
    ],
    glossary: GlossaryOpt = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Report everything, covered or not.")
    ] = False,
    pattern: Annotated[
        list[str] | None,
        typer.Option(
            "--pattern",
            "-p",
            help="Which files of a folder to read (repeatable) \\[default: the patterns of "
            "`translator batch`: *.txt *.md *.html *.htm *.docx *.pdf]",
            show_default=False,
        ),
    ] = None,
    min_count: Annotated[
        int, typer.Option("--min-count", min=1, help="Only proposals seen at least this often.")
    ] = 1,
) -> None:
    """List English fragments, German/English hybrids and German-spelled Slavic names that
    the glossary does not cover yet, as glossary entries (YAML) to check and paste; over many
    files they are counted and the most frequent come first."""
    from ..batch.discovery import DEFAULT_PATTERNS
    from ..detect import detect_files, suggestions_yaml
    from ..errors import InputError
    from ..files import read_bytes
    from ..formats import read_document

    texts: list[tuple[str, str]] = []
    skipped = 0
    for path, named in _articles(files, pattern or list(DEFAULT_PATTERNS)):
        try:
            # Any format: the document's text blocks, as `translate` would translate them.
            document = read_document(read_bytes(path), name=str(path))
            texts.append((str(path), "\n\n".join(b.text for b in document.blocks)))
        except InputError as exc:
            if named:
                raise
            skipped += 1  # one bad file in a folder does not stop the others; it is reported
            typer.echo(f"skipped {exc}", err=True)
    g = None
    if not no_glossary:
        from ..glossary import load_glossary

        g = load_glossary(_path(glossary))
    findings = [f for f in detect_files(texts, glossary=g) if f.count >= min_count]
    against = f"not in {g.path}" if g is not None else "glossary off"
    header = (
        f"translator glossary suggest: {len(findings)} proposal(s) from {len(texts)} file(s)"
        f"{f', {skipped} skipped' if skipped else ''} ({against}), most frequent first.\n"
        "Check each rendering, then paste under `entries:` in the glossary."
    )
    typer.echo(suggestions_yaml(findings, header=header), nl=False)
