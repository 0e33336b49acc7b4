"""The one translation-memory namespace: every field that can change a translation changes it.

``translator.signature.memory_namespace`` is the only place a namespace is derived; the
pipeline (library, CLI, local batch) and the Ray runner's workers all call it through
``Pipeline.memory_namespace``. The end-to-end half (model A then model B through every runner
with one memory) is in tests/test_namespace_runners.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.doubles import WordEngine
from translator.pipeline import Pipeline
from translator.signature import (
    QA_PREFIX,
    is_qa_namespace,
    memory_namespace,
    qa_namespace,
    signature,
)

#: An engine signature as the engines write it (``engine.base.Engine.signature``), field by
#: field with the values each may take: every one can change what the engine outputs.
ENGINE_FIELDS: dict[str, Any] = {
    "backend": st.sampled_from(["ctranslate2", "transformers"]),
    "model": st.sampled_from(["Helsinki-NLP/opus-mt-de-en", "/models/opus-mt-de-en", "x/y"]),
    "revision": st.sampled_from([None, "main", "0123abcd", "fedcba98"]),
    "quantization": st.sampled_from([None, "int8", "int8_float16", "float16", "float32"]),
    "compute_type": st.sampled_from(["int8", "int8_float32", "float32", "float16"]),
    "device": st.sampled_from(["cpu", "cuda"]),
    "dtype": st.sampled_from(["float32", "float16", "bfloat16"]),
    "beam_size": st.integers(1, 8),
    "max_input_tokens": st.integers(16, 512),
    "ctranslate2": st.sampled_from(["4.4.0", "4.5.0"]),
    "output_vocabulary": st.sampled_from(["a1b2", "c3d4"]),
    "force_length_ratio": st.sampled_from([1.5, 2.0, 3.0]),
}
#: The rest of a full signature (``signature.signature``): glossary version (which covers
#: its entries, house style and transliteration), QA, the tool's version.
OTHER_FIELDS: dict[str, Any] = {
    "glossary": st.sampled_from([None, "0f0f0f0f0f0f0f0f", "1e1e1e1e1e1e1e1e"]),
    "qa": st.booleans(),
    "version": st.sampled_from(["0.9.0", "1.0.0", "1.0.1"]),
}
FIELDS = {**ENGINE_FIELDS, **OTHER_FIELDS}


@st.composite
def setups(draw: st.DrawFn) -> dict[str, Any]:
    engine = {k: draw(v) for k, v in ENGINE_FIELDS.items()}
    sig = signature(engine, glossary=draw(OTHER_FIELDS["glossary"]), qa=draw(st.booleans()))
    sig["version"] = draw(OTHER_FIELDS["version"])
    return sig


@settings(max_examples=300, deadline=None)
@given(setups(), st.sampled_from(sorted(FIELDS)), st.data())
def test_changing_any_one_field_gives_another_namespace(
    sig: dict[str, Any], field: str, data: st.DataObject
) -> None:
    other = data.draw(FIELDS[field].filter(lambda v: v != sig[field]), label=field)
    changed = {**sig, field: other}
    assert memory_namespace(changed) != memory_namespace(sig)
    # An output format is applied after the engine: the same translations serve every one.
    assert memory_namespace({**sig, "format": "docx"}) == memory_namespace(sig)


@given(setups())
def test_a_field_left_out_is_a_change_too(sig: dict[str, Any]) -> None:
    """An engine that stops reporting a field (e.g. no output restriction) is another setup."""
    for field in ("output_vocabulary", "force_length_ratio", "quantization"):
        rest = {k: v for k, v in sig.items() if k != field}
        assert memory_namespace(rest) != memory_namespace(sig)


def test_the_device_counts_by_its_kind() -> None:
    sig = signature({"backend": "ctranslate2", "device": "cuda"}, glossary=None, qa=True)
    assert memory_namespace({**sig, "device": "cuda:1"}) == memory_namespace(sig)
    assert memory_namespace({**sig, "device": "cpu"}) != memory_namespace(sig)


def test_the_tool_version_is_part_of_the_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    import translator._version

    engine = WordEngine()
    before = Pipeline(engine).memory_namespace()
    monkeypatch.setattr(translator._version, "__version__", "999.0.0")
    assert Pipeline(engine).memory_namespace() != before


def test_qa_decides_retries_so_it_is_part_of_the_namespace() -> None:
    from translator.qa import QualityChecker

    engine = WordEngine()
    assert (
        Pipeline(engine, checker=QualityChecker()).memory_namespace()
        != Pipeline(engine).memory_namespace()
    )


def test_style_and_transliteration_reach_the_namespace(tmp_path: Path) -> None:
    from translator.factory import glossary_for

    path = tmp_path / "g.yaml"
    path.write_text(
        "schema: 1\nentries:\n  - source: Verteidigungsministerium\n"
        "    target: Defense Ministry\n    category: term\n",
        encoding="utf-8",
    )
    engine = WordEngine()
    namespaces = {
        Pipeline(engine, glossary=glossary_for(path, style=s, transliterate=t)).memory_namespace()
        for s in ("ap", "bbc")
        for t in (True, False)
    }
    assert len(namespaces) == 4


def test_the_pipeline_keys_with_the_one_function() -> None:
    engine = WordEngine()
    pipeline = Pipeline(engine)
    assert pipeline.memory_namespace() == memory_namespace(pipeline.signature)


def test_qa_namespaces_never_look_like_translation_namespaces() -> None:
    assert is_qa_namespace(qa_namespace("3"))
    assert qa_namespace("3").startswith(QA_PREFIX)
    assert not is_qa_namespace(Pipeline(WordEngine()).memory_namespace())
