"""The result objects of a translation. The JSON output is `TranslationResult.to_dict()`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["info", "warning", "error"]
#: ``suggested``: a suggest entry whose rendering is not in the output (not a miss).
#: ``transliterated``: not a glossary term but a Slavic personal name in German spelling that
#: `translator.glossary.names` rewrote into English-news spelling (and found in the output).
TermStatus = Literal["applied", "repaired", "missed", "suggested", "transliterated"]

#: Version of the JSON layout produced by `TranslationResult.to_dict()`. 2 added the input
#: ``format``, the document's ``metadata`` and each paragraph's ``origin``.
SCHEMA_VERSION = 2

#: Block kinds passed through untranslated (code blocks): their target is their source.
VERBATIM_KINDS = frozenset({"code"})


@dataclass
class Flag:
    """Something an editor should look at (or that the tool fixed) in one sentence.

    `code` is stable and machine-readable (e.g. ``empty-output``, ``kept-source``,
    ``split-long``, ``number-missing``, ``repetition``, ``untranslated``).
    """

    code: str
    message: str
    severity: Severity = "warning"
    fixed: bool = False


def unique_flags(flags: list[Flag]) -> list[Flag]:
    """``flags`` with each repeated flag once, in first-seen order. A flag raised n times (the
    same number missing twice, the same slip fixed twice) says so: ``… (2×)``."""
    counts: dict[tuple[str, str, Severity, bool], int] = {}
    for f in flags:
        key = (f.code, f.message, f.severity, f.fixed)
        counts[key] = counts.get(key, 0) + 1
    return [
        Flag(code, message if n == 1 else f"{message} ({n}×)", severity, fixed)
        for (code, message, severity, fixed), n in counts.items()
    ]


@dataclass
class TermHit:
    """One glossary term matched in a source sentence and what became of it in the output."""

    entry: str  # the glossary entry's canonical source form
    source: str  # the form as it occurred in the source sentence
    expected: str  # the English rendering the glossary requires
    status: TermStatus
    category: str = "term"
    paragraph: int = -1  # filled in by the pipeline (0-based)
    sentence: int = -1  # index within the paragraph (0-based)


@dataclass
class SentenceResult:
    source: str
    target: str
    flags: list[Flag] = field(default_factory=list)
    terms: list[TermHit] = field(default_factory=list)
    cached: bool = False


@dataclass
class ParagraphResult:
    """One block of the document (``kind``: see ``translator.text.block.Block``).

    ``origin`` says where it came from in the original file (PDF page and bounding box, DOCX
    paragraph index and style, HTML element, Markdown line); None for plain text.
    """

    kind: str
    source: str
    sentences: list[SentenceResult]
    origin: dict[str, Any] | None = None

    @property
    def target(self) -> str:
        if self.kind in VERBATIM_KINDS:
            return self.source
        return " ".join(s.target for s in self.sentences if s.target)


@dataclass
class TranslationResult:
    paragraphs: list[ParagraphResult]
    signature: dict[str, Any]
    name: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    #: The input's format (text, markdown, html, docx, pdf) and what it says about itself
    #: (title, date, author, URL, front matter).
    format: str = "text"
    metadata: dict[str, Any] = field(default_factory=dict)
    #: The document's formatted phrases and their translations on their own (see
    #: ``translator.formats.Document.phrases``); for writers, not part of the JSON.
    phrases: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def sentences(self) -> list[SentenceResult]:
        return [s for p in self.paragraphs for s in p.sentences]

    @property
    def terms(self) -> list[TermHit]:
        return [t for s in self.sentences for t in s.terms]

    @property
    def flags(self) -> list[Flag]:
        return [f for s in self.sentences for f in s.flags]

    @property
    def missed_terms(self) -> list[TermHit]:
        return [t for t in self.terms if t.status == "missed"]

    @property
    def target(self) -> str:
        return "\n\n".join(p.target for p in self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON layout (see README, "JSON output")."""
        return {
            "schema": SCHEMA_VERSION,
            "name": self.name,
            "format": self.format,
            "metadata": self.metadata,
            "signature": self.signature,
            "paragraphs": [
                {
                    "kind": p.kind,
                    "origin": p.origin,
                    "source": p.source,
                    "target": p.target,
                    "sentences": [asdict(s) for s in p.sentences],
                }
                for p in self.paragraphs
            ],
            "terms": [asdict(t) for t in self.terms],
            "stats": self.stats,
        }
