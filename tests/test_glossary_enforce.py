"""Glossary enforcement around an engine: inject, verify, repair, report -- never silently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.doubles import MangleEngine, WordEngine
from translator import Pipeline, TranslationResult
from translator.glossary import Glossary, load_glossary
from translator.glossary.enforce import enforce_mode, plural, singular, title_case
from translator.glossary.match import rendering_pattern

GLOSSARY = Glossary.from_yaml(
    """
entries:
  - {source: Spezialoperationskräfte, target: Special Operations Forces, category: unit}
  - {source: Kiew, target: Kyiv, category: place, wrong: [Kiev]}
  - {source: Selenskyj, target: Zelensky, category: person, wrong: [Selenskyj, Selensky]}
  - {source: Kursk, target: Kursk, category: place}
  - {source: Kursk-Region, target: Kursk region, category: place, forms: [Region Kursk]}
  - {source: Russland, target: Russia, category: place}
  - {source: Ukraine, target: Ukraine, category: place}
  - {source: Peking, target: Beijing, category: place, wrong: [Peking]}
  - {source: Fußsoldaten, target: foot soldiers, category: term}
  - {source: Nikolayevo-Daryino, target: Nikolayevo-Daryino, category: place}
  - {source: Institute for the Study of War (ISW), target: Institute for the Study of War (ISW),
     category: fragment}
"""
)


@pytest.mark.parametrize(
    ("source", "injected"),
    [
        ("Die Spezialoperationskräften in Kiew.", "Die Special Operations Forces in Kyiv."),
        ("Fußsoldaten kämpfen.", "Foot soldiers kämpfen."),  # sentence start: capitalised
        ("„Fußsoldaten kämpfen.“", "„Foot soldiers kämpfen.“"),
        ("Sie sind Fußsoldaten.", "Sie sind foot soldiers."),
        ("in Russlands Kursk-Region", "in Russia's Kursk region"),  # genitive before a noun
        ("die Grenzregion Russlands.", "die Grenzregion of Russia."),  # genitive after a noun
        ("Selenskyjs Rede", "Zelensky's Rede"),
        ("Selenskyjs engster Berater", "Zelensky's engster Berater"),  # adjective follows
        ("Auch Russlands Truppen", "Auch Russia's Truppen"),
        ("den Führer Russlands, sagte", "den Führer of Russia, sagte"),
        ("ohne Glossarbegriff", "ohne Glossarbegriff"),
    ],
)
def test_prepare_injects_the_rendering(source: str, injected: str) -> None:
    assert GLOSSARY.prepare(source).text == injected


@pytest.mark.parametrize(
    ("source", "output", "final", "statuses"),
    [
        # the rendering survived
        ("in Kiew", "in Kyiv", "in Kyiv", ["applied"]),
        # known wrong renderings are repaired
        ("in Kiew", "in Kiev", "in Kyiv", ["repaired"]),
        ("Selenskyj sagte", "Selenskyj said", "Zelensky said", ["repaired"]),
        ("in Peking", "in Peking", "in Beijing", ["repaired"]),
        ("Peking sagte", "Peking said", "Beijing said", ["repaired"]),
        # ... but only as a whole name: never inside a longer one
        ("an der Universität Peking", "at Peking University", "at Peking University", ["missed"]),
        ("Peking-Universität", "Peking University", "Peking University", ["missed"]),
        ("Sie aßen Hühnchen Kiew", "They ate Chicken Kiev", "They ate Chicken Kiev", ["missed"]),
        ("in der Ukraine", "in the Ukraine war", "in the Ukraine war", ["applied"]),
        # MT damage to the injected text is repaired
        (
            "der Spezialoperationskräfte",
            "of the special operations forces",
            "of the Special Operations Forces",
            ["repaired"],
        ),
        (
            "der Spezialoperationskräfte",
            "of the SpecialOperations-Forces",
            "of the Special Operations Forces",
            ["repaired"],
        ),
        (
            "das Dorf Nikolayevo-Daryino",
            "the village Nikolayevo Daryino",
            "the village Nikolayevo-Daryino",
            ["repaired"],
        ),
        (
            "laut Institute for the Study of War (ISW)",
            "according to Institute for the Study of War ( ISW )",
            "according to Institute for the Study of War (ISW)",
            ["repaired"],
        ),
        ("Fußsoldaten", "foot soldiers", "Foot soldiers", ["applied"]),
        ("in kiew", "in kyiv", "in Kyiv", ["repaired"]),
        # the German source form copied through untranslated
        (
            "der Spezialoperationskräfte",
            "the Spezialoperationskräfte",
            "the Special Operations Forces",
            ["repaired"],
        ),
        # dropped: reported, never silently
        ("in Kiew", "in the capital", "in the capital", ["missed"]),
        # counts: each occurrence needs its own rendering
        ("Kursk und Kursk", "Kursk and Kursk", "Kursk and Kursk", ["applied", "applied"]),
        ("Kursk und Kursk", "Kursk and it", "Kursk and it", ["applied", "missed"]),
        # a longer rendering is not also counted for a shorter one
        (
            "Kursk-Region und Kursk",
            "Kursk region and it",
            "Kursk region and it",
            ["applied", "missed"],
        ),
        # wrong renderings are repaired where the term is, never elsewhere in the sentence
        ("Kiew", "Kyiv and Kiev", "Kyiv and Kiev", ["applied"]),
        ("Kiew und Kiew", "Kyiv and Kiev", "Kyiv and Kyiv", ["applied", "repaired"]),
    ],
)
def test_finalize(source: str, output: str, final: str, statuses: list[str]) -> None:
    prepared = GLOSSARY.prepare(source)
    target, hits = GLOSSARY.finalize(prepared, output)
    assert target == final
    assert [h.status for h in hits] == statuses
    assert [h.source for h in hits] == [m.text for m in GLOSSARY.find(source)]


def test_hits_carry_entry_expected_and_category() -> None:
    _, hits = GLOSSARY.finalize(GLOSSARY.prepare("Die Spezialoperationskräften"), "x")
    (hit,) = hits
    assert (hit.entry, hit.source, hit.expected, hit.status, hit.category) == (
        "Spezialoperationskräfte",
        "Spezialoperationskräften",
        "Special Operations Forces",
        "missed",
        "unit",
    )


# -- through the pipeline ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    from translator import config

    return load_glossary(config.packaged_glossary())


def rendered(expected: str) -> re.Pattern[str]:
    """The rendering in either number (``number: both`` entries are credited in either)."""
    forms = {expected, singular(expected), plural(expected)}
    return re.compile("|".join(rendering_pattern(f, plural=True).pattern for f in forms))


def assert_report_complete(result: TranslationResult, glossary: Glossary) -> None:
    """Every matched term is reported once, with a status that is true of the output."""
    assert result.terms, "no term matched: nothing below would be checked"
    for p_index, paragraph in enumerate(result.paragraphs):
        for s_index, sentence in enumerate(paragraph.sentences):
            matches = glossary.find(sentence.source)
            assert [h.source for h in sentence.terms] == [m.text for m in matches]
            for hit in sentence.terms:
                assert (hit.paragraph, hit.sentence) == (p_index, s_index)
                assert hit.status in ("applied", "repaired", "missed", "suggested")
                present = rendered(hit.expected).search(sentence.target)
                if hit.status in ("applied", "repaired"):
                    assert present, (hit, sentence.target)


def test_seed_with_an_mt_like_double(seed_text: str, shipped: Glossary) -> None:
    engine = MangleEngine()
    result = Pipeline(engine, glossary=shipped).translate_text(seed_text)
    assert_report_complete(result, shipped)
    statuses = {t.status for t in result.terms}
    # the double damages and drops; "Granaten" (shells or grenades) is only suggested
    assert statuses == {"applied", "repaired", "missed", "suggested"}
    assert len(result.terms) >= 80
    missed = result.missed_terms
    for hit in missed:  # a missed term really is absent from its sentence
        sentence = result.paragraphs[hit.paragraph].sentences[hit.sentence]
        assert hit.expected not in sentence.target
    # consistency: the double's habits never reach the output
    for wrong in ("Kiev", "Selenskyj", "Pjöngjang"):
        assert wrong not in result.target


# Not "case" with "habit": a wrong rendering is repaired only in the case the entry states
# ("Kiev"), so the double's "kiev" (a habit, then lower-cased) is no longer guessed at.
@pytest.mark.parametrize(
    "modes", [("case",), ("punct",), ("habit",), ("case", "punct"), ("punct", "habit")]
)
def test_damage_short_of_dropping_is_always_repaired(
    seed_text: str, shipped: Glossary, modes: tuple[str, ...]
) -> None:
    result = Pipeline(MangleEngine(modes), glossary=shipped).translate_text(seed_text)
    assert_report_complete(result, shipped)
    assert result.missed_terms == []
    assert any(t.status == "repaired" for t in result.terms)


def test_dropped_terms_are_missed_and_strict_can_see_them(
    seed_text: str, shipped: Glossary
) -> None:
    result = Pipeline(MangleEngine(("drop",)), glossary=shipped).translate_text(seed_text)
    assert_report_complete(result, shipped)
    assert result.missed_terms


def test_seed_report_in_json(seed_text: str, shipped: Glossary) -> None:
    result = Pipeline(WordEngine(), glossary=shipped).translate_text(seed_text)
    data = result.to_dict()
    flat = [t for p in data["paragraphs"] for s in p["sentences"] for t in s["terms"]]
    assert flat == data["terms"] and len(flat) == len(result.terms) > 0
    assert {"entry", "source", "expected", "status", "category", "paragraph", "sentence"} <= set(
        flat[0]
    )
    assert result.signature["glossary"] == shipped.version


def test_glossary_version_changes_the_memory_namespace(shipped: Glossary) -> None:
    other = Glossary(shipped.entries[:-1])
    engine = WordEngine()
    assert (
        Pipeline(engine, glossary=shipped).memory_namespace()
        != Pipeline(engine, glossary=other).memory_namespace()
    )


# -- through the real MarianMT path ----------------------------------------------------------------


@pytest.mark.slow
def test_tiny_marian_path_reports_every_term(
    tiny_engine, seed_text: str, shipped: Glossary
) -> None:  # type: ignore[no-untyped-def]
    """The random tiny model's output is noise: assert that nothing crashes and the report is
    complete and true, not what the words are."""
    result = Pipeline(tiny_engine, glossary=shipped).translate_text(seed_text)
    assert_report_complete(result, shipped)
    assert len(result.terms) == sum(len(shipped.find(s.source)) for s in result.sentences) > 80


COPY_MODEL = Path(__file__).resolve().parent / "data" / "copy-marian" / "model.safetensors"


@pytest.mark.slow
@pytest.mark.skipif(not COPY_MODEL.is_file(), reason="copy-trained model not built yet")
def test_injected_renderings_survive_a_real_marian_model(
    request: pytest.FixtureRequest, seed_text: str, shipped: Glossary
) -> None:
    from translator.engine.marian import MarianEngine

    model_dir = request.getfixturevalue("copy_model_dir")
    engine = MarianEngine(str(model_dir), device="cpu", beam_size=1, local_files_only=True)
    result = Pipeline(engine, glossary=shipped).translate_text(seed_text)
    assert_report_complete(result, shipped)
    # The copy model was trained on German; the English it is given is foreign to it, and it
    # garbles some of it ("Rusiia", "woundeded"): most renderings survive as they are, and
    # verification + repair bring the rate to what a user gets.
    n = len(result.terms)
    assert sum(t.status == "applied" for t in result.terms) / n >= 0.7
    assert sum(t.status != "missed" for t in result.terms) / n >= 0.9, result.missed_terms


# -- properties ----------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from translator import config  # noqa: E402

SHIPPED = load_glossary(config.packaged_glossary())
FORMS = sorted({f for e in SHIPPED.entries for f in e.source_forms})
#: Forms of the entries whose rendering is injected (verify entries leave the German to the MT).
INJECTED = sorted(
    {f for e in SHIPPED.entries if enforce_mode(e) == "inject" for f in e.source_forms}
)
FILLER = ["und", "die", "der", "in", "mit", "Stadt", "sagte", ",", ".", "„", "“", "(", ")", "-"]


class CopyEngine:
    """Returns its input: whatever the glossary injected reaches the output unchanged."""

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return list(sentences)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(INJECTED) | st.sampled_from(FILLER), min_size=1, max_size=12))
def test_injected_renderings_that_survive_are_always_applied(words: list[str]) -> None:
    sentence = " ".join(words)
    prepared = SHIPPED.prepare(sentence)
    target, hits = SHIPPED.finalize(prepared, CopyEngine().translate_batch([prepared.text])[0])
    assert [h.source for h in hits] == [m.text for m in SHIPPED.find(sentence)]
    assert [h for h in hits if h.status != "applied"] == []


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(FORMS) | st.sampled_from(FILLER), min_size=1, max_size=12),
    st.sampled_from(MangleEngine.MODES),
)
def test_any_damage_gives_a_complete_true_report(words: list[str], mode: str) -> None:
    sentence = " ".join(words)
    prepared = SHIPPED.prepare(sentence)
    output = MangleEngine((mode,)).translate_batch([prepared.text])[0]
    target, hits = SHIPPED.finalize(prepared, output)
    assert [h.source for h in hits] == [m.text for m in SHIPPED.find(sentence)]
    # A title before a name is also right in its own lower case ("EU high representative ...
    # Anton Siluanov"): repairs never change a title's case.
    by_source = {e.source: e for e in SHIPPED.entries}
    wanted = {h.expected for h in hits} | {
        t
        for h in hits
        if h.category == "rank"
        for t in (by_source[h.entry].target, *(c.target for c in by_source[h.entry].context))
        if title_case(t) == h.expected
    }
    found = sum(len(rendered(t).findall(target)) for t in wanted)
    assert sum(h.status in ("applied", "repaired") for h in hits) <= found


@pytest.mark.parametrize(
    ("source", "output"),
    [
        # two entries with the same rendering: each occurrence is credited once
        ("Kommandeur und Befehlshaber", "commander and commander"),
        # a wrong rendering repeated: all fixed, each credited to one occurrence
        ("in Kiew und in Kiew", "in Kiev and in Kiev"),
        ("Waffenstillstand, Waffenruhe", "ceasefire, ceasefire"),
    ],
)
def test_shared_renderings_are_credited_once_each(source: str, output: str) -> None:
    target, hits = SHIPPED.finalize(SHIPPED.prepare(source), output)
    assert len(hits) == 2 and "missed" not in {h.status for h in hits}
    assert "Kiev" not in target


@pytest.mark.parametrize(
    ("source", "output", "final", "status"),
    [
        # misspelt copies with a word unknown in English are repaired ...
        ("nach Russland", "to Rusiia", "to Russia", "repaired"),
        ("Wladimir Putin sagte", "Kladimir Putin said", "Vladimir Putin said", "repaired"),
        (
            "sie erlitten schwere Verluste",
            "they suffered heavy losseses",
            "they suffered heavy losses",
            "repaired",
        ),
        # ... real English words are not, even when similar
        ("nach Russland", "to the Russian", "to the Russian", "missed"),
        ("die Russland", "the Russians", "the Russians", "missed"),
    ],
)
def test_near_misses(source: str, output: str, final: str, status: str) -> None:
    target, hits = SHIPPED.finalize(SHIPPED.prepare(source), output)
    assert (target, [h.status for h in hits]) == (final, [status])


MODES = Glossary.from_yaml(
    """
entries:
  - {source: Kiew, target: Kyiv, category: place, wrong: [Kiev]}
  - {source: Bürgerkrieg, target: civil war, category: term, enforce: verify}
  - {source: Rakete, target: missile, category: term, enforce: suggest, wrong: [rocket]}
"""
)


def test_verify_entries_are_not_injected_but_repaired() -> None:
    prepared = MODES.prepare("Der Bürgerkrieg in Kiew.")
    assert prepared.text == "Der Bürgerkrieg in Kyiv."  # only the inject entry is injected
    final, hits = MODES.finalize(prepared, "The Civil-war in Kyiv.")
    assert final == "The civil war in Kyiv."
    assert [(h.entry, h.status) for h in hits] == [("Bürgerkrieg", "repaired"), ("Kiew", "applied")]


@pytest.mark.parametrize(
    ("output", "status"),
    [("A missile hit the town.", "applied"), ("A rocket hit the town.", "suggested")],
)
def test_suggest_entries_are_never_changed_only_reported(output: str, status: str) -> None:
    prepared = MODES.prepare("Eine Rakete traf die Stadt.")
    assert prepared.text == "Eine Rakete traf die Stadt."
    final, hits = MODES.finalize(prepared, output)
    assert final == output  # "rocket" is listed as wrong, yet a suggest entry never repairs
    assert [(h.entry, h.status) for h in hits] == [("Rakete", status)]


def test_enforce_mode_round_trips_through_yaml() -> None:
    again = Glossary.from_yaml(MODES.to_yaml())
    assert [e.enforce for e in again.entries] == [None, "verify", "suggest"]
