"""Output restricted to the target side's pieces, in both backends, and forced lengths.

opus-mt models share one vocabulary between a German and an English SentencePiece model; only
the English pieces are output. The tiny model here is built the same way (separate source and
target SentencePiece models, one vocab.json), so the restriction has something to leave out.
Its output is noise: the tests compare token streams and counts, never wording.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.models import build_marian_model, default_corpus
from translator.engine.convert import convert_model
from translator.engine.ct2 import CTranslate2Engine
from translator.engine.marian import MarianEngine
from translator.engine.vocab import VMAP_FILE, target_pieces
from translator.text.layout import rebuild
from translator.text.segment import split_sentences

pytestmark = [pytest.mark.slow, pytest.mark.noise_model]


@pytest.fixture(scope="module")
def split_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random MarianMT whose target.spm (English) differs from source.spm (German)."""
    english = default_corpus(0)[300:600]  # default_corpus: 300 German, then 300 English lines
    folder = tmp_path_factory.mktemp("split") / "opus-mt-split"
    return build_marian_model(folder, seed=0, shared_spm=False, target_corpus=english)


@pytest.fixture(scope="module")
def split_f32(split_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ct2") / "split-float32"
    return convert_model(str(split_model), quantization="float32", output_dir=out).path


def sentences(text: str) -> list[str]:
    return [s for block in rebuild(text) for s in split_sentences(block.text)]


def test_target_pieces_are_the_english_side_only(split_model: Path) -> None:
    import sentencepiece as spm

    vocab = json.loads((split_model / "vocab.json").read_text())
    tokens = target_pieces(split_model)
    assert tokens is not None
    target = spm.SentencePieceProcessor(model_file=str(split_model / "target.spm"))
    pieces = {target.id_to_piece(i) for i in range(target.get_piece_size())}
    assert set(tokens) == ({"</s>", "<unk>"} | (pieces & vocab.keys())) - {"<s>"}
    assert "<pad>" not in tokens and len(tokens) < len(vocab) - 1
    assert [vocab[t] for t in tokens] == sorted(vocab[t] for t in tokens)


def test_one_spm_for_both_sides_restricts_nothing(tiny_model_dir: Path) -> None:
    assert target_pieces(tiny_model_dir) is None


def test_conversion_writes_the_map_and_records_its_size(split_model: Path, split_f32: Path) -> None:
    tokens = target_pieces(split_model)
    assert tokens is not None
    line = (split_f32 / VMAP_FILE).read_text("utf-8")
    assert line == "\t" + " ".join(tokens) + "\n"  # the empty n-gram: always candidates
    meta = json.loads((split_f32 / "translator.json").read_text())
    assert meta["output_vocabulary"] == len(tokens)
    engine = CTranslate2Engine(str(split_f32), device="cpu", beam_size=1)
    reference = MarianEngine(str(split_model), device="cpu", beam_size=1)
    assert engine.signature["output_vocabulary"] == len(tokens)
    assert reference.signature["output_vocabulary"] == len(tokens)


def test_no_map_without_a_restriction(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = convert_model(str(tiny_model_dir), quantization="int8", output_dir=tmp_path / "c")
    assert not (folder.path / VMAP_FILE).exists()
    assert json.loads((folder.path / "translator.json").read_text())["output_vocabulary"] is None
    engine = CTranslate2Engine(str(folder.path), device="cpu", beam_size=1)
    assert "output_vocabulary" not in engine.signature


def test_both_backends_agree_token_for_token_with_the_restriction(
    split_model: Path, split_f32: Path, seed_text: str
) -> None:
    texts = sentences(seed_text)
    reference = MarianEngine(str(split_model), device="cpu", beam_size=1)
    engine = CTranslate2Engine(str(split_f32), device="cpu", beam_size=1)
    assert engine.translate_batch(texts) == reference.translate_batch(texts)
    assert engine.last_lengths == reference.last_lengths


@pytest.mark.parametrize("beam_size", [1, 3])
def test_the_restricted_engine_generates_only_target_side_ids(
    split_model: Path, seed_text: str, beam_size: int
) -> None:
    # One engine, the same inputs and decoding options, run with and without its
    # restriction: the ids each run generated are read from the model's generate().
    engine = MarianEngine(str(split_model), device="cpu", beam_size=beam_size)
    tokenizer = engine._tokenizer
    allowed = set(tokenizer.convert_tokens_to_ids(target_pieces(split_model) or []))
    pad = tokenizer.pad_token_id
    assert allowed and pad not in allowed
    generated: list[list[int]] = []
    generate = engine._model.generate

    def recording(*args: object, **kwargs: object) -> object:
        out = generate(*args, **kwargs)
        # Column 0 is the decoder start (<pad>); finished rows are padded after </s>.
        generated.extend([t for t in row[1:] if t != pad] for row in out.tolist())
        return out

    engine._model.generate = recording  # type: ignore[method-assign]
    texts = sentences(seed_text)[:12]

    restricted = engine.translate_batch(texts)
    with_restriction, generated[:] = list(generated), []
    restriction, engine._restrict = engine._restrict, []
    unrestricted = engine.translate_batch(texts)
    engine._restrict = restriction

    assert len(with_restriction) == len(generated) == len(texts)
    outside = {t for row in generated for t in row} - allowed
    assert outside, "unrestricted, the random model never left the target side: no test"
    assert {t for row in with_restriction for t in row} <= allowed
    assert restricted != unrestricted


def test_forced_greedy_lengths_are_per_sentence(split_f32: Path) -> None:
    # Benchmarks force each output to ratio x its input: greedy stops every row at its own
    # length (as a real translation leaves the batch at its </s>); beam rows all run to the
    # batch's longest, as in the transformers engine.
    texts = [
        "Die Truppen haben sich in der Nacht aus der Stadt zurückgezogen.",
        "Die Soldaten haben sich in der Nacht zurückgezogen.",
    ]
    greedy = CTranslate2Engine(str(split_f32), device="cpu", beam_size=1, force_length_ratio=1.2)
    greedy.translate_batch(texts)
    assert [g for _, g in greedy.last_lengths] == [
        math.ceil(1.2 * n) for n, _ in greedy.last_lengths
    ]
    assert len({n for n, _ in greedy.last_lengths}) == 2  # two lengths: the test means something
    beam = CTranslate2Engine(
        str(split_f32), device="cpu", beam_size=2, force_length_ratio=1.2, parallel_batches=1
    )
    beam.translate_batch(texts)
    assert beam.stats["batches"] == 1  # similar lengths: one batch
    longest = max(n for n, _ in beam.last_lengths)
    assert [g for _, g in beam.last_lengths] == [math.ceil(1.2 * longest)] * 2


def test_an_older_conversion_without_the_map_is_converted_again(
    split_model: Path, tmp_path: Path
) -> None:
    out = tmp_path / "old"
    convert_model(str(split_model), quantization="int8", output_dir=out)
    assert convert_model(str(split_model), quantization="int8", output_dir=out).created is False
    meta_file = out / "translator.json"
    meta = json.loads(meta_file.read_text())
    del meta["output_vocabulary"]  # as written before outputs were restricted
    meta_file.write_text(json.dumps(meta))
    (out / VMAP_FILE).unlink()
    assert convert_model(str(split_model), quantization="int8", output_dir=out).created
    assert (out / VMAP_FILE).is_file()
