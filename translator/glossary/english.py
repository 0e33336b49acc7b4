"""Spellings that are correct English in another context (``translator/data/english_senses.tsv``).

A ``wrong`` item is replaced wherever its term is, so it must be wrong in every context. Some
spellings are right elsewhere: by themselves ("Odessa" is a city in Texas, "Holland" a family
name) -- those are never ``wrong`` items, and ``translator glossary check`` warns on one -- or
only inside fixed phrases ("chicken Kiev", "Peking duck") -- those may be ``wrong`` items, and a
repair never changes them inside such a phrase (`in_fixed_phrase`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Sense:
    kind: str  # "name" (correct by itself) or "phrase" (correct inside `phrases` only)
    where: str
    phrases: tuple[str, ...] = ()


@cache
def english_senses() -> dict[str, Sense]:
    """The reviewed list, by spelling as written."""
    text = (resources.files("translator") / "data" / "english_senses.tsv").read_text("utf-8")
    senses: dict[str, Sense] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        spelling, kind, where = (part.strip() for part in line.split("\t"))
        if kind not in ("name", "phrase"):
            raise ValueError(f"english_senses.tsv: {spelling!r}: unknown kind {kind!r}")
        phrases = tuple(p.strip() for p in where.split(";")) if kind == "phrase" else ()
        senses[spelling] = Sense(kind, where, phrases)
    return senses


@cache
def _phrase_patterns() -> dict[str, re.Pattern[str]]:
    """Per spelling (case-folded), one pattern for the fixed phrases it is correct in."""
    out = {}
    for spelling, sense in english_senses().items():
        if sense.phrases:
            alternatives = "|".join(re.escape(p) for p in sorted(sense.phrases, key=len)[::-1])
            out[spelling.casefold()] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)
    return out


def in_fixed_phrase(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` a listed spelling inside one of its fixed phrases ("Kiev" in
    "chicken Kiev", "Peking" in "Peking duck")?"""
    pattern = _phrase_patterns().get(text[start:end].casefold())
    if pattern is None:
        return False
    return any(m.start() <= start and end <= m.end() for m in pattern.finditer(text))
