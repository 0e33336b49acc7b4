"""German words left in the English output, and German spellings of Slavic names.

A word is "left untranslated" when it also occurs in the source sentence (MarianMT copies
what it cannot translate) and leans German by word frequency (wordfreq): und, Truppen,
Kiew, Verteidigungsversprechens. Spans the glossary wants as they are (renderings,
do-not-translate terms, English fragments) are skipped, and so are names, which leave the
frequency lists balanced (Kursk, Putin) or empty (Kindratenko).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..result import Flag
from .names import english_name
from .words import WORD, german_compound, leans_german


def _source_words(source: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(source)}


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def check_untranslated(
    source: str, target: str, kept: Iterable[tuple[int, int]] = ()
) -> list[Flag]:
    """Flag German words and German-spelled names copied from ``source`` into ``target``.

    ``kept``: spans of ``target`` that are wanted as they are (glossary renderings).
    """
    text = _blank(target, kept)
    in_source = _source_words(source)
    german: list[str] = []
    names: list[str] = []
    for word in dict.fromkeys(WORD.findall(text)):
        if word.casefold() not in in_source:
            continue
        english = english_name(word)
        if english is not None and english != word:
            names.append(f"{word} (usually {english})")
        elif leans_german(word) or german_compound(word):
            german.append(word)
    flags: list[Flag] = []
    if german:
        flags.append(Flag("untranslated", "German left in the translation: " + ", ".join(german)))
    if names:
        flags.append(Flag("name-form", "German spelling of a name: " + ", ".join(names)))
    return flags
