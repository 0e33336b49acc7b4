"""Quality checks on every translated sentence.

`QualityChecker` is the pipeline's ``Checker``: ``needs_retry`` spots runaway output (looping
n-grams, a length ratio out of range) so the pipeline can retry with safer decoding;
``check`` runs after the glossary and returns the corrected target and the flags:

* numbers and dates -- German forms copied into the English are corrected (12.000 -> 12,000,
  3,5 -> 3.5, "31. Januar 2025" -> "January 31, 2025", "6." -> "6th"); a number missing from
  the translation, or one the source never had, is flagged (`translator.qa.numbers`);
* repetition and length ratio still bad after the retry (`translator.qa.repetition`);
* German words (and German spellings of Slavic names) left in the English
  (`translator.qa.untranslated`), glossary renderings and do-not-translate terms excepted;
* German quotation marks „…“ -> “…” (`translator.qa.quotes`).

Flag codes: number-format, ordinal-format, date-format, quotes (fixed, info); number-missing
(error), number-extra (warning); repetition (error), length-ratio (warning); untranslated,
name-form (warning).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from ..result import Flag
from .numbers import check_numbers
from .quotes import fix_quotes
from .repetition import bad_length, repetition
from .untranslated import check_untranslated

__all__ = ["QualityChecker"]

log = logging.getLogger("translator")


class QualityChecker:
    """The checks the pipeline runs on each sentence (see the module docstring).

    ``glossary``: a `translator.glossary.Glossary` (or None); its renderings and
    do-not-translate terms are never reported as untranslated German.
    """

    def __init__(self, glossary: Any = None) -> None:
        self.glossary = glossary

    @property
    def version(self) -> str:
        """What the checks' results depend on besides the sentence: the checks' own code,
        the word-frequency data and the glossary. Equal versions give equal results, so the
        pipeline may remember them (a re-run from the translation memory then runs none)."""
        return _code_version() + (f"-{self.glossary.version}" if self.glossary else "")

    def warm_up(self) -> None:
        """Build now what the first check would build (number and date patterns from CLDR):
        the pipeline calls this while the model loads in the background."""
        from .numbers import warm_up

        warm_up()

    def needs_retry(self, source: str, target: str) -> bool:
        """True when ``target`` loops or is far longer or shorter than ``source``."""
        return repetition(source, target) is not None or bad_length(source, target) is not None

    def check(self, source: str, target: str) -> tuple[str, list[Flag]]:
        """Correct safe slips in ``target`` and flag what an editor must look at."""
        flags: list[Flag] = []
        target, found = fix_quotes(source, target)
        flags += found
        target, found = check_numbers(source, target)
        flags += found
        loop = repetition(source, target)
        if loop is not None:
            flags.append(Flag("repetition", loop, "error"))
        length = bad_length(source, target)
        if length is not None:
            flags.append(Flag("length-ratio", length, "warning"))
        flags += check_untranslated(source, target, self._kept(target))
        return target, flags

    def _kept(self, target: str) -> list[tuple[int, int]]:
        find = getattr(self.glossary, "find_renderings", None)
        if find is None:
            return []
        return [(m.start, m.end) for m in find(target)]


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    import hashlib
    from importlib import metadata
    from pathlib import Path

    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        digest.update(metadata.version("wordfreq").encode())
    except metadata.PackageNotFoundError:
        pass
    return digest.hexdigest()[:16]
