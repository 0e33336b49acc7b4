"""The glossary engine: enforced terminology, names and mixed-language fragments.

Load and use::

    from translator.glossary import load_glossary
    glossary = load_glossary(Path("glossary.yaml"))   # GlossaryError on any problem
    Pipeline(engine, glossary=glossary)

What the pipeline calls (its ``TermGlossary`` protocol):

* ``Glossary.version`` -- a stable hash of the content, the house style and the enforcement
  method; it goes into output signatures and translation-memory keys.
* ``Glossary.prepare(sentence) -> Prepared`` -- ``.text`` is the German sentence with the English
  rendering of every matched term injected in its place (see `translator.glossary.enforce`).
* ``Glossary.finalize(prepared, target) -> (target, [TermHit])`` -- verifies each rendering,
  repairs wrong/mangled/untranslated ones and reports every matched term as applied, repaired or
  missed.

Public API for other checks (QA, mixed-language detection):

* ``Glossary.entries`` -- tuple of `Entry` as written in the file (``.source``, ``.forms``,
  ``.source_forms``, ``.target``, ``.category``, ``.wrong``, ``.accept``, ``.note``,
  ``.inflect``, ``.enforce``, ``.styles``, ``.context``, ``.number``); matching and
  enforcement use them with each target in the house style (``Glossary.style``, chosen with
  ``load_glossary(path, style=...)`` or ``Glossary.with_style``; see
  `translator.glossary.style`).
* ``Glossary.find(german) -> list[Match]`` -- the spans of the German text the glossary covers
  (``.start``, ``.end``, ``.text``, ``.entry``), non-overlapping, longest match first.
* ``Glossary.find_renderings(english) -> list[Match]`` -- spans of an English text that are
  glossary renderings (including do-not-translate terms and English fragments, which may look
  like foreign words but are wanted as they are).
* ``Glossary.renderings`` -- the set of English renderings; ``Glossary.lookup(term)`` -- the
  entries a term (or part of one) belongs to.

Large glossaries are validated and indexed once, then read from the cache directory
(`translator.glossary.compiled`). Matching rules: `translator.glossary.match`; file schema:
`translator.glossary.schema` and the README, section "Glossary"; CSV/TSV/TBX exchange:
`translator.glossary.interchange`.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ..errors import GlossaryError
from ..options import Options
from ..result import TermHit
from . import compiled, enforce, names
from .enforce import Prepared
from .match import (
    Match,
    Matcher,
    MatcherIndex,
    RenderingIndex,
    contained_renderings,
    mangled_pattern,
)
from .schema import (
    CATEGORIES,
    Enforce,
    Entry,
    GlossaryValidationError,
    Located,
    collector_paused,
    decode,
    dump_entries,
    parse_entries,
    read_bytes,
    trusted,
)
from .style import DEFAULT_STYLE, STYLES, check_style, styled_targets

__all__ = [
    "CATEGORIES",
    "Entry",
    "Glossary",
    "GlossaryError",
    "GlossaryValidationError",
    "Match",
    "Prepared",
    "STYLES",
    "dump_entries",
    "load_glossary",
]

#: Bumped whenever matching or enforcement changes what the engine is given.
METHOD_VERSION = "inject-verify-repair/4"
#: Bumped whenever name transliteration (`translator.glossary.names`) changes its output.
NAMES_VERSION = "names/2"


class Glossary:
    """A validated glossary: matching in German, enforcement around an engine, the term report."""

    def __init__(
        self,
        entries: list[Entry] | tuple[Entry, ...],
        *,
        path: Path | None = None,
        style: str = DEFAULT_STYLE,
        transliterate: bool = Options.transliterate,
        digest: str | None = None,
        index: MatcherIndex | None = None,
    ):
        """``digest`` and ``index`` are those computed before for the same entries (stored by
        `translator.glossary.compiled`, so a large glossary is not hashed and indexed again)."""
        self.entries: tuple[Entry, ...] = tuple(entries)  # as written in the file
        self.path = path
        self.style = check_style(style)
        #: Rewrite Slavic personal names no entry lists into English spelling
        #: (`translator.glossary.names`); reported as ``transliterated``.
        self.transliterate = transliterate
        if digest is not None:
            self.__dict__["digest"] = digest
        # The entries as enforced: each target in the house style's spelling.
        styled = styled_targets(self.entries, self.style)
        self._active = tuple(
            e if st[0] == e.target else e.model_copy(update={"target": st[0]})
            for e, st in zip(self.entries, styled, strict=True)
        )
        # Other styles' spellings of a rendering (few entries have any; hashing an entry costs).
        self._variants = {
            a: st[1:] for a, st in zip(self._active, styled, strict=True) if len(st) > 1
        }
        # The index holds entry positions and source forms, which styles do not change.
        self._matcher = Matcher(self._active, index)
        self._patterns: dict[tuple[Entry, str], enforce._Patterns] = {}
        self._mangled: dict[int, re.Pattern[str]] = {}
        self._others: dict[str, tuple[str, ...]] = {}
        for e in self._active:
            wrong = (*e.wrong, *self._variants.get(e, ())) if e in self._variants else e.wrong
            if wrong:
                known = self._others.get(e.target, ())
                self._others[e.target] = tuple(dict.fromkeys((*known, *wrong)))
        self._names = frozenset(
            e.target for e in self._active if e.category in ("place", "person")
        )
        # Words of a title that may stand before a name ("President", "Colonel"): rank
        # renderings only. A person's rendering holds given names ("Tom", "Mike"): were they
        # titles, "Tom Holland" would not be a longer name and "Holland" would be repaired.
        self._titles = frozenset(
            w.lower()
            for e in self._active
            if e.category == "rank"
            for t in (e.target, *(c.target for c in e.context))
            for w in t.split()
        )

    @classmethod
    def from_yaml(
        cls,
        text: str,
        *,
        where: str = "<glossary>",
        style: str = DEFAULT_STYLE,
        transliterate: bool = Options.transliterate,
    ) -> Glossary:
        """Validate glossary YAML text (see `translator.glossary.schema`)."""
        entries = [loc.entry for loc in parse_entries(text, where)]
        return cls(entries, style=style, transliterate=transliterate)

    def with_style(self, style: str) -> Glossary:
        """The same entries under another house style."""
        return type(self)(
            self.entries, path=self.path, style=style, transliterate=self.transliterate
        )

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Glossary({len(self)} entries, style={self.style}, version={self.version})"

    @cached_property
    def digest(self) -> str:
        """A stable hash of the entries as written (stored with a compiled glossary)."""
        blob = json.dumps([e.to_dict() for e in self.entries], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    @cached_property
    def version(self) -> str:
        """A stable hash of the entries, the house style and the enforcement method."""
        method = METHOD_VERSION + (f"+{NAMES_VERSION}" if self.transliterate else "")
        blob = json.dumps([method, self.style, self.digest])
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    @cached_property
    def renderings(self) -> frozenset[str]:
        """Every English rendering the glossary requires."""
        return frozenset(
            t for e in self._active for t in (e.target, *(c.target for c in e.context))
        )

    # -- matching ----------------------------------------------------------------------------

    def find(self, text: str) -> list[Match]:
        """Glossary terms in a German text: non-overlapping, in order, longest match winning."""
        return self._matcher.find(text)

    def find_renderings(self, text: str) -> list[Match]:
        """Spans of an English text that are glossary renderings (any case/spacing)."""
        found: list[Match] = []
        taken = bytearray(len(text))
        # Only the entries whose rendering may occur (`RenderingIndex`), longest first.
        maybe = self._renderings_index.entries_for(text)
        active = self._active
        for i in sorted(maybe, key=lambda i: len(active[i].target), reverse=True):
            entry = active[i]
            pattern = self._mangled.get(i)
            if pattern is None:
                pattern = self._mangled[i] = mangled_pattern(entry.target)
            for m in pattern.finditer(text):
                if not any(taken[m.start() : m.end()]):
                    exact = m.group(0) == entry.target
                    found.append(Match(entry, m.start(), m.end(), m.group(0), exact))
                    taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        return sorted(found, key=lambda m: m.start)

    def lookup(self, term: str) -> list[tuple[Entry, str]]:
        """Entries for ``term`` and how it matches (source form, part of source/target/wrong)."""
        results: dict[Entry, str] = {}
        for m in self.find(term):
            how = "source form" if m.exact else "inflected source form"
            if (m.start, m.end) != (0, len(term.strip())):
                how = f"contains {m.text!r}"
            results.setdefault(m.entry, how)
        needle = term.casefold().strip()
        for e in self._active:
            if e in results or not needle:
                continue
            if any(needle in f.casefold() for f in e.source_forms):
                results[e] = "part of a source form"
            elif mangled_pattern(term).search(e.target) or needle in e.target.casefold():
                results[e] = "part of the rendering"
            elif any(needle in w.casefold() for w in e.wrong):
                results[e] = "a wrong rendering"
        return list(results.items())

    # -- enforcement (the pipeline's TermGlossary protocol) -------------------------------------

    def prepare(self, sentence: str) -> Prepared:
        """The sentence with the English rendering of every matched term injected (and, with
        ``transliterate``, every Slavic name no entry covers in English spelling)."""
        matches = self.find(sentence)
        if not self.transliterate:
            return enforce.prepare(sentence, matches, self._names)
        spans = [m.span for m in matches]
        persons = [m.span for m in matches if m.entry.category in ("person", "rank")]
        found = [_name_match(n) for n in names.find_names(sentence, spans, persons)]
        if not found:
            return enforce.prepare(sentence, matches, self._names)
        merged = sorted([*matches, *found], key=lambda m: m.start)
        return enforce.prepare(sentence, merged, self._names, frozenset(m.span for m in found))

    def finalize(self, prepared: Any, target: str) -> tuple[str, list[TermHit]]:
        """Verify and repair the renderings in ``target``; report every matched term."""
        return enforce.finalize(prepared, target, self._pats, self._titles, self._names)

    def with_enforce(self, mode: Enforce) -> Glossary:
        """This glossary with every entry's ``enforce`` mode set to ``mode`` (a new object).

        ``translator eval --compare glossary`` measures verification alone this way. The
        version hash changes with the entries, so outputs and memory keys never mix.
        """
        entries = [e.model_copy(update={"enforce": mode}) for e in self.entries]
        return type(self)(
            entries, path=self.path, style=self.style, transliterate=self.transliterate
        )

    def _pats(self, entry: Entry, want: str) -> enforce._Patterns:
        pats = self._patterns.get((entry, want))
        if pats is None:
            # Other styles' spellings are repaired for the entry's own rendering only, not
            # for a rendering chosen by context ("US Secretary of State"). Only the renderings
            # that occur in ``want`` can imply a wrong rendering of it (`enforce.derived_wrong`):
            # found by lookup, not by trying every rendering.
            variants = self._variants.get(entry, ()) if want == entry.target else ()
            keys = self._other_renderings
            inside = contained_renderings(want, self._others_index)
            others = {keys[i]: self._others[keys[i]] for i in inside}
            pats = self._patterns[(entry, want)] = enforce._Patterns(
                entry, want, variants, others
            )
        return pats

    @cached_property
    def _renderings_index(self) -> RenderingIndex:
        return RenderingIndex(self._active)

    @cached_property
    def _other_renderings(self) -> list[str]:
        return list(self._others)

    @cached_property
    def _others_index(self) -> dict[str, list[int]]:
        return {rendering: [i] for i, rendering in enumerate(self._other_renderings)}

    def to_yaml(self) -> str:
        return dump_entries(list(self.entries))


def load_glossary(
    path: Path,
    *,
    style: str = DEFAULT_STYLE,
    transliterate: bool = Options.transliterate,
    stored: bool = True,
) -> Glossary:
    """Read and validate a glossary YAML file; `GlossaryError` names file, line and entry.

    ``style``: the house style (``ap``, ``reuters``, ``bbc``; see `translator.glossary.style`);
    ``transliterate``: also rewrite Slavic personal names no entry lists (see `Glossary`).
    A large glossary is validated and indexed once and then read from the cache directory
    (`translator.glossary.compiled`); ``stored=False`` always parses and validates the file.
    """
    path = Path(path)
    raw = read_bytes(path)
    with collector_paused():
        if stored:
            found = compiled.load(raw)
            if found is not None:
                entries, digest, index = found
                return Glossary(
                    entries,
                    path=path,
                    style=style,
                    transliterate=transliterate,
                    digest=digest,
                    index=index,
                )
        located: list[Located] = parse_entries(decode(raw, path), str(path))
        glossary = Glossary(
            [loc.entry for loc in located], path=path, style=style, transliterate=transliterate
        )
        if stored and len(glossary) >= compiled.MIN_ENTRIES:
            compiled.store(raw, glossary.entries, glossary.digest, glossary._matcher.index)
    return glossary


@lru_cache(maxsize=4096)
def _name_entry(source: str, target: str) -> Entry:
    # A name found in a sentence and its transliteration: valid texts, built without the
    # validation a hand-written entry goes through (which would import pydantic mid-run).
    return trusted(
        Entry,
        {
            "source": source,
            "target": target,
            "category": "person",
            "inflect": False,
            "enforce": "inject",
            "note": "transliterated by translator.glossary.names",
        },
    )


def _name_match(name: names.Name) -> Match:
    """A transliterated name as a match, enforced like an injected entry."""
    return Match(_name_entry(name.text, name.english), name.start, name.end, name.text, True)
