"""`translator translate FILE|-`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import (
    BackendOpt,
    BatchSizeOpt,
    BeamOpt,
    DeviceOpt,
    FormatOpt,
    GlossaryOpt,
    ModelOpt,
    NoCacheOpt,
    NoGlossaryOpt,
    NoQaOpt,
    QuietOpt,
    StrictOpt,
    TermsOpt,
    make_options,
    print_flags_summary,
    print_terms_table,
    quiet_progress,
)


@app.command()
def translate(
    source: Annotated[str, typer.Argument(help="German article (text file), or - for stdin.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (atomically) instead of stdout."),
    ] = None,
    fmt: FormatOpt = "text",
    model: ModelOpt = None,
    backend: BackendOpt = None,
    device: DeviceOpt = None,
    beam_size: BeamOpt = 4,
    batch_size: BatchSizeOpt = 32,
    glossary: GlossaryOpt = None,
    no_glossary: NoGlossaryOpt = False,
    terms: TermsOpt = False,
    strict: StrictOpt = False,
    no_cache: NoCacheOpt = False,
    no_qa: NoQaOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Translate one German article into English, keeping its structure."""
    from ..document import check_output, read_input, write_atomic
    from ..errors import TermsMissedError
    from ..factory import build_pipeline
    from ..options import check_format
    from ..render import render

    fmt = check_format(fmt)
    if quiet:
        quiet_progress()
    options = make_options(
        model, backend, device, beam_size, batch_size, glossary, no_glossary, no_cache, no_qa
    )
    inputs = [] if source == "-" else [Path(source)]
    if output is not None:
        check_output(output, inputs=inputs)  # refuse before loading the model
    text, name = read_input(source)
    pipeline = build_pipeline(options)
    result = pipeline.translate_text(text, name=name)
    rendered = render(result, fmt)
    if output is None:
        sys.stdout.write(rendered)
        sys.stdout.flush()
    else:
        write_atomic(output, rendered, inputs=inputs)
    if terms:
        print_terms_table(result)
    if not quiet:
        print_flags_summary(result)
    if strict and result.missed_terms:
        missed = ", ".join(sorted({t.expected for t in result.missed_terms}))
        raise TermsMissedError(f"{len(result.missed_terms)} glossary term(s) missed: {missed}")
