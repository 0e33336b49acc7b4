"""Markdown in, Markdown out, on the CommonMark spec's own examples (tests/registry_data.py).

Each example is read, translated and written back; the result must render to the same HTML
with markdown-it-py (CommonMark) as the example itself:

- through an identity double (what the copy model does when it copies perfectly) for all
  ~650 examples: a block whose translation is its source keeps its lines as written;
- through the real copy model (MarianMT) for a sample: wherever it copied every sentence;
- through an engine that changes every sentence (adds a word): the writer then places the
  inline markup again, and the HTML must be the same once the added words and whitespace
  runs are taken out.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest

from tests.doubles import IdentityEngine, SuffixEngine, WordEngine
from tests.registry_data import commonmark_examples
from translator import Pipeline
from translator.formats.markdown import read_markdown, write_markdown


@pytest.fixture(scope="module")
def examples() -> list[dict[str, Any]]:
    return commonmark_examples()


def _render(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark").render(markdown))


def _round_trip(pipeline: Pipeline, markdown: str) -> tuple[str, Any]:
    document = read_markdown(markdown.encode("utf-8"), name="spec.md")
    if not document.blocks:
        return markdown, None
    result = pipeline.translate_document(document, name="spec.md")
    return write_markdown(result, document), result


def _failures(pipeline: Pipeline, examples: list[dict[str, Any]], clean: Any) -> list[str]:
    logging.disable(logging.WARNING)  # unplaceable markup is logged; counted here instead
    try:
        failed = []
        for example in examples:
            out, _ = _round_trip(pipeline, example["markdown"])
            if clean(_render(out)) != clean(_render(example["markdown"])):
                failed.append(f"{example['example']} ({example['section']}): {out!r}")
        return failed
    finally:
        logging.disable(logging.NOTSET)


def test_the_spec_ships_its_examples(examples: list[dict[str, Any]]) -> None:
    assert len(examples) > 600
    assert {"markdown", "html", "section", "example"} <= set(examples[0])


def test_every_spec_example_round_trips_when_the_text_comes_back(
    examples: list[dict[str, Any]],
) -> None:
    failed = _failures(Pipeline(IdentityEngine()), examples, lambda html: html)
    assert len(failed) <= 0.01 * len(examples), "\n".join(failed)


def _without(suffix: str) -> Any:
    def clean(html: str) -> str:
        html = html.replace(suffix, "").replace(suffix.strip(), "")
        return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", html))

    return clean


def test_spec_examples_keep_their_markup_when_every_sentence_changes(
    examples: list[dict[str, Any]],
) -> None:
    failed = _failures(Pipeline(SuffixEngine(" Qq")), examples, _without(" Qq"))
    assert len(failed) <= 0.03 * len(examples), "\n".join(failed)


@pytest.mark.slow
def test_spec_sample_through_the_copy_model(
    examples: list[dict[str, Any]], copy_model_dir: Path
) -> None:
    from translator.engine.marian import MarianEngine

    engine = MarianEngine(str(copy_model_dir), device="cpu", beam_size=1, threads=1)
    pipeline = Pipeline(engine)
    sample = examples[::7]
    copied, failed = 0, []
    logging.disable(logging.WARNING)
    try:
        for example in sample:
            out, result = _round_trip(pipeline, example["markdown"])
            sentences = [s for p in result.paragraphs for s in p.sentences] if result else []
            if any(s.target != s.source for s in sentences):
                continue  # the tiny model did not copy it: nothing to compare
            copied += 1
            if _render(out) != _render(example["markdown"]):
                failed.append(f"{example['example']}: {out!r}")
    finally:
        logging.disable(logging.NOTSET)
    assert copied >= 0.85 * len(sample)
    assert not failed, "\n".join(failed)


def test_translated_markdown_keeps_breaks_links_entities_and_inline_html() -> None:
    # WordEngine translates a few German words and copies the rest (names, code).
    source = (
        "Berlin  \nHamburg\\\nund [die Region](</a b> \"Die \\\"Karte\\\"\") und "
        "`print(x)` und &amp;copy; und Soldaten! [Truppen](/t) und "
        "<span>Kiew</span> in <x@y.example> und **die *Stadt***.\n"
    )
    document = read_markdown(source.encode(), name="a.md")
    result = Pipeline(WordEngine()).translate_document(document, name="a.md")
    out = write_markdown(result, document)
    assert _render(out) == (
        '<p>Berlin<br />\nHamburg<br />\nand <a href="/a%20b" title="Die &quot;Karte&quot;">'
        "the region</a> and <code>print(x)</code> and &amp;copy; and soldiers! "
        '<a href="/t">troops</a> and <span>Kiew</span> in '
        '<a href="mailto:x@y.example">x@y.example</a> and <strong>the <em>city</em></strong>.'
        "</p>\n"
    )
