"""Inline formatting (bold, italic, links, inline code) carried from a source block into its
translation.

Readers collect a block's text piece by piece with :class:`InlineText`, which normalises and
collapses whitespace exactly as the pipeline does, and records each formatted stretch as a
:class:`Span` over the final text. After translation, :func:`place` finds where each span
belongs in the English paragraph:

- a span that covers whole sentences wraps their translations (final punctuation included
  or not, as in the source);
- a span inside one sentence (a term, a name, a number, a piece of code) is looked up in
  that sentence's translation: its own text (names, numbers and code come through as
  written), or the glossary rendering of a term it contains;
- anything else cannot be placed. Writers keep what matters of it (a link's URL, a piece of
  code) next to the sentence and drop only emphasis, logging a warning.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from ..result import ParagraphResult, SentenceResult
from ..text.normalise import join_soft_breaks, normalise

log = logging.getLogger("translator")

_SPACE = re.compile(r"\s+")
_TRAILING_PUNCT = re.compile(r"[.!?…:;,\"'“”»«‘’)\]]+$")
#: Longest formatted piece (in words) translated on its own to be found again.
MAX_PHRASE_WORDS = 6
#: Span kinds never translated (code, autolinks) or without text (images, fields).
UNTRANSLATED_SPANS = frozenset({"verbatim", "atom"})


@dataclass(frozen=True)
class Span:
    """A formatted stretch ``[start, end)`` of a block's text. ``kind`` is the writer's
    (``bold``, ``italic``, ``link``, ``code``, ``atom`` ...); ``data`` its payload (a URL,
    run properties, the markup of an image). An ``atom`` has no text (start == end): it is
    put back at the same place (the paragraph's start, or after its sentence)."""

    start: int
    end: int
    kind: str
    data: Any = None


@dataclass(frozen=True)
class Placed:
    """Where a span went in the translation: ``[start, end)`` of the paragraph's target.
    ``appended``: it could not be placed (or is an atom inside a sentence) and its writer
    adds it after position ``start``, the end of its sentence; an atom that is not appended
    goes before ``start``."""

    start: int
    end: int
    span: Span
    appended: bool = False


class InlineText:
    """Builds a block's text from pieces: NFC, invisible characters dropped, whitespace runs
    collapsed to one space, no leading/trailing space; spans in the final coordinates."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._space = True  # the text so far ends in a space (or is empty)
        self._open: dict[object, tuple[int, str, Any]] = {}
        self.spans: list[Span] = []

    def add(self, text: str) -> None:
        text = _SPACE.sub(" ", join_soft_breaks(normalise(text)))
        if self._space:
            text = text.lstrip(" ")
        if not text:
            return
        self._parts.append(text)
        self._length += len(text)
        self._space = text.endswith(" ")

    def open(self, key: object, kind: str, data: Any = None) -> None:
        self._open[key] = (self._position(), kind, data)

    def close(self, key: object) -> None:
        if key not in self._open:
            return
        start, kind, data = self._open.pop(key)
        end = self._length - (1 if self._space and self._length else 0)
        if end > start:
            self.spans.append(Span(start, end, kind, data))

    def atom(self, kind: str, data: Any) -> None:
        position = self._position()
        self.spans.append(Span(position, position, kind, data))

    def _position(self) -> int:
        return self._length

    def result(self) -> tuple[str, list[Span]]:
        text = "".join(self._parts)
        stripped = text.rstrip(" ")
        spans = []
        for span in self.spans:
            start, end = min(span.start, len(stripped)), min(span.end, len(stripped))
            while start < end and stripped[start] == " ":
                start += 1
            if span.start == span.end:
                spans.append(Span(start, start, span.kind, span.data))
            elif end > start:
                spans.append(Span(start, end, span.kind, span.data))
        return stripped, sorted(spans, key=lambda s: (s.start, -s.end))


def phrases(text: str, spans: list[Span]) -> list[str]:
    """The texts of ``spans`` worth translating on their own (see ``Document.phrases``):
    formatting and links, not code or atoms, at most MAX_PHRASE_WORDS words."""
    out = []
    for span in spans:
        piece = text[span.start : span.end]
        if span.kind not in UNTRANSLATED_SPANS and 0 < len(piece.split()) <= MAX_PHRASE_WORDS:
            out.append(piece)
    return out


def place(
    paragraph: ParagraphResult,
    spans: list[Span],
    translations: dict[str, str] | None = None,
    *,
    anchor_atoms: bool = False,
) -> list[Placed]:
    """Where each span of the source block goes in ``paragraph.target`` (see module doc).
    ``translations``: phrases translated on their own (``TranslationResult.phrases``).
    ``anchor_atoms``: an atom inside a sentence goes next to the word it preceded or
    followed, when that word is in the translation once (else after its sentence)."""
    if not spans:
        return []
    sentences = paragraph.sentences
    if not sentences:  # verbatim (code) or empty: the target is the source
        return [Placed(s.start, s.end, s) for s in spans]
    sources = _offsets([s.source for s in sentences])
    if " ".join(s.source for s in sentences) != paragraph.source:
        log.warning("inline formatting not kept: the sentences do not rebuild the paragraph")
        return [Placed(len(paragraph.target), len(paragraph.target), s, True) for s in spans]
    targets = _offsets([s.target for s in sentences], skip_empty=True)
    placed: list[Placed] = []
    for span in spans:
        placed.append(
            _place_one(span, sentences, sources, targets, placed, translations or {}, anchor_atoms)
        )
    return placed


def _offsets(texts: list[str], *, skip_empty: bool = False) -> list[tuple[int, int]]:
    out, pos = [], 0
    for text in texts:
        if skip_empty and not text:
            out.append((pos, pos))
            continue
        out.append((pos, pos + len(text)))
        pos += len(text) + 1
    return out


def _place_one(
    span: Span,
    sentences: list[SentenceResult],
    sources: list[tuple[int, int]],
    targets: list[tuple[int, int]],
    taken: list[Placed],
    translations: dict[str, str],
    anchor_atoms: bool = False,
) -> Placed:
    first = next(i for i, (a, b) in enumerate(sources) if span.start <= b)
    last = next(
        (i for i, (a, b) in enumerate(sources) if span.end <= b), len(sources) - 1
    )
    if span.start == span.end:  # an atom: before its sentence if it starts it, else after
        if span.start <= sources[first][0]:
            return Placed(targets[first][0], targets[first][0], span)
        at = _anchor(span.start - sources[first][0], sentences[first]) if anchor_atoms else None
        if at is not None:
            return Placed(targets[first][0] + at, targets[first][0] + at, span)
        return Placed(targets[first][1], targets[first][1], span, appended=True)
    src_start = sources[first][0]
    source_first = sentences[first].source
    lead = span.start - src_start
    if lead >= 0 and not source_first[:lead].strip("„“\"'»«‚‘( "):
        tail = sentences[last].source[span.end - sources[last][0] :]
        if not tail.strip() or _TRAILING_PUNCT.fullmatch(tail.strip()):
            # Whole sentences: wrap their translations, leaving out the final punctuation
            # if the source span left it out.
            t_start, t_end = targets[first][0], targets[last][1]
            if tail.strip():
                target_last = sentences[last].target
                trailing = _TRAILING_PUNCT.search(target_last)
                if trailing:
                    t_end -= len(trailing.group(0))
            if lead:  # the source span left out an opening quote or bracket: so does this
                lead_target = sentences[first].target
                t_start += len(lead_target) - len(lead_target.lstrip("„“\"'»«‚‘( "))
            if t_end > t_start:
                return Placed(t_start, t_end, span)
    if first == last:
        found = _find(span, sentences[first], targets[first][0], src_start, taken, translations)
        if found is not None:
            return Placed(found[0], found[1], span)
    end_of_sentence = targets[first][1]
    return Placed(end_of_sentence, end_of_sentence, span, appended=True)


def _find(
    span: Span,
    sentence: SentenceResult,
    offset: int,
    src_start: int,
    taken: list[Placed],
    translations: dict[str, str],
) -> tuple[int, int] | None:
    """The span's text, its glossary rendering or its own translation in the sentence's
    translation."""
    text = sentence.source[span.start - src_start : span.end - src_start]
    candidates = [text, unicodedata.normalize("NFKC", text)]
    for hit in sentence.terms:
        if hit.source and (hit.source in text or text in hit.source):
            candidates.append(hit.expected)
    alone = translations.get(text, "").strip()
    if alone:
        candidates += [alone, alone.rstrip(".!?…")]
    target = sentence.target
    busy = [(p.start, p.end) for p in taken if not p.appended and p.span.kind == span.kind]
    for candidate in candidates:
        if not candidate:
            continue
        for flags in (0, re.IGNORECASE):
            for match in re.finditer(re.escape(candidate), target, flags):
                a, b = offset + match.start(), offset + match.end()
                if not any(_clash(a, b, s, e) for s, e in busy):
                    return a, b
    return None


def _clash(a: int, b: int, s: int, e: int) -> bool:
    """Whether [a, b) overlaps [s, e) other than strictly inside or around it (a span of
    the same kind may nest in another, as in ``_a _b_ c_``, but not take its very place)."""
    if not (a < e and s < b):
        return False
    if (a, b) == (s, e):
        return True
    return not ((s <= a and b <= e) or (a <= s and e <= b))


_WORD = re.compile(r"\S+")


def _anchor(at: int, sentence: SentenceResult) -> int | None:
    """Where in the sentence's translation an atom (inline HTML, a line break) found at
    ``at`` of its source goes: before the source word that follows it, or after the one that
    precedes it, if that word is in the translation once (names, numbers, code, copies)."""
    source, target = sentence.source, sentence.target
    after = _WORD.match(source, at)
    before = list(_WORD.finditer(source[:at]))
    if after is not None and target.count(after.group(0)) == 1:
        return target.index(after.group(0))
    if before and target.count(before[-1].group(0)) == 1:
        word = before[-1].group(0)
        return target.index(word) + len(word)
    return None


def segments(text: str, placed: list[Placed]) -> list[tuple[str, list[Span]]]:
    """``text`` cut at every placed span's edges: (piece, spans covering it, outermost
    first). Appended spans and atoms are not included (writers add them themselves)."""
    ranges = [p for p in placed if not p.appended and p.end > p.start]
    cuts = sorted({0, len(text), *(p.start for p in ranges), *(p.end for p in ranges)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [p for p in ranges if p.start <= a and b <= p.end]
        covering.sort(key=lambda p: (p.start, -p.end))
        out.append((text[a:b], [p.span for p in covering]))
    return out


def nests(a: Placed, b: Placed) -> bool:
    """Whether placed span ``a`` can be written beside ``b`` as markup: apart, or one inside
    the other (nothing inside verbatim code)."""
    return a.end <= b.start or b.end <= a.start or (
        b.start <= a.start and a.end <= b.end and b.span.kind != "verbatim"
    ) or (a.start <= b.start and b.end <= a.end)


def markup(
    target: str,
    ranges: list[Placed],
    extras: dict[int, list[str]],
    opener: Callable[[Span], str],
    closer: Callable[[Span], str],
    escape: Callable[[str], str],
) -> str:
    """``target`` written with its placed ``ranges`` (which nest, see ``nests``) opened and
    closed by ``opener``/``closer``, the markup in ``extras`` inserted at its positions and
    the text between escaped. A ``verbatim`` span is written as its data, text and all."""
    opens: dict[int, list[Placed]] = {}
    closes: dict[int, list[Placed]] = {}
    # Spans over the same text nest as in the source, where the inner one closed (and was
    # recorded) first: open the later one first, close the earlier one first.
    order = {id(p): i for i, p in enumerate(ranges)}
    for p in ranges:
        opens.setdefault(p.start, []).append(p)
        closes.setdefault(p.end, []).append(p)
    cuts = sorted({0, len(target), *opens, *closes, *extras})
    out: list[str] = []
    verbatim_until = -1
    for at, following in zip(cuts, [*cuts[1:], len(target)], strict=True):
        for p in sorted(closes.get(at, []), key=lambda p: (-p.start, order[id(p)])):
            out.append(closer(p.span))
        out.extend(extras.get(at, []))
        for p in sorted(opens.get(at, []), key=lambda p: (-p.end, -order[id(p)])):
            if p.span.kind == "verbatim":
                out.append(p.span.data)
                verbatim_until = max(verbatim_until, p.end)
            elif at >= verbatim_until:
                out.append(opener(p.span))
        if at >= verbatim_until:
            out.append(escape(target[at:following]))
    return "".join(out)


#: Where a writer's losses are counted (``collect_losses``); None outside of it.
_LOSSES: ContextVar[dict[str, int] | None] = ContextVar("translator_losses", default=None)


@contextmanager
def collect_losses() -> Iterator[dict[str, int]]:
    """Count what the writers called inside drop or move (``lost``): kind -> count."""
    counts: dict[str, int] = {}
    token = _LOSSES.set(counts)
    try:
        yield counts
    finally:
        _LOSSES.reset(token)


def lost(name: str | None, index: int, what: str, fate: str) -> None:
    """Say that ``what`` (a link, emphasis ...) could not be placed in paragraph ``index``
    and what became of it: logged, and counted
    as ``dropped_formatting`` (``fate`` "dropped") or ``moved_markup`` (added after its
    sentence) where ``collect_losses`` collects."""
    where = f"{name}: " if name else ""
    log.warning("%s¶%d: %s not found in the translation; %s", where, index + 1, what, fate)
    counts = _LOSSES.get()
    if counts is not None:
        kind = "dropped_formatting" if fate == "dropped" else "moved_markup"
        counts[kind] = counts.get(kind, 0) + 1
