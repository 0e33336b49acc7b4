"""Build MarianMT model folders in the real opus-mt layout, for tests and benchmarks.

Dev-only: this module is not part of the shipped package (it reads the repository's
``seeds/``). Tests import it as ``tests.models``, and so do the benchmarks and
``scripts/build_copy_model.py``, run as modules from the repository root
(``python -m benchmarks.bench_speed``, ``python -m scripts.build_copy_model``).

No model can be downloaded on the machines this project is tested on, so the suite builds its
own: two SentencePiece models trained in-process on a little German/English text, a shared
``vocab.json``, a ``MarianConfig`` with the real opus-mt-de-en settings and randomly initialised
weights saved with ``save_pretrained``. The result loads with
``MarianTokenizer.from_pretrained(dir)`` and ``MarianMTModel.from_pretrained(dir)`` offline,
through exactly the code path of the real model.

A random model's output is noise: use it to test structure, counts and the absence of loss,
never the quality or wording of a translation.

Presets (``preset=``), each value overridable by the keyword of the same name:

* ``"tiny"`` -- d_model 32, 1+1 layers, 2 heads, FFN 64; builds in a few seconds (tests).
* ``"full"`` -- the opus-mt-de-en architecture: d_model 512, 6+6 layers, 8 heads, FFN 2048,
  vocabulary padded to 58,101 ids, a ~18,800-piece SentencePiece model that also learned the
  20,000 commonest German and English words (the seed article: ~950 tokens, the real model
  ~850); ~300 MB of random weights, so it costs what the real model costs per token
  (benchmarks). Builds in ~30 s.

A copy-trained test model (a script elsewhere) uses e.g.
``build_marian_model(d, d_model=128, encoder_layers=2, decoder_layers=2, heads=4, ffn_dim=512,
spm_vocab_size=2000, byte_fallback=True, corpus=...)``; one SentencePiece model is trained and
written as both ``source.spm`` and ``target.spm`` (``shared_spm=True``, the default).
"""

from __future__ import annotations

import io
import json
import random
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from translator.engine.vocab import EOS, PAD, UNK

#: Every file of a Helsinki-NLP/opus-mt-* model folder that this project needs.
OPUS_MT_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "source.spm",
    "target.spm",
    "tokenizer_config.json",
    "vocab.json",
)

PRESETS: dict[str, dict[str, Any]] = {
    "tiny": {
        "d_model": 32,
        "encoder_layers": 1,
        "decoder_layers": 1,
        "heads": 2,
        "ffn_dim": 64,
        "vocab_size": None,
        "spm_vocab_size": 600,
        "lexicon_words": 0,
        # Wider than the usual 0.02, so that the noise depends on the input (a test can then
        # see whether outputs come back in the right order).
        "weight_std": 0.3,
    },
    "full": {
        "d_model": 512,
        "encoder_layers": 6,
        "decoder_layers": 6,
        "heads": 8,
        "ffn_dim": 2048,
        "vocab_size": 58101,
        # Whole common words as pieces (~18,800 of them), so the seed article takes ~950
        # tokens as with the real 58k vocabulary (~850), not ~1,300 as with a small spm.
        "spm_vocab_size": 32000,
        "lexicon_words": 20000,
        "weight_std": 0.02,
    },
}


_ROOT_SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def build_marian_model(
    out_dir: str | Path,
    *,
    preset: str = "tiny",
    corpus: Sequence[str] | None = None,
    spm_vocab_size: int | None = None,
    vocab_size: int | None = None,
    d_model: int | None = None,
    encoder_layers: int | None = None,
    decoder_layers: int | None = None,
    heads: int | None = None,
    ffn_dim: int | None = None,
    weight_std: float | None = None,
    lexicon_words: int | None = None,
    seed: int = 0,
    byte_fallback: bool = False,
    shared_spm: bool = True,
    target_corpus: Sequence[str] | None = None,
    **config_overrides: Any,
) -> Path:
    """Write a randomly initialised MarianMT model in the opus-mt-de-en layout to ``out_dir``.

    Args:
        out_dir: folder to create (or fill); exactly the files of ``OPUS_MT_FILES`` end up there.
        preset: ``"tiny"`` or ``"full"`` (see the module docstring); the keywords below that
            are not None override it.
        corpus: sentences to train the SentencePiece model(s) on; default: a few hundred
            generated German and English sentences plus the lines of the repository's seeds.
        spm_vocab_size: SentencePiece pieces wanted (a soft limit: fewer when the corpus is small).
        vocab_size: pad ``vocab.json`` with filler entries up to this many ids (``<pad>`` is
            always the last id); default: the SentencePiece pieces + ``</s>``, ``<unk>``, ``<pad>``.
        d_model, encoder_layers, decoder_layers, heads, ffn_dim: the transformer's size
            (``heads`` and ``ffn_dim`` apply to encoder and decoder alike).
        weight_std: standard deviation of the random weights (config.json keeps the real
            model's ``init_std`` 0.02 either way).
        lexicon_words: with the default corpus, also train on the N most frequent German and
            English words (wordfreq), so SentencePiece learns whole words as a large real
            vocabulary does (token counts then resemble the real model's).
        seed: seeds the generated corpus and the weight initialisation (same seed, same files).
        byte_fallback: train SentencePiece with byte fallback (no ``<unk>`` for unseen characters).
        shared_spm: one SentencePiece model as both source.spm and target.spm (default); False
            trains ``target.spm`` on ``target_corpus`` (default: the same corpus).
        config_overrides: any other ``MarianConfig`` field, e.g. ``max_position_embeddings``.

    Returns:
        ``Path(out_dir)``.
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
    size = dict(PRESETS[preset])
    given = {
        "spm_vocab_size": spm_vocab_size,
        "vocab_size": vocab_size,
        "d_model": d_model,
        "encoder_layers": encoder_layers,
        "decoder_layers": decoder_layers,
        "heads": heads,
        "ffn_dim": ffn_dim,
        "weight_std": weight_std,
        "lexicon_words": lexicon_words,
    }
    size.update({k: v for k, v in given.items() if v is not None})

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines = (
        list(corpus)
        if corpus is not None
        else default_corpus(seed) + lexicon_lines(size["lexicon_words"])
    )
    source_spm = train_spm(lines, size["spm_vocab_size"], byte_fallback=byte_fallback, seed=seed)
    if shared_spm:
        target_spm = source_spm
    else:
        target_lines = list(target_corpus) if target_corpus is not None else lines
        target_spm = train_spm(
            target_lines, size["spm_vocab_size"], byte_fallback=byte_fallback, seed=seed
        )
    (out / "source.spm").write_bytes(source_spm)
    (out / "target.spm").write_bytes(target_spm)

    vocab = build_vocab([source_spm, target_spm], size["vocab_size"])
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=2), "utf-8")
    (out / "tokenizer_config.json").write_text(
        json.dumps({"target_lang": "en", "source_lang": "de"}), "utf-8"
    )
    _write_weights(out, len(vocab), size, seed, config_overrides)
    return out


def train_spm(
    lines: Iterable[str], vocab_size: int, *, byte_fallback: bool = False, seed: int = 0
) -> bytes:
    """Train a unigram SentencePiece model in memory (as Marian's are) and return its bytes."""
    import sentencepiece as spm

    spm.set_random_generator_seed(seed)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([line for line in lines if line.strip()]),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=byte_fallback,
        # A soft limit: a small corpus cannot fill a large vocabulary, and need not.
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def build_vocab(spm_models: Sequence[bytes], vocab_size: int | None = None) -> dict[str, int]:
    """Marian's shared vocabulary: ``</s>`` 0, ``<unk>`` 1, every piece, fillers, ``<pad>`` last."""
    import sentencepiece as spm

    vocab: dict[str, int] = {EOS: 0, UNK: 1}
    for blob in spm_models:
        proc = spm.SentencePieceProcessor(model_proto=blob)
        for i in range(proc.get_piece_size()):
            if proc.is_control(i) or proc.is_unknown(i):
                continue  # <s>, </s>, <unk>: Marian has its own ids for these
            vocab.setdefault(proc.id_to_piece(i), len(vocab))
    if vocab_size is not None:
        if vocab_size < len(vocab) + 1:
            raise ValueError(
                f"vocab_size {vocab_size} is smaller than the {len(vocab) + 1} entries needed"
            )
        # Fillers stand for the real model's pieces this corpus never produced.
        for i in range(vocab_size - len(vocab) - 1):
            vocab[f"<filler_{i}>"] = len(vocab)
    vocab[PAD] = len(vocab)
    return vocab


def marian_config(vocab_size: int, size: dict[str, Any], overrides: dict[str, Any]) -> Any:
    """A ``MarianConfig`` with opus-mt-de-en's settings, the given size and ``vocab_size``."""
    from transformers import MarianConfig

    pad = vocab_size - 1
    settings: dict[str, Any] = {
        "vocab_size": vocab_size,
        "decoder_vocab_size": vocab_size,
        "d_model": size["d_model"],
        "encoder_layers": size["encoder_layers"],
        "decoder_layers": size["decoder_layers"],
        "encoder_attention_heads": size["heads"],
        "decoder_attention_heads": size["heads"],
        "encoder_ffn_dim": size["ffn_dim"],
        "decoder_ffn_dim": size["ffn_dim"],
        "activation_function": "swish",
        "max_position_embeddings": 512,
        "scale_embedding": True,
        "share_encoder_decoder_embeddings": True,
        "static_position_embeddings": True,
        "pad_token_id": pad,
        "decoder_start_token_id": pad,
        "eos_token_id": 0,
        "bos_token_id": 0,
        "forced_eos_token_id": 0,
        "architectures": ["MarianMTModel"],
    }
    settings.update(overrides)
    return MarianConfig(**settings)


def _write_weights(
    out: Path, vocab_size: int, size: dict[str, Any], seed: int, overrides: dict[str, Any]
) -> None:
    import torch
    from transformers import GenerationConfig, MarianMTModel

    pad = vocab_size - 1
    config = marian_config(vocab_size, size, overrides)
    init_std = config.init_std
    config.init_std = size["weight_std"]
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.config.init_std = init_std
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad]],
        bos_token_id=0,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        max_length=512,
        num_beams=4,
        pad_token_id=pad,
        renormalize_logits=True,
    )
    # save_pretrained may add files of its own; keep exactly the opus-mt set.
    from translator.engine.marian import quiet

    with tempfile.TemporaryDirectory(dir=out) as tmp, quiet():
        model.save_pretrained(tmp, safe_serialization=True)
        for name in ("config.json", "generation_config.json", "model.safetensors"):
            shutil.move(str(Path(tmp) / name), out / name)
            (out / name).chmod(0o644)  # the temporary folder's files are private


# -- the default training corpus ---------------------------------------------------------------

_DE_SUBJECTS = [
    "Die Regierung",
    "Das Verteidigungsministerium",
    "Der Sprecher der Armee",
    "Die Soldaten",
    "Ein Oberst",
    "Die ukrainischen Streitkräfte",
    "Die russische Armee",
    "Der Präsident",
    "Die Bundeswehr",
    "Ein Militärbeamter",
    "Die NATO",
    "Die Behörden in Kiew",
    "Nordkoreanische Truppen",
    "Der Geheimdienst",
    "Die Außenministerin",
    "Ein Analyst",
]
_DE_VERBS = [
    "berichtet über",
    "bestätigte",
    "kritisierte",
    "meldete",
    "untersucht",
    "beobachtete",
    "dementierte",
    "verurteilte",
    "kündigte an:",
    "sprach über",
    "warnte vor",
    "erklärte",
]
_DE_OBJECTS = [
    "schwere Verluste an der Front",
    "den Rückzug der Truppen",
    "neue Angriffe mit Drohnen",
    "die Lage in der Region Kursk",
    "Gespräche über einen Waffenstillstand",
    "die Lieferung von Panzern",
    "den Einsatz von Artillerie",
    "die Zahl der Gefangenen",
    "ein Manöver im Schwarzen Meer",
    "die Sanktionen gegen Moskau",
    "die Luftabwehr der Stadt",
    "Berichte über Kämpfe nahe der Grenze",
    "den Bau neuer Stellungen",
    "die Mobilmachung",
]
_DE_TAILS = [
    "am Montag",
    "nach Angaben des Ministeriums",
    "seit drei Wochen",
    "am 31. Januar",
    "in einer Mitteilung",
    "laut Medienberichten",
    "im Gespräch mit Journalisten",
    "",
]
_EN_SUBJECTS = [
    "The government",
    "The defence ministry",
    "An army spokesman",
    "The soldiers",
    "A colonel",
    "Ukraine's armed forces",
    "The Russian army",
    "The president",
    "The Bundeswehr",
    "A military official",
    "NATO",
    "The authorities in Kyiv",
    "North Korean troops",
    "The intelligence service",
    "The foreign minister",
    "An analyst",
]
_EN_VERBS = [
    "reported",
    "confirmed",
    "criticised",
    "announced",
    "is investigating",
    "observed",
    "denied",
    "condemned",
    "spoke about",
    "warned of",
    "explained",
    "described",
]
_EN_OBJECTS = [
    "heavy losses at the front",
    "the withdrawal of the troops",
    "new drone attacks",
    "the situation in the Kursk region",
    "talks on a ceasefire",
    "the delivery of tanks",
    "the use of artillery",
    "the number of prisoners",
    "an exercise in the Black Sea",
    "the sanctions against Moscow",
    "the city's air defence",
    "fighting near the border",
    "the construction of new positions",
    "the mobilisation",
]
_EN_TAILS = [
    "on Monday",
    "according to the ministry",
    "for three weeks",
    "on 31 January",
    "in a statement",
    "according to media reports",
    "in an interview with journalists",
    "",
]


def lexicon_lines(n_words: int, languages: Sequence[str] = ("de", "en")) -> list[str]:
    """The ``n_words`` most frequent words of each language, twelve to a line (wordfreq)."""
    if n_words <= 0:
        return []
    from wordfreq import top_n_list

    lines: list[str] = []
    for lang in languages:
        words = top_n_list(lang, n_words)
        lines += [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    return lines


def default_corpus(seed: int = 0, n: int = 300) -> list[str]:
    """``n`` generated German and ``n`` English news-like sentences, plus the repo's seed lines."""
    rng = random.Random(seed)

    def sentence(
        subjects: list[str], verbs: list[str], objects: list[str], tails: list[str]
    ) -> str:
        words = [rng.choice(subjects), rng.choice(verbs), rng.choice(objects), rng.choice(tails)]
        return " ".join(w for w in words if w) + rng.choice([".", ".", ".", "?", "!"])

    lines = [sentence(_DE_SUBJECTS, _DE_VERBS, _DE_OBJECTS, _DE_TAILS) for _ in range(n)]
    lines += [sentence(_EN_SUBJECTS, _EN_VERBS, _EN_OBJECTS, _EN_TAILS) for _ in range(n)]
    # Digits, quotes and punctuation the articles contain, so they are not all <unk>.
    lines += ["„Zitat“, sagte er: 1, 2, 3, 4, 5, 6, 7, 8, 9, 0 – (etwa) 50 % / 1.000 Soldaten; ok."]
    if _ROOT_SEEDS.is_dir():
        for path in sorted(_ROOT_SEEDS.glob("*.txt")):
            lines += [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()]
    return lines
