"""German sentence splitting and rejoining (pure functions).

pysbd (German rules) finds the sentence boundaries. Its output is then mapped back onto the
input character by character, so no character can be lost or altered. pysbd reads every
"<number>. Xyz" as an ordinal, so a cut is added where an article or pronoun follows the
number ("Artikel 3. | Die Truppen ..."); and a few boundaries it gets wrong in news text are
merged again:

- a piece that does not end with sentence-final punctuation (pysbd cuts before list-like
  numbers: "Das war am | 6. Mai."),
- a piece followed by one that starts lowercase or with a comma-like mark (German sentences
  start uppercase; "„Sind Sie bereit?“ | , fragte er."),
- a piece ending with an ordinal before a month or after an article ("am 6. | Mai",
  "des 6. | Regiments"),
- a piece ending with an abbreviation that does not end sentences ("Oberst a. D. | Müller",
  "am Mo. | 31. Jan. | 2025"),
- a short bracketed note after a sentence ("Der Hund ___ im Garten. | (spielen)").

What ends a sentence and the month names are the layout's own (``translator.text.rules``),
so a block and its sentences end at the same marks.
"""

from __future__ import annotations

import re
from typing import Any

from .rules import MONTHS, ends_sentence

__all__ = ["collapse", "join_sentences", "split_sentences"]

#: Marks that cannot start a sentence: a piece starting with one continues the previous.
_CONTINUATION_START = re.compile(r"^[,;:)\]–—-]|^[^\W\d_]")

_STARTS_WITH_MONTH = re.compile(rf"^(?:{MONTHS})\b")

#: Words after which "<number>." is an ordinal ("des 6. Regiments", "am 20. März").
_ORDINAL_CONTEXT = (
    "der|die|das|des|dem|den|am|im|vom|zum|zur|beim|bis|ab|seit|ihr|ihre|ihres|ihrem|ihren|"
    "sein|seine|seines|seinem|seinen|dieser|diese|dieses|diesem|diesen|jeder|jede|jedes"
)
_ENDS_WITH_ORDINAL = re.compile(rf"(?:^|\s)(?:(?:{_ORDINAL_CONTEXT})\s+)?(\d{{1,3}})\.$", re.I)
_ORDINAL_AFTER_ARTICLE = re.compile(rf"(?:^|\s)(?:{_ORDINAL_CONTEXT})\s+\d{{1,3}}\.$", re.I)

#: "<number>. " before a capitalised word that cannot follow an ordinal (the space is cut):
#: articles, pronouns, adverbs and conjunctions that start sentences ("in Saal 3. Dort").
_NUMBER_THEN_NEW_SENTENCE = re.compile(
    r"(?<=\d\.) (?=(?:Die|Der|Das|Dies|Diese|Dieser|Dieses|Ein|Eine|Er|Sie|Es|Wir|Ich|Man|"
    r"Du|Ihr|Ihre|Sein|Seine|Unser|Unsere|Dessen|Deren|Jemand|Niemand|"
    r"Dann|Danach|Doch|Aber|Und|Auch|Zudem|Außerdem|Damit|Daher|Deshalb|Trotzdem|Laut|Im|Am|"
    r"Nach|Seit|Wie|Was|Wer|Wo|Warum|Wann|Dort|Hier|Da|Heute|Gestern|Jetzt|Nun|Damals|"
    r"Später|Zuvor|Inzwischen|Dabei|Darauf|Daraufhin|Dennoch|Jedoch|Allerdings|Schließlich|"
    r"Anschließend|Seitdem|Bisher|Bislang|Stattdessen|Immerhin|Offenbar)\b)"
)
#: A short bracketed note without a sentence in it, after a sentence: "(spielen)", "(dpa)".
_ANNOTATION = re.compile(r"^\([^().!?]{1,40}\)$")
#: A numbered list item's number ("3." in "3. Die Truppen ..."): not a sentence of its own.
_LIST_NUMBER = re.compile(r"^\(?\d{1,3}[.)]$")

#: Abbreviations that (practically) never end a German sentence.
_NON_FINAL_ABBREVIATIONS = (
    r"z\.\s?B|d\.\s?h|u\.\s?a|a\.\s?D|o\.\s?ä|s\.\s?o|s\.\s?u|i\.\s?d\.\s?R|Nr|Dr|Prof|Hr|Fr|St|"
    r"ca|bzw|vgl|ggf|evtl|inkl|exkl|sog|Gen|Oberstlt|Maj|Hptm|Lt|"
    r"Mo|Di|Mi|Do|Sa|So|Jan|Feb|Mär|Apr|Jun|Jul|Aug|Sep|Sept|Okt|Nov|Dez"
)
_ENDS_WITH_ABBREVIATION = re.compile(rf"(?:^|[\s(„\"])(?:{_NON_FINAL_ABBREVIATIONS})\.$")
#: Abbreviations that are words too ("eine neue Art."): not final only before a number.
_ENDS_WITH_ABBREVIATION_BEFORE_NUMBER = re.compile(r"(?:^|[\s(„\"])(?:Art|Abs|Kap|Bd|Ziff)\.$")


#: Characters of text given to pysbd at once (see ``_spans``).
WINDOW = 1500


def _segmenter() -> Any:
    # A new one each call: pysbd's Segmenter keeps the text being split in an attribute
    # (``original_text``), so threads sharing one get each other's sentences. Building one
    # costs microseconds; pysbd is imported on first use, not at import (it compiles many
    # regexes).
    import pysbd

    return pysbd.Segmenter(language="de", clean=False)


def collapse(text: str) -> str:
    """``text`` with every run of whitespace turned into one space, stripped."""
    return " ".join(text.split())


def split_sentences(text: str) -> list[str]:
    """Split German text into sentences.

    Whitespace runs become single spaces; ``" ".join(split_sentences(t)) == collapse(t)``
    holds for every input (no character is lost). Empty or blank text gives ``[]``.
    """
    flat = collapse(text)
    if not flat:
        return []
    return _merge(flat, _split_after_numbers(flat, _spans(flat)))


def join_sentences(sentences: list[str]) -> str:
    """Rejoin sentences (e.g. translations) into one paragraph."""
    return " ".join(s.strip() for s in sentences if s.strip())


def _spans(flat: str) -> list[tuple[int, int]]:
    """pysbd's sentence spans of ``flat``, computed window by window.

    pysbd's run time grows faster than linearly with the text (a 40 kB paragraph takes
    seconds), so long text goes through in windows of WINDOW characters; each window's last
    sentence may be cut off by the window, so the next window starts where it starts. A
    sentence longer than a window is cut at a space and glued back by ``_merge``.
    """
    segment = _segmenter().segment
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(flat):
        end = len(flat) if len(flat) - start <= WINDOW else flat.rfind(" ", start, start + WINDOW)
        if end <= start:
            end = min(len(flat), start + WINDOW)
        text = flat[start:end]
        window = [(a + start, b + start) for a, b in _align(text, segment(text))]
        if end == len(flat) or len(window) < 2:
            spans.extend(window)
            start = end
        else:
            spans.extend(window[:-1])
            start = window[-1][0]
        while start < len(flat) and flat[start] == " ":
            start += 1
    return spans


def _split_after_numbers(flat: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut after "<number>." where a word follows that no ordinal can precede.

    pysbd reads every "3. Xyz" as an ordinal ("des 6. Regiments"), so "Artikel 3. Die
    Truppen sind hier." stays one sentence; an article or pronoun after the number shows
    that the number ended the sentence.
    """
    out: list[tuple[int, int]] = []
    for start, end in spans:
        for match in _NUMBER_THEN_NEW_SENTENCE.finditer(flat, start, end):
            if _LIST_NUMBER.match(flat[start : match.start()]):
                continue  # "3. Die Truppen ...": a numbered list item, one sentence
            out.append((start, match.start()))
            start = match.end()
        out.append((start, end))
    return out


def _align(flat: str, segments: list[str]) -> list[tuple[int, int]]:
    """Spans of ``flat`` where pysbd's segments lie, matched character by character.

    pysbd is only trusted for *where* to cut: the sentences are slices of ``flat``, so
    nothing it might drop or alter can reach the output. If a segment does not match, the
    rest of the text stays one span.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for segment in segments:
        core = segment.strip()
        if not core:
            continue
        while pos < len(flat) and flat[pos] == " ":
            pos += 1
        if not flat.startswith(core, pos):
            break
        spans.append((pos, pos + len(core)))
        pos += len(core)
    while pos < len(flat) and flat[pos] == " ":
        pos += 1
    if pos < len(flat):
        spans.append((pos, len(flat)))
    return spans


def _merge(flat: str, spans: list[tuple[int, int]]) -> list[str]:
    """Glue together the spans that pysbd should not have cut apart.

    A cut is only kept where a space separates the spans (so that joining the sentences
    with spaces gives back the text) and where the next span starts a new sentence.
    """
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged:
            prev_start, prev_end = merged[-1]
            if prev_end == start or _continues(flat[prev_start:prev_end], flat[start:end]):
                merged[-1] = (prev_start, end)
                continue
        merged.append((start, end))
    return [flat[start:end] for start, end in merged]


def _continues(previous: str, piece: str) -> bool:
    """Whether ``piece`` continues the sentence ``previous`` rather than starting a new one."""
    if not ends_sentence(previous) or _LIST_NUMBER.match(previous):
        return True
    if _ANNOTATION.match(piece):
        return True  # "Der Hund ___ im Garten. (spielen)": a note on the sentence before
    if _CONTINUATION_START.match(piece) and not piece[0].isupper():
        return True
    if _ENDS_WITH_ABBREVIATION.search(previous):
        return True
    if _ENDS_WITH_ABBREVIATION_BEFORE_NUMBER.search(previous) and piece[0].isdigit():
        return True
    if _ENDS_WITH_ORDINAL.search(previous) and (
        _STARTS_WITH_MONTH.match(piece) or _ORDINAL_AFTER_ARTICLE.search(previous)
    ):
        return True
    return False
