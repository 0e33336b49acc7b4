"""Finding glossary terms: German source forms (with inflection) and English renderings.

German side. Each entry compiles to one regular expression over its source forms:

* words are separated by any whitespace (PDF text, line breaks);
* the first letter is matched in either case (a term at the start of a sentence);
* inflection, per the entry's ``inflect`` or its category's default:
  ``german`` (term, unit, rank, organisation): a capitalised word (noun) may take the endings
  -e -en -er -ern -es -n -s ("Regiments", "Nordkoreanern", "Spezialoperationskräften"); a lower-case
  word of five letters or more (adjective) is reduced to its stem and may take -e -en -em -er -es
  ("nordkoreanischen Truppen", "höchsten Führer"); all-capital words (acronyms) are not inflected;
  ``genitive`` (person, place, acronym): the last word may take a genitive -s ("Putins", "Kiews");
  ``none`` (fragment, do-not-translate, or ``inflect: false``): the forms exactly as written;
* terms never match inside a longer word ("Region" does not match in "Grenzregion"), but do match
  as a part of a hyphenated compound ("DPRK" in "DPRK-Soldaten");
* straight and typographic apostrophes match each other; regex metacharacters are literal.

Among overlapping matches the longest wins (then the one that is a listed form as written, then the
leftmost), so "DPRK-Truppen" beats "DPRK" and "Institute for the Study of War (ISW)" beats "ISW".

English side. `rendering_pattern` finds a rendering as the glossary writes it (a lower-case
first letter may be capitalised, any whitespace, an English plural -s allowed);
`mangled_pattern` also accepts what MT does to copied text: any case, hyphens/spaces/nothing
between words, spaces around punctuation, a plural -s added or dropped on the last word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .schema import Entry

Inflection = Literal["german", "genitive", "none"]

_CATEGORY_INFLECTION: dict[str, Inflection] = {
    "term": "german",
    "unit": "german",
    "rank": "german",
    "organisation": "german",
    "person": "genitive",
    "place": "genitive",
    "acronym": "genitive",
    "fragment": "none",
    "do-not-translate": "none",
}
_NOUN_ENDINGS = "(?:e|en|er|ern|es|n|s)?"
_ADJ_ENDINGS = "(?:e|en|em|er|es)?"
_ADJ_STRIP = re.compile(r"(?:en|em|er|es|e)$")
_APOSTROPHE = re.compile(r"['’]")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def inflection(entry: Entry) -> Inflection:
    """How the entry's source forms may be inflected."""
    if entry.inflect is None:
        return _CATEGORY_INFLECTION[entry.category]
    return "german" if entry.inflect else "none"


def _literal(text: str) -> str:
    """``text`` as a regex, with both apostrophes accepted."""
    return "['’]".join(re.escape(part) for part in _APOSTROPHE.split(text))


def _first_letter_either_case(pattern: str, word: str) -> str:
    first = word[:1]
    if first.isalpha() and first.lower() != first.upper():
        return f"[{re.escape(first.upper())}{re.escape(first.lower())}]" + pattern[
            len(re.escape(first)) :
        ]
    return pattern


def _word_pattern(word: str, mode: Inflection, last: bool) -> str:
    if mode == "none" or not _WORD.fullmatch(word) or word.isupper():
        return _literal(word)
    if mode == "genitive":
        if last and not word.endswith(("s", "x", "z", "ß")):
            return _literal(word) + "s?"
        return _literal(word)
    if word[0].isupper():
        return _literal(word) + _NOUN_ENDINGS
    if len(word) >= 5:
        stem = _ADJ_STRIP.sub("", word)
        if len(stem) >= 3:
            return _literal(stem) + _ADJ_ENDINGS
    return _literal(word)


def form_pattern(form: str, mode: Inflection) -> str:
    """The regex (without boundaries) for one source form."""
    words = form.split()
    parts = [_word_pattern(w, mode, i == len(words) - 1) for i, w in enumerate(words)]
    if parts:
        parts[0] = _first_letter_either_case(parts[0], words[0])
    return r"\s+".join(parts)


def bounded(pattern: str) -> str:
    """Respect word boundaries on both sides (also for terms that begin or end in punctuation)."""
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def entry_regex(entry: Entry) -> re.Pattern[str]:
    """One regex for all source forms of ``entry``; longer forms first."""
    mode = inflection(entry)
    forms = sorted(entry.source_forms, key=len, reverse=True)
    return re.compile(bounded("|".join(form_pattern(f, mode) for f in forms)))


def rendering_pattern(text: str, *, plural: bool = False) -> re.Pattern[str]:
    """The English rendering as written (first letter in either case, any whitespace).

    ``plural``: the last word may also take -s/-es (German nouns such as "Marschflugkörper" do
    not show number; the sentence decides it).
    """
    words = text.split()
    parts = [_literal(w) for w in words]
    if words[0][:1].islower():
        # Only a lower-case rendering may change case (at the start of a sentence); a
        # capitalised one ("Kursk", "Russia") in lower case is damage to repair.
        parts[0] = _first_letter_either_case(parts[0], words[0])
    if plural and words[-1][-1:].isalpha() and not words[-1].endswith("s"):
        parts[-1] += "(?:s|es)?"
    return re.compile(bounded(r"\s+".join(parts)))


_TOKENS = re.compile(r"\w+|[^\w\s]")


def mangled_pattern(text: str) -> re.Pattern[str]:
    """What MT may make of copied text: case, separators, punctuation spacing, plural -s."""
    # Hyphens are separators like spaces ("Nikolayevo-Daryino" may come back as two words).
    tokens = [t for t in _TOKENS.findall(text) if t not in "-‐‑–"]
    out = ""
    for i, tok in enumerate(tokens):
        if i:
            prev_word = tokens[i - 1][-1].isalnum()
            out += r"[\s\-‐‑–]*" if (prev_word and tok[0].isalnum()) else r"\s*"
        piece = _literal(tok)
        if i == len(tokens) - 1 and tok.isalpha() and len(tok) > 3:
            piece = _literal(tok[:-1]) + "(?:s|es)?" if tok.endswith("s") else piece + "(?:s|es)?"
        out += piece
    # Short renderings ("UN", "EU") keep their case: "un"/"eu" are words of other languages.
    return re.compile(bounded(out), re.IGNORECASE if len(text) > 3 else 0)


@dataclass(frozen=True)
class Match:
    """A glossary term found in a text: ``text[start:end]`` is ``entry``'s form ``text``."""

    entry: Entry
    start: int
    end: int
    text: str
    exact: bool  # the matched text is one of the entry's forms as written (no inflection)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


def _anchors(entry: Entry) -> tuple[str, ...]:
    """Lower-case text that every match of ``entry`` contains, one per source form (empty:
    always search): the form's first word as `_word_pattern` requires it, i.e. the whole word,
    or an adjective's stem. Its first letter is matched in either case, the rest as written."""
    mode = inflection(entry)
    anchors = []
    for form in entry.source_forms:
        words = form.split()
        if not words or _APOSTROPHE.search(words[0]):
            return ()
        head = words[0]
        inflected = _word_pattern(head, mode, len(words) == 1) != _literal(head)
        if inflected and mode == "german" and not head[0].isupper():
            head = _ADJ_STRIP.sub("", head)  # an adjective: its stem (see _word_pattern)
        anchors.append(head.lower())
    return tuple(anchors)


class Matcher:
    """Finds the non-overlapping glossary matches in a text (longest match wins)."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self._entries = [(e, {f.casefold() for f in e.source_forms}, _anchors(e)) for e in entries]
        # Each entry's regex is compiled when its anchors first occur in a text: most entries
        # never do in one article, and compiling all of them is most of a glossary's load.
        self._regexes: dict[Entry, re.Pattern[str]] = {}

    def candidates(self, text: str) -> list[Match]:
        """Every match of every entry, overlapping ones included."""
        found = []
        lowered = text.lower()
        for entry, forms, anchors in self._entries:
            # A cheap substring test first: most entries do not occur in a given sentence.
            if anchors and not any(a in lowered for a in anchors):
                continue
            regex = self._regexes.get(entry)
            if regex is None:
                regex = self._regexes[entry] = entry_regex(entry)
            for m in regex.finditer(text):
                exact = m.group(0).casefold() in forms
                found.append(Match(entry, m.start(), m.end(), m.group(0), exact))
        return found

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches, in text order; the longest wins where they overlap."""
        ranked = sorted(
            self.candidates(text), key=lambda m: (-(m.end - m.start), not m.exact, m.start)
        )
        chosen: list[Match] = []
        taken = bytearray(len(text))
        for m in ranked:
            if not any(taken[m.start : m.end]):
                chosen.append(m)
                taken[m.start : m.end] = b"\x01" * (m.end - m.start)
        return sorted(chosen, key=lambda m: m.start)
