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
        return (
            f"[{re.escape(first.upper())}{re.escape(first.lower())}]"
            + pattern[len(re.escape(first)) :]
        )
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


_NAME_ADJECTIVE = re.compile(r"[A-ZÄÖÜ][^\W\d_]{2,}(?:e|er|es)")


def _declined_adjective(words: list[str], i: int, mode: Inflection) -> bool:
    """Is ``words[i]`` the capitalised adjective of an adjective-noun name ("Weißes Haus")?

    It is in the nominative ("Weißes", "Schwarzes", "Internationaler", "Europäische") and
    followed by another capitalised word of the name; the matcher then accepts every declined
    form ("im Weißen Haus", "des Schwarzen Meeres", "der Internationale Strafgerichtshof").
    """
    return (
        mode != "none"
        and i < len(words) - 1
        and words[i + 1][:1].isupper()
        and bool(_NAME_ADJECTIVE.fullmatch(words[i]))
        and not words[i].isupper()
    )


def form_pattern(form: str, mode: Inflection) -> str:
    """The regex (without boundaries) for one source form."""
    words = form.split()
    parts = []
    declined = False
    for i, w in enumerate(words):
        last = i == len(words) - 1
        if _declined_adjective(words, i, mode):
            declined = True
            parts.append(_literal(_ADJ_STRIP.sub("", w)) + _ADJ_ENDINGS)
        elif last and declined and mode == "genitive" and w[:1].isupper() and w[-1] not in "sxzß":
            parts.append(_literal(w) + "(?:e?s)?")  # "des Schwarzen Meeres"
        else:
            parts.append(_word_pattern(w, mode, last))
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
    # Only a lower-case word may change case: at the start of a sentence, and in title case
    # ("defense minister" before a name: "Defense Minister Rustem Umerov", "Kursk Region"); a
    # capitalised one ("Kursk", "Russia") in lower case is damage to repair.
    parts = [
        _first_letter_either_case(_literal(w), w) if w[:1].islower() else _literal(w)
        for w in words
    ]
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
    """Lower-case beginnings that every match of ``entry`` contains (empty: always search)."""
    anchors = []
    for form in entry.source_forms:
        head = form.split()[0][:3].lower()  # adjective stems are at least 3 letters
        if not head or _APOSTROPHE.search(head):
            return ()
        anchors.append(head)
    return tuple(anchors)


class Matcher:
    """Finds the non-overlapping glossary matches in a text (longest match wins)."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self._compiled = [
            (e, entry_regex(e), {f.casefold() for f in e.source_forms}, _anchors(e))
            for e in entries
        ]

    def candidates(self, text: str) -> list[Match]:
        """Every match of every entry, overlapping ones included."""
        found = []
        lowered = text.lower()
        for entry, regex, forms, anchors in self._compiled:
            # A cheap substring test first: most entries do not occur in a given sentence.
            if anchors and not any(a in lowered for a in anchors):
                continue
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
