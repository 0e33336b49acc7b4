"""The indexed matchers give exactly the results of trying every entry (the reference)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.glossary import (
    Entry,
    Glossary,
    GlossaryValidationError,
    dump_entries,
    load_glossary,
)
from translator.glossary.match import (
    Match,
    Matcher,
    ReferenceMatcher,
    contained_index,
    contained_renderings,
    mangled_pattern,
)
from translator.glossary.style import styled_targets

from .termbase import english_sentences, news_sentences, termbase

#: Words with the hard cases: inflectable nouns and adjectives, acronyms, hyphens, apostrophes,
#: regex metacharacters, leading punctuation, digits, ß/ẞ, dotless and dotted I, short words.
_WORDS = st.sampled_from(
    [
        "Truppen", "Truppe", "truppen", "Region", "Kursk", "DPRK", "nordkoreanische", "höchster",
        "Führer", "Kiew's", "Kiew’s", "C++", "(ISW)", "„Operation", "Z“", "Artikel", "5", "6.",
        "Straße", "STRASSE", "ẞtraße", "Weißes", "weißen", "Haus", "Ab", "e", "en", "s", "Ost",
        "Ost-West", "DPRK-Truppen", "über", "Über", "İzmir", "ıslak", "Isla", "ısla",
        "Regiment", "a.b",
        "Nordkoreaner", "Grenzregion", "der", "Dabei", "?", "Ö", "öl", "Σίσυφος", "σίσυφος",
        "-Region", "’s", "UN", "un", "Forces", "forces",
    ]
)  # fmt: skip
_ENDINGS = st.sampled_from(["", "", "", "e", "en", "em", "er", "ern", "es", "n", "s", "ns"])
_CATEGORIES = st.sampled_from(
    ["term", "person", "place", "organisation", "unit", "rank", "acronym", "fragment",
     "do-not-translate"]
)  # fmt: skip


@st.composite
def _form(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORDS, min_size=1, max_size=3))
    joiner = draw(st.sampled_from([" ", " ", "-"]))
    return joiner.join(words)


@st.composite
def _entry(draw: st.DrawFn) -> Entry:
    return Entry(
        source=draw(_form()),
        target=draw(_form()),
        category=draw(_CATEGORIES),
        forms=tuple(draw(st.lists(_form(), max_size=2))),
        inflect=draw(st.sampled_from([None, None, True, False])),
    )


@st.composite
def _text(draw: st.DrawFn, entries: list[Entry]) -> str:
    """Words of the entries' forms and renderings (inflected, compounded) and other words."""
    own = [w for e in entries for f in (*e.source_forms, e.target) for w in re.split(r"[\s-]", f)]
    words = st.sampled_from(own) | st.sampled_from(own) | _WORDS if own else _WORDS
    parts = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["", "", "", "", "Grenz", "x"]),
                words,
                _ENDINGS,
                st.sampled_from([" ", " ", "\n", "-", ", ", "", ". "]),
            ),
            max_size=12,
        )
    )
    # Some words lose an ending before taking another ("höchster" -> "höchsten").
    cuts = draw(st.lists(st.booleans(), min_size=len(parts), max_size=len(parts)))
    return "".join(
        a + (re.sub(r"(?:e|en|em|er|es|s)$", "", w) if cut else w) + e + s
        for (a, w, e, s), cut in zip(parts, cuts, strict=True)
    )


def _same(new: list[Match], old: list[Match]) -> None:
    assert [(m.entry, m.span, m.text, m.exact) for m in new] == [
        (m.entry, m.span, m.text, m.exact) for m in old
    ]


def _reference_renderings(glossary: Glossary) -> Callable[[str], list[Match]]:
    """`Glossary.find_renderings` as it was: every entry's mangled pattern, longest first
    (each rendering in the glossary's house style: "U.N. children's agency UNICEF")."""
    styled = styled_targets(glossary.entries, glossary.style)
    active = [
        e if st[0] == e.target else e.model_copy(update={"target": st[0]})
        for e, st in zip(glossary.entries, styled, strict=True)
    ]
    ordered = sorted(active, key=lambda e: len(e.target), reverse=True)
    patterns = [(entry, mangled_pattern(entry.target)) for entry in ordered]
    return lambda text: _renderings(patterns, text)


def _renderings(patterns: list[tuple[Entry, re.Pattern[str]]], text: str) -> list[Match]:
    found: list[Match] = []
    taken = bytearray(len(text))
    for entry, pattern in patterns:
        for m in pattern.finditer(text):
            if not any(taken[m.start() : m.end()]):
                exact = m.group(0) == entry.target
                found.append(Match(entry, m.start(), m.end(), m.group(0), exact))
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return sorted(found, key=lambda m: m.start)


@settings(max_examples=400, deadline=None)
@given(entries=st.lists(_entry(), min_size=1, max_size=12), data=st.data())
def test_matcher_equals_the_reference(entries: list[Entry], data: st.DataObject) -> None:
    texts = data.draw(st.lists(_text(entries), min_size=1, max_size=4))
    new, old = Matcher(tuple(entries)), ReferenceMatcher(tuple(entries))
    for text in texts:
        _same(new.candidates(text), old.candidates(text))
        _same(new.find(text), old.find(text))


@settings(max_examples=100, deadline=None)
@given(entries=st.lists(_entry(), min_size=1, max_size=12), data=st.data())
def test_find_renderings_equals_the_reference(entries: list[Entry], data: st.DataObject) -> None:
    texts = data.draw(st.lists(_text(entries), min_size=1, max_size=4))
    glossary = Glossary(entries)
    reference = _reference_renderings(glossary)
    for text in texts:
        _same(glossary.find_renderings(text), reference(text))


@pytest.mark.parametrize(
    ("targets", "text"),
    [
        (["Force"], "the Forcees"),  # plural -es
        (["Force"], "the FORCES"),
        (["Forces"], "one force"),  # plural -s dropped
        (["Kursk region"], "in the Kurskregion"),
        (["Kursk region"], "in the kursk-Region"),
        (["(ISW)", "„Operation Z“", "'Hail Mary'"], "says (ISW) of „Operation Z“ and ’Hail Mary’"),
        (["Diyarbakir", "UN", "EU"], "Dıyarbakır and DIYARBAKIRS, the un and the UN, eu, EU"),
        (["U.S. Army", "US"], "the u.s.army and U. S. Army, us and US"),
    ],
)
def test_find_renderings_examples_equal_the_reference(targets: list[str], text: str) -> None:
    entries = [Entry(source=f"Q{i}", target=t, category="term") for i, t in enumerate(targets)]
    glossary = Glossary(entries)
    expected = _reference_renderings(glossary)(text)
    assert expected, "the example must contain renderings"
    _same(glossary.find_renderings(text), expected)


@settings(max_examples=100, deadline=None)
@given(entries=st.lists(_entry(), min_size=1, max_size=12))
def test_contained_renderings_equals_searching_each(entries: list[Entry]) -> None:
    entries = [
        e.model_copy(update={"wrong": ("x",)}) if i % 2 else e
        for i, e in enumerate(entries)
    ]
    index = contained_index(tuple(entries))
    for entry in entries:
        expected = [
            i
            for i, other in enumerate(entries)
            if other.wrong
            and re.search(rf"(?<!\w){re.escape(other.target)}(?!\w)", entry.target)
        ]
        assert contained_renderings(entry.target, index) == expected


@pytest.fixture(scope="module")
def thousand() -> list[Entry]:
    return termbase(1000)


def test_generated_1k_termbase_matches_like_the_reference(thousand: list[Entry]) -> None:
    new, old = Matcher(tuple(thousand)), ReferenceMatcher(tuple(thousand))
    sentences = news_sentences(thousand, 300)
    matched = 0
    for text in sentences:
        found = new.find(text)
        _same(found, old.find(text))
        _same(new.candidates(text), old.candidates(text))
        matched += len(found)
    assert matched > 300  # the sentences really use the termbase


def test_generated_1k_termbase_renderings_like_the_reference(thousand: list[Entry]) -> None:
    glossary = Glossary(thousand)
    reference = _reference_renderings(glossary)
    found = 0
    for text in english_sentences(thousand, 100):
        result = glossary.find_renderings(text)
        _same(result, reference(text))
        found += len(result)
    assert found > 50


def test_only_entries_whose_word_occurs_are_tried(thousand: list[Entry]) -> None:
    matcher = Matcher(tuple(thousand))
    tried = matcher.entries_for("Die Truppen ziehen sich nach Verlusten zurück.")
    assert 0 < len(tried) < 20
    assert any(thousand[i].source == "Truppen" for i in tried)


# -- the stored (compiled) glossary ---------------------------------------------------------------


def _stored_files() -> list[Path]:
    from translator import config

    return sorted((config.cache_dir() / "glossary").glob("*.json"))


def test_a_large_glossary_is_stored_and_read_back_identically(
    tmp_path: Path, thousand: list[Entry]
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(dump_entries(thousand), encoding="utf-8")
    fresh = load_glossary(path, stored=False)
    assert _stored_files() == []
    first = load_glossary(path)
    [stored] = _stored_files()
    second = load_glossary(path)
    assert first.entries == second.entries == fresh.entries
    assert first.version == second.version == fresh.version
    assert second._matcher.index == fresh._matcher.index
    for text in news_sentences(thousand, 50):
        _same(second.find(text), fresh.find(text))
    # What is read is the stored copy: a change to it shows (it is keyed by the file's bytes).
    stored.write_text(stored.read_text().replace(fresh.digest, "changed-in-store", 1))
    assert load_glossary(path).digest == "changed-in-store"


def test_an_edited_or_damaged_glossary_is_never_read_from_a_stale_copy(
    tmp_path: Path, thousand: list[Entry]
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(dump_entries(thousand), encoding="utf-8")
    load_glossary(path)
    edited = [*thousand[:-1], thousand[-1].model_copy(update={"target": "edited rendering"})]
    path.write_text(dump_entries(edited), encoding="utf-8")
    assert load_glossary(path).entries[-1].target == "edited rendering"
    for stored in _stored_files():
        stored.write_text(stored.read_text()[:1000])  # truncated
    assert load_glossary(path).entries == tuple(edited)
    path.write_text(dump_entries(edited) + "- {source: x}\n", encoding="utf-8")
    with pytest.raises(GlossaryValidationError, match="missing required field 'target'"):
        load_glossary(path)


def test_a_stored_copy_changed_inside_is_not_read(tmp_path: Path, thousand: list[Entry]) -> None:
    # Stored entries are not validated again on reading: the header's hash of the rest of the
    # file stands for that. A copy whose entries were changed (still valid JSON) is ignored.
    path = tmp_path / "big.yaml"
    path.write_text(dump_entries(thousand), encoding="utf-8")
    load_glossary(path)
    [stored] = _stored_files()
    target = thousand[0].target
    text = stored.read_text()
    assert text.count(f'"target": "{target}"') >= 1
    stored.write_text(text.replace(f'"target": "{target}"', '"target": "tampered"', 1))
    assert load_glossary(path).entries == tuple(thousand)


def test_small_glossaries_are_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("entries:\n  - {source: Kiew, target: Kyiv, category: place}\n")
    assert len(load_glossary(path)) == 1
    assert _stored_files() == []
