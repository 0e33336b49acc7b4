"""What `translate` tells a person on stderr once the output is written.

By default one line per kind of problem (QA flag code, missed glossary terms) with how many
sentences and where, one line of what reading or writing dropped or changed (the document's
``losses``, when any), then one closing line: what was written, sentences, terms, flags. ``-v``
lists every flag instead of the kinds; ``-q`` keeps only the error lines. Every message is
one line (the console never hard-wraps, see ``common.stderr_console``), so a log or grep sees
whole messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..result import Flag, TermHit, TranslationResult

#: What a flag code means, said of the sentences that carry it ("… in 12 sentences").
KINDS = {
    "untranslated": "German left untranslated",
    "name-form": "German spelling of a name",
    "number-missing": "a number of the source missing",
    "number-extra": "a number the source does not have",
    "repetition": "runaway repetition",
    "length-ratio": "translation much shorter or longer than its source",
    "kept-source": "kept in German (the model returned nothing)",
    "lost-content": "kept in German (the translation lost content, twice)",
    "term-missed": "glossary term missed",
}
#: Places shown per kind before "…".
SHOWN = 4
_RANK = {"error": 0, "warning": 1, "info": 2}
_COLOUR = {"error": "red", "warning": "yellow", "info": "blue"}


@dataclass
class Kind:
    """One kind of problem: its worst severity and the sentences (¶p.s) that have it."""

    code: str
    severity: str
    where: list[str]

    @property
    def line(self) -> str:
        n = len(self.where)
        places = ", ".join(self.where[:SHOWN]) + (", …" if n > SHOWN else "")
        what = KINDS.get(self.code, self.code)
        hint = "--terms" if self.code == "term-missed" else "-v or --format review"
        return f"{what} in {n} sentence{'s' * (n != 1)} ({places}; see {hint})"


def _where(p: int, s: int) -> str:
    return f"¶{p + 1}.{s + 1}"


def _flags(result: TranslationResult) -> Iterable[tuple[str, Flag]]:
    for p, paragraph in enumerate(result.paragraphs):
        for s, sentence in enumerate(paragraph.sentences):
            for flag in sentence.flags:
                yield _where(p, s), flag


def kinds(result: TranslationResult) -> list[Kind]:
    """The kinds of open problem (flags not fixed, info aside; missed terms), worst first."""
    found: dict[str, Kind] = {}
    for where, flag in _flags(result):
        if flag.severity == "info" or flag.fixed:
            continue
        kind = found.setdefault(flag.code, Kind(flag.code, flag.severity, []))
        if _RANK[flag.severity] < _RANK[kind.severity]:
            kind.severity = flag.severity
        if where not in kind.where:
            kind.where.append(where)
    for term in result.missed_terms:
        kind = found.setdefault("term-missed", Kind("term-missed", "warning", []))
        place = _where(term.paragraph, term.sentence)
        if place not in kind.where:
            kind.where.append(place)
    return sorted(found.values(), key=lambda k: (_RANK[k.severity], -len(k.where)))


def every_flag(result: TranslationResult) -> list[tuple[str, str]]:
    """(severity, line) for each flag and missed term, in document order (``-v``)."""
    lines: list[tuple[str, str]] = []
    for where, flag in _flags(result):
        label = "fixed" if flag.fixed else flag.severity
        lines.append((flag.severity, f"{where} {label} {flag.code}: {flag.message}"))
    for term in result.missed_terms:
        lines.append(("warning", _missed(term)))
    return lines


def _missed(term: TermHit) -> str:
    return (
        f"{_where(term.paragraph, term.sentence)} warning term-missed: {term.source!r} should "
        f"read {term.expected!r}"
    )


#: What a loss kind means, said in the losses line; a kind not listed is said as its name.
LOSSES = {
    "page_furniture": "page furniture (running headers, page numbers)",
    "control_characters": "control characters",
    "docx_comments": "comments (not translated)",
    "moved_markup": "links or code moved after their sentence",
    "dropped_formatting": "emphasis dropped",
}


def losses_line(losses: dict[str, int] | None, see: str = "JSON: metadata.losses") -> str | None:
    """``dropped or changed on the way: 3 page furniture (...), 2 comments (...) (see)``,
    or None when nothing was lost."""
    if not losses:
        return None
    parts = [
        f"{count} {LOSSES.get(kind, kind.replace('_', ' '))}"
        for kind, count in sorted(losses.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return f"dropped or changed on the way: {', '.join(parts)} ({see})"


def closing_line(result: TranslationResult, *, written: str, fmt: str) -> str:
    """``wrote a.en.txt (text): 35 sentences (12 from memory); terms: …; flags: …``."""
    stats = result.stats
    sentences = len(result.sentences)
    cached = int(stats.get("cached", 0) or 0)
    memory = f" ({cached} from memory)" if cached else ""
    terms = {s: sum(t.status == s for t in result.terms) for s in ("applied", "repaired",
                                                                    "missed")}  # fmt: skip
    flags = result.flags
    errors = sum(f.severity == "error" and not f.fixed for f in flags)
    warnings = sum(f.severity == "warning" and not f.fixed for f in flags)
    fixed = sum(f.fixed for f in flags)
    return (
        f"wrote {written} ({fmt}): {sentences} sentence{'s' * (sentences != 1)}{memory}; "
        f"terms: {terms['applied']} applied, {terms['repaired']} repaired, "
        f"{terms['missed']} missed; flags: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}, {fixed} fixed"
    )


def print_report(
    console: Console,
    result: TranslationResult,
    *,
    written: str,
    fmt: str,
    verbose: bool = False,
    quiet: bool = False,
) -> None:
    """The problem lines and the closing line (see the module's docstring)."""
    from rich.markup import escape

    if verbose and not quiet:
        for severity, line in every_flag(result):
            colour = _COLOUR.get(severity, "white")
            head, _, rest = line.partition(" ")
            console.print(f"{escape(head)} [{colour}]{escape(rest)}[/]")
    else:
        for kind in kinds(result):
            if quiet and kind.severity != "error":
                continue
            colour = _COLOUR[kind.severity]
            console.print(f"[{colour}]{kind.severity}[/]: {escape(kind.line)}")
    if not quiet:
        lost = losses_line(result.metadata.get("losses"))
        if lost:
            console.print(f"[yellow]warning[/]: {escape(lost)}")
        console.print(escape(closing_line(result, written=written, fmt=fmt)))
