"""Command-line interface: a thin Typer layer over the library.

This package is the only place that imports typer and rich. It turns the library's typed
errors into one-line messages and exit codes; users never see a traceback for their errors.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import typer
import typer.exceptions

from . import batch as _batch  # noqa: F401  (registers `translator batch`)
from . import convert as _convert  # noqa: F401  (registers `translator model convert`)
from . import eval as _eval  # noqa: F401  (registers `translator eval`)
from . import serve as _serve  # noqa: F401  (registers `translator serve`)
from . import suggest as _suggest  # noqa: F401  (registers `translator glossary suggest`)
from . import translate as _translate  # noqa: F401  (registers `translator translate`)
from .app import EXIT_INTERNAL, EXIT_INTERRUPTED, app, exit_code_for
from .cache import app as cache_app
from .glossary import app as glossary_app
from .model import app as model_app

app.add_typer(model_app, name="model", help="Download, inspect and convert the MarianMT model.")
app.add_typer(glossary_app, name="glossary", help="Check, look up, import and export the glossary.")
app.add_typer(cache_app, name="cache", help="Inspect or clear the translation memory.")

__all__ = ["app", "main", "run"]


def run() -> None:
    """Entry point of the `translator` console script: :func:`main`, then a quick exit.

    Once the command is done and its output flushed, tearing the interpreter down (module
    teardown, freeing the loaded model, joining CTranslate2's threads) only delays the
    prompt (~0.1 s with the model loaded). So: flush, run the atexit handlers (logging's
    among them), and leave with the exit code. Everything written is already complete:
    outputs are renamed into place, the memory's transactions committed. In-process callers
    (tests) use :func:`main`, which returns through SystemExit as usual.
    """
    import atexit

    try:
        main()
        code: int = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message"): print it as the interpreter would
            print(exc.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # reader gone (`| head`), or stream closed
            pass
    atexit._run_exitfuncs()
    os._exit(code)


def main() -> None:
    """Entry point of the `translator` console script."""
    from ..errors import TranslatorError

    _log_to_stderr()
    try:
        code = app(prog_name="translator", standalone_mode=False)
    except typer.exceptions.TyperException as exc:  # Click's errors, as Typer raises them
        if type(exc).__name__ == "NoArgsIsHelpError":  # `translator model`: the help it asks for
            exc.show()  # type: ignore[attr-defined]
        else:
            # A bad flag or value: one line naming it, like every other error (not the box).
            print(f"translator: error: {_click_message(exc)}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("translator: interrupted", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    except TranslatorError as exc:
        print(f"translator: error: {_message(exc)}", file=sys.stderr)
        sys.exit(exit_code_for(exc))
    except KeyboardInterrupt:
        print("translator: interrupted", file=sys.stderr)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        # `translator translate x | head`: the reader went away; that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except Exception as exc:  # a bug of ours: one line, and the traceback only on request
        if os.environ.get("TRANSLATOR_DEBUG"):
            raise
        print(
            f"translator: internal error: {type(exc).__name__}: {exc} "
            "(set TRANSLATOR_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)
    # Not standalone, Click returns a command's ctx.exit(N) / typer.Exit(N) code instead of
    # exiting; exit with it as standalone Click would (in-process callers get SystemExit).
    code = code if isinstance(code, int) else 0
    if code == EXIT_INTERRUPTED:  # Ctrl-C inside a command (Typer's Exit(130))
        print("translator: interrupted", file=sys.stderr)
    sys.exit(code)


def _click_message(exc: typer.exceptions.TyperException) -> str:
    """Click's message on one line, with where to look: ``... (see 'translator translate
    --help')``."""
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)  # usage errors know their command; a FileError does not
    if ctx is None:
        return message
    return f"{message} (see '{ctx.command_path} --help')"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (tests replace it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _log_to_stderr() -> None:
    """The library's warnings, and its progress notes (a first conversion), on stderr."""
    logging.getLogger("translator.progress").setLevel(logging.INFO)  # (--quiet: WARNING)
    log = logging.getLogger("translator")
    if any(isinstance(h, _StderrHandler) for h in log.handlers):
        return  # main() ran before in this process (tests)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("translator: %(message)s"))
    log.addHandler(handler)
    if log.level == logging.NOTSET:
        log.setLevel(logging.WARNING)


def _message(exc: BaseException) -> str:
    """The error's line; a bad option value is named by its flag (``--beam-size``)."""
    from ..errors import UsageError

    if isinstance(exc, UsageError) and not exc.option.startswith("TRANSLATOR_"):
        return f"--{exc.option.replace('_', '-')} {exc.reason}"
    return str(exc)
