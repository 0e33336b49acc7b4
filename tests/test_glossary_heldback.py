"""What held-back news showed the glossary doing wrong (issue 22), each on sentences written
here that have the same pattern as the WMT de->en sentence that showed it.

The WMT test sets themselves cannot be committed; `benchmarks/glossary_damage.py --data`
measures on them, and tests/test_glossary_wmt.py runs a fixed sample when they are present.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from translator import config
from translator.glossary import Glossary, load_glossary
from translator.glossary.enforce import plural, singular, written_plural

SHIPPED = load_glossary(config.packaged_glossary())
AP = SHIPPED.with_style("ap")


def bench() -> Any:
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "glossary_damage.py"
    spec = importlib.util.spec_from_file_location("glossary_damage", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def repaired(glossary: Glossary, german: str, english: str) -> str:
    return glossary.finalize(glossary.prepare(german), english)[0]


# -- a correct English translation comes out unchanged ------------------------------------------


@pytest.mark.parametrize(
    ("german", "english"),
    [
        # A singular "Russen" (dative) is "the Russian": a repair never changes number.
        ("Im Finale unterlag sie dem Russen knapp.", "In the final she lost to the Russian."),
        # "Holland" is also a family name and correct English.
        ("Der Film mit Tom Holland lief an.", "The film starring Tom Holland opened."),
        ("Tom Hollands neuer Film lief am Montag an.", "Tom Holland's new film opened Monday."),
        ("Holland gewann das Spiel gegen Belgien.", "Holland won the game against Belgium."),
        # A lower-case agency name is no sentence start to capitalise.
        ("(dpa) Die Regierung tagte am Montag.", "(dpa) The government met on Monday."),
    ],
)
def test_correct_english_from_held_back_patterns_is_unchanged(german: str, english: str) -> None:
    assert repaired(AP, german, english) == english


def test_a_given_name_is_no_title_before_a_name() -> None:
    # "Tom" is the given name of a person entry; were it a title, "Tom Holland" would not be a
    # longer name and "Holland" (a source form) would be repaired to "Tom Netherlands".
    glossary = Glossary.from_yaml(
        """
schema: 1
entries:
  - source: Holland
    target: Netherlands
    category: place
  - source: Tom Barrack
    target: Tom Barrack
    category: person
  - source: Oberst
    target: colonel
    category: rank
"""
    )
    german = "Die Filme mit Tom Holland laufen weiter."
    assert repaired(glossary, german, "The films starring Tom Holland go on.") == (
        "The films starring Tom Holland go on."
    )
    # A real title still does not make a longer name: "Colonel Holland" is repaired.
    assert repaired(glossary, "Oberst Holland", "Colonel Holland") == "Colonel Netherlands"


def test_a_repair_keeps_the_number_it_finds() -> None:
    german = "Die Revolutionsgarden meldeten die Festnahme."
    assert repaired(AP, german, "The revolutionary guards reported the arrest.") == (
        "The Revolutionary Guards reported the arrest."
    )
    assert repaired(AP, german, "The revolutionary guard reported the arrest.") == (
        "The Revolutionary Guard reported the arrest."
    )


def test_a_repair_never_doubles_a_word() -> None:
    glossary = Glossary.from_yaml(
        """
schema: 1
entries:
  - source: Schabaab
    target: Shabab militants
    category: organisation
"""
    )
    german = "Die Schabaab griffen die Basis an."
    assert repaired(glossary, german, "The Schabaab militants attacked the base.") == (
        "The Shabab militants attacked the base."
    )
    assert repaired(glossary, german, "The Schabaab attacked the base.") == (
        "The Shabab militants attacked the base."
    )


def test_houthi_alone_adds_no_rebels() -> None:
    assert AP.prepare("Die Huthis feuerten erneut Raketen ab.").text == (
        "Die Houthis feuerten erneut Raketen ab."
    )
    assert repaired(AP, "Die Huthi-Rebellen feuerten.", "The Huthi rebels fired.") == (
        "The Huthi rebels fired."  # AFP's spelling, an English word: missed, not changed
    )


def test_a_do_not_translate_name_keeps_its_case_at_a_sentence_start() -> None:
    assert AP.prepare("(dpa) Die Regierung tagte.").text.startswith("(dpa) ")


# -- number -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("german", "english"),
    [
        ("Die USA sagten 31 Kampfpanzer zu.", "31 main battle tanks"),
        ("Die USA sagten drei Schützenpanzer zu.", "drei infantry fighting vehicles"),
        ("Die USA sagten einen Kampfpanzer zu.", "einen main battle tank"),
        ("Es gab zwei EU-Gipfel im Juni.", "zwei EU summits"),
        ("Zwei Kremlsprecher widersprachen.", "Zwei Kremlin spokesmen"),
    ],
)
def test_a_numeral_sets_the_number_of_nouns_alike_in_both(german: str, english: str) -> None:
    assert english in AP.prepare(german).text


def test_plural_and_singular_of_man_nouns() -> None:
    assert plural("Kremlin spokesman") == "Kremlin spokesmen"
    assert singular("Kremlin spokesmen") == "Kremlin spokesman"
    assert plural("German") == "Germans"
    assert written_plural("Kremlin spokesmen") and not written_plural("Kremlin spokesman")


# -- house styles -------------------------------------------------------------------------------


def test_each_style_keeps_its_own_spelling_of_al_sisi() -> None:
    german = "Präsident Abdel Fattah al-Sisi sprach."
    reuters = SHIPPED.with_style("reuters")
    assert repaired(reuters, german, "President Abdel Fattah al-Sisi spoke.") == (
        "President Abdel Fattah al-Sisi spoke."
    )
    assert repaired(AP, german, "President Abdel Fattah al-Sisi spoke.") == (
        "President Abdel Fattah el-Sissi spoke."
    )


# -- the benchmark's classification -------------------------------------------------------------


def test_the_benchmark_classifies_changes_honestly() -> None:
    b = bench()
    known = b.known_spellings(AP)
    # Another house style's spelling, wider than the words that changed.
    before = "President Abdel Fattah al-Sisi spoke."
    after = "President Abdel Fattah el-Sissi spoke."
    assert b.classify("al-Sisi", "el-Sissi", known, AP, (before, after)) == "style"
    assert b.classify("al-Sisi", "el-Sissi", known, AP) == "damage"  # without the sentence
    # Diacritics a house style drops.
    assert b.classify("Erdoğan", "Erdogan", known, AP) == "style"
    # A German transliteration of a Russian name, two words.
    assert b.classify("Jewgenij Klimow", "Yevgeny Klimov", known, AP) == "untranslated"
    # A misspelt copy, word by word, one word no English word.
    assert b.classify("Gennadi Borrissov", "Gennady Borisov", known, AP) == "untranslated"
    # A doubled word is damage whatever else the change is.
    before, after = "the Huthi rebels fired", "the Houthi rebels rebels fired"
    assert b.classify("Huthi", "Houthi rebels", known, AP, (before, after)) == "damage"
    # A change of number is damage.
    before, after = "lost to the Russian, Pawel", "lost to the Russians, Pawel"
    assert b.classify("Russian,", "Russians,", known, AP, (before, after)) == "damage"


def test_the_benchmark_sees_number_broken_on_the_german_side() -> None:
    b = bench()
    glossary = Glossary.from_yaml(
        """
schema: 1
entries:
  - source: Kampfpanzer
    target: main battle tank
    category: term
"""
    )
    _, problems = b.german_problems(glossary, "Die USA sagten 31 Kampfpanzer zu.")
    assert problems == ["31 'Kampfpanzer' -> 'main battle tank': singular"]
    _, problems = b.german_problems(AP, "Die USA sagten 31 Kampfpanzer zu.")
    assert problems == []


# -- wrong items that are right elsewhere ---------------------------------------------------------

RISKY = """
schema: 1
entries:
  - {source: Odessa, target: Odesa, category: place, enforce: verify, wrong: [Odessa]}
  - {source: Niederlande, target: Netherlands, category: place, enforce: verify, wrong: [Holland]}
  - {source: Belarus, target: Belarus, category: place, enforce: verify, wrong: [White Russia]}
  - {source: Kiew, target: Kyiv, category: place, enforce: verify, wrong: [Kiev]}
  - {source: Peking, target: Beijing, category: place, enforce: verify, wrong: [Peking]}
"""


def test_check_warns_on_a_wrong_item_that_is_right_english_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from translator.cli import main
    from translator.glossary.lint import wrong_warnings
    from translator.glossary.schema import parse_entries, read_entries

    warnings = wrong_warnings(parse_entries(RISKY, "g.yaml"), "g.yaml")
    # A US town, a family name, a historical name; not Kiev or Peking, which are right only
    # inside fixed phrases that repairs leave alone.
    assert [w.split("wrong rendering ")[1].split(" is ")[0] for w in warnings] == [
        "'Odessa'", "'Holland'", "'White Russia'"
    ]
    assert "Odessa, Texas" in warnings[0] and "'accept'" in warnings[0]
    path = config.packaged_glossary()
    assert wrong_warnings(read_entries(path), str(path)) == []  # the shipped glossary: none
    glossary = tmp_path / "g.yaml"
    glossary.write_text(RISKY, encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["translator", "glossary", "check", str(glossary)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    assert exit_info.value.code in (0, None) and "3 warning(s)" in out
    assert err.count("is correct English elsewhere") == 3


@pytest.mark.parametrize(
    ("german", "english", "final"),
    [
        ("In Kiew servierte der Koch Chicken Kiew.", "In Kiev the cook served chicken Kiev.",
         "In Kyiv the cook served chicken Kiev."),
        ("Die Zeitung aus Peking lobte die Peking-Ente.", "The Peking paper praised Peking duck.",
         "The Beijing paper praised Peking duck."),
    ],
)  # fmt: skip
def test_a_repair_leaves_a_fixed_phrase_alone(german: str, english: str, final: str) -> None:
    assert repaired(AP, german, english) == final


# -- offices and office holders -------------------------------------------------------------------

_OFFICE = (
    r"\b(?:president|minister|chief|governor|spokesperson|speaker|commander|leader|ambassador|"
    r"prosecutor|secretary|adviser|envoy|negotiator|premier|ombudsman|head|SACEUR|aide)\b"
)


def test_every_note_on_an_office_holder_is_dated() -> None:
    import re

    undated = [
        e.source
        for e in SHIPPED.entries
        if e.category == "person"
        and e.note
        and re.search(_OFFICE, e.note, re.IGNORECASE)
        and not re.search(r"\b20\d\d\b", e.note)
    ]
    assert undated == []


def test_a_former_foreign_secretary_is_a_uk_cue() -> None:
    german = "Außenminister Lammy sprach am Montag mit Sybiha."
    assert AP.prepare(german).planned[0].target == "Foreign Secretary"
