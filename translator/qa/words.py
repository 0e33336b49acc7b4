"""Which language does a word lean to? Word frequencies from ``wordfreq``, no word lists.

A word "leans German" when German text uses it far more often than English text does (und,
Truppen, Kiew), "leans English" the other way round (officials, Allegiance), and is neutral
when both use it (Region, Kursk, in). Compounds that neither language knows
(Massengroundangriffe) are split into known parts.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

#: A word: letters with inner apostrophes; digits and hyphens end a word ("DPRK-Truppen").
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")

#: Zipf frequency (log10 of occurrences per billion words) from which a word counts as known.
KNOWN = 2.0
#: How far apart the two languages' Zipf frequencies must be for a word to lean one way.
LEAN = 1.5

# German links the parts of a compound with these (Verteidigung-s-ministerium, Masse-n-...).
_LINKS = ("s", "es", "n", "en", "")
_UMLAUT = re.compile(r"[äöüÄÖÜß]")

#: wordfreq loads a language's word list (~100 MB) at its first lookup, cached per process,
#: but threads that look up at once each load their own copy (the server's first eight
#: concurrent requests: 660 MB at peak instead of 190 MB, and seconds of CPU). So lookups
#: in wordfreq go one at a time; once loaded, each takes microseconds.
_WORDFREQ = threading.Lock()


@lru_cache(maxsize=65536)
def zipf(word: str, lang: str) -> float:
    """Zipf frequency of ``word`` in ``lang`` (``de`` or ``en``); 0.0 when unknown.

    Looked up in wordfreq, whose word lists take about a second to import and load; the
    values of the words a run asked for are kept in the cache folder (``_Known``), so a run
    over words seen before (a re-run from the translation memory) never loads them.
    """
    key = f"{lang}:{word}"
    known = _known_values()
    value = known.get(key)
    if value is None:
        from wordfreq import zipf_frequency

        with _WORDFREQ:
            value = float(zipf_frequency(word, lang))
        known.add(key, value)
    return value


class _Known:
    """Zipf values asked for before, in ``$TRANSLATOR_CACHE_DIR/word-frequencies-V.json``
    (V: the wordfreq version). Read at the first lookup; new values are written back when the
    process exits (atomically, merged with what other processes wrote meanwhile), up to
    ``LIMIT`` entries. A missing, damaged or unwritable file only means slower lookups."""

    LIMIT = 200_000

    def __init__(self) -> None:
        from importlib import metadata

        from .. import config

        try:
            version = metadata.version("wordfreq")
        except metadata.PackageNotFoundError:
            version = "none"
        self.path = config.cache_dir() / f"word-frequencies-{version}.json"
        self.values = self._read()
        self.new: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        import json

        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> float | None:
        value = self.values.get(key)
        return float(value) if isinstance(value, int | float) else None

    def add(self, key: str, value: float) -> None:
        if len(self.values) >= self.LIMIT:
            return
        if not self.new:
            import atexit

            atexit.register(self.save)
        self.values[key] = value
        self.new[key] = value

    def save(self) -> None:
        import contextlib
        import json

        from ..files import write_atomic

        if not self.new:
            return
        merged = {**self._read(), **self.new}
        with contextlib.suppress(Exception):  # a cache: never a reason to fail at exit
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(merged, ensure_ascii=False, separators=(",", ":")))
        self.new = {}


@lru_cache(maxsize=1)
def _known_values() -> _Known:
    return _Known()


def lean(word: str) -> float:
    """English minus German Zipf frequency: > 0 leans English, < 0 leans German."""
    return zipf(word, "en") - zipf(word, "de")


def leans_english(word: str, *, margin: float = 1.0, floor: float = 3.0) -> bool:
    """True for words English uses often and German rarely (officials, Pledges, of)."""
    return zipf(word, "en") >= floor and lean(word) >= margin


def leans_german(word: str) -> bool:
    """True for words German uses often and English rarely (und, Truppen, Kiew).

    Words common in English too (die, hat, man) never count: they may be English.
    """
    de, en = zipf(word, "de"), zipf(word, "en")
    return de >= KNOWN and de - en >= LEAN and en < 4.5


def _known(part: str) -> bool:
    return max(zipf(part, "de"), zipf(part, "en")) >= 2.5


@lru_cache(maxsize=16384)
def split_compound(word: str) -> tuple[str, ...] | None:
    """Split an unknown compound into the fewest known parts, or None.

    Parts are at least three letters; a non-final part may carry a German linking element
    (``-s``, ``-es``, ``-n``, ``-en``). ``Massengroundangriffe`` -> massen, ground, angriffe.
    """
    low = word.lower()
    n = len(low)
    if n < 7:
        return None
    # best[i]: the fewest parts covering low[:i] (ties: the larger total frequency).
    best: list[tuple[int, float, tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = (0, 0.0, ())
    for i in range(n):
        if best[i] is None:
            continue
        count, score, parts = best[i]  # type: ignore[misc]
        for j in range(i + 3, n + 1):
            piece = low[i:j]
            stem = _stem(piece) if j < n else piece if _known(piece) else None
            if stem is None:
                continue
            freq = max(zipf(stem, "de"), zipf(stem, "en"))
            cand = (count + 1, score + freq, (*parts, piece))
            cur = best[j]
            if cur is None or (cand[0], -cand[1]) < (cur[0], -cur[1]):
                best[j] = cand
    result = best[n]
    if result is None or result[0] < 2:
        return None
    return result[2]


def _stem(piece: str) -> str | None:
    """``piece`` or ``piece`` minus a linking element, whichever is a known word."""
    for link in _LINKS:
        if link and not piece.endswith(link):
            continue
        stem = piece[: len(piece) - len(link)] if link else piece
        if len(stem) >= 3 and _known(stem):
            return stem
    return None


def part_lang(part: str) -> str:
    """``en``, ``de`` or ``both`` for one compound part (linking element stripped)."""
    stem = _stem(part) or part
    if len(stem) >= 4 and leans_english(stem, margin=LEAN, floor=3.5):
        return "en"
    if lean(stem) <= -LEAN or _UMLAUT.search(stem):
        return "de"
    return "both"


def hybrid_parts(word: str) -> tuple[str, ...] | None:
    """The parts of a German/English hybrid compound (Massengroundangriffe), else None.

    Only words German does not use as a whole (a common loan compound is not news).
    """
    if zipf(word, "de") >= 1.0 or zipf(word, "en") >= 1.0:
        return None
    parts = split_compound(word)
    if parts is None:
        return None
    langs = {part_lang(p) for p in parts}
    return parts if {"en", "de"} <= langs else None


def german_compound(word: str) -> bool:
    """True for an unknown word that is evidently German (umlaut, or German parts only)."""
    if zipf(word, "de") > 0 or zipf(word, "en") > 0:
        return False
    if _UMLAUT.search(word):
        return True
    parts = split_compound(word)
    langs = {part_lang(p) for p in parts} if parts else set()
    return "de" in langs and "en" not in langs
