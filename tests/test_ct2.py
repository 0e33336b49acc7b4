"""The CTranslate2 backend: conversion, selection, and the same behaviour as transformers.

The tiny random model's output is noise (and mostly runs into the length bound, which makes
it a good test of the bound handling); the copy-trained model shows that text survives.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.cli import run_cli
from translator import ModelError, Pipeline
from translator.engine import load_engine
from translator.engine.convert import convert_model, default_quantization
from translator.engine.ct2 import CTranslate2Engine, MarianPieces
from translator.engine.hub import folder_revision
from translator.engine.marian import MarianEngine
from translator.engine.select import conversion_dir, converted_model_for
from translator.text.layout import rebuild
from translator.text.segment import split_sentences

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
Capture = pytest.CaptureFixture[str]


#: Sentences in each block of the seed article, read off the seed itself.
SEED_SENTENCES_PER_BLOCK = [1, 1, 1, 2, 2, 1, 2, 1, 3, 1, 3, 1, 2, 1, 3, 1, 3, 1, 2, 1, 1, 1]


def seed_sentences(text: str) -> list[str]:
    return [s for block in rebuild(text) for s in split_sentences(block.text)]


@pytest.fixture(scope="module")
def tiny_f32(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model converted to float32 into a folder of its own."""
    out = tmp_path_factory.mktemp("ct2") / "tiny-float32"
    return convert_model(str(tiny_model_dir), quantization="float32", output_dir=out).path


@pytest.fixture(scope="module")
def copy_f32(copy_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ct2") / "copy-float32"
    return convert_model(str(copy_model_dir), quantization="float32", output_dir=out).path


# -- conversion and selection ------------------------------------------------------------------


def test_conversion_is_self_contained_and_records_its_source(
    tiny_model_dir: Path, tiny_f32: Path
) -> None:
    names = {p.name for p in tiny_f32.iterdir()}
    assert {"model.bin", "config.json", "source.spm", "target.spm", "vocab.json"} <= names
    meta = json.loads((tiny_f32 / "translator.json").read_text())
    assert meta["quantization"] == "float32"
    assert meta["revision"] == folder_revision(tiny_model_dir)
    assert meta["max_position_embeddings"] == 512
    assert meta["decoder_start"] == "zero-embedding"  # as in models converted from Marian
    assert not [p for p in tiny_f32.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_default_quantization_is_int8_on_cpu() -> None:
    assert default_quantization("cpu") == "int8"
    assert default_quantization("cuda") == "float16"


def test_auto_backend_takes_a_conversion_when_one_exists(tiny_model_dir: Path) -> None:
    model = str(tiny_model_dir)
    assert converted_model_for(model) is None
    assert isinstance(load_engine(model, backend="transformers", beam_size=1), MarianEngine)
    assert converted_model_for(model) is None  # transformers never converts

    done = convert_model(model)  # default: int8, into $TRANSLATOR_CACHE_DIR/ct2
    assert done.created and done.quantization == "int8"
    assert done.path == conversion_dir(model, "int8")
    assert converted_model_for(model) == done.path
    engine = load_engine(model, backend="auto", beam_size=1)
    assert isinstance(engine, CTranslate2Engine)
    assert engine.signature["quantization"] == "int8"
    assert engine.signature["model"] == model

    # A second conversion: the compute type asked for picks it, int8 stays the CPU default.
    f32 = convert_model(model, quantization="float32").path
    assert converted_model_for(model, compute_type="float32") == f32
    assert converted_model_for(model) == done.path
    assert convert_model(model).created is False  # already there: kept


def test_auto_backend_falls_back_when_the_conversion_is_damaged(
    tiny_model_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = str(tiny_model_dir)
    done = convert_model(model, quantization="float32")
    (done.path / "model.bin").write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING, logger="translator"):
        engine = load_engine(model, backend="auto", beam_size=1)
    assert isinstance(engine, MarianEngine)
    assert "cannot use the CTranslate2 conversion" in caplog.text
    # Asked for by name, the damaged conversion is an error, not a silent switch.
    with pytest.raises(ModelError, match="cannot load the CTranslate2 model"):
        load_engine(model, backend="ctranslate2", beam_size=1)


def test_missing_conversion_names_the_fix(tiny_model_dir: Path) -> None:
    with pytest.raises(ModelError, match="translator model convert"):
        CTranslate2Engine(str(tiny_model_dir))


def test_stale_conversion_of_a_changed_folder_is_not_used(
    tiny_model_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    convert_model(str(model), quantization="float32")
    assert converted_model_for(str(model)) is not None
    config = json.loads((model / "config.json").read_text())
    config["dropout"] = 0.25  # any change of the model's files is a new revision
    (model / "config.json").write_text(json.dumps(config))
    with caplog.at_level(logging.WARNING, logger="translator"):
        assert converted_model_for(str(model)) is None
    assert "older than the model folder" in caplog.text
    assert convert_model(str(model), quantization="float32").created  # converted again


def test_unknown_quantization_is_a_model_error(tiny_model_dir: Path) -> None:
    with pytest.raises(ModelError, match="unknown quantization"):
        convert_model(str(tiny_model_dir), quantization="int3")


# -- tokenizer ---------------------------------------------------------------------------------


def test_tokens_match_marian_tokenizer(tiny_model_dir: Path, seed_text: str) -> None:
    from transformers import MarianTokenizer

    reference = MarianTokenizer.from_pretrained(str(tiny_model_dir))
    pieces = MarianPieces(tiny_model_dir)
    odd = [
        "Ünïcödé — „Zitat“ 50 % – ½ × ﬁ",
        "  doppelte  Leerzeichen  ",
        ">>en<< Sprachcode",
        "wörtlich </s> und <unk> im Text",
        "",
    ]
    for text in seed_sentences(seed_text) + odd:
        ids = reference(text, add_special_tokens=False)["input_ids"]
        assert pieces.encode(text) == reference.convert_ids_to_tokens(ids), text

    rng = random.Random(0)
    size = len(reference.get_vocab())
    for _ in range(300):
        ids = [rng.randrange(size) for _ in range(rng.randrange(25))]
        tokens = reference.convert_ids_to_tokens(ids)
        assert pieces.decode(tokens) == reference.decode(ids, skip_special_tokens=True), ids


def test_target_spm_is_read_only_for_separate_vocabularies(
    tiny_model_dir: Path, tmp_path: Path, seed_text: str
) -> None:
    # Decoding uses target.spm only when the vocabularies are separate (as transformers does);
    # otherwise it is not read at all: a start of opus-mt-de-en saves loading it.
    folder = tmp_path / "model"
    shutil.copytree(tiny_model_dir, folder)
    (folder / "target.spm").write_bytes(b"not a sentencepiece model")
    reference = MarianPieces(tiny_model_dir)
    pieces = MarianPieces(folder)  # the damaged target.spm is never read
    assert not pieces.separate_vocabs
    for text in seed_sentences(seed_text)[:5]:
        tokens = pieces.encode(text)
        assert tokens == reference.encode(text)
        assert pieces.decode(tokens) == reference.decode(tokens)
    config = json.loads((folder / "tokenizer_config.json").read_text("utf-8"))
    config["separate_vocabs"] = True
    (folder / "tokenizer_config.json").write_text(json.dumps(config), "utf-8")
    with pytest.raises(ModelError, match="tokenizer files"):
        MarianPieces(folder)  # now it decodes with target.spm, which is damaged


def test_a_conversion_encodes_with_the_vocabulary_it_gave_ctranslate2(
    tiny_model_dir: Path, tiny_f32: Path, seed_text: str, tmp_path: Path
) -> None:
    # The conversion's vocabulary (a list, read faster than vocab.json's mapping) holds the
    # same pieces as vocab.json, less the <pad> CTranslate2 drops (unless the conversion kept
    # it): the same tokens result.
    marian, converted = MarianPieces(tiny_model_dir), MarianPieces(tiny_f32)
    assert (tiny_f32 / "shared_vocabulary.json").is_file()
    assert converted.vocab - {"<pad>"} == marian.vocab - {"<pad>"}
    assert converted.vocab <= marian.vocab
    texts = [*seed_sentences(seed_text), ">>en<< Sprachcode", "wörtlich </s> und <unk>", "Ünï ½"]
    for text in texts:
        assert converted.encode(text) == marian.encode(text), text
    # ... and it is that list which is read: a conversion whose vocab.json lost its tokens
    # still encodes the same.
    damaged = tmp_path / "converted"
    shutil.copytree(tiny_f32, damaged)
    (damaged / "vocab.json").write_text("{}", encoding="utf-8")
    again = MarianPieces(damaged)
    assert [again.encode(t) for t in texts] == [marian.encode(t) for t in texts]
    (damaged / "shared_vocabulary.json").write_text('{"not": "a list"}', encoding="utf-8")
    with pytest.raises(ModelError, match="shared_vocabulary.json"):
        MarianPieces(damaged)


# -- the engine --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "converted"), [("tiny_model_dir", "tiny_f32"), ("copy_model_dir", "copy_f32")]
)
def test_greedy_float32_agrees_with_transformers_token_for_token(
    model: str, converted: str, request: pytest.FixtureRequest, seed_text: str
) -> None:
    source, folder = request.getfixturevalue(model), request.getfixturevalue(converted)
    sentences = seed_sentences(seed_text)
    reference = MarianEngine(str(source), device="cpu", beam_size=1)
    engine = CTranslate2Engine(str(folder), device="cpu", beam_size=1)
    assert engine.translate_batch(sentences) == reference.translate_batch(sentences)
    # Same work: the same units, and the same number of generated tokens for each.
    assert engine.last_lengths == reference.last_lengths
    if model == "tiny_model_dir":
        # The random model runs into the output bound, where transformers forces </s>.
        assert engine.stats["bound_hits"] > 0


def test_trained_start_embedding_is_converted_exactly(
    tiny_model_dir: Path, tmp_path: Path, seed_text: str
) -> None:
    # Models trained or fine-tuned in PyTorch with tied embeddings have a non-zero <pad>
    # (decoder start) row; CTranslate2's stock Marian conversion assumes it is zero.
    import torch
    from safetensors.torch import load_file, save_file

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    weights = load_file(model / "model.safetensors")
    pad = json.loads((model / "config.json").read_text())["decoder_start_token_id"]
    shared = weights["model.shared.weight"]  # tied: encoder, decoder and output embeddings
    shared[pad] = torch.randn(shared.shape[1], generator=torch.Generator().manual_seed(1))
    save_file(weights, model / "model.safetensors", metadata={"format": "pt"})

    folder = convert_model(str(model), quantization="float32", output_dir=tmp_path / "ct2").path
    meta = json.loads((folder / "translator.json").read_text())
    assert meta["decoder_start"] == "<pad>" and meta["suppress"] == ["<pad>"]
    sentences = seed_sentences(seed_text)
    reference = MarianEngine(str(model), device="cpu", beam_size=1)
    engine = CTranslate2Engine(str(folder), device="cpu", beam_size=1)
    assert engine.translate_batch(sentences) == reference.translate_batch(sentences)
    # The start row does change the output (else this test would prove nothing).
    original = MarianEngine(str(tiny_model_dir), device="cpu", beam_size=1)
    assert original.translate_batch(sentences) != reference.translate_batch(sentences)


def test_pipeline_on_the_seed_returns_every_sentence(copy_f32: Path, seed_text: str) -> None:
    engine = CTranslate2Engine(str(copy_f32), device="cpu", beam_size=1)
    result = Pipeline(engine).translate_text(seed_text)
    assert len(result.sentences) >= 30
    wrong = [
        (s.source, s.target)
        for s in result.sentences
        if s.target != unicodedata.normalize("NFKC", s.source)
    ]
    assert wrong == []
    assert result.signature["backend"] == "ctranslate2"


def test_pipeline_beam4_int8_keeps_the_structure(
    copy_model_dir: Path, seed_text: str, tmp_path: Path
) -> None:
    int8 = convert_model(str(copy_model_dir), output_dir=tmp_path / "int8").path
    engine = CTranslate2Engine(str(int8), device="cpu", beam_size=4)
    result = Pipeline(engine).translate_text(seed_text)
    # Counted in the seed by hand, not by the code under test: 22 blocks (date, title, label,
    # headings, paragraphs), 35 sentences.
    assert [len(p.sentences) for p in result.paragraphs] == SEED_SENTENCES_PER_BLOCK
    assert (len(result.paragraphs), len(result.sentences)) == (22, 35)
    assert all(s.target.strip() for s in result.sentences)
    assert result.signature["beam_size"] == 4 and result.signature["quantization"] == "int8"


def test_long_input_is_split_not_truncated(copy_f32: Path, seed_text: str) -> None:
    engine = CTranslate2Engine(str(copy_f32), device="cpu", beam_size=1, max_input_tokens=20)
    long = " ".join(seed_sentences(seed_text)[2:6]).replace(". ", ", ")
    assert engine.count_tokens(long) > 40
    [out] = engine.translate_batch([long])
    assert engine.stats["split"] == 1
    assert out == unicodedata.normalize("NFKC", long)  # every piece came back, in order


def test_input_beyond_the_position_limit_translates(tiny_f32: Path) -> None:
    # CTranslate2 itself fails over 512 positions; the engine splits first.
    engine = CTranslate2Engine(str(tiny_f32), device="cpu", beam_size=1)
    words = "Die Truppen berichten über schwere Verluste an der Front"
    monster = ", ".join([words] * 60) + "."
    assert engine.count_tokens(monster) > 512
    [out] = engine.translate_batch([monster])
    assert out.strip()
    assert engine.stats["split"] == 1
    assert all(n <= engine.max_input_tokens for n, _ in engine.last_lengths)


def test_parallel_batches_give_the_same_output(tiny_f32: Path, seed_text: str) -> None:
    sentences = seed_sentences(seed_text)
    one = CTranslate2Engine(
        str(tiny_f32), device="cpu", beam_size=1, max_batch_tokens=128, parallel_batches=1
    )
    two = CTranslate2Engine(
        str(tiny_f32), device="cpu", beam_size=1, max_batch_tokens=128, threads=2,
        parallel_batches=2,
    )  # fmt: skip
    assert (one.parallel_batches, two.parallel_batches) == (1, 2)
    assert two.translate_batch(sentences) == one.translate_batch(sentences)
    assert two.stats["batches"] > 2


class _StepClock:
    """Wraps a ctranslate2.Translator: records when each submitted batch decodes a step."""

    def __init__(self, translator: object) -> None:
        self.translator = translator
        self.steps: dict[int, list[float]] = {}

    def __getattr__(self, name: str) -> object:
        return getattr(self.translator, name)

    def translate_batch(self, *args: object, **kwargs: object) -> object:
        import time

        batch = len(self.steps)
        times = self.steps[batch] = []

        def step(_: object) -> bool:
            times.append(time.perf_counter())
            return False  # go on

        return self.translator.translate_batch(*args, callback=step, **kwargs)  # type: ignore[attr-defined]


@pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2, reason="one CPU core: batches cannot run at the same time"
)
@pytest.mark.parametrize("parallel", [1, 2])
def test_two_batches_decode_at_the_same_time(
    tiny_f32: Path, seed_text: str, parallel: int
) -> None:
    engine = CTranslate2Engine(
        str(tiny_f32), device="cpu", beam_size=1, max_batch_tokens=128, threads=2,
        parallel_batches=parallel,
    )  # fmt: skip
    clock = _StepClock(engine._translator)
    engine._translator = clock
    engine.translate_batch(seed_sentences(seed_text))
    spans = sorted((min(t), max(t)) for t in clock.steps.values() if t)
    assert len(spans) == engine.stats["batches"] > 2
    # A batch overlaps an earlier one when it starts decoding before that one has finished.
    overlaps = sum(start < max(end for _, end in spans[:i]) for i, (start, _) in
                   enumerate(spans) if i)  # fmt: skip
    if parallel == 1:
        assert overlaps == 0  # one at a time: the measure can tell the two apart
    else:
        assert overlaps >= 1


def test_threads_follow_omp_num_threads_like_the_transformers_engine(
    tiny_f32: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    engine = CTranslate2Engine(str(tiny_f32), device="cpu", beam_size=1)
    assert (engine.threads, engine.parallel_batches) == (2, 2)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    engine = CTranslate2Engine(str(tiny_f32), device="cpu", beam_size=1)
    assert (engine.threads, engine.parallel_batches) == (1, 1)
    engine = CTranslate2Engine(str(tiny_f32), device="cpu", beam_size=1, threads=3)
    assert (engine.threads, engine.parallel_batches) == (3, 2)  # asked for wins


def test_one_output_per_input_including_empty_ones(tiny_f32: Path) -> None:
    engine = CTranslate2Engine(str(tiny_f32), device="cpu", beam_size=2)
    out = engine.translate_batch(["", "Die Soldaten.", "   ", "Ein Oberst bestätigte."])
    assert len(out) == 4 and out[0] == "" and out[2] == ""
    assert out[1].strip() and out[3].strip()
    assert len(engine.retranslate(["Die Soldaten.", ""])) == 2


def test_signature_separates_setups_in_the_memory(tiny_model_dir: Path, tiny_f32: Path) -> None:
    int8 = convert_model(str(tiny_model_dir), quantization="int8").path
    setups = [
        CTranslate2Engine(str(tiny_f32), device="cpu", beam_size=1),
        CTranslate2Engine(str(tiny_f32), device="cpu", beam_size=4),
        CTranslate2Engine(str(int8), device="cpu", beam_size=1),
        MarianEngine(str(tiny_model_dir), device="cpu", beam_size=1),
    ]
    sig = setups[0].signature
    assert sig["backend"] == "ctranslate2" and sig["quantization"] == "float32"
    assert sig["revision"] == folder_revision(tiny_model_dir)
    namespaces = {Pipeline(e).memory_namespace() for e in setups}
    assert len(namespaces) == len(setups)


def test_engine_never_imports_torch(tiny_f32: Path) -> None:
    code = (
        "import sys\n"
        "from translator.engine.ct2 import CTranslate2Engine\n"
        f"e = CTranslate2Engine({str(tiny_f32)!r}, device='cpu', beam_size=1)\n"
        "assert len(e.translate_batch(['Die Truppen sind in der Stadt.'])) == 1\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_fresh_server_hit_by_concurrent_first_requests_loads_things_once(
    copy_f32: Path, tmp_path: Path
) -> None:
    """`translator serve` with CTranslate2, 8 requests at once as its very first: no torch or
    transformers, and wordfreq's word lists loaded once each (not once per request thread:
    a fresh server's first burst of 8 peaked at 470-670 MiB instead of ~210 MiB)."""
    pytest.importorskip("fastapi")
    code = f"""
import sys, threading, wordfreq
from pathlib import Path
loads = []
read = wordfreq.read_cBpack
wordfreq.read_cBpack = lambda path: loads.append(path) or read(path)
from translator import Options
from translator.serve.service import ServeSettings, Service
options = Options(model={str(copy_f32)!r}, backend="ctranslate2", memory=False)
service = Service(ServeSettings(options=options, data_dir=Path({str(tmp_path / "data")!r})))
service.start()
start = threading.Barrier(8)
def request(n):
    start.wait()
    service.translate_texts([f"Meldung {{n}}: Die Truppen sind in der Stadt. Gestern kamen sie."])
threads = [threading.Thread(target=request, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
service.close()
print(len(loads), sorted(m for m in ("torch", "transformers") if m in sys.modules))
"""
    env = {**os.environ, "TRANSLATOR_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "2 []"


# -- CLI -----------------------------------------------------------------------------------------


def test_cli_convert_then_translate_with_ctranslate2(
    copy_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "model", "convert", str(copy_model_dir), "-q",
                             "float32")  # fmt: skip
    assert code == 0, err
    assert "converted (float32)" in out + err
    article = tmp_path / "a.txt"
    article.write_text("Die Truppen sind in der Stadt. Der Sprecher bestätigte das.\n", "utf-8")
    args = ["translate", str(article), "--model", str(copy_model_dir), "--format", "json"]
    code, out, err = run_cli(monkeypatch, capsys, *args, "--backend", "ctranslate2",
                             "--no-glossary", "--no-cache")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["signature"]["backend"] == "ctranslate2"
    assert [s["target"] for p in data["paragraphs"] for s in p["sentences"]] == [
        "Die Truppen sind in der Stadt.",
        "Der Sprecher bestätigte das.",
    ]


def test_cli_ctranslate2_without_conversion_exits_4(tiny_model_dir: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Die Truppen sind in der Stadt.\n", "utf-8")
    args = ["translate", str(article), "--model", str(tiny_model_dir), "--backend", "ctranslate2"]
    out = subprocess.run(
        [sys.executable, "-m", "translator", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 4, out.stderr
    assert "translator model convert" in out.stderr
    assert "Traceback" not in out.stderr
