"""The glossary engine: enforced terminology, names and mixed-language fragments.

Load and use::

    from translator.glossary import load_glossary
    glossary = load_glossary(Path("glossary.yaml"))   # GlossaryError on any problem
    Pipeline(engine, glossary=glossary)

What the pipeline calls (its ``TermGlossary`` protocol):

* ``Glossary.version`` -- a stable hash of the content (and of the enforcement method); it goes
  into output signatures and translation-memory keys.
* ``Glossary.prepare(sentence) -> Prepared`` -- ``.text`` is the German sentence with the English
  rendering of every matched term injected in its place (see `translator.glossary.enforce`).
* ``Glossary.finalize(prepared, target) -> (target, [TermHit])`` -- verifies each rendering,
  repairs wrong/mangled/untranslated ones and reports every matched term as applied, repaired or
  missed.

Public API for other checks (QA, mixed-language detection):

* ``Glossary.entries`` -- tuple of `Entry` (``.source``, ``.forms``, ``.source_forms``,
  ``.target``, ``.category``, ``.wrong``, ``.note``, ``.inflect``).
* ``Glossary.find(german) -> list[Match]`` -- the spans of the German text the glossary covers
  (``.start``, ``.end``, ``.text``, ``.entry``), non-overlapping, longest match first.
* ``Glossary.find_renderings(english) -> list[Match]`` -- spans of an English text that are
  glossary renderings (including do-not-translate terms and English fragments, which may look
  like foreign words but are wanted as they are).
* ``Glossary.renderings`` -- the set of English renderings; ``Glossary.lookup(term)`` -- the
  entries a term (or part of one) belongs to.

Matching rules: `translator.glossary.match`; file schema: `translator.glossary.schema` and the
README, section "Glossary"; CSV/TSV/TBX exchange: `translator.glossary.interchange`.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Any

from ..errors import GlossaryError
from ..result import TermHit
from . import enforce
from .enforce import Prepared
from .match import Match, Matcher, mangled_pattern
from .schema import (
    CATEGORIES,
    Entry,
    GlossaryValidationError,
    Located,
    dump_entries,
    parse_entries,
    read_entries,
)

__all__ = [
    "CATEGORIES",
    "Entry",
    "Glossary",
    "GlossaryError",
    "GlossaryValidationError",
    "Match",
    "Prepared",
    "dump_entries",
    "load_glossary",
]

_WORD = re.compile(r"\w+")

#: Bumped whenever matching or enforcement changes what the engine is given.
METHOD_VERSION = "inject-verify-repair/1"


class Glossary:
    """A validated glossary: matching in German, enforcement around an engine, the term report."""

    def __init__(self, entries: list[Entry] | tuple[Entry, ...], *, path: Path | None = None):
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.path = path
        self._matcher = Matcher(self.entries)
        self._patterns: dict[Entry, enforce._Patterns] = {}
        self._with_wrong = tuple(e for e in self.entries if e.wrong)

    @classmethod
    def from_yaml(cls, text: str, *, where: str = "<glossary>") -> Glossary:
        """Validate glossary YAML text (see `translator.glossary.schema`)."""
        return cls([loc.entry for loc in parse_entries(text, where)])

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Glossary({len(self)} entries, version={self.version})"

    @cached_property
    def version(self) -> str:
        """A stable hash of the entries and the enforcement method."""
        blob = json.dumps(
            [METHOD_VERSION, [e.to_dict() for e in self.entries]],
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    @cached_property
    def renderings(self) -> frozenset[str]:
        """Every English rendering the glossary requires."""
        return frozenset(e.target for e in self.entries)

    # -- matching ----------------------------------------------------------------------------

    def find(self, text: str) -> list[Match]:
        """Glossary terms in a German text: non-overlapping, in order, longest match winning."""
        return self._matcher.find(text)

    def find_renderings(self, text: str) -> list[Match]:
        """Spans of an English text that are glossary renderings (any case/spacing)."""
        found: list[Match] = []
        taken = bytearray(len(text))
        lowered = text.lower()
        for entry, needle in self._rendering_needles:
            if needle not in lowered:
                continue  # cannot match: no need to build (or run) its pattern
            for m in self._pats(entry).mangled.finditer(text):
                if not any(taken[m.start() : m.end()]):
                    exact = m.group(0) == entry.target
                    found.append(Match(entry, m.start(), m.end(), m.group(0), exact))
                    taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        return sorted(found, key=lambda m: m.start)

    @cached_property
    def _rendering_needles(self) -> list[tuple[Entry, str]]:
        """Entries longest rendering first, each with a lower-case piece that every match of
        its mangled pattern (``match.mangled_pattern``) contains: the first three characters
        of the rendering's first word (re's IGNORECASE folds case as ``str.lower`` does, for
        all but a few exotic letters such as the long s)."""
        out = []
        for entry in sorted(self.entries, key=lambda e: len(e.target), reverse=True):
            first = _WORD.search(entry.target)
            out.append((entry, first.group(0)[:3].lower() if first else ""))
        return out

    def lookup(self, term: str) -> list[tuple[Entry, str]]:
        """Entries for ``term`` and how it matches (source form, part of source/target/wrong)."""
        results: dict[Entry, str] = {}
        for m in self.find(term):
            how = "source form" if m.exact else "inflected source form"
            if (m.start, m.end) != (0, len(term.strip())):
                how = f"contains {m.text!r}"
            results.setdefault(m.entry, how)
        needle = term.casefold().strip()
        for e in self.entries:
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
        """The sentence with the English rendering of every matched term injected."""
        return enforce.prepare(sentence, self.find(sentence))

    def finalize(self, prepared: Any, target: str) -> tuple[str, list[TermHit]]:
        """Verify and repair the renderings in ``target``; report every matched term."""
        return enforce.finalize(prepared, target, self._pats)

    def _pats(self, entry: Entry) -> enforce._Patterns:
        pats = self._patterns.get(entry)
        if pats is None:
            pats = self._patterns[entry] = enforce._Patterns(entry, self._with_wrong)
        return pats

    def to_yaml(self) -> str:
        return dump_entries(list(self.entries))


def load_glossary(path: Path) -> Glossary:
    """Read and validate a glossary YAML file; `GlossaryError` names file, line and entry."""
    located: list[Located] = read_entries(Path(path))
    return Glossary([loc.entry for loc in located], path=Path(path))
