"""`translator glossary check|lookup|import|export`."""

from __future__ import annotations

import sys
import typing
from pathlib import Path
from typing import Annotated

import typer

from .. import config
from .app import EXIT_GLOSSARY, EXIT_NO_MATCH
from .common import GlossaryOpt

app = typer.Typer(no_args_is_help=True)

PathArg = Annotated[
    Path | None,
    typer.Argument(
        help="Glossary YAML \\[default: $TRANSLATOR_GLOSSARY, ./glossary.yaml, the packaged one]",
        show_default=False,
    ),
]


def _path(path: Path | None) -> Path:
    from ..errors import GlossaryError

    found = path or config.glossary_path()
    if found is None:
        raise GlossaryError(
            "no glossary found (give a PATH, set TRANSLATOR_GLOSSARY, or add ./glossary.yaml)"
        )
    return found


@app.command()
def check(
    path: PathArg = None,
    policy: Annotated[
        bool,
        typer.Option(
            help="Apply the enforcement policy: an everyday word, or a word that is also "
            "another name, may not be injected without a restricting context (README)."
        ),
    ] = True,
) -> None:
    """Validate a glossary: exit 0 when valid, else 5 with one line per problem.

    Problems include entries injected against the enforcement policy (``--no-policy`` skips
    that check). Warnings (exit 0): a wrong rendering that is another entry's rendering or
    common English.
    """
    from ..glossary import Glossary, GlossaryValidationError
    from ..glossary.lint import wrong_warnings
    from ..glossary.policy import policy_problems
    from ..glossary.schema import read_entries

    target = _path(path)
    try:
        # Always the file itself (never a stored copy), with lines for the warnings.
        located = read_entries(target)
        glossary = Glossary([loc.entry for loc in located], path=target)
        if policy:
            problems = policy_problems(located, str(target))
            if problems:
                raise GlossaryValidationError(problems)
    except GlossaryValidationError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        typer.echo(f"{target}: {len(exc.problems)} problem(s)", err=True)
        raise typer.Exit(EXIT_GLOSSARY) from None
    counts: dict[str, int] = {}
    for entry in glossary.entries:
        counts[entry.category] = counts.get(entry.category, 0) + 1
    detail = ", ".join(f"{n} {c}" for c, n in sorted(counts.items()))
    warnings = wrong_warnings(located, str(target))
    for warning in warnings:
        typer.echo(warning, err=True)
    warned = f"; {len(warnings)} warning(s)" if warnings else ""
    typer.echo(
        f"{target}: ok, {len(glossary)} entries ({detail}); version {glossary.version}{warned}"
    )


@app.command()
def lookup(
    term: Annotated[str, typer.Argument(help="German word/phrase (any inflection), or English.")],
    glossary: GlossaryOpt = None,
) -> None:
    """Show the entries a term matches (inflected forms included) and what it is rendered as.

    Exit 0 when an entry matches, 9 when none does (like grep's 1, which here means a bug).
    """
    from ..glossary import load_glossary

    g = load_glossary(_path(glossary))
    found = g.lookup(term)
    if not found:
        typer.echo(f"no glossary entry matches {term!r}", err=True)
        raise typer.Exit(EXIT_NO_MATCH)
    if not sys.stdout.isatty():
        # Pipes and scripts get one tab-separated line per entry.
        for entry, how in found:
            typer.echo(f"{entry.source}\t{entry.target}\t{entry.category}\t{how}")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Glossary entries for {term!r}")
    for col in ("source", "target", "category", "match", "forms", "wrong", "note"):
        table.add_column(col)
    for entry, how in found:
        table.add_row(
            entry.source,
            entry.target,
            entry.category,
            how,
            ", ".join(entry.forms),
            ", ".join(entry.wrong),
            entry.note or "",
        )
    Console().print(table)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV/TSV (DeepL: source,target rows) or TBX file.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the YAML here (atomically).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="csv | tsv | tbx \\[default: from the name]"),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            "--category",
            "-c",
            help="Category of the entries the file gives none (a DeepL CSV gives none) "
            "\\[default: term, with a warning]",
            show_default=False,
        ),
    ] = None,
    on_conflict: Annotated[
        str,
        typer.Option(
            "--on-conflict",
            help="Entries sharing a source form (e.g. differing only in the first letter's "
            "case): error (refuse the import), first (keep the first), most-frequent (keep "
            "the rendering the file gives most often). Each dropped entry is listed.",
        ),
    ] = "error",
    allow_common: Annotated[
        bool,
        typer.Option(
            "--allow-common",
            help="Import entries that match common German words (der, bei, dabei), which are "
            "refused by default: they would be injected into nearly every sentence.",
        ),
    ] = False,
) -> None:
    """Convert a CSV/TSV/TBX glossary into glossary YAML (stdout, or -o FILE)."""
    from ..errors import GlossaryError, InputError
    from ..files import write_atomic
    from ..glossary import dump_entries
    from ..glossary.interchange import FORMATS, guess_format, import_glossary
    from ..glossary.schema import Category

    categories = typing.get_args(Category)
    if category is not None and category not in categories:
        raise typer.BadParameter(
            f"one of {', '.join(categories)} (got {category!r})", param_hint="--category"
        )

    try:
        text = file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{file}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot read: {exc.strerror}") from None
    kind = (fmt or guess_format(file.name, text)).lower()
    if kind not in FORMATS:
        raise GlossaryError(f"unknown format {kind!r} (one of: {', '.join(FORMATS)})")
    try:
        defaulted: list[int] = []
        result = import_glossary(
            text,
            kind,
            str(file),
            on_conflict=on_conflict.lower(),
            allow_common=allow_common,
            category=category,
            defaulted=defaulted,
        )
    except GlossaryError as exc:
        for line in str(exc).splitlines():
            typer.echo(line, err=True)
        raise typer.Exit(EXIT_GLOSSARY) from None
    for line in result.dropped:
        typer.echo(line, err=True)
    for line in result.common:
        typer.echo(f"{line} (imported: --allow-common)", err=True)
    if defaulted:
        where = "concepts" if kind == "tbx" else "rows"
        typer.echo(
            f"warning: {len(defaulted)} of {len(result.entries)} entries have no category in "
            f"{file} and were imported as 'term' ({where} {_first(defaulted)}); names of people "
            "and places need their own category: give one with --category or edit the YAML",
            err=True,
        )
    yaml_text = dump_entries(result.entries)
    if output is None:
        sys.stdout.write(yaml_text)
    else:
        write_atomic(output, yaml_text, inputs=[file])
    extra = [f"{len(result.dropped)} dropped"] if result.dropped else []
    extra += [f"{len(result.common)} matching common words"] if result.common else []
    note = f" ({', '.join(extra)})" if extra else ""
    typer.echo(f"{output or '<stdout>'}: {len(result.entries)} entries{note}", err=True)


def _first(numbers: list[int], shown: int = 5) -> str:
    head = ", ".join(map(str, numbers[:shown]))
    return head + (", …" if len(numbers) > shown else "")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv | tsv | tbx")] = "csv",
    glossary: GlossaryOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (atomically).")
    ] = None,
) -> None:
    """Export the glossary as CSV, TSV or TBX (importable again without loss)."""
    from ..files import write_atomic
    from ..glossary import load_glossary
    from ..glossary.interchange import export as export_entries

    source = _path(glossary)
    text = export_entries(list(load_glossary(source).entries), fmt.lower())
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text, inputs=[source])
