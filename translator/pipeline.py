"""document -> blocks -> sentences -> glossary -> engine -> glossary/QA -> result.

The pipeline pools the sentences of one or many documents, sends each distinct sentence to
the engine once (sorted by length, in chunks, skipping what the translation memory already
holds), and never loses a sentence: an empty translation is retried, and if it stays empty the
source sentence is kept and flagged. Nor part of one: a translation whose length is implausible
for its source (``engine.lengths``: content lost, or runaway output) is retried once, and if it
stays so the source sentence is kept and flagged ``lost-content`` (an error); the MarianMT
engines run the same check on every piece of a split sentence (``engine.base``) and report it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Protocol

from .engine import Engine, engine_signature
from .engine.lengths import check_enabled, length_problem
from .errors import InputError
from .options import Limits
from .result import (
    VERBATIM_KINDS,
    Flag,
    ParagraphResult,
    SentenceResult,
    TermHit,
    TranslationResult,
    unique_flags,
)
from .signature import memory_namespace, qa_namespace, signature
from .text.block import Block
from .text.layout import rebuild
from .text.segment import split_sentences

if TYPE_CHECKING:
    from .formats import Document

log = logging.getLogger("translator")

#: Block kinds that are translated as one unit, never split into sentences: short lines
#: without a sentence structure. Every other kind (paragraph, list-item, quote, table-cell,
#: caption, footnote, header, footer) is split; ``VERBATIM_KINDS`` (code) are not translated.
UNSPLIT_KINDS = frozenset({"date", "label", "title", "heading"})
#: How a retry reason of the lost-content check starts.
LOST = "lost-content check"


class Prepared(Protocol):
    """What a glossary makes of a source sentence: ``text`` is what the engine sees."""

    text: str


class TermGlossary(Protocol):
    """The pipeline's view of a glossary (see ``translator.glossary.Glossary``)."""

    @property
    def version(self) -> str: ...

    def prepare(self, sentence: str) -> Prepared: ...

    def finalize(self, prepared: Any, target: str) -> tuple[str, list[TermHit]]: ...


class Checker(Protocol):
    """The pipeline's view of the QA checks (see ``translator.qa``)."""

    def needs_retry(self, source: str, target: str) -> bool: ...

    def check(self, source: str, target: str) -> tuple[str, list[Flag]]: ...


class Memory(Protocol):
    """The pipeline's view of the translation memory (see ``translator.cache``)."""

    def lookup(self, namespace: str, sources: Sequence[str]) -> dict[str, str]: ...

    def store(self, namespace: str, pairs: Sequence[tuple[str, str]]) -> None: ...


@dataclass
class Unit:
    """One sentence on its way through the pipeline: its ``source`` text, what the glossary
    made of it (``prepared``; None without a glossary) and ``engine_input``, what the engine
    is asked (and the translation memory's key). After translation ``raw`` is the engine's
    output (before the glossary and QA), ``flags`` what happened on the way and ``cached``
    whether it came from the memory."""

    source: str
    prepared: Any  # the glossary's Prepared object, or None
    engine_input: str
    raw: str = ""  # the engine's output (before glossary/QA)
    flags: list[Flag] = field(default_factory=list)
    cached: bool = False


@dataclass
class Job:
    """A prepared document: its blocks and, per block, its sentence units.

    ``document`` is the Document it was read from (None for text given as a string); writers
    that keep the original's structure need it.
    """

    name: str | None
    blocks: list[Block]
    units: list[list[Unit]]
    document: Document | None = None
    phrases: list[Unit] = field(default_factory=list)

    @property
    def sentences(self) -> int:
        """How many sentence units the job holds (phrases not counted)."""
        return sum(len(units) for units in self.units)

    def engine_inputs(self) -> list[str]:
        """What the engine will be asked for this job's sentences (the memory's keys), each
        once, in order of appearance."""
        return list(dict.fromkeys(u.engine_input for units in self.units for u in units))


Progress = Callable[[int], None]
#: The ``memory=`` argument of the translating calls: a memory for this call only, None for
#: none, ``...`` (the default) for the pipeline's own (``Pipeline.memory``).
MemoryChoice = Memory | None | EllipsisType


class Pipeline:
    """Translate documents with one engine, an optional glossary, QA checker and memory.

    ``chunk_size`` is how many distinct sentences go to the engine per call (the engine
    batches inside a call); it is also the granularity of progress reports.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        glossary: TermGlossary | None = None,
        checker: Checker | None = None,
        memory: Memory | None = None,
        chunk_size: int = 64,
        max_sentences: int | None = None,
    ) -> None:
        self.engine = engine
        self.glossary = glossary
        self.checker = checker
        self.memory = memory
        self.chunk_size = max(1, chunk_size)
        #: Sentences one document may hold (``Options.max_sentences``); None: no limit.
        self.max_sentences = max_sentences

    # -- signature -------------------------------------------------------------------------

    @property
    def signature(self) -> dict[str, Any]:
        """What produced the output: model, revision, backend, options, glossary, version."""
        return signature(
            engine_signature(self.engine),
            glossary=self.glossary.version if self.glossary is not None else None,
            qa=self.checker is not None,
        )

    def memory_namespace(self) -> str:
        """Translation-memory key prefix: everything that changes a translation (derived in
        ``translator.signature.memory_namespace``, as every runner derives it)."""
        return memory_namespace(self.signature)

    # -- preparation -----------------------------------------------------------------------

    def prepare(self, text: str, *, name: str | None = None) -> Job:
        """Rebuild the blocks of plain text and split them into sentence units."""
        return self._job(rebuild(text), name=name)

    def prepare_document(self, document: Document, *, name: str | None = None) -> Job:
        """Split the blocks a format reader found (``translator.formats``) into sentence
        units. Plain text takes the same route: its reader is ``rebuild``."""
        return self._job(document.blocks, name=name, document=document)

    def _job(
        self, blocks: list[Block], *, name: str | None, document: Document | None = None
    ) -> Job:
        units: list[list[Unit]] = []
        count = 0
        for block in blocks:
            if block.kind in VERBATIM_KINDS:
                sentences = []
            elif block.kind in UNSPLIT_KINDS:
                sentences = [block.text]
            else:
                sentences = split_sentences(block.text)
            count += len(sentences)
            if self.max_sentences is not None and count > self.max_sentences:
                limit = self.max_sentences
                found = f"more than {limit:,} sentences"
                message = Limits.refusal(
                    name or "<input>", found, limit, "sentences", "--max-sentences"
                )
                raise InputError(message)
            units.append([self._unit(s) for s in sentences if s.strip()])
        phrases = [self._unit(p) for p in document.phrases] if document is not None else []
        return Job(name=name, blocks=blocks, units=units, document=document, phrases=phrases)

    def _unit(self, sentence: str) -> Unit:
        if self.glossary is None:
            return Unit(source=sentence, prepared=None, engine_input=sentence)
        prepared = self.glossary.prepare(sentence)
        return Unit(source=sentence, prepared=prepared, engine_input=prepared.text)

    # -- translation -----------------------------------------------------------------------

    def translate_text(
        self, text: str, *, name: str | None = None, memory: MemoryChoice = ...
    ) -> TranslationResult:
        """Translate plain text (blocks rebuilt from its lines, see :meth:`prepare`)."""
        return self.run([self.prepare(text, name=name)], memory=memory)[0]

    def translate_document(
        self, document: Document, *, name: str | None = None, memory: MemoryChoice = ...
    ) -> TranslationResult:
        """Translate a Document read by ``translator.formats.read_document``."""
        return self.run([self.prepare_document(document, name=name)], memory=memory)[0]

    def translate_sentences(
        self, sentences: Sequence[str], *, memory: MemoryChoice = ...
    ) -> list[SentenceResult]:
        """Translate sentences that are split already: one result per sentence, in order
        (glossary, engine, retries, QA, as for a document; no splitting, no layout). A blank
        sentence comes back as it is. ``memory``: see ``MemoryChoice``."""
        store = self._memory(memory)
        units = {i: self._unit(s) for i, s in enumerate(sentences) if s.strip()}
        self._translate_units(list(units.values()), None, store)
        finals = {i: self._glossary_target(u) for i, u in units.items()}
        checked = self._check_all([(u.source, finals[i][0]) for i, u in units.items()], store)
        return [
            self._finish(units[i], 0, i, finals[i], checked)
            if i in units
            else SentenceResult(source=s, target=s)
            for i, s in enumerate(sentences)
        ]

    def run(
        self,
        jobs: Sequence[Job],
        progress: Progress | None = None,
        *,
        memory: MemoryChoice = ...,
    ) -> list[TranslationResult]:
        """Translate several prepared documents, sharing engine batches between them.
        ``memory``: see ``MemoryChoice``."""
        started = time.perf_counter()
        store = self._memory(memory)
        all_units = [u for job in jobs for block_units in job.units for u in block_units]
        counts = self._translate_units(all_units, progress, store)
        phrases = [u for job in jobs for u in job.phrases]
        if phrases:  # after the sentences, so that progress and stats count sentences only
            self._translate_units(phrases, None, store)
        elapsed = time.perf_counter() - started
        results = [self._assemble(job, store) for job in jobs]
        for result in results:
            result.stats.update(counts, seconds=round(elapsed, 3))
        return results

    def translate_inputs(
        self, inputs: Sequence[str], *, memory: MemoryChoice = ...
    ) -> dict[str, str]:
        """Engine inputs (sentences as the glossary prepared them: ``Unit.engine_input``,
        ``Job.engine_inputs()``) translated the way :meth:`run` translates any sentence: from
        the memory when it holds them, else by the engine, retried when empty or suspicious,
        stored in the memory. The engine's output by input (no glossary enforcement, no QA).
        ``memory``: see ``MemoryChoice``."""
        units = [Unit(s, None, s) for s in dict.fromkeys(inputs)]
        self._translate_units(units, None, self._memory(memory))
        return {u.engine_input: u.raw for u in units}

    def _memory(self, memory: MemoryChoice) -> Memory | None:
        return self.memory if isinstance(memory, EllipsisType) else memory

    def _translate_units(
        self, units: list[Unit], progress: Progress | None, memory: Memory | None
    ) -> dict[str, int]:
        distinct = list(dict.fromkeys(u.engine_input for u in units))
        outputs: dict[str, str] = {}
        cached: set[str] = set()
        namespace = self.memory_namespace() if memory is not None else ""
        if memory is not None and distinct:
            outputs.update(memory.lookup(namespace, distinct))
            cached = set(outputs)
            if progress and cached:
                progress(len(cached))
        todo = sorted((s for s in distinct if s not in outputs), key=len)
        # What the engine's own lost-content check did, per sentence: [(message, fixed)].
        checked: dict[str, list[tuple[str, bool]]] = {}
        for start in range(0, len(todo), self.chunk_size):
            chunk = todo[start : start + self.chunk_size]
            translated = self._engine_call(self.engine.translate_batch, chunk)
            outputs.update(zip(chunk, translated, strict=True))
            self._engine_flags(chunk, checked)
            if progress:
                progress(len(chunk))

        lost: dict[str, str] = {}
        retried = self._retry(todo, outputs, checked, lost)
        # A sentence kept (wholly or partly) in German is not remembered: the next run tries
        # it again and says so again.
        kept = set(lost) | {s for s, found in checked.items() if any(not f for _, f in found)}
        fresh = [(s, outputs[s]) for s in todo if outputs[s].strip() and s not in kept]
        if memory is not None and fresh:
            # Asked again: an engine that signed with a remembered signature until it loaded
            # (``LazyEngine``) now signs with its own, and that is what translated these.
            memory.store(self.memory_namespace(), fresh)

        for unit in units:
            out = outputs.get(unit.engine_input, "")
            unit.cached = unit.engine_input in cached
            for message, fixed in checked.get(unit.engine_input, []):
                unit.flags.append(
                    Flag("lost-content", message, "info" if fixed else "error", fixed=fixed)
                )
            if unit.engine_input in lost:
                unit.raw = unit.source
                unit.flags.append(Flag("lost-content", lost[unit.engine_input], "error"))
            elif not out.strip():
                # Never drop a sentence: keep the source text and say so.
                unit.raw = unit.source
                unit.flags.append(
                    Flag("kept-source", "the engine returned nothing twice; source kept", "error")
                )
            else:
                unit.raw = out
                why = retried.get(unit.engine_input)
                if why is not None:
                    code = "lost-content" if why.startswith(LOST) else "retried"
                    unit.flags.append(Flag(code, why, "info", fixed=True))
        found = [f for flags in checked.values() for f in flags]
        return {
            "sentences": len(units),
            "distinct": len(distinct),
            "cached": len(cached),
            "translated": len(todo),
            # Lost-content check: pieces/sentences retried with a plausible result, and those
            # whose German was kept (engine pieces + whole sentences).
            "lost_content_retried": sum(1 for _, fixed in found if fixed)
            + sum(1 for s, why in retried.items() if why.startswith(LOST) and s not in lost),
            "lost_content_kept": sum(1 for _, fixed in found if not fixed) + len(lost),
        }

    def _engine_call(self, fn: Callable[[list[str]], list[str]], batch: list[str]) -> list[str]:
        out = fn(batch)
        if len(out) != len(batch):
            from .errors import ModelError

            raise ModelError(f"engine returned {len(out)} translations for {len(batch)} sentences")
        return [o if isinstance(o, str) else "" for o in out]

    def _engine_flags(self, chunk: list[str], checked: dict[str, list[tuple[str, bool]]]) -> None:
        """Collect what the engine's lost-content check reported for ``chunk`` (engines
        without one report nothing)."""
        found = getattr(self.engine, "last_flags", None)
        if not isinstance(found, list):
            return
        for index, message, fixed in found:
            if 0 <= index < len(chunk):
                checked.setdefault(chunk[index], []).append((message, bool(fixed)))

    def _retry(
        self,
        todo: list[str],
        outputs: dict[str, str],
        checked: dict[str, list[tuple[str, bool]]],
        lost: dict[str, str],
    ) -> dict[str, str]:
        """Retry empty, too short or too long and (per the checker) runaway outputs once with
        safer decoding. A sentence still too short or too long afterwards goes into ``lost``
        (its German is kept). Sentences the engine's own check already retried are not
        retried again."""
        reasons: dict[str, str] = {}
        problems: dict[str, str] = {}
        checking = check_enabled()
        for s in todo:
            if not outputs[s].strip():
                reasons[s] = "empty translation retried"
            elif (
                checking
                and s not in checked
                and (problem := length_problem(s, outputs[s])) is not None
            ):
                problems[s] = problem
                reasons[s] = f"{LOST}: {problem}; retried with safer decoding"
            elif self.checker is not None and self.checker.needs_retry(s, outputs[s]):
                reasons[s] = "suspicious translation retried with safer decoding"
        if not reasons:
            return {}
        again = list(reasons)
        fn = getattr(self.engine, "retranslate", None) or self.engine.translate_batch
        redo = self._engine_call(fn, again)
        for s, out in zip(again, redo, strict=True):
            if s in problems:
                still = length_problem(s, out) if out.strip() else "nothing returned"
                if still is None:
                    outputs[s] = out
                else:
                    lost[s] = f"{problems[s]}; the retry too ({still}): the German is kept"
                continue
            if not out.strip():
                continue
            if outputs[s].strip() and self.checker is not None and self.checker.needs_retry(s, out):
                continue  # the retry is no better; keep the first and let QA flag it
            outputs[s] = out
        return reasons

    # -- assembly --------------------------------------------------------------------------

    def _assemble(self, job: Job, memory: Memory | None) -> TranslationResult:
        units = [u for block_units in job.units for u in block_units] + list(job.phrases)
        finals = {id(u): self._glossary_target(u) for u in units}
        checked = self._check_all([(u.source, finals[id(u)][0]) for u in units], memory)
        paragraphs: list[ParagraphResult] = []
        for p_index, (block, block_units) in enumerate(zip(job.blocks, job.units, strict=True)):
            sentences = [
                self._finish(unit, p_index, s_index, finals[id(unit)], checked)
                for s_index, unit in enumerate(block_units)
            ]
            paragraphs.append(
                ParagraphResult(
                    kind=block.kind, source=block.text, sentences=sentences, origin=block.origin
                )
            )
        result = TranslationResult(paragraphs=paragraphs, signature=self.signature, name=job.name)
        if job.document is not None:
            result.format = job.document.format
            result.metadata = dict(job.document.metadata)
            if job.document.losses:
                result.metadata["losses"] = dict(job.document.losses)
        result.phrases = {
            u.source: self._finish(u, -1, -1, finals[id(u)], checked).target for u in job.phrases
        }
        return result

    def _glossary_target(self, unit: Unit) -> tuple[str, list[TermHit]]:
        """The engine's output with the glossary's renderings enforced, and the term hits."""
        if self.glossary is not None and unit.prepared is not None:
            return self.glossary.finalize(unit.prepared, unit.raw)
        return unit.raw, []

    def _check_all(
        self, pairs: list[tuple[str, str]], memory: Memory | None
    ) -> dict[tuple[str, str], tuple[str, list[Flag]]]:
        """The QA results of (source, target) pairs, when they can be remembered ({} when
        not): with a translation memory and a checker that has a ``version``, they are kept
        there, so a re-run whose sentences all come from the memory runs no check (and loads
        no word lists)."""
        checker = self.checker
        version = getattr(checker, "version", None)
        if checker is None or memory is None or not isinstance(version, str):
            return {}
        pairs = list(dict.fromkeys(pairs))
        namespace = qa_namespace(version)
        keys = {pair: f"{pair[0]}\x00{pair[1]}" for pair in pairs}
        found = memory.lookup(namespace, list(keys.values()))
        results: dict[tuple[str, str], tuple[str, list[Flag]]] = {}
        fresh: list[tuple[str, str]] = []
        for pair, key in keys.items():
            if key in found:
                data = json.loads(found[key])
                results[pair] = (data["target"], [Flag(**f) for f in data["flags"]])
                continue
            target, flags = checker.check(*pair)
            results[pair] = (target, flags)
            value = {"target": target, "flags": [asdict(f) for f in flags]}
            fresh.append((key, json.dumps(value, ensure_ascii=False)))
        if fresh:
            memory.store(namespace, fresh)
        return results

    def _finish(
        self,
        unit: Unit,
        p_index: int,
        s_index: int,
        final: tuple[str, list[TermHit]],
        checked: dict[tuple[str, str], tuple[str, list[Flag]]],
    ) -> SentenceResult:
        target, terms = final
        for hit in terms:
            hit.paragraph, hit.sentence = p_index, s_index
        flags = list(unit.flags)
        if self.checker is not None:
            known = checked.get((unit.source, target))
            if known is None:
                known = self.checker.check(unit.source, target)
            target, qa_flags = known
            flags.extend(qa_flags)
        return SentenceResult(
            source=unit.source,
            target=target,
            flags=unique_flags(flags),
            terms=terms,
            cached=unit.cached,
        )


def iter_units(jobs: Iterable[Job]) -> int:
    """Number of sentence units in ``jobs`` (for progress totals)."""
    return sum(len(units) for job in jobs for units in job.units)
