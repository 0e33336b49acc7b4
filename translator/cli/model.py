"""`translator model download|info` (and `convert`, registered on the same ``app`` elsewhere).

Neither command imports torch: they read JSON files and the Hugging Face cache.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from .. import config
from .common import console, human_size

app = typer.Typer(no_args_is_help=True)

NameArg = Annotated[
    str | None,
    typer.Argument(
        help=f"Hub id or local folder \\[default: $TRANSLATOR_MODEL or {config.DEFAULT_MODEL}]",
        show_default=False,
    ),
]
#: The same as NAME, for a user who writes ``--model`` as with every other command.
ModelNameOpt = Annotated[
    str | None,
    typer.Option("--model", "-m", help="Same as NAME.", show_default=False),
]
RevisionOpt = Annotated[
    str | None, typer.Option("--revision", help="Branch, tag or commit on the Hub.")
]


def model_name(name: str | None, model: str | None) -> str:
    """NAME or --model (not two different ones), else $TRANSLATOR_MODEL or the default."""
    if name and model and name != model:
        from ..errors import UsageError

        raise UsageError("model", f"{model!r} differs from NAME {name!r}: give one of them")
    return name or model or config.model_name()


@app.command()
def download(
    name: NameArg = None,
    model_opt: ModelNameOpt = None,
    revision: RevisionOpt = None,
    no_convert: Annotated[
        bool, typer.Option("--no-convert", help="Do not convert it for CTranslate2.")
    ] = False,
) -> None:
    """Download the model into the Hugging Face cache and convert it for CTranslate2.

    Run this on a connected machine. Fetches only what translation needs (*.json, *.spm,
    model.safetensors). The cache is ~/.cache/huggingface/hub unless HF_HOME or HF_HUB_CACHE
    say otherwise; copy that folder, or the printed snapshot folder (use it with --model
    PATH), to an offline machine. The conversion (what `--backend auto` uses) goes to
    $TRANSLATOR_CACHE_DIR/ct2/, as with `translator model convert`.
    """
    from ..engine.convert import ensure_converted
    from ..engine.hub import download_model

    model = model_name(name, model_opt)
    folder = download_model(model, revision=revision)
    typer.echo(f"{model} downloaded to {folder}")
    if not no_convert:
        done = ensure_converted(model, revision=revision)  # warns (one line) when it cannot
        if done is not None:
            typer.echo(f"converted for CTranslate2 ({done.quantization}): {done.path}")
    typer.echo(f"offline use: translator translate FILE --model {folder}")


@app.command()
def info(
    name: NameArg = None,
    model_opt: ModelNameOpt = None,
    revision: RevisionOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the facts as JSON.")] = False,
) -> None:
    """Where the model is, its files and key settings, and whether it works offline (exit 0;
    4, the model-error code, when it does not)."""
    from ..engine.hub import model_info

    model = model_name(name, model_opt)
    facts = model_info(model, revision=revision)
    if as_json:
        typer.echo(json.dumps(facts, indent=2, ensure_ascii=False))
    else:
        _print_info(facts)
    if not facts["available_offline"]:
        from ..errors import ModelError

        # The facts are printed; the error gives the exit code every model problem gets.
        raise ModelError(f"{model} is not available offline")


def _print_info(facts: dict[str, Any]) -> None:
    from rich.table import Table

    out = console(stderr=False)  # piped: one fact a line, never folded at 80 columns
    where = {"folder": "local folder", "cache": "Hugging Face cache", "missing": "not found"}
    out.print(f"[bold]{facts['name']}[/]")
    out.print(f"  location: {facts['location']} ({where[facts['kind']]})")
    out.print(f"  revision: {facts['revision'] or '-'}")
    if facts["available_offline"]:
        out.print("  available offline: [green]yes[/]")
    elif facts["kind"] == "missing":
        out.print(
            "  available offline: [red]no[/] (run `translator model download` on a connected "
            "machine, or use --model PATH)"
        )
    else:
        out.print(f"  available offline: [red]no[/] (missing {', '.join(facts['missing'])})")
    if facts["config"]:
        out.print(
            "  config: " + ", ".join(f"{k} {v}" for k, v in facts["config"].items()),
        )
    if facts["files"]:
        table = Table(show_header=True, box=None, padding=(0, 2))
        table.add_column("file")
        table.add_column("size", justify="right")
        for file_name, size in facts["files"].items():
            table.add_row(file_name, human_size(size))
        out.print(table)
