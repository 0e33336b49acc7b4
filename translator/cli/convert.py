"""`translator model convert [NAME]`: a CTranslate2 conversion for the fast backend."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import DeviceOpt
from .model import ModelNameOpt, NameArg, RevisionOpt, app, model_name


@app.command("convert")
def convert(
    name: NameArg = None,
    model_opt: ModelNameOpt = None,
    compute_type: Annotated[
        str | None,
        typer.Option(
            "--compute-type",
            "--quantization",
            "-q",
            help="int8 | int8_float32 | int8_float16 | int8_bfloat16 | int16 | float16 | "
            "bfloat16 | float32 \\[default: int8 on CPU, float16 on CUDA]",
            show_default=False,
        ),
    ] = None,
    revision: RevisionOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the conversion here instead of the cache (then use it with --model).",
            file_okay=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Convert again even if done.")] = False,
    device: DeviceOpt = None,
) -> None:
    """Convert the model for CTranslate2 (3-5x faster on a CPU; `--backend auto` then uses it).

    Needs the model locally (see `translator model download`); works offline. Writes to
    $TRANSLATOR_CACHE_DIR/ct2/ unless --output says otherwise.
    """
    from ..engine.convert import convert_model
    from ..options import Options

    model = model_name(name, model_opt)
    device = str(Options(device=device).resolved().device)  # checked: a bad one exits 2
    done = convert_model(
        model,
        quantization=compute_type,
        device=device,
        revision=revision,
        output_dir=output,
        force=force,
    )
    verb = "converted" if done.created else "already converted"
    typer.echo(f"{model} {verb} ({done.quantization}): {done.path}")
    # The conversion check (engine.convert.check_conversion): does it reproduce the model?
    if done.check is not None:
        typer.echo(f"check: {done.check['summary']}")
        for other in done.check.get("tried", []):
            if other != done.check["summary"]:
                typer.echo(f"  also tried (not used): {other}")
    if output is not None:
        typer.echo(f"use it with: translator translate FILE --backend ctranslate2 --model {output}")
