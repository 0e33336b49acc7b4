"""The options `translate`, `batch`, `serve` and `eval` share, declared once
(:func:`with_shared_options`), the Rich output the commands print to stderr, and the size
formatting of `cache stats` and `model info`.

A shared option's default is ``None`` (or an unset flag), meaning "Options' default": the
values themselves live only in :class:`~translator.options.Options`, and the help shows them
from there."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_args

import typer

from .. import config
from ..formats import registry
from ..options import Options

if TYPE_CHECKING:
    from rich.console import Console

    from ..result import TranslationResult

#: The --help panels of the shared options (a command's own options stay under "Options").
_TRANSLATION = "Translation"
_GLOSSARY = "Glossary"
_LIMITS = "Document limits"
_DEFAULTS = {f.name: f.default for f in fields(Options)}


def _default(name: str) -> str:
    """``[default: 4]``: Options' default of ``name``, for a help text (Rich markup escaped)."""
    return f"\\[default: {_DEFAULTS[name]}]"


FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help=f"{registry.describe()}. Default: the input's own format (Markdown for a PDF).",
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
    int | None,
    typer.Option(
        "--beam-size",
        min=1,
        max=16,
        help=f"Beam width (1 = greedy). {_default('beam_size')}",
        show_default=False,
    ),
]
BatchSizeOpt = Annotated[
    int | None,
    typer.Option(
        "--batch-size",
        min=1,
        max=512,
        help=f"Most sentences per engine batch. {_default('batch_size')}",
        show_default=False,
    ),
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
    str | None,
    typer.Option(
        "--style",
        help="House style of glossary spellings: ap (Zelenskyy, defense) | reuters (Zelenskiy, "
        f"defence) | bbc (Zelensky, Kim Jong-un). {_default('style')}",
        show_default=False,
    ),
]
TermsOpt = Annotated[
    bool,
    typer.Option(
        "--terms", help="Print the glossary term report (to stderr).", rich_help_panel=_GLOSSARY
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit with code 7 when a glossary term was missed.",
        rich_help_panel=_GLOSSARY,
    ),
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
        f"\\[default: {_DEFAULTS['max_unpacked'] // 2**20}MiB]",
        show_default=False,
    ),
]
MaxParagraphsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-paragraphs",
        min=1,
        help=f"Refuse (as too large) a document of more paragraphs {_default('max_paragraphs')}",
        show_default=False,
    ),
]
MaxSentencesOpt = Annotated[
    int | None,
    typer.Option(
        "--max-sentences",
        min=1,
        help=f"Refuse (as too large) a document of more sentences {_default('max_sentences')}",
        show_default=False,
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Errors only on stderr: no progress, warnings or summary."),
]


_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2,
          "mib": 1024**2, "g": 1000**3, "gb": 1000**3, "gib": 1024**3}  # fmt: skip


def parse_size(value: str, flag: str | None = None) -> int:
    """``5M``, ``500k``, ``2MiB``, ``1048576`` -> bytes (else a usage error naming ``flag``)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", value)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise typer.BadParameter(
            f"not a size: {value!r} (e.g. 500k, 5M, 2MiB)", param_hint=f"'{flag}'" if flag else None
        )
    return int(float(match.group(1)) * _UNITS[unit])


@dataclass(frozen=True)
class SharedOptions:
    """The shared options as given on the command line; ``None`` (or a flag not given): not
    given, so Options' default. The field order is the order of the options in ``--help``."""

    model: str | None = None
    backend: str | None = None
    device: str | None = None
    beam_size: int | None = None
    batch_size: int | None = None
    no_cache: bool = False
    no_qa: bool = False
    glossary: Path | None = None
    no_glossary: bool = False
    style: str | None = None
    no_transliterate: bool = False
    max_unpacked: str | None = None
    max_paragraphs: int | None = None
    max_sentences: int | None = None

    def options(self, *, memory: bool | None = None) -> Options:
        """The library's Options (which checks every value: UsageError), resolved now, so a
        bad ``$TRANSLATOR_*`` value stops the command before any work. The memory is on
        unless ``--no-cache`` (the CLI's own default; ``memory=False`` for a command that
        keeps none)."""
        given: dict[str, Any] = {
            name: getattr(self, name)
            for name in ("model", "backend", "device", "beam_size", "batch_size", "style",
                         "max_paragraphs", "max_sentences")  # fmt: skip
            if getattr(self, name) is not None
        }
        if self.max_unpacked is not None:
            given["max_unpacked"] = parse_size(self.max_unpacked, "--max-unpacked")
        if self.no_glossary:
            given["glossary"] = False
        elif self.glossary is not None:
            given["glossary"] = self.glossary
        if self.no_qa:
            given["qa"] = False
        if self.no_transliterate:
            given["transliterate"] = False
        given["memory"] = not self.no_cache if memory is None else memory
        return Options(**given).resolved()


#: Each shared option: its declaration and the --help panel it shows in.
_DECLARED: dict[str, tuple[Any, str]] = {
    "model": (ModelOpt, _TRANSLATION),
    "backend": (BackendOpt, _TRANSLATION),
    "device": (DeviceOpt, _TRANSLATION),
    "beam_size": (BeamOpt, _TRANSLATION),
    "batch_size": (BatchSizeOpt, _TRANSLATION),
    "no_cache": (NoCacheOpt, _TRANSLATION),
    "no_qa": (NoQaOpt, _TRANSLATION),
    "glossary": (GlossaryOpt, _GLOSSARY),
    "no_glossary": (NoGlossaryOpt, _GLOSSARY),
    "style": (StyleOpt, _GLOSSARY),
    "no_transliterate": (NoTransliterateOpt, _GLOSSARY),
    "max_unpacked": (MaxUnpackedOpt, _LIMITS),
    "max_paragraphs": (MaxParagraphsOpt, _LIMITS),
    "max_sentences": (MaxSentencesOpt, _LIMITS),
}
#: A command's ``shared`` parameter's default, before `with_shared_options` replaces it.
NONE_GIVEN = SharedOptions()
#: What `translate`, `batch` and `serve` share; `translate` and `batch` read documents, so
#: they take the document limits too.
TRANSLATION_OPTIONS = ("model", "backend", "device", "beam_size", "batch_size", "no_cache",
                       "no_qa", "glossary", "no_glossary", "style", "no_transliterate")  # fmt: skip
LIMIT_OPTIONS = ("max_unpacked", "max_paragraphs", "max_sentences")

Command = Callable[..., None]


def with_shared_options(*names: str) -> Callable[[Command], Command]:
    """Give a command the shared options ``names`` (in SharedOptions' order), declared once
    here: they take the place of its ``shared: SharedOptions`` parameter in the signature
    Typer reads (and so in ``--help``, each in its panel), and reach the command gathered
    into that one SharedOptions.

    Typer has no option groups of its own (fastapi/typer#153): it reads a command's
    parameters with ``inspect.signature``, which honours ``__signature__``, and calls the
    command with every parameter by keyword."""
    unknown = set(names) - set(_DECLARED)
    if unknown:
        raise ValueError(f"not a shared option: {', '.join(sorted(unknown))}")
    defaults = {f.name: f.default for f in fields(SharedOptions)}
    chosen = [name for name in defaults if name in names]
    added = []
    for name in chosen:
        alias, panel = _DECLARED[name]
        kind, info = get_args(alias)
        info = copy(info)
        info.rich_help_panel = panel
        added.append(
            inspect.Parameter(
                name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=defaults[name],
                annotation=Annotated[kind, info],
            )
        )

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        if "shared" not in signature.parameters:
            raise TypeError(f"{command.__name__} has no 'shared: SharedOptions' parameter")
        params: list[inspect.Parameter] = []
        for param in signature.parameters.values():
            params.extend(added if param.name == "shared" else [param])

        @functools.wraps(command)
        def run(**given: Any) -> None:
            shared = SharedOptions(**{name: given.pop(name) for name in chosen})
            command(**given, shared=shared)

        run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in params}
        return run

    return decorate


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
