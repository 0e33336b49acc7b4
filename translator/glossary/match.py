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

Cost. `Matcher` tries only the entries whose first word (any inflection) occurs among the words
of the text, compiling each entry's regex when it is first tried, so the cost per sentence does
not grow with the glossary; `RenderingIndex` does the same for English renderings. Both give
exactly the results of trying every entry (`ReferenceMatcher`), which the tests check.

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
    return re.compile(rendering_source(text, plural=plural))


def rendering_source(text: str, *, plural: bool = False) -> str:
    """The regex text of `rendering_pattern` (to join several into one pattern, compiled once)."""
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
    return bounded(r"\s+".join(parts))


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
        # The first letter matches in either case: lower-casing the text must give the same
        # letter for both ("ı" is "I" upper-cased, but "I" lower-cases to "i").
        if not head or _APOSTROPHE.search(head) or not _same_case_fold(form[:1]):
            return ()
        anchors.append(head)
    return tuple(anchors)


def _select(candidates: list[Match], length: int) -> list[Match]:
    """Non-overlapping matches, in text order; the longest wins where they overlap."""
    ranked = sorted(candidates, key=lambda m: (-(m.end - m.start), not m.exact, m.start))
    chosen: list[Match] = []
    taken = bytearray(length)
    for m in ranked:
        if not any(taken[m.start : m.end]):
            chosen.append(m)
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    return sorted(chosen, key=lambda m: m.start)


def _matches(entry: Entry, regex: re.Pattern[str], forms: set[str], text: str) -> list[Match]:
    return [
        Match(entry, m.start(), m.end(), m.group(0), m.group(0).casefold() in forms)
        for m in regex.finditer(text)
    ]


class ReferenceMatcher:
    """The straightforward matcher: every entry's regex is tried on every text.

    Its cost grows with the glossary; `Matcher` gives the same results and is kept identical to
    this one by tests (``tests/test_glossary_scale.py``) and ``benchmarks/bench_glossary_scale.py``.
    """

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
            found += _matches(entry, regex, forms, text)
        return found

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches, in text order; the longest wins where they overlap."""
        return _select(self.candidates(text), len(text))


# -- the index ------------------------------------------------------------------------------------
#
# Which entries can match a text is decided from its words, so that the cost per sentence does
# not grow with the glossary. The key of an entry is the first run of word characters (``\w+``)
# of each source form, case-folded; where a match of the form starts, the text has a word-character
# run that is that run, or it with an inflection ending added, or its stem (an ending removed)
# with an ending added. Both sides are therefore indexed under every "stem" (the run and the run
# with any German noun, adjective or genitive ending removed), and an entry is a candidate when a
# stem of a word of the text is a stem of its key. This is deliberately generous (a superset of
# what any of the per-form patterns allow, including endings they may allow in future): the
# entry's regex still decides every match.

_RUN = re.compile(r"\w+")
#: Every ending a per-form pattern may add to or remove from a word (nouns, adjectives,
#: genitive), and some it does not today; more only costs a few extra candidates.
_STRIP = ("e", "en", "em", "er", "ern", "es", "n", "s", "ens", "ns", "nen")
_STRIP_ANY = tuple({e[-1] for e in _STRIP})


def _stems(run: str) -> set[str]:
    """``run`` (case-folded) and it with any one ending removed."""
    stems = {run}
    if run.endswith(_STRIP_ANY):
        for ending in _STRIP:
            if run.endswith(ending) and len(run) > len(ending):
                stems.add(run[: -len(ending)])
    return stems


def _same_case_fold(char: str) -> bool:
    """Both cases of ``char`` are one character and fold alike (so case-folding is safe)."""
    upper, lower = char.upper(), char.lower()
    return (
        len(upper) == 1
        and len(lower) == 1
        and upper.casefold() == lower.casefold() == char.casefold()
    )


def source_keys(entry: Entry) -> set[str] | None:
    """The index keys of ``entry``; None when it cannot be indexed (then it is always tried)."""
    keys: set[str] = set()
    for form in entry.source_forms:
        run = _RUN.search(form)
        if run is None or not _same_case_fold(form[:1]):
            return None
        keys |= _stems(run.group(0).casefold())
    return keys


def needles(entry: Entry) -> tuple[tuple[frozenset[str], ...], ...]:
    """Per source form, per word-character run of it: the run's stems.

    Every run of a form is in a match as a run of the text, inflected or not (the reasoning of
    the index key holds for each of them), so a text whose `text_keys` miss the stems of one
    run of each form cannot contain a match of the entry.
    """
    return tuple(
        tuple(frozenset(_stems(run.casefold())) for run in _RUN.findall(form))
        for form in entry.source_forms
    )


def text_keys(text: str) -> set[str]:
    """The stems of every word-character run of ``text``."""
    keys: set[str] = set()
    for run in set(_RUN.findall(text.casefold())):
        keys |= _stems(run)
    return keys


#: Entry indices by key, and the indices of the entries that cannot be indexed. Tuples, not
#: lists: the garbage collector stops looking at a tuple of ints, never at a list.
MatcherIndex = tuple[dict[str, tuple[int, ...]], tuple[int, ...]]


def build_index(entries: tuple[Entry, ...]) -> MatcherIndex:
    """Every entry under each of its `source_keys` (in glossary order)."""
    index: dict[str, list[int]] = {}
    always: list[int] = []
    for i, entry in enumerate(entries):
        keys = source_keys(entry)
        if keys is None:
            always.append(i)
            continue
        for key in keys:
            bucket = index.get(key)
            if bucket is None:
                index[key] = [i]
            else:
                bucket.append(i)
    return {k: tuple(v) for k, v in index.items()}, tuple(always)


class Matcher:
    """Finds the non-overlapping glossary matches in a text (longest match wins).

    Same results as `ReferenceMatcher`, but only the entries whose key occurs among the words of
    the text are tried, and an entry's regex is compiled the first time it is tried.
    """

    def __init__(self, entries: tuple[Entry, ...], index: MatcherIndex | None = None) -> None:
        self._entries = entries
        self._compiled: dict[int, tuple[re.Pattern[str], set[str]]] = {}
        self._needles: dict[int, tuple[tuple[frozenset[str], ...], ...]] = {}
        self._index: dict[str, tuple[int, ...]] | None = None
        self._always: tuple[int, ...] = ()
        if index is not None:
            self._index, self._always = index

    def _build(self) -> dict[str, tuple[int, ...]]:
        self._index, self._always = build_index(self._entries)
        return self._index

    @property
    def index(self) -> MatcherIndex:
        """The key index and the always-tried entries (to store, see `translator.glossary`)."""
        if self._index is None:
            self._build()
        assert self._index is not None
        return self._index, self._always

    def _regex(self, i: int) -> tuple[re.Pattern[str], set[str]]:
        compiled = self._compiled.get(i)
        if compiled is None:
            entry = self._entries[i]
            compiled = (entry_regex(entry), {f.casefold() for f in entry.source_forms})
            self._compiled[i] = compiled
        return compiled

    def entries_for(self, text: str) -> list[int]:
        """Indices (in glossary order) of the entries that may match in ``text``."""
        index = self._index if self._index is not None else self._build()
        chosen: set[int] = set()
        keys = text_keys(text)
        for key in keys:
            hit = index.get(key)
            if hit is not None:
                chosen.update(hit)
        # Of the entries whose first word occurs, only those whose every word occurs are worth
        # compiling and running their regex.
        possible = [i for i in chosen if self._possible(i, keys)]
        return sorted([*possible, *self._always])

    def _possible(self, i: int, keys: set[str]) -> bool:
        forms = self._needles.get(i)
        if forms is None:
            forms = self._needles[i] = needles(self._entries[i])
        return any(all(not stems.isdisjoint(keys) for stems in form) for form in forms)

    def candidates(self, text: str) -> list[Match]:
        """Every match of every entry, overlapping ones included."""
        found: list[Match] = []
        for i in self.entries_for(text):
            regex, forms = self._regex(i)
            found += _matches(self._entries[i], regex, forms, text)
        return found

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches, in text order; the longest wins where they overlap."""
        return _select(self.candidates(text), len(text))


def _fold(text: str) -> str:
    """Case-folding that puts together what ``re.IGNORECASE`` puts together."""
    return text.casefold().replace("ı", "i")


class RenderingIndex:
    """Which entries' renderings (`mangled_pattern`) may occur in an English text.

    A match of the mangled pattern starts at a token of the text (a word-character run or a
    punctuation mark) with the rendering's first token, in any case. A one-token rendering is
    the whole run (with a plural -s/-es added or dropped); the first token of a longer one is
    the run or, where MT joined the words ("Kurskregion"), its beginning. So one-token
    renderings are indexed by the folded token (and without its -s), the others by the folded
    first token, looked up among the beginnings of each run.
    """

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.whole: dict[str, list[int]] = {}
        self.start: dict[str, list[int]] = {}
        self.always: list[int] = []
        self.needles: dict[int, tuple[str, ...]] = {}
        lengths: set[int] = set()
        for i, entry in enumerate(entries):
            tokens = [t for t in _TOKENS.findall(entry.target) if t not in "-‐‑–"]
            if not tokens or _APOSTROPHE.fullmatch(tokens[0]):
                self.always.append(i)
                continue
            # Every token is in a match (any case), the last one perhaps without its -s.
            last = tokens[-1]
            cut = last[:-1] if last.isalpha() and len(last) > 3 and last.endswith("s") else last
            self.needles[i] = tuple(_fold(_APOSTROPHE.sub("'", t)) for t in [*tokens[:-1], cut])
            head = tokens[0]
            if len(tokens) == 1 and _RUN.fullmatch(head):
                keys = {_fold(head)}
                if head.endswith("s"):
                    keys.add(_fold(head[:-1]))
                for k in keys:
                    self.whole.setdefault(k, []).append(i)
            else:
                lengths.add(len(head))
                self.start.setdefault(_fold(head), []).append(i)
        self.lengths = sorted(lengths)

    def entries_for(self, text: str) -> list[int]:
        """Indices (in glossary order) of the entries whose rendering may occur in ``text``."""
        chosen: set[int] = set()
        for token in set(_TOKENS.findall(text)):
            folded = _fold(token)
            for k in (folded, folded[:-1], folded[:-2]):
                hit = self.whole.get(k)
                if hit is not None:
                    chosen.update(hit)
            for n in self.lengths:
                if n > len(token):
                    break
                hit = self.start.get(_fold(token[:n]))
                if hit is not None:
                    chosen.update(hit)
        folded = _fold(_APOSTROPHE.sub("'", text))
        possible = [i for i in chosen if all(n in folded for n in self.needles[i])]
        return sorted([*possible, *self.always])


def contained_index(entries: tuple[Entry, ...]) -> dict[str, list[int]]:
    """Entries with wrong renderings, by their rendering (for `contained_renderings`)."""
    index: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        if entry.wrong:
            index.setdefault(entry.target, []).append(i)
    return index


def contained_renderings(target: str, index: dict[str, list[int]]) -> list[int]:
    r"""Indices of the indexed entries whose rendering occurs in ``target`` as whole words.

    What ``re.search(rf"(?<!\w){re.escape(t)}(?!\w)", target)`` finds for each rendering ``t``,
    without trying every rendering.
    """
    starts = [i for i in range(len(target)) if i == 0 or not _is_word(target[i - 1])]
    ends = [j for j in range(1, len(target) + 1) if j == len(target) or not _is_word(target[j])]
    found: set[int] = set()
    for i in starts:
        for j in ends:
            if j > i:
                hit = index.get(target[i:j])
                if hit is not None:
                    found.update(hit)
    return sorted(found)


def _is_word(char: str) -> bool:
    return _RUN.match(char) is not None
