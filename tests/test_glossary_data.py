"""The packaged glossary: valid, large, its generated region current, and what it covers.

The generated region (countries, regions, exonym cities, nationality words) is rebuilt by
``scripts/build_glossary.py`` from Babel's CLDR data and the script's curated tables.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from translator import config
from translator.glossary import Glossary, load_glossary
from translator.glossary.enforce import enforce_mode
from translator.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]


def _builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_glossary", ROOT / "scripts" /
                                                  "build_glossary.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def builder():  # type: ignore[no-untyped-def]
    return _builder()


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(config.packaged_glossary())


TEXT = config.packaged_glossary().read_text(encoding="utf-8")


def test_the_glossary_is_valid_and_large(glossary: Glossary) -> None:
    assert len(glossary) >= 1500
    cats = Counter(e.category for e in glossary.entries)
    assert cats["person"] >= 200 and cats["place"] >= 300 and cats["organisation"] >= 100


def test_the_generated_region_is_up_to_date(builder) -> None:  # type: ignore[no-untyped-def]
    assert builder.build(TEXT) == TEXT, "run: python scripts/build_glossary.py"


def test_the_generated_region_is_delimited_and_last(builder) -> None:  # type: ignore[no-untyped-def]
    hand, generated = builder.split(TEXT)
    assert generated.startswith(builder.BEGIN)
    assert generated.rstrip("\n").endswith(builder.END)
    assert TEXT.count(builder.BEGIN) == TEXT.count(builder.END) == 1
    n_hand = len(Glossary.from_yaml(hand))
    assert 404 < n_hand < len(load_glossary(config.packaged_glossary()))


def test_hand_written_entries_win(builder) -> None:  # type: ignore[no-untyped-def]
    hand = (
        "schema: 1\nentries:\n"
        "  - source: Tiflis\n    target: Tbilisi (Georgia)\n    category: place\n"
        "  - source: Moldau\n    target: Moldova\n    category: place\n"
        "    forms: [Republik Moldau]\n"
        "  - source: Kiew\n    target: Kyiv\n    category: place\n    wrong: [Kiev]\n"
    )
    rebuilt = builder.build(hand)
    entries = Glossary.from_yaml(rebuilt).entries  # valid: no duplicates, no conflicts
    tiflis = [e for e in entries if "Tiflis" in e.source_forms]
    assert [e.target for e in tiflis] == ["Tbilisi (Georgia)"]
    moldova = [e for e in entries if "Republik Moldau" in e.source_forms]
    assert [e.source for e in moldova] == ["Moldau"]
    assert builder.build(rebuilt) == rebuilt  # the generator is stable on its own output


@pytest.mark.parametrize(
    ("german", "covered", "target"),
    [
        # exonyms of capitals and cities (CLDR exemplar cities, then the curated list)
        ("Tiflis", "Tiflis", "Tbilisi"),
        ("in Kischinau", "Kischinau", "Chisinau"),
        ("nach Eriwan", "Eriwan", "Yerevan"),
        ("in Lemberg", "Lemberg", "Lviv"),
        # countries (CLDR, news forms) and their inflection
        ("in den Vereinigten Staaten", "Vereinigten Staaten", "United States"),
        ("aus der Türkei", "Türkei", "Turkey"),
        ("Georgiens Regierung", "Georgiens", "Georgia"),
        # organisations, armed groups, aid organisations
        ("die OSZE", "OSZE", "OSCE"),
        ("das Rote Kreuz", "Rote Kreuz", "Red Cross"),
        ("die Hamas", "Hamas", "Hamas"),
        ("die Hisbollah", "Hisbollah", "Hezbollah"),
        # military vocabulary
        ("ein Minenfeld", "Minenfeld", "minefield"),
        ("die Kriegsgefangenen", "Kriegsgefangenen", "prisoners of war"),
        ("an der Waffenstillstandslinie", "Waffenstillstandslinie", "ceasefire line"),
        # nationality adjectives (any ending) and demonyms (singular and plural)
        ("die russischen Truppen", "russischen", "Russian"),
        ("belarussische Soldaten", "belarussische", "Belarusian"),
        ("die Russen", "Russen", "Russians"),
        ("ein Franzose", "Franzose", "French"),
        # people
        ("Außenamtssprecherin Marija Sacharowa", "Marija Sacharowa", "Maria Zakharova"),
        ("Kanzler Friedrich Merz", "Friedrich Merz", "Friedrich Merz"),
        ("Benjamin Netanjahu", "Benjamin Netanjahu", "Benjamin Netanyahu"),
    ],
)
def test_the_glossary_covers_the_news(
    glossary: Glossary, german: str, covered: str, target: str
) -> None:
    found = {m.text: m.entry.target for m in glossary.find(german)}
    assert found.get(covered) == target


def test_grad_alone_is_the_german_word_not_the_rocket_launcher(glossary: Glossary) -> None:
    assert glossary.find("Es war minus fünf Grad kalt.") == []
    assert [m.text for m in glossary.find("Grad-Raketenwerfer feuerten")] == [
        "Grad-Raketenwerfer"
    ]


def test_policy_common_vocabulary_verified_names_injected(glossary: Glossary) -> None:
    """The documented policy (README, Glossary): names injected, everyday words verified."""
    by_source = {e.source: e for e in glossary.entries}
    for name in ("Tiflis", "Kischinau", "Marija Sacharowa", "OSZE", "Hisbollah", "Wladimir Putin",
                 "Massengroundangriffe", "Ukrainian officials"):
        assert enforce_mode(by_source[name]) == "inject", name
    for word in ("russisch", "Russen", "Minenfeld", "Luftschutzkeller", "Flüchtlinge", "Truppen",
                 "Präsident", "Moldau"):
        assert enforce_mode(by_source[word]) == "verify", word
    modes = Counter(enforce_mode(e) for e in glossary.entries)
    assert modes["inject"] > modes["verify"] > 100


def test_curated_people_of_each_side_are_listed(glossary: Glossary) -> None:
    targets = {e.target for e in glossary.entries if e.category == "person"}
    for person in ("Maria Zakharova", "Yulia Svyrydenko", "Viktor Khrenin", "Marco Rubio",
                   "Kaja Kallas", "Benjamin Netanyahu", "Lee Jae-myung", "No Kwang Chol",
                   "Alexus Grynkewich", "Rafael Grossi"):
        assert person in targets, person


class CopyEngine:
    signature = {"backend": "test-double", "model": "copy"}

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return list(sentences)


def test_verified_words_are_checked_not_injected(glossary: Glossary) -> None:
    """A verify entry leaves the German to the engine; the output is then checked."""
    prepared = glossary.prepare("Die russischen Truppen griffen Tiflis an.")
    assert prepared.text == "Die russischen Truppen griffen Tbilisi an."
    _, hits = glossary.finalize(prepared, "The Russian troops attacked Tbilisi.")
    assert {(h.source, h.status) for h in hits} == {
        ("russischen", "applied"), ("Truppen", "applied"), ("Tiflis", "applied")
    }


@pytest.mark.slow
def test_seed_term_success_stays_1_on_the_copy_model(copy_model_dir: Path, seed_text: str,
                                                      glossary: Glossary) -> None:
    """Through the real MarianMT path: every matched term of the seed ends up rendered (the
    measure of benchmarks/term_success.py: applied + repaired over matched)."""
    from translator.engine.marian import MarianEngine

    engine = MarianEngine(str(copy_model_dir), device="cpu", beam_size=1, local_files_only=True)
    result = Pipeline(engine, glossary=glossary).translate_text(seed_text)
    terms = [t for t in result.terms if t.category != "name"]
    assert len(terms) >= 100
    assert [t for t in terms if t.status == "missed"] == []
