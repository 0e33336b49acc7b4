"""The pipeline's own guarantees, with test-double engines (the model is not under test here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.doubles import EmptyEngine, WordEngine
from translator import ModelError, Pipeline, config, translate_text
from translator.result import Flag


class DictMemory:
    """A plain in-memory implementation of the pipeline's Memory protocol."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str], str] = {}

    def lookup(self, namespace, sources):  # type: ignore[no-untyped-def]
        return {s: self.data[(namespace, s)] for s in sources if (namespace, s) in self.data}

    def store(self, namespace, pairs):  # type: ignore[no-untyped-def]
        for s, t in pairs:
            self.data[(namespace, s)] = t


class RunawayChecker:
    """Flags outputs containing 'LOOP' as runaway; adds no other flags."""

    def needs_retry(self, source: str, target: str) -> bool:
        return "LOOP" in target

    def check(self, source: str, target: str) -> tuple[str, list[Flag]]:
        return target, []


class RunawayEngine(WordEngine):
    """First attempt loops; `retranslate` (safer decoding) does not."""

    def __init__(self) -> None:
        super().__init__()
        self.retried: list[list[str]] = []

    def _one(self, sentence: str) -> str:
        return "LOOP LOOP LOOP" if "Schleife" in sentence else super()._one(sentence)

    def retranslate(self, sentences: list[str]) -> list[str]:
        self.retried.append(list(sentences))
        return [f"fixed: {s}" for s in sentences]


class ShortEngine(WordEngine):
    def translate_batch(self, sentences: list[str]) -> list[str]:
        return super().translate_batch(sentences)[:-1]


#: Tests about the pipeline's mechanics: no glossary and no QA (both are on by default).
BARE: dict[str, Any] = {"glossary": False, "qa": False}

TEXT = "Die Truppen sind in der Stadt. Die Soldaten berichten.\n\nZweiter Absatz hier."


def test_every_sentence_reaches_the_result_in_order(word_engine: WordEngine) -> None:
    result = translate_text(TEXT, engine=word_engine, **BARE)
    assert [len(p.sentences) for p in result.paragraphs] == [2, 1]
    assert [s.source for s in result.sentences] == [
        "Die Truppen sind in der Stadt.",
        "Die Soldaten berichten.",
        "Zweiter Absatz hier.",
    ]
    assert result.sentences[0].target == "Die troops are in the city."
    assert result.paragraphs[0].target == "Die troops are in the city. Die soldiers report."


def test_identical_sentences_are_translated_once(word_engine: WordEngine) -> None:
    text = "Die Truppen sind hier.\n\nDie Truppen sind hier.\n\nDie Truppen sind hier."
    result = translate_text(text, engine=word_engine, **BARE)
    assert word_engine.sentences_seen == 1
    assert [s.target for s in result.sentences] == ["Die troops are hier."] * 3


def test_sentences_of_many_documents_share_engine_batches(word_engine: WordEngine) -> None:
    pipeline = Pipeline(word_engine, chunk_size=64)
    texts = [f"Artikel {i}. Die Truppen sind hier." for i in range(10)]
    jobs = [pipeline.prepare(t, name=str(i)) for i, t in enumerate(texts)]
    results = pipeline.run(jobs)
    assert len(word_engine.calls) == 1  # 11 distinct sentences, one engine call
    assert [r.name for r in results] == [str(i) for i in range(10)]
    assert all(len(r.sentences) == 2 for r in results)


def test_chunks_are_sorted_by_length_and_report_progress(word_engine: WordEngine) -> None:
    sentences = [("Wort " * n).strip() + "." for n in (9, 1, 5, 3, 7)]
    done: list[int] = []
    pipeline = Pipeline(word_engine, chunk_size=2)
    pipeline.run([pipeline.prepare(" ".join(sentences))], progress=done.append)
    sent = [s for call in word_engine.calls for s in call]
    assert sent == sorted(sentences, key=len)
    assert done == [2, 2, 1]


def test_empty_translation_is_retried_then_source_kept_and_flagged() -> None:
    engine = EmptyEngine(trigger="LEER")
    result = translate_text("Die Truppen sind hier. Das ist LEER.", engine=engine, **BARE)
    kept = result.sentences[1]
    assert kept.target == "Das ist LEER."
    assert [f.code for f in kept.flags] == ["kept-source"]
    assert kept.flags[0].severity == "error"
    assert engine.calls[-1] == ["Das ist LEER."]  # the retry
    assert result.sentences[0].flags == []


def test_runaway_output_is_retried_with_safer_decoding() -> None:
    engine = RunawayEngine()
    pipeline = Pipeline(engine, checker=RunawayChecker())
    result = pipeline.translate_text("Eine Schleife hier. Die Truppen sind hier.")
    assert engine.retried == [["Eine Schleife hier."]]
    assert result.sentences[0].target == "fixed: Eine Schleife hier."
    assert [f.code for f in result.sentences[0].flags] == ["retried"]


def test_memory_serves_repeats_without_engine_work(word_engine: WordEngine) -> None:
    memory = DictMemory()
    first = Pipeline(word_engine, memory=memory).translate_text(TEXT)
    calls = len(word_engine.calls)
    again = Pipeline(word_engine, memory=memory).translate_text(TEXT)
    assert len(word_engine.calls) == calls
    assert again.target == first.target
    assert all(s.cached for s in again.sentences)
    assert again.stats["cached"] == 3 and again.stats["translated"] == 0


def test_memory_namespace_depends_on_engine_signature() -> None:
    a, b = WordEngine(), WordEngine()
    b.signature = {"backend": "test-double", "model": "other"}  # type: ignore[misc]
    assert Pipeline(a).memory_namespace() != Pipeline(b).memory_namespace()


def test_engine_returning_wrong_count_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="returned 1 translations for 2 sentences"):
        translate_text("Eins ist hier. Zwei ist da.", engine=ShortEngine(), **BARE)


def test_signature_names_engine_version_and_glossary(word_engine: WordEngine) -> None:
    sig = translate_text("Hallo Welt.", engine=word_engine, **BARE).signature
    assert sig["tool"] == "translator"
    assert sig["model"] == "word-engine"
    assert sig["glossary"] is None
    assert "version" in sig


def test_empty_text_gives_an_empty_result(word_engine: WordEngine) -> None:
    result = translate_text("   \n\n ", engine=word_engine, **BARE)
    assert result.paragraphs == []
    assert word_engine.calls == []


def test_quality_check_results_are_remembered_with_the_translation_memory(
    tmp_path: Path, seed_text: str
) -> None:
    from translator.cache import TranslationMemory
    from translator.glossary import load_glossary
    from translator.qa import QualityChecker

    class CountingChecker(QualityChecker):
        calls = 0

        def check(self, source: str, target: str) -> tuple[str, list[Flag]]:
            CountingChecker.calls += 1
            return super().check(source, target)

    def translate(glossary: Any) -> Any:
        with TranslationMemory(tmp_path / "memory.sqlite3") as memory:
            pipeline = Pipeline(WordEngine(), glossary=glossary,
                                checker=CountingChecker(glossary), memory=memory)  # fmt: skip
            return pipeline.translate_text(seed_text)

    glossary = load_glossary(config.packaged_glossary())
    first = translate(glossary)
    n = CountingChecker.calls
    assert n == len(first.sentences) and first.flags  # every sentence checked; flags found
    again = translate(glossary)
    assert CountingChecker.calls == n  # nothing checked again
    assert [(s.target, s.flags) for s in again.sentences] == [
        (s.target, s.flags) for s in first.sentences
    ]
    # Another glossary version is another set of checks: they run again.
    translate(None)
    assert CountingChecker.calls == 2 * n


def test_a_memory_passed_per_call_replaces_the_pipelines_own_for_that_call(
    word_engine: WordEngine,
) -> None:
    own, given = DictMemory(), DictMemory()
    pipeline = Pipeline(word_engine, memory=own)
    namespace = pipeline.memory_namespace()
    given.store(namespace, [("Die Truppen sind hier.", "from the given memory")])
    result = pipeline.translate_text("Die Truppen sind hier. Zweiter Absatz hier.", memory=given)
    assert [s.target for s in result.sentences] == ["from the given memory", "Zweiter Absatz hier."]
    assert [s.cached for s in result.sentences] == [True, False]
    assert own.data == {}  # neither asked nor written
    assert given.data[(namespace, "Zweiter Absatz hier.")] == "Zweiter Absatz hier."
    # None: no memory at all for this call; the pipeline's own is still there afterwards.
    calls = len(word_engine.calls)
    pipeline.translate_text("Die Truppen sind hier.", memory=None)
    assert len(word_engine.calls) == calls + 1 and own.data == {}
    assert pipeline.memory is own
    pipeline.translate_text("Die Truppen sind hier.")  # the default: the pipeline's own
    assert own.data == {(namespace, "Die Truppen sind hier."): "Die troops are hier."}


def test_translate_inputs_takes_a_memory_per_call(word_engine: WordEngine) -> None:
    given = DictMemory()
    pipeline = Pipeline(word_engine)
    out = pipeline.translate_inputs(["Die Truppen.", "Die Truppen.", "Hier."], memory=given)
    assert out == {"Die Truppen.": "Die troops.", "Hier.": "Hier."}
    assert word_engine.calls == [["Hier.", "Die Truppen."]]  # each once, shortest first
    assert set(given.data) == {(pipeline.memory_namespace(), s) for s in out}
    pipeline.translate_inputs(["Die Truppen."], memory=given)
    assert len(word_engine.calls) == 1  # served by the memory handed in


def test_translate_sentences_matches_the_document_route_sentence_by_sentence(
    seed_text: str,
) -> None:
    from translator.glossary import load_glossary
    from translator.qa import QualityChecker

    glossary = load_glossary(config.packaged_glossary())
    pipeline = Pipeline(WordEngine(), glossary=glossary, checker=QualityChecker(glossary))
    document = pipeline.translate_text(seed_text)
    sources = [s.source for s in document.sentences]
    engine = WordEngine()
    pipeline.engine = engine
    results = pipeline.translate_sentences([sources[0], " ", *sources])
    assert [r.source for r in results] == [sources[0], " ", *sources]
    assert results[1].target == " " and results[1].flags == []  # blank: as it is
    assert [(r.target, r.flags) for r in results[2:]] == [
        (s.target, s.flags) for s in document.sentences
    ]
    assert [[t.source for t in r.terms] for r in results[2:]] == [
        [t.source for t in s.terms] for s in document.sentences
    ]
    assert engine.sentences_seen == len(set(sources))  # each distinct sentence once
    assert any(r.terms for r in results)  # the glossary was applied


def test_a_job_lists_its_engine_inputs_once_in_order(word_engine: WordEngine) -> None:
    job = Pipeline(word_engine).prepare("Eins hier. Zwei da.\n\nEins hier.")
    assert job.sentences == 3
    assert job.engine_inputs() == ["Eins hier.", "Zwei da."]
