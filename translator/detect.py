"""Mixed-language detection in German copy, and glossary entries proposed for what it finds.

German news copy carries English fragments ("Ukrainian officials und westliche
Geheimdienste"), German/English hybrid compounds ("Massengroundangriffe") and Slavic names in
German transliteration ("Wolodymyr Selenskyj"). MarianMT handles all three badly, so each one
the glossary does not cover yet is reported with a proposed entry::

    from translator.detect import detect, suggestions_yaml
    findings = detect(text, glossary=None)
    print(suggestions_yaml(findings))

Word language comes from word frequencies (wordfreq, see `translator.qa.words`); names from
transliteration rules checked against English usage (`translator.qa.names`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .qa.names import english_name
from .qa.words import WORD, hybrid_parts, lean, leans_english, leans_german, part_lang, zipf

Kind = Literal["english", "hybrid", "name"]

# Between two words of one span only spaces (line breaks included) may stand.
_GAP = re.compile(r"\s+")


@dataclass
class Finding:
    """One fragment of the source worth a glossary entry, with the entry proposed for it."""

    kind: Kind
    text: str  # as it occurs in the source (line breaks collapsed)
    target: str  # the proposed English rendering
    category: str  # the glossary category proposed
    note: str
    count: int = 1
    context: str = ""  # the sentence it was first seen in
    names: list[str] = field(default_factory=list)  # files it occurs in

    def entry(self) -> dict[str, Any]:
        """The proposed glossary entry (schema of `translator.glossary.schema`)."""
        return {"source": self.text, "target": self.target, "category": self.category,
                "note": self.note}


@dataclass
class _Tok:
    text: str
    start: int
    end: int


def _tokens(sentence: str) -> list[_Tok]:
    return [_Tok(m.group(0), m.start(), m.end()) for m in WORD.finditer(sentence)]


def _adjacent(sentence: str, left: _Tok, right: _Tok) -> bool:
    return _GAP.fullmatch(sentence[left.end : right.start]) is not None


def _absorbable(tok: _Tok) -> bool:
    """A capitalised word at the edge of an English span that English uses a lot and German
    does not clearly own ("Institute", "War" in "Institute for the Study of War")."""
    return tok.text[:1].isupper() and zipf(tok.text, "en") >= 4.0 and lean(tok.text) > -1.2


def english_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans of English words inside a German sentence ("Pledges of Allegiance")."""
    toks = _tokens(sentence)
    english = [leans_english(t.text) for t in toks]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        if not english[i]:
            i += 1
            continue
        j = i  # grow over English words, and over one neutral word between two English ones
        while j + 1 < len(toks) and _adjacent(sentence, toks[j], toks[j + 1]):
            if english[j + 1]:
                j += 1
            elif (j + 2 < len(toks) and english[j + 2] and not leans_german(toks[j + 1].text)
                  and _adjacent(sentence, toks[j + 1], toks[j + 2])):
                j += 2
            else:
                break
        first, last = i, j
        if first > 0 and _adjacent(sentence, toks[first - 1], toks[first]) \
                and _absorbable(toks[first - 1]):
            first -= 1
        if last + 1 < len(toks) and _adjacent(sentence, toks[last], toks[last + 1]) \
                and _absorbable(toks[last + 1]):
            last += 1
        strong = sum(english[first : last + 1])
        only = toks[i].text
        if strong >= 2 or (not only[:1].isupper() and lean(only) >= 1.5):
            spans.append((toks[first].start, toks[last].end))
        i = j + 1
    return spans


def _covered(span: tuple[int, int], covered: list[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in covered)


def _clean(text: str) -> str:
    return _GAP.sub(" ", text).strip()


class _Collector:
    def __init__(self) -> None:
        self.found: dict[tuple[Kind, str], Finding] = {}

    def add(self, finding: Finding, name: str | None) -> None:
        key = (finding.kind, finding.text)
        have = self.found.get(key)
        if have is None:
            self.found[key] = have = finding
        else:
            have.count += 1
        if name and name not in have.names:
            have.names.append(name)


def _sentences(text: str) -> Iterable[str]:
    from .text.layout import rebuild
    from .text.segment import split_sentences

    for block in rebuild(text):
        yield from split_sentences(block.text)


def detect(
    text: str, *, glossary: Any = None, name: str | None = None, into: _Collector | None = None
) -> list[Finding]:
    """English fragments, hybrid compounds and German-spelled names the glossary lacks.

    ``glossary``: a `translator.glossary.Glossary`; what it already matches is not reported.
    """
    out = into or _Collector()
    person_tokens: set[str] = set()
    name_runs: list[tuple[list[str], str]] = []
    for sentence in _sentences(text):
        covered = [(m.start, m.end) for m in glossary.find(sentence)] if glossary else []
        context = _clean(sentence)
        for span in english_spans(sentence):
            if not _covered(span, covered):
                fragment = _clean(sentence[span[0] : span[1]])
                out.add(Finding("english", fragment, fragment, "fragment",
                                "English in the German copy: kept as it is", context=context),
                        name)
        toks = _tokens(sentence)
        for tok in toks:
            if _covered((tok.start, tok.end), covered):
                continue
            parts = hybrid_parts(tok.text)
            if parts:
                out.add(Finding("hybrid", tok.text, _hybrid_target(parts), "term",
                                "German/English hybrid ("
                                + " + ".join(parts) + "): translate the [bracketed] German",
                                context=context), name)
        for run in _name_runs(sentence, toks, covered):
            name_runs.append((run, context))
            if len(run) > 1:
                person_tokens.update(run)
    for run, context in name_runs:
        source = " ".join(run)
        target = " ".join(english_name(t) or t for t in run)
        person = len(run) > 1 or run[0] in person_tokens
        note = "German spelling of a name; usual English form" + (
            "" if person else " (category guessed: check)")
        out.add(Finding("name", source, target, "person" if person else "place", note,
                        context=context), name)
    return list(out.found.values())


def _hybrid_target(parts: tuple[str, ...]) -> str:
    words = [p if part_lang(p) == "en" else f"[{p}]" for p in parts]
    return " ".join(words)


def _name_like(tok: _Tok) -> bool:
    """A capitalised word that may be part of a name: a German-spelled name itself, or a word
    German does not own (Putin, Kim)."""
    if not tok.text[:1].isupper():
        return False
    if english_name(tok.text) is not None:
        return True
    return not leans_german(tok.text) and zipf(tok.text, "de") < 4.5


def _name_runs(sentence: str, toks: list[_Tok], covered: list[tuple[int, int]]) -> list[list[str]]:
    """Runs of name words (Wolodymyr Selenskyj) with at least one German-spelled name."""
    runs: list[list[str]] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if english_name(tok.text) in (None, tok.text) or _covered((tok.start, tok.end), covered):
            i += 1
            continue
        first = last = i
        while first > 0 and _adjacent(sentence, toks[first - 1], toks[first]) \
                and _name_like(toks[first - 1]):
            first -= 1
        while last + 1 < len(toks) and _adjacent(sentence, toks[last], toks[last + 1]) \
                and _name_like(toks[last + 1]):
            last += 1
        runs.append([t.text for t in toks[first : last + 1]])
        i = last + 1
    return runs


def detect_files(
    texts: Iterable[tuple[str, str]], *, glossary: Any = None
) -> list[Finding]:
    """`detect` over several (name, text) documents, findings merged and counted."""
    collector = _Collector()
    for name, text in texts:
        detect(text, glossary=glossary, name=name, into=collector)
    return list(collector.found.values())


def suggestions_yaml(findings: list[Finding], *, header: str = "") -> str:
    """The proposed entries as YAML to paste under ``entries:`` of glossary.yaml, the most
    frequent first (over all files), each with its count and the files it occurs in."""
    import yaml

    order = {"name": 0, "english": 1, "hybrid": 2}
    findings = sorted(findings, key=lambda f: (-f.count, order[f.kind], f.text.casefold()))
    lines = [f"# {line}" for line in header.splitlines()]
    for f in findings:
        where = ""
        if len(f.names) > 3:
            where = f" in {len(f.names)} files ({', '.join(f.names[:3])}, …)"
        elif f.names:
            where = f" in {', '.join(f.names)}"
        lines.append(f"  # {f.kind}, {f.count}x{where}: {_snippet(f.context, f.text)}")
        block = yaml.safe_dump([f.entry()], sort_keys=False, allow_unicode=True, width=100)
        lines.extend("  " + line for line in block.splitlines())
    return "\n".join(lines) + "\n"


def _snippet(context: str, text: str, width: int = 40) -> str:
    at = context.find(text)
    if at < 0:
        return context[: 2 * width]
    start, end = max(0, at - width), min(len(context), at + len(text) + width)
    return ("…" if start else "") + context[start:end] + ("…" if end < len(context) else "")
