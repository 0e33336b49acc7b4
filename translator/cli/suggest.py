"""`translator glossary suggest FILE...`: English fragments, hybrids and names to add."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .glossary import GlossaryOpt, _path, app


@app.command("suggest")
def suggest(
    files: Annotated[list[Path], typer.Argument(help="German articles (text files).")],
    glossary: GlossaryOpt = None,
    no_glossary: Annotated[
        bool, typer.Option("--no-glossary", help="Report everything, covered or not.")
    ] = False,
) -> None:
    """List English fragments, German/English hybrids and German-spelled Slavic names that
    the glossary does not cover yet, as glossary entries (YAML) to check and paste."""
    from ..detect import detect_files, suggestions_yaml
    from ..document import read_file

    texts = [(str(f), read_file(f)) for f in files]
    g = None
    if not no_glossary:
        from ..glossary import load_glossary

        g = load_glossary(_path(glossary))
    findings = detect_files(texts, glossary=g)
    against = f"not in {g.path}" if g is not None else "glossary off"
    header = (
        f"translator glossary suggest: {len(findings)} proposal(s) ({against}).\n"
        "Check each rendering, then paste under `entries:` in the glossary."
    )
    typer.echo(suggestions_yaml(findings, header=header), nl=False)
