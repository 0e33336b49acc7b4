"""Property: for any text, the pipeline keeps every block and every sentence of the source.

The engine is the deterministic test double; what is under test is the structure
(document -> blocks -> sentences -> result), not a translation.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.doubles import WordEngine
from tests.strategies import pdf_like
from translator.pipeline import UNSPLIT_KINDS, Pipeline
from translator.text.layout import rebuild
from translator.text.segment import split_sentences


@settings(max_examples=150, deadline=None)
@given(st.one_of(pdf_like(), st.text(max_size=200)))
def test_one_paragraph_per_block_and_one_sentence_per_sentence(text: str) -> None:
    blocks = rebuild(text)
    result = Pipeline(WordEngine()).translate_text(text)

    assert [(p.kind, p.source) for p in result.paragraphs] == [(b.kind, b.text) for b in blocks]
    for paragraph, block in zip(result.paragraphs, blocks, strict=True):
        expected = [block.text] if block.kind in UNSPLIT_KINDS else split_sentences(block.text)
        assert [s.source for s in paragraph.sentences] == expected
        assert " ".join(s.source for s in paragraph.sentences) == block.text
        assert all(s.target.strip() for s in paragraph.sentences if s.source.strip())
    assert len(result.sentences) == sum(
        1 if b.kind in UNSPLIT_KINDS else len(split_sentences(b.text)) for b in blocks
    )


def test_seed_keeps_its_structure(seed_text: str) -> None:
    result = Pipeline(WordEngine()).translate_text(seed_text)
    assert len(result.paragraphs) == 22
    assert [p.kind for p in result.paragraphs[:4]] == ["date", "title", "label", "paragraph"]
    assert all(p.target for p in result.paragraphs)
