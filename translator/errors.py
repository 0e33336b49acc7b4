"""Typed errors raised by the library. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class TranslatorError(Exception):
    """Base class for every error the library raises on purpose."""


class InputError(TranslatorError):
    """The input cannot be read: missing, binary, undecodable, empty, too large."""


class OutputError(TranslatorError):
    """The output cannot be written (or would overwrite an input)."""


class ModelError(TranslatorError):
    """The model cannot be found, downloaded, loaded or run."""


class GlossaryError(TranslatorError):
    """The glossary file is missing or invalid."""


class TermsMissedError(TranslatorError):
    """`--strict`: a glossary term was matched in the source but is missing in the output."""


class ClusterError(TranslatorError):
    """The Ray cluster to run on cannot be reached or joined (``batch --ray``)."""


class UsageError(TranslatorError):
    """An option has a value the library does not accept (the CLI exits with 2).

    ``option`` names it as ``Options`` does (``backend``) or the environment variable it came
    from (``TRANSLATOR_BACKEND``); ``reason`` says what is wrong, so the CLI can name its flag.
    """

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(f"{option} {reason}")
        self.option = option
        self.reason = reason


class ScannedPdfError(InputError):
    """A PDF without a text layer (scanned pages, outlined text): it needs OCR first."""


class EncryptedPdfError(InputError):
    """A PDF that cannot be opened without a password."""


class CorruptPdfError(InputError):
    """A PDF that is damaged or truncated, so it cannot be parsed."""
