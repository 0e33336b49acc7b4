"""The MarianMT folder builder writes exactly the opus-mt-de-en layout and settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.models import (
    OPUS_MT_FILES,
    PRESETS,
    build_marian_model,
    build_vocab,
    marian_config,
    train_spm,
)

SMALL_CORPUS = [
    "Die Soldaten haben sich nach schweren Verlusten zurückgezogen.",
    "Das Verteidigungsministerium bestätigte den Angriff am Montag.",
    "The soldiers withdrew after heavy losses.",
    "The defence ministry confirmed the attack on Monday.",
] * 5

# MarianTokenizer recommends sacremoses, which its encoding never uses.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses"),
    pytest.mark.noise_model,
]


def _json(path: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(path.read_text("utf-8"))


def test_exactly_the_opus_mt_file_set(tiny_model_dir: Path) -> None:
    assert sorted(p.name for p in tiny_model_dir.iterdir()) == sorted(OPUS_MT_FILES)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("activation_function", "swish"),
        ("static_position_embeddings", True),
        ("scale_embedding", True),
        ("share_encoder_decoder_embeddings", True),
        ("eos_token_id", 0),
        ("forced_eos_token_id", 0),
        ("max_position_embeddings", 512),
        ("architectures", ["MarianMTModel"]),
        ("model_type", "marian"),
        ("init_std", 0.02),
        ("d_model", 32),
        ("encoder_layers", 1),
        ("decoder_layers", 1),
    ],
)
def test_config_has_the_real_settings(tiny_model_dir: Path, key: str, value: object) -> None:
    assert _json(tiny_model_dir / "config.json")[key] == value


def test_pad_is_the_last_id_and_starts_decoding(tiny_model_dir: Path) -> None:
    config = _json(tiny_model_dir / "config.json")
    vocab = _json(tiny_model_dir / "vocab.json")
    last = len(vocab) - 1
    assert config["vocab_size"] == config["decoder_vocab_size"] == len(vocab)
    assert config["pad_token_id"] == config["decoder_start_token_id"] == last


def test_generation_config_is_opus_mts(tiny_model_dir: Path) -> None:
    gen = _json(tiny_model_dir / "generation_config.json")
    pad = _json(tiny_model_dir / "config.json")["pad_token_id"]
    assert gen["num_beams"] == 4
    assert gen["max_length"] == 512
    assert gen["bad_words_ids"] == [[pad]]
    assert gen["forced_eos_token_id"] == 0
    assert gen["decoder_start_token_id"] == pad


def test_vocab_layout(tiny_model_dir: Path) -> None:
    vocab = _json(tiny_model_dir / "vocab.json")
    assert vocab["</s>"] == 0
    assert vocab["<unk>"] == 1
    assert vocab["<pad>"] == len(vocab) - 1
    assert sorted(vocab.values()) == list(range(len(vocab)))  # contiguous, no duplicates
    assert "<s>" not in vocab


def test_tokenizer_config_and_shared_spm(tiny_model_dir: Path) -> None:
    assert _json(tiny_model_dir / "tokenizer_config.json") == {
        "target_lang": "en",
        "source_lang": "de",
    }
    assert (tiny_model_dir / "source.spm").read_bytes() == (
        tiny_model_dir / "target.spm"
    ).read_bytes()


@pytest.mark.slow
def test_loads_with_the_transformers_classes_offline(tiny_model_dir: Path, seed_text: str) -> None:
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(str(tiny_model_dir), local_files_only=True)
    model = MarianMTModel.from_pretrained(str(tiny_model_dir), local_files_only=True)
    assert model.config.d_model == 32
    ids = tokenizer(seed_text.split("\n")[:40], add_special_tokens=True)["input_ids"]
    assert all(row[-1] == 0 for row in ids if len(row) > 1)  # </s> appended
    # The spm saw the seed, so the article's characters are all known.
    assert tokenizer.unk_token_id not in {i for row in ids for i in row}


@pytest.mark.slow
def test_vocab_padded_to_the_real_size(tmp_path: Path) -> None:
    out = build_marian_model(
        tmp_path / "m", corpus=SMALL_CORPUS, spm_vocab_size=60, vocab_size=58101, d_model=16
    )
    vocab = _json(out / "vocab.json")
    config = _json(out / "config.json")
    assert len(vocab) == 58101
    assert vocab["<pad>"] == 58100 == config["pad_token_id"] == config["decoder_start_token_id"]
    assert config["vocab_size"] == 58101
    assert _json(out / "generation_config.json")["bad_words_ids"] == [[58100]]
    assert sorted(vocab.values()) == list(range(58101))

    from safetensors import safe_open

    with safe_open(str(out / "model.safetensors"), "pt") as weights:
        shapes = {k: weights.get_slice(k).get_shape() for k in weights.keys()}  # noqa: SIM118
    assert [58101, 16] in shapes.values()


def test_full_preset_is_the_opus_mt_de_en_architecture() -> None:
    size = PRESETS["full"]
    config = marian_config(size["vocab_size"], size, {})
    assert (config.d_model, config.encoder_layers, config.decoder_layers) == (512, 6, 6)
    assert (config.encoder_attention_heads, config.decoder_attention_heads) == (8, 8)
    assert (config.encoder_ffn_dim, config.decoder_ffn_dim) == (2048, 2048)
    assert config.vocab_size == 58101
    assert config.pad_token_id == config.decoder_start_token_id == 58100


@pytest.mark.slow
def test_byte_fallback_and_custom_size_for_a_copy_model(tmp_path: Path) -> None:
    from transformers import MarianTokenizer

    out = build_marian_model(
        tmp_path / "copy",
        corpus=SMALL_CORPUS,
        spm_vocab_size=320,
        byte_fallback=True,
        d_model=24,
        encoder_layers=2,
        decoder_layers=2,
        heads=2,
        ffn_dim=48,
    )
    config = _json(out / "config.json")
    assert (config["d_model"], config["encoder_layers"], config["decoder_layers"]) == (24, 2, 2)
    vocab = _json(out / "vocab.json")
    assert "<0x00>" in vocab and "<0xFF>" in vocab
    tokenizer = MarianTokenizer.from_pretrained(str(out))
    ids = tokenizer("Ωμέγα 東京 🚀", add_special_tokens=False)["input_ids"]
    assert ids and tokenizer.unk_token_id not in ids  # unseen characters become bytes


def test_same_seed_same_spm_and_vocab() -> None:
    a = train_spm(SMALL_CORPUS, 60, seed=3)
    b = train_spm(SMALL_CORPUS, 60, seed=3)
    assert a == b
    assert build_vocab([a]) == build_vocab([b])


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"preset": "huge"}, "unknown preset"),
        ({"vocab_size": 10}, "smaller than"),
    ],
)
def test_bad_builder_arguments(tmp_path: Path, kwargs: dict, error: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=error):
        build_marian_model(tmp_path / "x", corpus=SMALL_CORPUS, spm_vocab_size=60, **kwargs)


def test_lexicon_lines_hold_the_commonest_words_of_each_language() -> None:
    from tests.models import lexicon_lines

    lines = lexicon_lines(24)
    assert len(lines) == 4  # 24 words per language, twelve to a line
    words = " ".join(lines).split()
    assert "der" in words and "the" in words
    assert lexicon_lines(0) == []
