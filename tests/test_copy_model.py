"""The real MarianMT path with a model trained to copy its input (tests/data/copy-marian).

The model returns its input token for token (see scripts/build_copy_model.py), so whatever the
pipeline and engine do around it -- splitting, sorting, padding, batching, splitting over-long
inputs, rejoining -- must give back exactly the source text. These tests assert copy behaviour,
which is what this model was trained for; none of them is about translation quality.

SentencePiece normalises its input with NFKC (as the real opus-mt tokenizer does), so "…"
comes back as "..."; the expected text is the NFKC form of the source.
"""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

import pytest

from translator import Pipeline, config
from translator.engine.marian import MarianEngine
from translator.glossary import load_glossary

pytestmark = pytest.mark.slow


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module", params=[1, 4], ids=["greedy", "beam4"])
def engine(request: pytest.FixtureRequest, copy_model_dir: Path) -> MarianEngine:
    return MarianEngine(str(copy_model_dir), device="cpu", beam_size=request.param)


@pytest.fixture(scope="module")
def greedy(copy_model_dir: Path) -> MarianEngine:
    return MarianEngine(str(copy_model_dir), device="cpu", beam_size=1)


def test_model_folder_has_the_opus_mt_layout(copy_model_dir: Path) -> None:
    names = {p.name for p in copy_model_dir.iterdir()}
    assert names == {
        "config.json", "generation_config.json", "model.safetensors", "source.spm",
        "target.spm", "tokenizer_config.json", "vocab.json",
    }
    size = sum(p.stat().st_size for p in copy_model_dir.iterdir())
    assert size < 6_500_000


def test_every_seed_sentence_comes_back_once_and_in_order(
    engine: MarianEngine, seed_text: str
) -> None:
    result = Pipeline(engine, glossary=None).translate_text(seed_text)

    sentences = result.sentences
    assert len(sentences) >= 30
    wrong = [(s.source, s.target) for s in sentences if s.target != nfkc(s.source)]
    assert wrong == []
    # Nothing lost or doubled across the whole article: every number and name occurs as often
    # in the output as in the input, and the paragraphs are the source's, in order.
    source = nfkc(" ".join(p.source for p in result.paragraphs))
    target = " ".join(p.target for p in result.paragraphs)
    assert target == " ".join(nfkc(s.source) for s in sentences)
    for item in ["12.000", "4.000", "60.000", "1980", "1961", "100", "31. Januar 2025",
                 "Oleksandr Kindratenko", "Wolodymyr Selenskyj", "Kim Jong Un",
                 "Nikolayevo-Daryino", "Daria Tarasova-Markina", "Helen Regan", "Kursk"]:
        assert target.count(item) == source.count(item) > 0, item
    # ... and the sentences cover the whole article, word for word.
    assert target.split() == nfkc(seed_text).split()


def _mixed_sentences() -> list[str]:
    rng = random.Random(7)
    base = [
        "Ja.", "Kiew.", "Nein, sagte er.", "Am 20. März 2024 um 14:30 Uhr.",
        "Rund 3,5 Millionen Menschen sind geflohen.",
        "Die Brigade meldete 17 zerstörte Panzer und 42 Drohnen.",
        "Oleksandr Syrskyj traf Boris Pistorius und Mark Rutte in Brüssel.",
        "Laut ISW und Reuters wurden zwischen dem 1. und dem 31. Januar 2025 etwa 1.200 "
        "Angriffe gemeldet, die meisten davon im Osten der Region Donezk.",
        "Die Regierung in Kiew erklärte am Montag, dass die Lieferungen aus Washington, Berlin "
        "und Warschau weiterhin eintreffen, obwohl die Luftabwehr der Stadt in der Nacht "
        "mehrfach angegriffen worden sei und 12 Menschen verletzt wurden.",
        "Ein Sprecher sagte: „Wir haben keine Informationen darüber.“",
        "Der Bericht stützt sich auf Angaben von CNN, BBC und dpa.",
        "Zahlen: 1, 2, 3, 5, 8, 13, 21, 34, 55, 89.",
    ]
    sentences = base + [f"Satz Nummer {i} nennt {i * 137} Soldaten in Kursk." for i in range(20)]
    rng.shuffle(sentences)
    return sentences


def test_a_batch_returns_every_sentence_in_its_own_slot(engine: MarianEngine) -> None:
    sentences = _mixed_sentences()

    out = engine.translate_batch(sentences)

    assert out == [nfkc(s) for s in sentences]


def _long_text(kind: str, seed_text: str) -> str:
    if kind == "clauses":
        # Numbered clauses, so a lost, doubled or reordered piece shows in the numbers.
        return ", ".join(
            f"und die {i}. Einheit meldete {i * 7} Drohnen bei Kursk" for i in range(1, 44)
        ) + "."
    return " ".join(seed_text.split())  # the whole article as one line


@pytest.mark.parametrize("beam_size", [1, 4], ids=["greedy", "beam4"])
@pytest.mark.parametrize("kind", ["clauses", "article"])
def test_an_input_over_the_512_token_limit_is_split_not_truncated(
    copy_model_dir: Path, seed_text: str, kind: str, beam_size: int
) -> None:
    # Pieces of at most 120 tokens: the copy model was trained on up to 200 and is exact on
    # real text up to ~150 (the default limit, 334, goes through the same splitting code).
    engine = MarianEngine(
        str(copy_model_dir), device="cpu", beam_size=beam_size, max_input_tokens=120
    )
    text = _long_text(kind, seed_text)
    assert engine.count_tokens(text) > 512  # in one piece it would not fit 512 positions

    (out,) = engine.translate_batch([text])

    assert engine.stats["split"] == 1
    assert engine.stats["units"] >= 5
    assert re.findall(r"\d+", out) == re.findall(r"\d+", text)
    assert out == nfkc(text)


@pytest.mark.parametrize(
    ("sentence", "english"),
    [
        # English already in the German copy, and German terms the glossary renders.
        ("Ein Offizier der Special Operations Forces sagte in Kiew, die Front sei stabil.",
         ["Special Operations Forces", "Kyiv"]),
        ("Laut dem Institute for the Study of War haben Ukrainian officials die Angaben "
         "bestätigt.", ["Institute for the Study of War", "Ukrainian officials"]),
        ("Die North Korean troops wurden nach Kyiv und in die Region Kursk verlegt.",
         ["North Korean troops", "Kyiv", "Kursk region"]),
        ("Laut ISW haben nordkoreanische Truppen die Region Kursk verlassen.",
         ["ISW", "North Korean troops", "Kursk region"]),
    ],
)  # fmt: skip
def test_english_injected_into_german_comes_through(
    greedy: MarianEngine, sentence: str, english: list[str]
) -> None:
    glossary = load_glossary(config.packaged_glossary())
    pipeline = Pipeline(greedy, glossary=glossary)
    [[unit]] = pipeline.prepare(sentence).units
    result = pipeline.translate_text(sentence)
    assert result.target == unit.engine_input  # the copy model gives its input back
    assert result.terms and [t.status for t in result.terms] == ["applied"] * len(result.terms)
    for fragment in english:
        assert result.target.count(fragment) == 1, fragment
