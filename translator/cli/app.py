"""The Typer application object and the CLI's error vocabulary (messages and exit codes)."""

from __future__ import annotations

from typing import Any

import typer
import typer.core


def _plain_flags() -> None:
    """Show on/off options as plain flags in --help (``--terms``, not ``--terms <bool>``):
    Typer 0.29 gives every option a type column, flags included, which reads as if they took
    a value (and ``--terms true`` is then rejected)."""
    option = typer.core.TyperOption
    shown = getattr(option, "display_type_rich", None)
    if shown is None or getattr(shown, "_plain_flags", False):
        return

    def display_type_rich(self: typer.core.TyperOption, ctx: Any) -> str | None:
        if self.is_flag and self.metavar is None:
            return None
        return shown(self, ctx)

    display_type_rich._plain_flags = True  # type: ignore[attr-defined]
    option.display_type_rich = display_type_rich  # type: ignore[method-assign]


_plain_flags()

app = typer.Typer(
    name="translator",
    help="Translate German news articles into English with MarianMT and an enforced glossary.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_MODEL = 4
EXIT_GLOSSARY = 5
EXIT_OUTPUT = 6
EXIT_TERMS_MISSED = 7
EXIT_BATCH_FAILURES = 8
#: `glossary lookup` found nothing: grep's "no match" (its 1), but 1 here is an internal error.
EXIT_NO_MATCH = 9
#: `batch --ray`: the Ray cluster cannot be reached or joined.
EXIT_CLUSTER = 10
EXIT_INTERRUPTED = 130


def exit_code_for(exc: BaseException) -> int:
    from .. import errors

    table: list[tuple[type[BaseException], int]] = [
        (errors.InputError, EXIT_INPUT),
        (errors.ModelError, EXIT_MODEL),
        (errors.GlossaryError, EXIT_GLOSSARY),
        (errors.OutputError, EXIT_OUTPUT),
        (errors.TermsMissedError, EXIT_TERMS_MISSED),
        (errors.UsageError, EXIT_USAGE),
        (errors.ClusterError, EXIT_CLUSTER),
    ]
    for kind, code in table:
        if isinstance(exc, kind):
            return code
    return EXIT_INTERNAL
