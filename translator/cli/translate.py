"""`translator translate FILE|-`."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import (
    LIMIT_OPTIONS,
    NONE_GIVEN,
    TRANSLATION_OPTIONS,
    FormatOpt,
    QuietOpt,
    SharedOptions,
    StrictOpt,
    TermsOpt,
    print_terms_table,
    quiet_progress,
    stderr_console,
    with_shared_options,
)
from .paths import check_output_file
from .progress import Activity, steps_from_log
from .report import print_report


@app.command()
@with_shared_options(*TRANSLATION_OPTIONS, *LIMIT_OPTIONS)
def translate(
    source: Annotated[
        str,
        typer.Argument(
            help="German article: PDF, DOCX, web page (HTML), Markdown or text; - for stdin."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (atomically) instead of stdout."),
    ] = None,
    mkdir: Annotated[
        bool, typer.Option("--mkdir", help="Create the output's missing folders.")
    ] = False,
    fmt: FormatOpt = None,
    shared: SharedOptions = NONE_GIVEN,  # --model, --glossary, ... (see with_shared_options)
    terms: TermsOpt = False,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every flag, one line each.")
    ] = False,
) -> None:
    """Translate one German article into English, keeping its structure.

    The format is detected from the content; the output keeps it (PDF gives Markdown).
    """
    from ..errors import OutputError, TermsMissedError
    from ..factory import build_pipeline
    from ..files import read_source, write_atomic
    from ..formats import check_format, default_output, read_document, registry, write

    asked = check_format(fmt)
    if quiet:
        quiet_progress()
    options = shared.options()
    inputs = [] if source == "-" else [Path(source)]
    if output is not None:  # refuse before reading anything or loading the model
        check_output_file(output, inputs=inputs, mkdir=mkdir)
    data, name = read_source(source)
    document = read_document(data, name=name, limits=options.limits)
    fmt = asked or default_output(document.format)
    codec = registry.output_codec(fmt)
    if codec.binary and output is None and sys.stdout.isatty():
        example = f"-o FILE{codec.extension}"
        raise OutputError(f"{fmt.upper()} is binary: write it with {example} or redirect stdout")
    console = stderr_console()
    activity = Activity(console, enabled=not quiet)
    steps = steps_from_log(activity.step) if activity.enabled else contextlib.nullcontext()
    with activity, steps:
        # The model loads at the first sentence the translation memory does not hold.
        pipeline = build_pipeline(options, on_step=activity.step)
        job = pipeline.prepare_document(document, name=name)
        activity.sentences(len({u.engine_input for units in job.units for u in units}))
        [result] = pipeline.run([job], progress=activity.advance)
    rendered = write(result, document, fmt)
    if output is None:
        if isinstance(rendered, bytes):
            sys.stdout.buffer.write(rendered)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(rendered)
            sys.stdout.flush()
    else:
        write_atomic(output, rendered, inputs=inputs)
    if terms and not quiet:
        print_terms_table(result)
    print_report(
        console,
        result,
        written="stdout" if output is None else str(output),
        fmt=fmt,
        verbose=verbose,
        quiet=quiet,
    )
    if strict and result.missed_terms:
        missed = ", ".join(sorted({t.expected for t in result.missed_terms}))
        raise TermsMissedError(f"{len(result.missed_terms)} glossary term(s) missed: {missed}")
