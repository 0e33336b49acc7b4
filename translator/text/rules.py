"""The rules of German article text that every rebuild shares, public and in one place.

The plain-text rebuild (:mod:`translator.text.layout`), the PDF rebuild
(``translator.formats.pdf_layout``) and the sentence splitter (:mod:`translator.text.segment`)
all ask the same questions of a line: does it end a sentence, can it end one at all, is it a
heading, a date line, a list item, how do two lines join over a line-end hyphen. The answers
and the thresholds they use live here, so that the readers cannot drift apart.

- A sentence ends with ``.``, ``!``, ``?`` or ``…``, optionally followed by closing quotes or
  brackets (:data:`SENTENCE_FINAL`, :func:`ends_sentence`).
- A line ends *open* (it must go on) with a comma, a line-end hyphen or a word after which no
  German sentence or heading ends: articles, conjunctions, prepositions (:func:`open_end`).
- A block is heading-like when it has letters, starts uppercase, has no final or clause
  punctuation and at most :data:`MAX_HEADING_WORDS` words (:func:`heading_like`); up front,
  one of at most :data:`MAX_LABEL_WORDS` words is a label.
- Line-end hyphens (:func:`hyphen_glue`): "Verteidigungs-" + "ministerium" ->
  "Verteidigungsministerium", but the hyphen stays before an uppercase word ("DPRK-Truppen",
  "Nikolayevo-Daryino"), after an acronym or a digit ("NATO-geführt", "3-jährig"), and before
  "und"/"oder" ("Ost- und").
- A line is *full* (a wrap) when the next line's first word would not have fitted in
  :data:`FULL_RATIO` of the width, *tiny* (a label, a short heading) when it would have fitted
  in :data:`TINY_RATIO`.
"""

from __future__ import annotations

import re

__all__ = [
    "FULL_RATIO",
    "LIST_ITEM",
    "MAX_HEADING_WORDS",
    "MAX_LABEL_WORDS",
    "MONTHS",
    "SENTENCE_FINAL",
    "SOFT_BREAK",
    "TINY_RATIO",
    "ends_sentence",
    "first_word",
    "heading_like",
    "hyphen_glue",
    "hyphenated",
    "is_date_line",
    "last_word",
    "open_end",
    "starts_lower",
]

#: A line is full (a wrap) when the next word would not fit in this share of the width.
FULL_RATIO = 0.85
#: A line is tiny (a label, a short heading) when the next word fits in this share.
TINY_RATIO = 0.5
#: A heading has at most this many words.
MAX_HEADING_WORDS = 16
#: A heading-like block before the first paragraph with at most this many words is a label
#: ("Ukraine", "Politik"), not the title.
MAX_LABEL_WORDS = 3
#: Ends a line whose last word a soft hyphen broke (``translator.text.normalise`` puts it
#: there; a private-use character): the line always joins the next, without a space.
SOFT_BREAK = "\ue000"

#: Sentence-final punctuation, optionally followed by closing quotes/brackets.
SENTENCE_FINAL = re.compile(r"[.!?…][\"'“”»«‘’)\]]*$")
#: A list item's or an exercise's mark at a line's start: a bullet, "1.", "2)", "a)", "(b)".
LIST_ITEM = re.compile(r"^(?:[-•*·▪►‣◦]|\(?\d{1,2}[.)]|\(?[a-z]\))\s")
#: German month names and their abbreviations (a regex alternation).
MONTHS = (
    "Januar|Jänner|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober|"
    "November|Dezember|Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez"
)

_NO_HEADING_END = re.compile(r"[.!?…:;,][\"'“”»«‘’)\]]*$")
_HYPHENATED = re.compile(r"(?:^|\s)[\"'„“»«(\[]*([^\W_][\w]*(?:-[\w]+)*)-$")
#: Words after which no German sentence or heading ends, so the line must continue:
#: articles, conjunctions, prepositions. Not the ones that double as separable verb
#: particles ("greift an", "gibt auf", "kommt mit") or can close a clause ("das", "doch").
_OPEN_WORDS = frozenset(
    """und oder sowie sondern dass ob weil der die des dem den ein eine einer eines einem einen
    zum zur vom im am beim von für in zwischen gegen ohne seit während wegen trotz laut""".split()
)
#: A hyphen before these is an elision ("Ost- und Westeuropa"), not a line-end hyphenation.
_ELISION_NEXT = frozenset("und oder bis sowie bzw beziehungsweise als wie noch".split())

_WEEKDAYS = (
    "Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonnabend|Sonntag|Mo|Di|Mi|Do|Fr|Sa|So"
)
_DATE = re.compile(
    rf"""^(?:[A-ZÄÖÜ][\w.-]*(?:[/ ][A-ZÄÖÜ][\w.-]*)?,\s+)?  # a dateline's place: "Kiew, "
    (?:(?:Stand|Aktualisiert|Veröffentlicht|Erstellt|Datum)(?:\s+am)?:?\s+|am\s+)?
    (?:(?:{_WEEKDAYS})\.?,?\s+)?
    (?:\d{{1,2}}\.\s?(?:(?:{MONTHS})\.?(?:\s+\d{{4}})?|\d{{1,2}}\.\s?(?:\d{{4}}|\d{{2}}))
      |\d{{4}}-\d{{2}}-\d{{2}}
      |(?:{MONTHS})\.?\s+\d{{4}})
    (?:(?:,|\s+um|\s+[-–|])?\s+\d{{1,2}}[:.]\d{{2}}(?:\s*Uhr)?(?:\s*\(?(?:MEZ|MESZ|CET|CEST|UTC)\)?)?)?$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_date_line(text: str) -> bool:
    """Whether ``text`` is a date line ("31. Januar 2025", "Kiew, 31.01.2025, 14:30 Uhr")."""
    return bool(_DATE.match(text))


def first_word(text: str) -> str:
    """The line's first word (up to the first space)."""
    return text.split(" ", 1)[0]


def last_word(text: str) -> str:
    """The line's last word (after the last space)."""
    return text.rsplit(" ", 1)[-1]


def starts_lower(text: str) -> bool:
    """The (non-empty) text starts lowercase: German sentences and paragraphs do not."""
    return text[0].islower()


def ends_sentence(text: str) -> bool:
    """The text ends with sentence-final punctuation (closing quotes/brackets allowed)."""
    return bool(SENTENCE_FINAL.search(text))


def hyphenated(text: str) -> bool:
    """The line ends with a word hyphenated at the line end ("Verteidigungs-")."""
    return text.endswith("-") and bool(_HYPHENATED.search(last_word(text)))


def open_end(text: str) -> bool:
    """The line ends where no sentence can end: a comma, a hyphen, a function word."""
    return text.endswith(",") or hyphenated(text) or last_word(text) in _OPEN_WORDS


def heading_like(text: str) -> bool:
    """Short, uppercase at the start, with letters and without final or clause punctuation."""
    return (
        not _NO_HEADING_END.search(text)
        and not starts_lower(text)
        and any(ch.isalpha() for ch in text)
        and len(text.split()) <= MAX_HEADING_WORDS
    )


def hyphen_glue(left: str, right: str) -> str | None:
    """What goes between two joined lines: a space, nothing (the hyphen stays), or None
    (drop ``left``'s line-end hyphen: the word was only broken there)."""
    match = _HYPHENATED.search(last_word(left)) if left.endswith("-") else None
    if not match:
        return " "
    part, word = match.group(1), first_word(right)
    if word.rstrip(".,;:") in _ELISION_NEXT:
        return " "  # "Ost- und Westeuropa"
    if not word[0].islower() or _acronym_or_number(part.rsplit("-", 1)[-1]):
        return ""  # "DPRK-Truppen", "Kursk-Region", "3-jährige"
    return None


def _acronym_or_number(part: str) -> bool:
    return part[-1].isdigit() or (len(part) >= 2 and part.isupper())
