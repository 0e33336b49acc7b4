"""Enforcing glossary renderings around an MT engine: inject, verify, repair, report.

Before translation (`prepare`) every matched source term of an ``inject`` entry is replaced by
its English rendering inside the German sentence. MarianMT copies capitalised or foreign tokens
through far more reliably than it keeps placeholders or tags intact (LibreTranslate#944,
EasyNMT#35, Opus-MT#78), and injected text needs no restoring when it survives as is. The
rendering each occurrence needs (`expected`) may depend on the sentence: a ``context`` cue
("US-", "britische", a country named in the sentence), the grammatical number (``number:
both``: "ein Nordkoreaner" is "a North Korean"), a title before a name ("President Zelenskyy",
but "the president said"). A German definite article before a rendering that brings its own
determiner ("South Korea's ...") is dropped, so the English never says "the South Korea's".

After translation (`finalize`) nothing is trusted, and nothing is changed that is not the term.
Per matched term, up to as many times as the term occurs in the source:

1. the rendering as the glossary writes it (a lower-case one also capitalised, a ``number:
   both`` one in either number) is in the output: ``applied``;
   Another correct rendering the entry accepts (``accept:``, e.g. "Kupyansk") is ``applied``
   as it stands;
2. a *wrong* rendering (``wrong:``, e.g. "Kiev") or another house style's rendering
   ("Zelenskiy" when the style is ``ap``) stands where the term is -- as a whole phrase, in the
   case the entry states, and not inside a longer name ("Peking University", "Chicken Kiev",
   "the Ukraine Defense Contact Group") -- and is replaced: ``repaired``. No attention
   alignment is used: when there are more wrong renderings than terms, the ones nearest to
   the terms' relative positions in the source are taken (a positional alignment);
3. a mangled form of the rendering (case, hyphens, spacing, plural -s), the German source form
   copied through untranslated, or a misspelt copy ("Rusiia", "Kladimir Putin": similar, and
   with a word unknown in English) is replaced by the rendering: ``repaired``. A lower-case
   rendering found as other correct English ("front-line" for "front line") is ``applied``
   as it stands;
4. otherwise the term is ``missed`` -- reported, never silently dropped.

``suggest`` entries (words with several senses: Rakete, Granate, Panzer) are never injected and
never repaired: the term is ``applied`` when the rendering is there, else ``suggested`` (which
``--strict`` does not count as missed).
A Slavic personal name that no entry lists but `translator.glossary.names` rewrote into English
spelling goes through the same steps; when its English spelling is in the output it is reported
as ``transliterated`` (category ``name``), else ``missed``.

A span of the output counts for one term only, and longer renderings are checked first, so
"Kursk region" is not also counted as "Kursk".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property

from ..result import TermHit, TermStatus
from .english import in_fixed_phrase
from .match import (
    Match,
    entry_regex,
    inflection,
    mangled_pattern,
    rendering_pattern,
    rendering_source,
)
from .schema import Enforce, Entry

_LEADING = re.compile(r"^[\s\"'„“”‚‘’»«(\[–—-]*")


@dataclass
class Planned:
    """A matched term, the rendering this occurrence needs, and the text injected for it."""

    match: Match
    injected: str
    target: str = ""  # the rendering required here ("" for the entry's own target)
    start: int = -1  # where the injected text begins in the source (-1: the match's start)
    name: bool = False  # a transliterated name (`translator.glossary.names`), not an entry

    def __post_init__(self) -> None:
        if not self.target:
            self.target = self.match.entry.target
        if self.start < 0:
            self.start = self.match.start

    @property
    def entry(self) -> Entry:
        return self.match.entry


@dataclass
class Prepared:
    """A sentence ready for the engine: ``text`` is the German with renderings injected."""

    source: str
    text: str
    planned: list[Planned] = field(default_factory=list)


def _at_sentence_start(text: str, start: int) -> bool:
    return _LEADING.match(text).end() == start  # type: ignore[union-attr]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


_MINOR = frozenset({"of", "the", "in", "for", "and", "on", "to", "a"})


def title_case(text: str) -> str:
    """A title before a name: "defense minister" -> "Defense Minister", "commander-in-chief"
    -> "Commander-in-Chief", "secretary of state" -> "Secretary of State"."""

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        return w if (w in _MINOR and m.start()) else _capitalised(w)

    return re.sub(r"[^\W\d_]+", word, text)


#: How each category is enforced when an entry does not say (``enforce:``).
CATEGORY_ENFORCE: dict[str, Enforce] = {
    "term": "inject",
    "person": "inject",
    "place": "inject",
    "organisation": "inject",
    "unit": "inject",
    "rank": "inject",
    "acronym": "inject",
    "fragment": "inject",
    "do-not-translate": "inject",
}


def enforce_mode(entry: Entry) -> Enforce:
    """The entry's ``enforce`` mode, or its category's default."""
    return entry.enforce or CATEGORY_ENFORCE[entry.category]


# -- number --------------------------------------------------------------------------------------


#: Endings of English nouns in -man whose plural is -men ("spokesman"; not "German").
_MAN = ("sman", "chairman", "airman", "woman")


def plural(phrase: str) -> str:
    """English plural of a phrase's last word (regular nouns: the glossary's ``number: both``)."""
    head, _, last = phrase.rpartition(" ")
    if re.search(r"[^aeiou]y$", last):
        last = last[:-1] + "ies"
    elif re.search(r"(?:s|x|z|ch|sh)$", last):
        last += "es"
    elif last.endswith("person"):
        last = last[: -len("person")] + "people"
    elif last.endswith(_MAN):
        last = last[:-3] + "men"  # "Kremlin spokesmen"
    else:
        last += "s"
    return f"{head} {last}".strip()


def singular(phrase: str) -> str:
    """English singular of a phrase's last word (the inverse of `plural` for regular nouns)."""
    head, _, last = phrase.rpartition(" ")
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif re.search(r"(?:ss|x|z|ch|sh)es$", last):
        last = last[:-2]
    elif last.endswith("people"):
        last = last[: -len("people")] + "person"
    elif last.endswith(tuple(m[:-3] + "men" for m in _MAN)):
        last = last[:-3] + "man"
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return f"{head} {last}".strip()


def same_number(found: str, want: str) -> str:
    """``want`` in the grammatical number of ``found``, a mangled copy of it (case, spacing,
    a plural -s): a repair mends spelling and case, never number -- "the Russian" is not
    "the Russians", "revolutionary guards" becomes "Revolutionary Guards"."""
    if written_plural(found) and not written_plural(want):
        return plural(want)
    if written_plural(want) and not written_plural(found):
        return singular(want)
    return want


_NEXT_WORD = re.compile(r"\s+([^\W\d_]+)")


def _undoubled(new: str, text: str, end: int) -> str:
    """``new`` without its last word when the output goes on with that word: a repair never
    doubles a word ("the Huthi rebels" is "the Houthi rebels", not "Houthi rebels rebels")."""
    head, _, last = new.rpartition(" ")
    after = _NEXT_WORD.match(text, end)
    if head and after and after.group(1).lower() in {last.lower(), singular(last).lower()}:
        return head
    return new


def written_plural(target: str) -> bool:
    last = target.split()[-1]
    return (
        (last.endswith("s") and not last.endswith("ss"))
        or last.endswith("people")
        or last.endswith(tuple(m[:-3] + "men" for m in _MAN))
    )


def number_forms(entry: Entry, target: str) -> tuple[str, str]:
    """(singular, plural) of a ``number: both`` entry's rendering."""
    if written_plural(target):
        return singular(target), target
    return target, plural(target)


_SINGULAR_CUES = frozenset(
    "ein eine einen einem eines einer kein keinen keinem keines jeder jeden jedem jedes".split()
)
_PLURAL_CUES = frozenset(
    """die zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig hundert
    tausend hunderte tausende dutzende zehntausende mehrere viele einige zahlreiche alle beide
    keine weitere wenige""".split()
)
_PREV_WORDS = re.compile(r"([\w.,]+)\s+(?:([\w]+)\s+)?$")
#: German plural endings that tell a plural form from a singular one in an entry's forms.
_PLURAL_ENDINGS = ("en", "n", "e", "nen")


def form_numbers(entry: Entry) -> tuple[frozenset[str], frozenset[str]]:
    """(singular, plural) source forms (case-folded) that an entry's forms tell apart.

    A form that is another form plus a German plural ending ("Lancet-Drohne" /
    "Lancet-Drohnen", "Grad-Raketenwerfer" / "Grad-Raketenwerfern") is plural, the other
    singular. Adjectival nouns ("Gefreiter", "Gefreite", "Gefreiten") decline, and are not told
    apart this way.
    """
    folded = {f.casefold() for f in entry.source_forms}
    one: set[str] = set()
    many: set[str] = set()
    for form in folded:
        if form.endswith("er") and form[:-1] in folded:
            return frozenset(), frozenset()  # "gefreiter" / "gefreite": adjectival
        for ending in _PLURAL_ENDINGS:
            if form + ending in folded:
                one.add(form)
                many.add(form + ending)
    return frozenset(one - many), frozenset(many - one)


def _number_here(match: Match, sentence: str) -> str | None:
    """ "singular", "plural" or None (unknown) for a ``number: both`` term in ``sentence``."""
    text = match.text
    forms = {f.casefold() for f in match.entry.source_forms}
    if text.casefold() not in forms:
        if any(text.casefold() == f + "s" for f in forms):
            return "singular"  # genitive singular: "eines Nordkoreaners"
        if any(text.casefold() in (f + "n", f + "en") for f in forms):
            return "plural"  # dative plural: "mit Nordkoreanern"
    m = _PREV_WORDS.search(sentence[: match.start])
    words = [w.casefold() for w in (m.group(2), m.group(1)) if w] if m else []
    # The determiner is the word before the term, or the one before an adjective.
    one, many = form_numbers(match.entry)
    marked = text.casefold() in one or text.casefold() in many
    for word in reversed(words):
        if word in _SINGULAR_CUES:
            return "singular"
        if word == "die" and marked:
            break  # "die Drohne" (feminine singular), "die Drohnen": the form tells
        if word in _PLURAL_CUES or re.fullmatch(r"[\d.,]+", word):
            return "plural"
    # No determiner says it: the form itself may ("Lancet-Drohnen" is plural).
    if text.casefold() in many:
        return "plural"
    if text.casefold() in one:
        return "singular"
    return None


# -- context -------------------------------------------------------------------------------------


_QUALIFIER_BEFORE = re.compile(r"(?:([^\W\d_][\w-]*isch(?:e|en|er|es|em)?)\s+|([A-ZÄÖÜ]{2,})-)$")


def _cue_regex(cue: str) -> re.Pattern[str]:
    first = cue[:1]
    head = f"[{first.upper()}{first.lower()}]" if first.isalpha() else re.escape(first)
    tail = "" if cue.endswith("-") else r"[\w-]*"
    return re.compile(rf"(?<![\w-]){head}{re.escape(cue[1:])}{tail}")


def _context_target(match: Match, sentence: str) -> str | None:
    """The rendering a ``context`` entry takes in ``sentence`` (None: its fallback target).

    A qualifier right before the term decides ("britische Außenminister", "NRW-
    Ministerpräsident"); a qualifier that is none of the entry's cues ("ukrainische
    Außenminister") means the fallback. Otherwise the cue nearest to the term anywhere in the
    sentence wins ("Außenminister der USA", "In Washington sagte der Außenminister").
    """
    contexts = match.entry.context
    before = _QUALIFIER_BEFORE.search(sentence[: match.start])
    if before is not None:
        word = before.group(1) or before.group(2) + "-"
        for ctx in contexts:
            if any(_cue_regex(cue).fullmatch(word) for cue in ctx.when):
                return ctx.target
        return None
    best: tuple[int, str] | None = None
    for ctx in contexts:
        for cue in ctx.when:
            for m in _cue_regex(cue).finditer(sentence):
                if match.start <= m.start() < match.end:
                    continue
                gap = match.start - m.end() if m.end() <= match.start else m.start() - match.end
                if best is None or gap < best[0]:
                    best = (gap, ctx.target)
    return None if best is None else best[1]


def expected(match: Match, sentence: str, matches: list[Match] | None = None) -> str:
    """The rendering ``match`` needs in ``sentence``: context, number, title before a name."""
    entry = match.entry
    text = entry.target
    if entry.context:
        text = _context_target(match, sentence) or text
    if entry.number == "both":
        one, many = number_forms(entry, text)
        text = {"singular": one, "plural": many}.get(_number_here(match, sentence) or "", text)
    first = text.split()[0]
    if (
        entry.category == "rank"
        and (first.islower() or first.isupper())  # "Kremlin spokesman" is no title
        and not _DESCRIPTIVE.intersection(text.lower().split())
        and _before_name(match, sentence, matches)
    ):
        text = title_case(text)
    return text


#: Words of a rank rendering that describe rather than title: "North Korean leader Kim Jong
#: Un", "commander Oleksandr Syrskyi" stay lower case before a name (AP).
_DESCRIPTIVE = frozenset(
    """leader leaders commander commanders commander-in-chief spokesperson spokespeople
    spokesman sniper snipers soldier soldiers officer officers head""".split()
)


def _before_name(match: Match, sentence: str, matches: list[Match] | None) -> bool:
    """Is the term followed by a name ("Präsident Selenskyj", "Oberst Kindratenko")?"""
    after = sentence[match.end :]
    word = re.match(r"\s+([A-ZÄÖÜ][\w'’-]*)", after)
    if word is None:
        return False
    at = match.end + word.start(1)
    for other in matches or ():
        if other.start == at:
            return other.entry.category == "person"  # "Präsident Russlands": not a name
    return True


# -- injection -----------------------------------------------------------------------------------


_POSSESSIVE = re.compile(r"^(.+?)['’]s\s")


def brings_determiner(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Does ``text`` open with its own determiner, so that no article may precede it?

    "South Korea's National Intelligence Service" does (a name in the possessive: ``names``
    holds the glossary's place and person renderings), "the ..." does; "Korean People's Army"
    does not ("the Korean People's Army").
    """
    if text[:4].lower() == "the ":
        return True
    m = _POSSESSIVE.match(text)
    return m is not None and m.group(1) in names


_GERMAN_ARTICLE = re.compile(r"(?<!\w)(der|die|das|den|dem|des)\s+$", re.IGNORECASE)


def injection(
    match: Match, sentence: str, text: str | None = None, names: frozenset[str] = frozenset()
) -> tuple[int, str]:
    """(start, text): what replaces ``sentence[start:match.end]`` in the German sentence."""
    entry = match.entry
    if enforce_mode(entry) != "inject":
        return match.start, match.text
    text = entry.target if text is None else text
    start = match.start
    article = _GERMAN_ARTICLE.search(sentence[: match.start])
    if (
        article is None  # "des Schwarzen Meeres": the article carries the case
        and inflection(entry) == "genitive"
        and not match.exact
        and match.text.endswith("s")
        and not text.endswith("s")
    ):
        # German genitive: before a noun (or its adjective) it is English "'s"
        # ("Russlands Kursk-Region" -> "Russia's Kursk region", "Putins engster Vertrauter"),
        # after a noun it is "of" ("Grenzregion Russlands" -> "border region of Russia").
        after = sentence[match.end :].lstrip()
        before = sentence[: match.start].rstrip().rsplit(maxsplit=1)
        after_noun = bool(before) and before[-1][:1].isupper()
        text = f"of {text}" if after_noun and not after[:1].isupper() else f"{text}'s"
    if article is not None and brings_determiner(text, names):
        # "der südkoreanische Geheimdienst" -> "South Korea's National Intelligence Service",
        # not "the South Korea's ..."; "des ..." -> "of South Korea's ...".
        start = article.start()
        if article.group(1).lower() == "des":
            text = f"of {text}"
    keep_case = entry.category == "do-not-translate"  # "(dpa) Die Schweiz": as written
    if _at_sentence_start(sentence, start) and not keep_case:
        text = _capitalised(text)
    return start, text


def prepare(
    sentence: str,
    matches: list[Match],
    names: frozenset[str] = frozenset(),
    transliterated: frozenset[tuple[int, int]] = frozenset(),
) -> Prepared:
    """Inject the renderings of ``matches`` (non-overlapping, in text order) into ``sentence``.

    ``names``: the glossary's place and person renderings (for the article before a
    possessive); ``transliterated``: spans of the matches that are transliterated names, not
    glossary entries.
    """
    planned = []
    pos = 0
    for m in matches:
        target = expected(m, sentence, matches)
        start, text = injection(m, sentence, target, names)
        start = max(start, pos)
        planned.append(Planned(m, text, target, start, m.span in transliterated))
        pos = m.end
    pieces, pos = [], 0
    for p in planned:
        if p.injected.endswith(".") and sentence[p.match.end : p.match.end + 1] == ".":
            p.injected = p.injected[:-1]  # "die U.N." at the end: one full stop, not two
        pieces += [sentence[pos : p.start], p.injected]
        pos = p.match.end
    pieces.append(sentence[pos:])
    return Prepared(source=sentence, text="".join(pieces), planned=planned)


class _Output:
    """The output sentence being repaired, with the spans already credited to a term."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def occurrences(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        return [m for m in pattern.finditer(self.text) if self.free(m.start(), m.end())]

    def take(self, start: int, end: int) -> None:
        self.taken.append((start, end))

    def replace(self, start: int, end: int, new: str, *, take: bool = True) -> None:
        if _at_sentence_start(self.text, start):
            new = _capitalised(new)
        if new.endswith(".") and self.text[end : end + 1] == ".":
            new = new[:-1]  # "said the UN." -> "said the U.N.", not "U.N.."
        delta = len(new) - (end - start)
        self.text = self.text[:start] + new + self.text[end:]
        self.taken = [(s + delta, e + delta) if s >= end else (s, e) for s, e in self.taken]
        if take:
            self.taken.append((start, start + len(new)))


_OUT_WORD = re.compile(r"\w[\w'’-]*")
#: Least similarity (difflib ratio) for a misspelt copy ("Rusiia", "Kladimir Putin").
NEAR_MISS_RATIO = 0.8


def near_miss(out: _Output, target: str) -> tuple[int, int] | None:
    """The span of ``out`` that is a misspelt copy of ``target``, if there is one.

    Small MT models garble rare or foreign words they copy ("Rusiia", "woundeded",
    "Sitzerland"). A run of words close to the rendering is accepted only when at least one
    of its words is unknown in English (word frequency 0 in wordfreq), so that a real word
    ("Russian" for "Russia") is never "repaired".
    """
    if len(target) < 5:
        return None
    words = [(m.start(), m.end()) for m in _OUT_WORD.finditer(out.text)]
    size = len(target.split())
    want = target.lower()
    best: tuple[float, int, int] | None = None
    matcher = SequenceMatcher(None, "", want)  # analyses ``want`` once for every candidate
    for n in {max(1, size - 1), size, size + 1}:
        for i in range(len(words) - n + 1):
            start, end = words[i][0], words[i + n - 1][1]
            if not out.free(start, end):
                continue
            matcher.set_seq1(out.text[start:end].lower())
            floor = NEAR_MISS_RATIO if best is None else best[0]
            # Cheap upper bounds first (as difflib.get_close_matches does), then the ratio.
            if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue
            ratio = matcher.ratio()
            if ratio >= NEAR_MISS_RATIO and (best is None or ratio > best[0]):
                best = (ratio, start, end)
    if best is None:
        return None
    from wordfreq import zipf_frequency

    _, start, end = best
    found = out.text[start:end]
    if found.lower() == want or all(zipf_frequency(w, "en") > 0 for w in _OUT_WORD.findall(found)):
        return None
    return start, end


def derived_wrong(target: str, others: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Wrong renderings of ``target`` implied by the renderings it contains.

    "President Volodymyr Selenskyj" is wrong for "President Volodymyr Zelenskyy" because
    "Selenskyj" is a wrong rendering of "Zelenskyy"; ``others`` maps a rendering to its wrong
    renderings and other styles' spellings.
    """
    derived = []
    for rendering, wrong in others.items():
        if rendering == target or not wrong:
            continue
        if rendering not in target:
            continue  # the pattern below needs it as a substring: skip compiling it
        inside = re.compile(rf"(?<!\w){re.escape(rendering)}(?!\w)")
        if inside.search(target):
            derived += [inside.sub(w.replace("\\", "\\\\"), target) for w in wrong]
    return derived


def wrong_pattern(text: str) -> re.Pattern[str]:
    """A wrong rendering as the entry states it: whole words, its case (a lower-case first
    letter may be capitalised), any whitespace, either apostrophe."""
    return rendering_pattern(text)


_NAME_AFTER = re.compile(r"(?:[-‐‑]|\s+)[A-ZÄÖÜ]")
_NAME_BEFORE = re.compile(r"([A-ZÄÖÜ][\w'’.]*)(?:[-‐‑]|\s+)$")


def inside_longer_name(text: str, start: int, end: int, titles: frozenset[str]) -> bool:
    """Is ``text[start:end]`` part of a longer name ("Peking University", "Chicken Kiev",
    "the Ukraine Defense Contact Group")? A title before it ("President Zelenskiy") is not,
    and neither is a span that starts in lower case: names are capitalised, and a German
    adjective left in the output stands before a capitalised word ("ukrainische President")."""
    if text[start : start + 1].islower():
        return False
    if _NAME_AFTER.match(text, end):
        return True
    before = _NAME_BEFORE.search(text, 0, start)
    if before is None or _at_sentence_start(text, before.start()):
        return False
    if re.search(r"[.!?:;]\s*$", text[: before.start()]):
        return False
    return before.group(1).lower().rstrip(".") not in titles


_ARTICLE_BEFORE = re.compile(r"(?<!\w)the\s+$", re.IGNORECASE)
_A_BEFORE = re.compile(r"(?<!\w)(?:a|an|one|each|every)\s+$", re.IGNORECASE)


def finalize(
    prepared: Prepared,
    target: str,
    cache: Callable[[Entry, str], _Patterns] | None = None,
    titles: frozenset[str] = frozenset(),
    names: frozenset[str] = frozenset(),
) -> tuple[str, list[TermHit]]:
    """Verify and repair the engine's output; one `TermHit` per matched term, in source order."""
    get = cache or _Patterns
    out = _Output(target)
    groups: dict[tuple[Entry, str], list[Planned]] = {}
    for p in prepared.planned:
        groups.setdefault((p.entry, p.target), []).append(p)
    statuses: dict[int, TermStatus] = {}
    # Longer renderings first, so a shorter one cannot claim part of a longer one's span.
    for entry, want in sorted(groups, key=lambda k: len(k[1]), reverse=True):
        items = groups[(entry, want)]
        where = [p.match.start / max(1, len(prepared.source)) for p in items]
        found = _verify(out, entry, get(entry, want), len(items), titles, names, where)
        for p, status in zip(items, found, strict=True):
            statuses[id(p)] = status
    hits = [
        TermHit(
            entry=p.entry.source,
            source=p.match.text,
            expected=p.target,
            status="transliterated" if p.name and statuses[id(p)] != "missed" else statuses[id(p)],
            category="name" if p.name else p.entry.category,
        )
        for p in prepared.planned
    ]
    return out.text, hits


def _nearest(
    spots: list[tuple[int, int]], k: int, where: list[float] | None, size: int
) -> list[tuple[int, int]]:
    """The ``k`` spots (a positional alignment) nearest to the terms' relative positions."""
    if k <= 0:
        return []
    if len(spots) <= k or not where:
        return sorted(spots)[:k]
    chosen: list[tuple[int, int]] = []
    left = list(spots)
    for pos in sorted(where)[-k:] if len(where) > k else sorted(where):
        best = min(left, key=lambda sp: abs((sp[0] + sp[1]) / 2 / max(1, size) - pos))
        chosen.append(best)
        left.remove(best)
    return chosen


def _verify(
    out: _Output,
    entry: Entry,
    pats: _Patterns,
    count: int,
    titles: frozenset[str],
    names: frozenset[str] = frozenset(),
    where: list[float] | None = None,
) -> list[TermStatus]:
    """Find, credit and (unless ``suggest``) repair ``count`` occurrences of one rendering.

    ``where``: the terms' relative positions in the source; when there are more wrong
    renderings than uncredited terms, those nearest to the terms' positions are repaired.
    """
    want = pats.want
    found: list[TermStatus] = []
    spans: list[int] = []

    def credit(start: int, end: int, status: TermStatus) -> None:
        out.take(start, end)
        spans.append(start)
        found.append(status)

    def repair(start: int, end: int, keep_number: bool = False) -> None:
        new = want
        if pats.singular and _A_BEFORE.search(out.text, 0, start):
            new = pats.singular  # never "a North Koreans"
        elif keep_number:
            new = same_number(out.text[start:end], want)
        new = _undoubled(new, out.text, end)
        out.replace(start, end, new, take=False)
        credit(start, start + len(new), "repaired")

    for m in out.occurrences(pats.rendering):
        if len(found) >= count:
            break
        if (
            pats.singular
            and written_plural(m.group(0))
            and _A_BEFORE.search(out.text, 0, m.start())
        ):
            repair(m.start(), m.end())  # "a North Koreans" -> "a North Korean"
            continue
        if (
            m.group(0)[:1].islower()
            and entry.category != "do-not-translate"  # "dpa", "(dpa) Die Schweiz ..."
            and _at_sentence_start(out.text, m.start())
        ):
            out.replace(m.start(), m.end(), m.group(0), take=False)  # only capitalises
        credit(m.start(), m.end(), "applied")
    for pattern in pats.accept if len(found) < count else ():
        # Another correct rendering ("Kupyansk", "Valery Zaluzhny"): credited as it stands.
        for m in out.occurrences(pattern):
            if len(found) >= count:
                break
            credit(m.start(), m.end(), "applied")
    if enforce_mode(entry) == "suggest":
        # Never changed, only reported: present renderings are credited, the rest suggested.
        return found + ["suggested"] * (count - len(found))
    wrong_spots: list[tuple[int, int]] = []
    for pattern in pats.wrong if len(found) < count else ():  # longest first; a span once
        for m in out.occurrences(pattern):
            if any(m.start() < e and s < m.end() for s, e in wrong_spots):
                continue
            if pats.rendering.fullmatch(m.group(0)):
                continue
            if inside_longer_name(out.text, m.start(), m.end(), titles):
                continue
            if in_fixed_phrase(out.text, m.start(), m.end()):
                continue  # "chicken Kiev", "Peking duck": right there
            wrong_spots.append((m.start(), m.end()))
    for start, end in sorted(_nearest(wrong_spots, count - len(found), where, len(out.text)))[::-1]:
        repair(start, end)
    for which in ("mangled", "source"):
        while len(found) < count:
            pattern = pats.mangled if which == "mangled" else pats.source
            spots = out.occurrences(pattern)
            if not spots:
                break
            spot = spots[0]
            at_start = _at_sentence_start(out.text, spot.start())
            if which == "mangled" and pats.variant_ok(spot.group(0), at_start):
                credit(spot.start(), spot.end(), "applied")  # "front-line", "Frontline"
            elif which == "source" and (
                inside_longer_name(out.text, spot.start(), spot.end(), titles)
                or in_fixed_phrase(out.text, spot.start(), spot.end())
            ):
                out.take(spot.start(), spot.end())  # "Peking University", "Peking duck" stay
            else:
                repair(spot.start(), spot.end(), keep_number=which == "mangled")
    while len(found) < count:
        near = near_miss(out, want)
        if near is None:
            break
        repair(*near)
    if brings_determiner(want, names):
        # "the South Korea's National Intelligence Service": drop the doubled article.
        for start in sorted(spans, reverse=True):
            the = _ARTICLE_BEFORE.search(out.text, 0, start)
            if the is not None:
                out.replace(the.start(), start, "", take=False)
                if _at_sentence_start(out.text, the.start()):
                    rest = out.text[the.start() :]
                    out.text = out.text[: the.start()] + _capitalised(rest)
    return found + ["missed"] * (count - len(found))


_ENGLISH_WORD = re.compile(r"[^\W\d_]+")
_JOINERS = re.compile(r"[\s\-‐‑]+")


class _Patterns:
    """The English-side patterns of one entry's rendering (built once and cached by Glossary).

    ``wrong``: the entry's wrong renderings, the other house styles' renderings and those
    implied by the renderings ``want`` contains (see `derived_wrong`).

    Only ``rendering`` is compiled at once; the others are compiled the first time they are
    needed (most outputs hold the rendering as written, and then no repair pattern is ever
    tried), each once per glossary: at termbase scale compiling is most of the cost.
    """

    def __init__(
        self,
        entry: Entry,
        want: str | None = None,
        wrong: tuple[str, ...] = (),
        others: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        want = entry.target if want is None else want
        self.entry = entry
        self.want = want
        accepted = [want]
        self.singular: str | None = None
        if entry.number == "both":
            one, many = number_forms(entry, want)
            accepted = [one, many]
            self.singular = one
        elif written_plural(want) and want[:1].islower():
            # A repair never changes the grammatical number of a common noun: "a drone
            # attack" is not wrong for "drones" (and the pattern below allows a plural -s on a
            # singular rendering). A name keeps its own ("Special Operations Forces").
            accepted.append(singular(want))
        # Nor the case of a title: "carnival president Marcel Kißling" is right where a title
        # before a name would be "President".
        for t in (entry.target, *(c.target for c in entry.context)):
            if entry.category == "rank" and t != want and title_case(t) == want:
                accepted += number_forms(entry, t) if entry.number == "both" else [t]
        self.rendering = re.compile(
            "|".join(rendering_source(a, plural=entry.number != "both") for a in accepted)
        )
        self._wrong_items = wrong
        self._others = others
        self._lower = want[:1].islower()

    @cached_property
    def mangled(self) -> re.Pattern[str]:
        return mangled_pattern(self.want)

    @cached_property
    def wrong(self) -> list[re.Pattern[str]]:
        items = [*self.entry.wrong, *self._wrong_items]
        if self._others:
            items += derived_wrong(self.want, self._others)
        items = [w for w in dict.fromkeys(items) if not self.rendering.fullmatch(w)]
        return [wrong_pattern(w) for w in sorted(items, key=len, reverse=True)]

    @cached_property
    def accept(self) -> list[re.Pattern[str]]:
        return [wrong_pattern(a) for a in sorted(self.entry.accept, key=len, reverse=True)]

    @cached_property
    def source(self) -> re.Pattern[str]:
        return entry_regex(self.entry)

    def variant_ok(self, found: str, at_start: bool) -> bool:
        """Is a mangled form of a lower-case rendering itself correct English ("front-line",
        "frontline" for "front line")? Then it is kept as it stands. Only joining and
        hyphenation may differ, in lower case (capitalised at the start of a sentence)."""
        joined, want = _JOINERS.sub("", found), _JOINERS.sub("", self.want)
        if (
            not self._lower
            or (found[:1].isupper() and not at_start)
            or joined[1:] != want[1:]
            or joined[:1].lower() != want[:1]
            or found.count("-") < self.want.count("-")  # "non commissioned officer"
        ):
            return False
        from wordfreq import zipf_frequency

        words = _ENGLISH_WORD.findall(found)
        return bool(words) and all(zipf_frequency(w, "en") >= 2.5 for w in words)
