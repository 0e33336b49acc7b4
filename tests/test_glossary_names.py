"""Slavic personal names in German transliteration -> English-news spelling (glossary.names).

The expected spellings below were reviewed against AP/Reuters/BBC usage (and, for Ukrainian
names, the Ukrainian national system, KMU 2010); they are not the function's output copied.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from wordfreq import top_n_list

from translator.formats.review import render_html
from translator.glossary import Glossary, load_glossary
from translator.glossary.names import EXCEPTIONS, FIRST_NAMES, find_names, transliterate
from translator.pipeline import Pipeline

# (German spelling, English spelling, note)
RUSSIAN = [
    ("Wladimir", "Vladimir", "first name: w -> v"),
    ("Sergej", "Sergei", "-ej -> -ei"),
    ("Dmitri", "Dmitry", "-i -> -y"),
    ("Dmitrij", "Dmitry", "-ij -> -y"),
    ("Jewgeni", "Yevgeny", "initial je -> ye"),
    ("Alexej", "Alexei", ""),
    ("Andrej", "Andrei", ""),
    ("Nikolaj", "Nikolai", "-aj -> -ai"),
    ("Michail", "Mikhail", "ch -> kh"),
    ("Waleri", "Valery", ""),
    ("Wassili", "Vasily", ""),
    ("Wjatscheslaw", "Vyacheslav", "consonant + j -> y, tsch -> ch"),
    ("Pjotr", "Pyotr", ""),
    ("Fjodor", "Fyodor", ""),
    ("Semjon", "Semyon", ""),
    ("Ilja", "Ilya", ""),
    ("Grigori", "Grigory", ""),
    ("Gennadi", "Gennady", ""),
    ("Tatjana", "Tatyana", ""),
    ("Natalja", "Natalya", ""),
    ("Ljudmila", "Lyudmila", ""),
    ("Jelena", "Yelena", ""),
    ("Jekaterina", "Yekaterina", ""),
    ("Juri", "Yuri", "exception: usage"),
    ("Marija", "Maria", "exception: usage"),
    ("Kisseljow", "Kiselyov", "ss -> s, lj -> ly, -ow -> -ov"),
    ("Schirinowski", "Zhirinovsky", "exception: sch is zh here"),
    ("Tschernomyrdin", "Chernomyrdin", "tsch -> ch"),
    ("Lawrow", "Lavrov", ""),
    ("Medwedew", "Medvedev", "-ew -> -ev"),
    ("Gerassimow", "Gerasimov", "intervocalic ss -> s"),
    ("Beloussow", "Belousov", ""),
    ("Schoigu", "Shoigu", "sch -> sh"),
    ("Peskow", "Peskov", ""),
    ("Nawalny", "Navalny", ""),
    ("Kadyrow", "Kadyrov", ""),
    ("Mischustin", "Mishustin", ""),
    ("Surowikin", "Surovikin", ""),
    ("Sobjanin", "Sobyanin", ""),
    ("Patruschew", "Patrushev", ""),
    ("Naryschkin", "Naryshkin", ""),
    ("Rjabkow", "Ryabkov", ""),
    ("Chodorkowski", "Khodorkovsky", "-ski -> -sky"),
    ("Nemzow", "Nemtsov", "z -> ts"),
    ("Politkowskaja", "Politkovskaya", ""),
    ("Tschemesow", "Chemezov", "exception: usage writes z here"),
    ("Kasan", "Kazan", "a single s between vowels: English usage writes z"),
    ("Rasputin", "Rasputin", "exception: usage"),
    ("Denisow", "Denisov", "exception: a single s between vowels for с"),
    ("Basurin", "Basurin", "a single s between vowels stays s (no usage says z)"),
    ("Hrynewytsch", "Hrynevych", "Ukrainian -ytsch"),
    ("Abramowitsch", "Abramovich", ""),
    ("Jelzin", "Yeltsin", ""),
    ("Sergejew", "Sergeyev", ""),
    ("Gorbatschow", "Gorbachev", "exception: usage"),
    ("Chruschtschow", "Khrushchev", "exception: usage"),
    ("Prigoschin", "Prigozhin", "exception: sch is zh here"),
    ("Sacharowa", "Zakharova", "exception: initial s is z here"),
    ("Matwijenko", "Matviyenko", "exception: usage"),
]
UKRAINIAN = [
    ("Wolodymyr", "Volodymyr", "first name"),
    ("Olexandr", "Oleksandr", "x -> ks"),
    ("Mychajlo", "Mykhailo", "ch -> kh, j -> i"),
    ("Mykola", "Mykola", "unchanged"),
    ("Serhij", "Serhii", "-ij -> -ii"),
    ("Andrij", "Andrii", ""),
    ("Jurij", "Yurii", ""),
    ("Witalij", "Vitalii", ""),
    ("Jewhen", "Yevhen", "initial je -> ye"),
    ("Switlana", "Svitlana", ""),
    ("Hryhorij", "Hryhorii", ""),
    ("Wiktorija", "Viktoriia", "medial j + vowel -> i + vowel"),
    ("Syrskyj", "Syrskyi", "-yj -> -yi"),
    ("Schmyhal", "Shmyhal", ""),
    ("Stefantschuk", "Stefanchuk", ""),
    ("Juschtschenko", "Yushchenko", "schtsch -> shch"),
    ("Kutschma", "Kuchma", ""),
    ("Krawtschuk", "Kravchuk", ""),
    ("Poroschenko", "Poroshenko", ""),
    ("Selenskyj", "Zelensky", "exception: usage"),
    ("Timoschenko", "Tymoshenko", "exception: usage"),
    ("Janukowitsch", "Yanukovych", "exception: usage"),
    ("Klitschko", "Klitschko", "exception: usage"),
    ("Lubinez", "Lubinets", "z -> ts"),
]
BELARUSIAN = [
    ("Lukaschenko", "Lukashenko", ""),
    ("Latuschko", "Latushko", ""),
    ("Chrenin", "Khrenin", ""),
    ("Makej", "Makei", ""),
    ("Golowtschenko", "Golovchenko", ""),
    ("Wolfowitsch", "Volfovich", ""),
    ("Tichanowskaja", "Tsikhanouskaya", "exception: Belarusian form"),
    ("Kolesnikowa", "Kalesnikava", "exception: Belarusian form"),
    ("Babariko", "Babaryka", "exception: Belarusian form"),
    ("Protassewitsch", "Pratasevich", "exception: Belarusian form"),
    ("Bjaljazki", "Bialiatski", "exception: Belarusian form"),
]
TABLE = RUSSIAN + UKRAINIAN + BELARUSIAN


def test_the_table_is_large_and_mixed() -> None:
    assert len(TABLE) >= 60
    assert len(RUSSIAN) >= 20 and len(UKRAINIAN) >= 15 and len(BELARUSIAN) >= 10
    firsts = [de for de, _, _ in TABLE if de in FIRST_NAMES]
    assert len(firsts) >= 20  # first names and surnames both


@pytest.mark.parametrize(("german", "english", "note"), TABLE, ids=[t[0] for t in TABLE])
def test_transliterate(german: str, english: str, note: str) -> None:
    assert transliterate(german) == english


def test_ukrainian_run_uses_the_national_system() -> None:
    # Jurij in a Ukrainian run is Yurii (KMU 2010); a Russian Jurij is Yury/Yuriy, never -ii.
    names = find_names("Der Kommandeur Jurij Tschernenko sagte")
    assert [(n.text, n.english) for n in names] == [("Jurij Tschernenko", "Yurii Chernenko")]
    assert transliterate("Jurij", ukrainian=False) in ("Yury", "Yuriy")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Der Abgeordnete Sergej Mironow sagte das.", [("Sergej Mironow", "Sergei Mironov")]),
        ("Wladimir Wladimirowitsch Putin kam.", [("Wladimir Wladimirowitsch",
                                                 "Vladimir Vladimirovich")]),
        ("Laut Kisseljow und Schirinowski war es so.", [("Kisseljow", "Kiselyov"),
                                                        ("Schirinowski", "Zhirinovsky")]),
        ("Die Sprecherin Marija Sacharowa erklärte es.", [("Marija Sacharowa",
                                                          "Maria Zakharova")]),
        # A lone surname with -ytsch, Russian -in surnames (English writes the rewritten form).
        ("Laut Hrynewytsch war es so.", [("Hrynewytsch", "Hrynevych")]),
        ("Naryschkin und Wolodin sagten das.", [("Naryschkin", "Naryshkin"),
                                                ("Wolodin", "Volodin")]),
    ],
)
def test_find_names_in_sentences(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert [(n.text, n.english) for n in find_names(sentence)] == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # German, Polish, English names and German places: never touched.
        "Bundeskanzler Friedrich Merz traf Außenminister Johann Wadephul.",
        "Boris Johnson und Boris Pistorius sprachen in Berlin-Pankow.",
        "Radosław Sikorski und Andrzej Duda trafen Alexander Schallenberg.",
        "Rudolf Virchow wurde in Schivelbein geboren, nicht in Güstrow oder Teltow.",
        "Die Castingshow lief im Bungalow am Wannsee.",
        "Martin hatte einen Termin in der Medizin bei der Kollegin.",
    ],
)
def test_non_slavic_names_and_german_words_are_left_alone(sentence: str) -> None:
    assert find_names(sentence) == []


def test_a_name_after_a_glossary_rank_is_detected_by_the_qa_name_check() -> None:
    sentence = "Generaloberst Dwornikow befahl den Rückzug."
    # -ow alone counts only when English writes the -ov form more, which it does not here
    assert find_names(sentence) == []
    names = find_names(sentence, persons=[(0, len("Generaloberst"))])
    assert [(n.text, n.english) for n in names] == [("Dwornikow", "Dvornikov")]


def test_glossary_matches_are_never_rewritten() -> None:
    sentence = "Lawrow traf Kisseljow."
    assert [n.text for n in find_names(sentence, covered=[(0, 6)])] == ["Kisseljow"]


GERMAN_WORDS = top_n_list("de", 5000)


def test_5000_frequent_german_words_pass_untouched() -> None:
    """No frequent German word is rewritten: alone, as a surname after a Slavic first name,
    or after a rank, in either case."""
    touched = []
    rank = [(0, len("Oberst"))]
    for word in GERMAN_WORDS:
        for form in dict.fromkeys((word, word[:1].upper() + word[1:])):
            for sentence, persons in (
                (f"Dann sagte {form} etwas.", []),
                (f"Wladimir {form} sagte", []),
                (f"Oberst {form} sagte", rank),
            ):
                names = find_names(sentence, persons=persons)
                if any(form in n.text.split() for n in names):
                    touched.append(sentence)
    assert len(GERMAN_WORDS) == 5000
    assert touched == []


def test_exceptions_are_names_not_german_words() -> None:
    common = set(GERMAN_WORDS)
    assert not [w for w in EXCEPTIONS if w.lower() in common]


# -- in the glossary and the pipeline ----------------------------------------------------------

ENTRIES = """
schema: 1
entries:
  - source: Präsident
    target: President
    category: rank
  - source: Wladimir Putin
    target: Vladimir Putin
    category: person
"""


class CopyEngine:
    """Returns its input (what a model does with names it copies)."""

    signature = {"backend": "test-double", "model": "copy"}

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return list(sentences)


class GermanNameEngine(CopyEngine):
    """Puts the German spelling back: the tool must repair it, and still say so."""

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return [s.replace("Kiselyov", "Kisseljow") for s in sentences]


TEXT = "Wladimir Putin empfing Dmitri Kisseljow. Später sprach Präsident Gerassimow."


def test_transliterated_names_are_reported_never_silent() -> None:
    glossary = Glossary.from_yaml(ENTRIES)
    result = Pipeline(CopyEngine(), glossary=glossary).translate_text(TEXT)
    hits = [(t.source, t.expected, t.status, t.category) for t in result.terms]
    assert ("Dmitri Kisseljow", "Dmitry Kiselyov", "transliterated", "name") in hits
    assert ("Gerassimow", "Gerasimov", "transliterated", "name") in hits
    assert ("Wladimir Putin", "Vladimir Putin", "applied", "person") in hits
    assert "Dmitry Kiselyov" in result.target and "Kisseljow" not in result.target


def test_a_name_the_engine_puts_back_in_german_spelling_is_repaired() -> None:
    glossary = Glossary.from_yaml(ENTRIES)
    result = Pipeline(GermanNameEngine(), glossary=glossary).translate_text(TEXT)
    assert "Dmitry Kiselyov" in result.target
    assert any(t.status == "transliterated" for t in result.terms)


def test_transliteration_can_be_turned_off() -> None:
    on = Glossary.from_yaml(ENTRIES)
    off = Glossary.from_yaml(ENTRIES, transliterate=False)
    assert on.version != off.version  # different engine input: different memory keys
    result = Pipeline(CopyEngine(), glossary=off).translate_text(TEXT)
    assert all(t.status != "transliterated" for t in result.terms)
    assert "Kisseljow" in result.target


def test_the_review_page_shows_transliterated_names() -> None:
    glossary = Glossary.from_yaml(ENTRIES)
    result = Pipeline(CopyEngine(), glossary=glossary).translate_text(TEXT)
    html = render_html(result)
    assert ".term.transliterated {" in html
    assert '<span class="term transliterated" title="Dmitri Kisseljow → Dmitry Kiselyov' in html
    assert "names transliterated" in html


@pytest.mark.slow
def test_cli_no_transliterate(copy_model_dir: Path, tmp_path: Path) -> None:
    """Through the real CLI and MarianMT path (the copy model): on by default, off on request."""
    import subprocess

    article = tmp_path / "a.txt"
    article.write_text("Der Abgeordnete Sergej Mironow sprach mit Reportern.\n", encoding="utf-8")
    base = [sys.executable, "-m", "translator", "translate", str(article), "--format", "json",
            "--model", str(copy_model_dir), "--no-cache", "--beam-size", "1", "--terms"]
    statuses = []
    for extra in ([], ["--no-transliterate"]):
        run = subprocess.run([*base, *extra], capture_output=True, text=True, check=True)
        data = json.loads(run.stdout)
        statuses.append({t["source"]: t["status"] for t in data["terms"]})
        if not extra:
            assert "transliterated" in run.stderr  # the --terms table shows it
    assert statuses[0].get("Sergej Mironow") == "transliterated"
    assert "Sergej Mironow" not in statuses[1]


def test_packaged_glossary_loads_with_names_on() -> None:
    from translator import config

    assert load_glossary(config.packaged_glossary()).transliterate


@pytest.mark.slow
def test_batch_no_transliterate(copy_model_dir: Path, tmp_path: Path) -> None:
    """`batch` takes the option too (the manifest's glossary hash differs, so outputs redo)."""
    import subprocess

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("Der Abgeordnete Sergej Mironow sprach.\n", encoding="utf-8")
    statuses = []
    for extra in ([], ["--no-transliterate"]):
        out = tmp_path / f"out{len(statuses)}"
        subprocess.run(
            [sys.executable, "-m", "translator", "batch", str(src), str(out), "--format", "json",
             "--model", str(copy_model_dir), "--no-cache", "--beam-size", "1", "-q", *extra],
            capture_output=True, text=True, check=True,
        )
        data = json.loads((out / "a.json").read_text(encoding="utf-8"))
        statuses.append([t["status"] for t in data["terms"]])
    assert "transliterated" in statuses[0]
    assert "transliterated" not in statuses[1]
