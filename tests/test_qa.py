"""Quality checks through the real pipeline, with engines that make the mistakes on purpose."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.doubles import FaultyEngine, RetryingFaultyEngine
from translator import Pipeline
from translator.qa import QualityChecker
from translator.qa.numbers import english_number, source_quantities
from translator.result import Flag


def run(source: str, output: str) -> tuple[str, dict[str, list[Flag]]]:
    """Translate one sentence with an engine that outputs ``output``; flags by code."""
    engine = FaultyEngine({source: output})
    result = Pipeline(engine, checker=QualityChecker()).translate_text(source)
    [sentence] = result.sentences
    flags: dict[str, list[Flag]] = {}
    for f in sentence.flags:
        flags.setdefault(f.code, []).append(f)
    return sentence.target, flags


# (source, faulty engine output, expected target, expected flag codes)
CASES = [
    pytest.param(
        "Schätzungen zufolge wurden rund 12.000 Soldaten entsandt.",
        "According to estimates, around 12.000 soldiers were sent.",
        "According to estimates, around 12,000 soldiers were sent.",
        {"number-format"},
        id="thousands-separator",
    ),
    pytest.param(
        "Die Quote lag bei 3,5 Prozent.",
        "The rate was 3,5 percent.",
        "The rate was 3.5 percent.",
        {"number-format"},
        id="decimal-comma",
    ),
    pytest.param(
        "Ein Befehlshaber des 6. Regiments sprach mit uns.",
        "A commander of the 6. regiment spoke to us.",
        "A commander of the 6th regiment spoke to us.",
        {"ordinal-format"},
        id="ordinal-dot",
    ),
    pytest.param(
        "Ein Befehlshaber des 6. Regiments sprach mit uns.",
        "A commander of the sixth regiment spoke to us.",
        "A commander of the sixth regiment spoke to us.",
        set(),
        id="ordinal-spelled-out",
    ),
    pytest.param(
        "31. Januar 2025",
        "31. January 2025",
        "January 31, 2025",
        {"date-format"},
        id="date-german-dot",
    ),
    pytest.param(
        "Am 31. Januar 2025 begann der Rückzug.",
        "The withdrawal began on 31 January 2025.",
        "The withdrawal began on January 31, 2025.",
        {"date-format"},
        id="date-day-first",
    ),
    pytest.param(
        "Am 31. Januar 2025 begann der Rückzug.",
        "The withdrawal began on January 31, 2025.",
        "The withdrawal began on January 31, 2025.",
        set(),
        id="date-correct",
    ),
    pytest.param(
        "Etwa 4.000 dieser Soldaten wurden getötet.",
        "Some of these soldiers were killed.",
        "Some of these soldiers were killed.",
        {"number-missing"},
        id="number-dropped",
    ),
    pytest.param(
        "Dort waren 60.000 russische Soldaten.",
        "There were 6,000 Russian soldiers.",
        "There were 6,000 Russian soldiers.",
        {"number-missing", "number-extra"},
        id="number-changed",
    ),
    pytest.param(
        "Die Hilfe beträgt 1,5 Billionen Euro.",
        "The aid amounts to 1.5 billion euros.",
        "The aid amounts to 1.5 billion euros.",
        {"number-missing", "number-extra"},
        id="german-billion-is-trillion",
    ),
    pytest.param(
        "Die Hilfe beträgt 1,5 Mrd. Euro.",
        "The aid amounts to 1.5 billion euros.",
        "The aid amounts to 1.5 billion euros.",
        set(),
        id="scale-word",
    ),
    pytest.param(
        "Seit drei Wochen wurden sie nicht gesehen.",
        "They have not been seen for 3 weeks.",
        "They have not been seen for 3 weeks.",
        set(),
        id="number-word-in-source",
    ),
    pytest.param(
        "Der Angriff begann um 15.30 Uhr.",
        "The attack began at 3:30 p.m.",
        "The attack began at 3:30 p.m.",
        set(),
        id="time-12h",
    ),
    pytest.param(
        "„Wir sind bereit“, sagte der Kommandeur.",
        "„We are ready“, said the commander.",
        "“We are ready”, said the commander.",
        {"quotes"},
        id="german-quotes",
    ),
    pytest.param(
        "Die Truppen zogen sich zurück.",
        "The Truppen withdrew.",
        "The Truppen withdrew.",
        {"untranslated"},
        id="copied-noun",
    ),
    pytest.param(
        "Ukrainische und russische Einheiten kämpften.",
        "Ukrainian und Russian units fought.",
        "Ukrainian und Russian units fought.",
        {"untranslated"},
        id="copied-function-word",
    ),
    pytest.param(
        "Die Soldaten, die dort kämpfen, sterben.",
        "The soldiers who fight there die.",
        "The soldiers who fight there die.",
        set(),
        id="english-word-that-is-also-german",
    ),
    pytest.param(
        "Das sagte Selenskyj in Kiew.",
        "Selenskyj said that in Kiew.",
        "Selenskyj said that in Kiew.",
        {"name-form"},
        id="german-name-spelling",
    ),
    pytest.param(
        "Die Truppen zogen sich aus der Region zurück.",
        "The troops withdrew from the region region region region region region.",
        "The troops withdrew from the region region region region region region.",
        {"repetition", "retried"},
        id="loop-retried-still-bad",
    ),
    pytest.param(
        "Sie zogen ab.",
        "They withdrew, and then they said that they had withdrawn from every single one of "
        "the regions where they had been stationed for many years before.",
        # Far out of the measured word bounds (engine.lengths), twice: the German is kept.
        "Sie zogen ab.",
        {"lost-content", "untranslated"},
        id="runaway-length",
    ),
    pytest.param(
        "Nach Berichten über schwere Verluste haben sich die Truppen von der Front "
        "zurückgezogen, berichten ukrainische Militärbeamte.",
        "Yes.",
        "Nach Berichten über schwere Verluste haben sich die Truppen von der Front "
        "zurückgezogen, berichten ukrainische Militärbeamte.",
        {"lost-content", "untranslated"},
        id="text-dropped",
    ),
    pytest.param(
        "Im Jahr 1961 unterzeichneten beide Länder ein Abkommen.",
        "In 1961, both countries signed an agreement.",
        "In 1961, both countries signed an agreement.",
        set(),
        id="clean",
    ),
]


@pytest.mark.parametrize(("source", "output", "expected", "codes"), CASES)
def test_checks_through_the_pipeline(
    source: str, output: str, expected: str, codes: set[str]
) -> None:
    target, flags = run(source, output)
    assert target == expected
    assert set(flags) == codes


@pytest.mark.parametrize(
    ("code", "severity", "fixed"),
    [
        ("number-format", "info", True),
        ("number-missing", "error", False),
        ("untranslated", "warning", False),
    ],
)
def test_flag_severity(code: str, severity: str, fixed: bool) -> None:
    source, output = next(c.values[:2] for c in CASES if code in c.values[3])  # type: ignore[operator]
    assert isinstance(source, str) and isinstance(output, str)
    _, flags = run(source, output)
    [flag] = flags[code]
    assert (flag.severity, flag.fixed) == (severity, fixed)


def test_messages_name_the_culprits() -> None:
    _, flags = run("Das sagte Selenskyj in Kiew.", "Selenskyj said that in Kiew.")
    message = flags["name-form"][0].message
    assert "Selenskyj (usually Zelensky)" in message
    assert "Kiew (usually Kyiv)" in message
    _, flags = run("Die Hilfe beträgt 1,5 Billionen Euro.", "The aid is 1.5 billion euros.")
    assert "1.5 trillion" in flags["number-missing"][0].message


def test_safer_retry_is_kept_when_it_is_better() -> None:
    source = "Die Truppen zogen sich aus der Region zurück."
    engine = RetryingFaultyEngine(
        {source: "The troops the troops the troops the troops withdrew."},
        {source: "The troops withdrew from the region."},
    )
    result = Pipeline(engine, checker=QualityChecker()).translate_text(source)
    [sentence] = result.sentences
    assert engine.retried == [source]
    assert sentence.target == "The troops withdrew from the region."
    assert [f.code for f in sentence.flags] == ["retried"]


def test_retry_that_is_no_better_keeps_the_first_and_flags_it() -> None:
    source = "Die Truppen zogen sich aus der Region zurück."
    loop = "The troops the troops the troops the troops withdrew."
    engine = RetryingFaultyEngine({source: loop}, {source: loop + " " + loop})
    [sentence] = Pipeline(engine, checker=QualityChecker()).translate_text(source).sentences
    assert engine.retried == [source]
    assert sentence.target == loop
    assert {f.code for f in sentence.flags} == {"retried", "repetition"}


def test_repetition_in_the_source_is_not_the_engines_fault() -> None:
    source = "„Nein, nein, nein, nein“, rief er."
    target, flags = run(source, "“No, no, no, no,” he shouted.")
    assert "repetition" not in flags


def test_glossary_keeps_are_not_untranslated() -> None:
    from translator.glossary import Glossary

    glossary = Glossary.from_yaml(
        "schema: 1\nentries:\n"
        "  - source: Bundeswehr\n    target: Bundeswehr\n    category: do-not-translate\n"
    )
    source, output = "Die Bundeswehr übt im Norden.", "The Bundeswehr is training in the north."
    _, flags = run(source, output)
    assert "Bundeswehr" in flags["untranslated"][0].message
    engine = FaultyEngine({})
    pipeline = Pipeline(engine, glossary=glossary, checker=QualityChecker(glossary))
    engine.faults[pipeline.prepare(source).units[0][0].engine_input] = output
    [sentence] = pipeline.translate_text(source).sentences
    assert sentence.target == output
    assert not sentence.flags


@pytest.mark.parametrize(
    ("german", "english"),
    [("12.000", "12,000"), ("3,5", "3.5"), ("1980", "1980"), ("12000", "12,000"),
     ("1.234.567,25", "1,234,567.25"), ("4.000", "4,000"), ("10 000", "10,000"),
     ("10’000", "10,000")],
)
def test_english_number(german: str, english: str) -> None:
    assert english_number(german) == english


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Am 31. Januar 2025 kamen 12.000 Soldaten.", ["31. Januar 2025", "12.000"]),
        ("Des 6. Regiments, 100 Meter, 3,5 %.", ["6.", "100", "3,5"]),
        ("Am 24.02.2022 um 4 Uhr.", ["24.02.2022", "4 Uhr"]),
        ("Die F-16 und 1,5 Mio. Euro.", ["16", "1,5 Mio"]),
        ("Im Jahr 2025 kamen 10 000 Soldaten.", ["2025", "10 000"]),
        ("Keine Zahl hier.", []),
    ],
)
def test_source_quantities(sentence: str, found: list[str]) -> None:
    assert [q.raw for q in source_quantities(sentence)] == found


# -- properties ----------------------------------------------------------------------------------

_number = st.one_of(
    st.integers(0, 10**7).map(lambda n: f"{n:,}".replace(",", ".")),
    st.builds(lambda a, b: f"{a},{b}", st.integers(0, 999), st.integers(0, 99)),
    st.builds(lambda d, m, y: f"{d}. {m} {y}", st.integers(1, 31),
              st.sampled_from(["Januar", "März", "Mai", "Dezember"]), st.integers(1900, 2100)),
    st.integers(1, 99).map(lambda n: f"des {n}. Regiments"),
)
_words = st.sampled_from(["Soldaten", "und", "wurden", "„Sie", "sagten“", "etwa", "in", "Kursk"])
_sentence = st.lists(st.one_of(_number, _words), min_size=1, max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(_sentence)
def test_fixes_are_idempotent_and_keep_every_number(source: str) -> None:
    """Checking the engine's copy of the source fixes it once; a second check fixes nothing
    and finds every source number in place."""
    checker = QualityChecker()
    once, flags = checker.check(source, source)
    again, flags2 = checker.check(source, once)
    assert again == once
    assert not [f for f in flags2 if f.fixed]
    assert not [f for f in flags2 if f.code in ("number-missing", "number-extra")]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_any_text_is_checked_without_crashing(source: str, target: str) -> None:
    checker = QualityChecker()
    checker.needs_retry(source, target)
    out, flags = checker.check(source, target)
    assert isinstance(out, str) and all(f.code for f in flags)


# Good human-style English for seed sentences: the checks must have nothing to say about them.
GOOD = [
    ("„Die Präsenz von DPRK-Truppen wurde seit etwa drei Wochen nicht mehr beobachtet, und sie "
     "wurden wahrscheinlich gezwungen, sich zurückzuziehen, nachdem sie schwere Verluste "
     "erlitten hatten“, erklärte Oberst Oleksandr Kindratenko, Sprecher der ukrainischen "
     "Spezialoperationskräfte, gegenüber CNN.",
     "“The presence of DPRK troops has not been observed for about three weeks, and they were "
     "probably forced to withdraw after suffering heavy losses,” Colonel Oleksandr Kindratenko, "
     "spokesperson for Ukraine's Special Operations Forces, told CNN."),
    ("Ukrainian officials und westliche Geheimdienste berichten, dass etwa 4.000 dieser "
     "Soldaten getötet oder verwundet wurden.",
     "Ukrainian officials and Western intelligence agencies report that about 4,000 of these "
     "soldiers have been killed or wounded."),
    ("Selenskyj wies darauf hin, dass sich 60.000 russische Soldaten und 12.000 Nordkoreaner in "
     "Kursk befanden.",
     "Zelensky pointed out that 60,000 Russian soldiers and 12,000 North Koreans were in Kursk."),
    ("Ein Befehlshaber des 6. Regiments der Spezialoperationskräfte, der aus Sicherheitsgründen "
     "anonym bleiben wollte, erklärte, dass die nordkoreanischen Soldaten „alle jung, gut "
     "ausgebildet und zähe Kämpfer“ seien.",
     "A commander of the 6th Regiment of the Special Operations Forces, who wished to remain "
     "anonymous for security reasons, said the North Korean soldiers were “all young, well "
     "trained and tough fighters.”"),
    ("Das russische Verteidigungsministerium gab jedoch bekannt, dass die russischen "
     "Streitkräfte in der vergangenen Woche das Dorf Nikolayevo-Daryino in der Region Kursk, an "
     "der Grenze zur Ukraine, zurückerobert hätten.",
     "However, the Russian Defense Ministry announced that Russian forces had recaptured the "
     "village of Nikolayevo-Daryino in the Kursk region, on the border with Ukraine, last "
     "week."),
    ("Dieser Bericht basiert auf Quellen von CNN, darunter Nick Paton Walsh, Rebecca Wright, "
     "Daria Tarasova-Markina, Brice Laine und Helen Regan.",
     "This report is based on CNN sources, including Nick Paton Walsh, Rebecca Wright, Daria "
     "Tarasova-Markina, Brice Laine and Helen Regan."),
]


@pytest.mark.parametrize(("source", "output"), GOOD)
def test_good_translations_raise_no_flags(source: str, output: str) -> None:
    assert run(source, output) == (output, {})


def test_a_flag_raised_twice_in_a_sentence_is_listed_once_with_its_count() -> None:
    _, flags = run(
        "Erst 12.000, dann wieder 12.000 Soldaten; 60.000 und nochmals 60.000 Verluste.",
        "First 12.000, then again 12.000 soldiers; and losses.",
    )
    [fixed] = flags["number-format"]
    assert fixed.message == "12.000 written the English way: 12,000 (2×)"
    [missing] = flags["number-missing"]
    assert missing.message.endswith("is not in the translation (2×)")
    assert missing.message.startswith("60.000")
