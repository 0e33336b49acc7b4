"""Enforcing glossary renderings around an MT engine: inject, verify, repair, report.

Before translation (`prepare`) every matched source term is replaced by its English rendering
inside the German sentence. MarianMT copies capitalised or foreign tokens through far more
reliably than it keeps placeholders or tags intact (LibreTranslate#944, EasyNMT#35, Opus-MT#78),
and injected text needs no restoring when it survives as is.

After translation (`finalize`) nothing is trusted; per matched term, in this order:

1. known *wrong* renderings of the entry (``wrong:``, e.g. "Kiev", and those implied by the
   entries its rendering contains) are replaced: ``repaired``;
2. the rendering as the glossary writes it is in the output: ``applied``;
3. a mangled form of it (case, hyphens, spacing, plural -s), the German source form copied
   through untranslated, or a misspelt copy ("Rusiia", "Kladimir Putin": similar, and with a
   word unknown in English) is replaced by the rendering: ``repaired``;
4. otherwise the term is ``missed`` -- reported, never silently dropped.

A span of the output counts for one term only, and longer renderings are checked first, so
"Kursk region" is not also counted as "Kursk".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..result import TermHit, TermStatus
from .match import Match, entry_regex, inflection, mangled_pattern, rendering_pattern
from .schema import Enforce, Entry

_LEADING = re.compile(r"^[\s\"'„“”‚‘’»«(\[–—-]*")


@dataclass
class Planned:
    """A matched term and the text injected in its place."""

    match: Match
    injected: str

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


def injection(match: Match, sentence: str) -> str:
    """What replaces ``match`` in the German sentence (the match itself unless injected)."""
    entry = match.entry
    if enforce_mode(entry) != "inject":
        return match.text
    text = entry.target
    if (
        inflection(entry) == "genitive"
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
    if _at_sentence_start(sentence, match.start):
        text = _capitalised(text)
    return text


def prepare(sentence: str, matches: list[Match]) -> Prepared:
    """Inject the renderings of ``matches`` (non-overlapping, in text order) into ``sentence``."""
    planned = [Planned(m, injection(m, sentence)) for m in matches]
    pieces, pos = [], 0
    for p in planned:
        pieces += [sentence[pos : p.match.start], p.injected]
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
    if found.lower() == want or all(
        zipf_frequency(w, "en") > 0 for w in _OUT_WORD.findall(found)
    ):
        return None
    return start, end


def derived_wrong(entry: Entry, others: tuple[Entry, ...]) -> list[str]:
    """Wrong renderings of ``entry`` implied by the entries its rendering contains.

    "President Volodymyr Selenskyj" is wrong for "President Volodymyr Zelensky" because
    "Selenskyj" is a wrong rendering of "Zelensky".
    """
    derived = []
    for other in others:
        if other is entry or not other.wrong or other.target == entry.target:
            continue
        if other.target not in entry.target:
            continue  # the pattern below needs it as a substring: skip compiling it
        inside = re.compile(rf"(?<!\w){re.escape(other.target)}(?!\w)")
        if inside.search(entry.target):
            derived += [inside.sub(w.replace("\\", "\\\\"), entry.target) for w in other.wrong]
    return derived


def _wrong_patterns(wrong: list[str]) -> list[re.Pattern[str]]:
    # Damaged like any copied text ("kiev" is still "Kiev"), hence the mangled pattern.
    return [mangled_pattern(w) for w in sorted(set(wrong), key=len, reverse=True)]


def finalize(
    prepared: Prepared, target: str, cache: Callable[[Entry], _Patterns] | None = None
) -> tuple[str, list[TermHit]]:
    """Verify and repair the engine's output; one `TermHit` per matched term, in source order."""
    get = cache or _Patterns
    out = _Output(target)
    groups: dict[Entry, list[Planned]] = {}
    for p in prepared.planned:
        groups.setdefault(p.entry, []).append(p)
    statuses: dict[int, TermStatus] = {}
    # Longer renderings first, so a shorter one cannot claim part of a longer one's span.
    for entry in sorted(groups, key=lambda e: len(e.target), reverse=True):
        items = groups[entry]
        pats = get(entry)
        found: list[TermStatus] = []
        if enforce_mode(entry) == "suggest":
            # Never changed, only reported: present renderings are credited, the rest missed.
            for m in out.occurrences(pats.rendering):
                if len(found) >= len(items):
                    break
                out.take(m.start(), m.end())
                found.append("applied")
            for i, p in enumerate(items):
                statuses[id(p)] = found[i] if i < len(found) else "missed"
            continue
        for pattern in pats.wrong:
            # Every wrong rendering is replaced (consistency), but a span is credited to this
            # entry only as often as the term occurs; the rest stay free for other entries
            # with the same rendering.
            for m in reversed(out.occurrences(pattern)):
                if pats.rendering.fullmatch(m.group(0)):
                    continue  # "NATO" is right even though "Nato" is listed as wrong
                out.replace(m.start(), m.end(), entry.target, take=len(found) < len(items))
                if len(found) < len(items):
                    found.append("repaired")
        for m in out.occurrences(pats.rendering):
            if len(found) >= len(items):
                break
            out.take(m.start(), m.end())
            if m.group(0)[:1].islower() and _at_sentence_start(out.text, m.start()):
                out.replace(m.start(), m.end(), m.group(0))  # only capitalises
            found.append("applied")
        for pattern in (pats.mangled, pats.source):
            while len(found) < len(items):
                spots = out.occurrences(pattern)
                if not spots:
                    break
                out.replace(spots[0].start(), spots[0].end(), entry.target)
                found.append("repaired")
        while len(found) < len(items):
            spot = near_miss(out, entry.target)
            if spot is None:
                break
            out.replace(*spot, entry.target)
            found.append("repaired")
        for i, p in enumerate(items):
            statuses[id(p)] = found[i] if i < len(found) else "missed"
    hits = [
        TermHit(
            entry=p.entry.source,
            source=p.match.text,
            expected=p.entry.target,
            status=statuses[id(p)],
            category=p.entry.category,
        )
        for p in prepared.planned
    ]
    return out.text, hits


class _Patterns:
    """The English-side patterns of one entry (built once per entry and cached by Glossary)."""

    def __init__(self, entry: Entry, others: tuple[Entry, ...] = ()) -> None:
        self.rendering = rendering_pattern(entry.target, plural=True)
        self.mangled = mangled_pattern(entry.target)
        self.wrong = _wrong_patterns([*entry.wrong, *derived_wrong(entry, others)])
        self.source = entry_regex(entry)
