"""Normalise decoded text before any rule reads it (line ends, Unicode form, odd spaces)."""

from __future__ import annotations

import re
import unicodedata

from .rules import SOFT_BREAK

__all__ = ["control_characters", "join_soft_breaks", "normalise"]

#: Invisible characters that carry nothing for translation: zero-width space, word joiner,
#: BOM / zero-width no-break space, direction marks, Mongolian vowel separator.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u200e\u200f\u180e\u00ad"), None)
#: Space-like characters (no-break, thin, figure, ideographic ...) become a plain space.
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
#: Other control characters (not newline) become a space, so no words are glued together.
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
#: A soft hyphen at a line end marks a hyphenated word: it becomes ``SOFT_BREAK``, which
#: ``translator.text.layout`` joins (the lines keep their lengths for its width rules) and
#: ``join_soft_breaks`` removes with the line break after it.
_SOFT_HYPHEN_BREAK = re.compile(r"\u00ad[ \t]*(?=\n)")
_SOFT_BREAK_JOIN = re.compile(SOFT_BREAK + r"\s*")


def normalise(text: str) -> str:
    """Normalise decoded text; idempotent.

    Line ends become ``\\n`` (a form feed, i.e. a page break, becomes three blank lines'
    worth), Unicode NFC, soft hyphens at a line end marked (``SOFT_BREAK``), other soft
    hyphens / zero-width characters / the BOM removed, no-break
    and other special spaces turned into plain spaces, control characters into spaces.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\f", "\n\n\n\n")
    text = text.replace("\v", "\n")
    text = _SOFT_HYPHEN_BREAK.sub(SOFT_BREAK, text)
    text = text.translate(_INVISIBLE)
    text = _SPACES.sub(" ", text)
    text = _CONTROLS.sub(" ", text)
    return unicodedata.normalize("NFC", text)


#: Control characters text should not hold (tab, line ends, form feed, NEL aside).
_STRAY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def control_characters(text: str) -> int:
    """How many control characters ``normalise`` will turn into spaces (a reader counts
    them in ``Document.losses``)."""
    return len(_STRAY_CONTROLS.findall(text))


def join_soft_breaks(text: str) -> str:
    """``normalise``d text with each word hyphenated at a line end by a soft hyphen whole
    again (for text that is not rebuilt by ``translator.text.layout``)."""
    return _SOFT_BREAK_JOIN.sub("", text)
