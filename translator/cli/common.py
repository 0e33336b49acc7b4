"""Options shared by `translate` and `batch`, the Rich output both print to stderr, and the
size formatting of `cache stats` and `model info`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import config
from ..options import Options

if TYPE_CHECKING:
    from rich.console import Console

    from ..options import Options
    from ..result import TranslationResult

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="text | markdown | json | html (the translated page) | review (side-by-side "
        "review page) | docx. Default: the input's own format (Markdown for a PDF).",
        case_sensitive=False,
        show_default=False,
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Hub id or local folder of a MarianMT model or of its CTranslate2 conversion "
        f"(default: ${config.ENV_MODEL}, else {config.DEFAULT_MODEL})",
        show_default=False,
    ),
]
BackendOpt = Annotated[
    str | None,
    typer.Option(
        "--backend",
        help="auto | ctranslate2 | transformers (auto: CTranslate2, converting the model once "
        f"on first use; default: ${config.ENV_BACKEND}, else auto)",
        show_default=False,
    ),
]
DeviceOpt = Annotated[
    str | None,
    typer.Option(
        "--device",
        help=f"auto | cpu | cuda (default: ${config.ENV_DEVICE}, else auto)",
        show_default=False,
    ),
]
BeamOpt = Annotated[
    int, typer.Option("--beam-size", min=1, max=16, help="Beam width (1 = greedy).")
]
BatchSizeOpt = Annotated[
    int, typer.Option("--batch-size", min=1, max=512, help="Most sentences per engine batch.")
]
GlossaryOpt = Annotated[
    Path | None,
    typer.Option(
        "--glossary",
        "-g",
        help=f"Glossary YAML (default: ${config.ENV_GLOSSARY}, else ./glossary.yaml, else "
        "the packaged one)",
        show_default=False,
    ),
]
NoGlossaryOpt = Annotated[bool, typer.Option("--no-glossary", help="Translate without a glossary.")]
StyleOpt = Annotated[
    str,
    typer.Option(
        "--style",
        help="House style of glossary spellings: ap (Zelenskyy, defense) | reuters (Zelenskiy, "
        "defence) | bbc (Zelensky, Kim Jong-un).",
        case_sensitive=False,
    ),
]
TermsOpt = Annotated[
    bool, typer.Option("--terms", help="Print the glossary term report (to stderr).")
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Exit with code 7 when a glossary term was missed.")
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not use the translation memory.")]
NoQaOpt = Annotated[bool, typer.Option("--no-qa", help="Skip the quality checks.")]
NoTransliterateOpt = Annotated[
    bool,
    typer.Option(
        "--no-transliterate",
        help="Keep Slavic names no glossary entry lists in their German spelling.",
    ),
]
MaxUnpackedOpt = Annotated[
    str | None,
    typer.Option(
        "--max-unpacked",
        help="Refuse (as too large) a DOCX whose XML unpacks to more than this (e.g. 64M) "
        f"\\[default: {Options.max_unpacked // 2**20}MiB]",
        show_default=False,
    ),
]
MaxParagraphsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-paragraphs",
        min=1,
        help=f"Refuse (as too large) a document of more paragraphs \\[default: "
        f"{Options.max_paragraphs}]",
        show_default=False,
    ),
]
MaxSentencesOpt = Annotated[
    int | None,
    typer.Option(
        "--max-sentences",
        min=1,
        help=f"Refuse (as too large) a document of more sentences \\[default: "
        f"{Options.max_sentences}]",
        show_default=False,
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Errors only on stderr: no progress, warnings or summary."),
]


def make_options(
    model: str | None,
    backend: str | None,
    device: str | None,
    beam_size: int,
    batch_size: int,
    glossary: Path | None,
    no_glossary: bool,
    no_cache: bool,
    no_qa: bool,
    *,
    style: str = "ap",
    no_transliterate: bool = False,
    max_unpacked: str | None = None,
    max_paragraphs: int | None = None,
    max_sentences: int | None = None,
) -> Options:
    """The command's options as the library's Options (which checks them: UsageError).
    The document limits left unset keep Options' defaults."""
    limits: dict[str, int] = {}
    if max_unpacked is not None:
        from .batch import parse_size

        limits["max_unpacked"] = parse_size(max_unpacked)
    if max_paragraphs is not None:
        limits["max_paragraphs"] = max_paragraphs
    if max_sentences is not None:
        limits["max_sentences"] = max_sentences
    return Options(  # resolved now: a bad $TRANSLATOR_* value stops the command before work
        model=model,
        backend=backend,  # type: ignore[arg-type]
        device=device,
        beam_size=beam_size,
        batch_size=batch_size,
        glossary=False if no_glossary else glossary,
        qa=not no_qa,
        memory=not no_cache,  # the CLI keeps a translation memory unless --no-cache
        style=style,  # type: ignore[arg-type]  # checked by Options
        transliterate=not no_transliterate,
        **limits,
    ).resolved()


def quiet_progress() -> None:
    """--quiet: no progress notes (a first conversion) on stderr; warnings still."""
    import logging

    logging.getLogger("translator.progress").setLevel(logging.WARNING)


def human_size(n: int) -> str:
    """``n`` bytes for people: ``512 B``, ``1.5 KiB``, ``282.1 MiB``, ``1.2 GiB``."""
    value = float(n)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def stderr_console() -> Console:
    """Rich's console on stderr: colour and width only on a terminal (Rich honours NO_COLOR,
    FORCE_COLOR, COLUMNS and TERM=dumb). A message is never hard-wrapped: one message, one
    line, however narrow the terminal or wherever stderr goes (a log, grep)."""
    return console(stderr=True)


def console(*, stderr: bool) -> Console:
    """Rich's console on stderr or stdout, never hard-wrapped (see :func:`stderr_console`)."""
    import sys

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Not a terminal: no width to fit, so tables are as wide as their content, never folded.
    width = None if stream.isatty() else 10_000
    return Console(stderr=stderr, soft_wrap=True, highlight=False, width=width)


def print_terms_table(result: TranslationResult) -> None:
    """The glossary report: each matched term, its rendering, status and where it occurs."""
    from rich.table import Table

    table = Table(title=f"Glossary terms{f' — {result.name}' if result.name else ''}")
    for col in ("source", "expected", "status", "category", "where"):
        table.add_column(col)
    colours = {
        "applied": "green",
        "repaired": "yellow",
        "missed": "bold red",
        "suggested": "cyan",
        "transliterated": "magenta",
    }
    for t in result.terms:
        table.add_row(
            t.source,
            t.expected,
            f"[{colours.get(t.status, 'white')}]{t.status}[/]",
            t.category,
            f"¶{t.paragraph + 1}.{t.sentence + 1}",
        )
    if not result.terms:
        table.caption = "no glossary term matched"
    else:
        counts = {s: sum(t.status == s for t in result.terms) for s in colours}
        rendered = counts["applied"] + counts["repaired"] + counts["transliterated"]
        # Suggested terms (sense-ambiguous words) are never enforced: not in the success rate.
        enforced = len(result.terms) - counts["suggested"]
        success = f"{rendered / enforced:.1%}" if enforced else "n/a"
        table.caption = (
            f"{len(result.terms)} terms: {counts['applied']} applied, {counts['repaired']} "
            f"repaired, {counts['transliterated']} names transliterated, {counts['missed']} "
            f"missed, {counts['suggested']} suggested — term success {success}"
        )
    stderr_console().print(table)
