"""Matching glossary terms in German source text (table-driven)."""

from __future__ import annotations

import pytest

from translator.glossary import Glossary

GLOSSARY = Glossary.from_yaml(
    """
entries:
  - {source: Spezialoperationskräfte, target: Special Operations Forces, category: unit}
  - {source: Regiment, target: regiment, category: unit}
  - {source: Nordkoreaner, target: North Koreans, category: term}
  - {source: nordkoreanische Truppen, target: North Korean troops, category: term}
  - {source: Truppen, target: troops, category: term}
  - {source: DPRK, target: DPRK, category: acronym}
  - {source: DPRK-Truppen, target: DPRK troops, category: term}
  - {source: Kursk, target: Kursk, category: place}
  - {source: Kursk-Region, target: Kursk region, category: place, forms: [Region Kursk]}
  - {source: Region, target: region, category: term}
  - {source: Massengroundangriffe, target: mass ground assaults, category: term}
  - {source: Ukrainian officials, target: Ukrainian officials, category: fragment}
  - {source: Pledges of Allegiance an, target: pledges of allegiance to, category: fragment}
  - {source: Pledges of Allegiance, target: pledges of allegiance, category: fragment}
  - {source: Kim Jong Un, target: Kim Jong Un, category: person}
  - {source: Institute for the Study of War (ISW), target: Institute for the Study of War (ISW),
     category: fragment}
  - {source: ISW, target: ISW, category: acronym}
  - {source: Russland, target: Russia, category: place}
  - {source: "C++ (Version 2.0)?", target: C++ 2.0, category: do-not-translate}
  - {source: "„Operation Z“", target: '"Operation Z"', category: fragment}
  - {source: "Kiew's", target: "Kyiv's", category: place, inflect: false}
  - {source: höchster Führer, target: supreme leader, category: term}
  - {source: Artikel 5, target: Article 5, category: term, inflect: false}
"""
)


def found(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.entry.source) for m in GLOSSARY.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # German inflection
        ("der Spezialoperationskräfte", [("Spezialoperationskräfte", "Spezialoperationskräfte")]),
        ("den Spezialoperationskräften", [("Spezialoperationskräften", "Spezialoperationskräfte")]),
        ("des 6. Regiments", [("Regiments", "Regiment")]),
        ("12.000 Nordkoreaner", [("Nordkoreaner", "Nordkoreaner")]),
        ("mit Nordkoreanern", [("Nordkoreanern", "Nordkoreaner")]),
        ("der nordkoreanischen Truppen", [("nordkoreanischen Truppen", "nordkoreanische Truppen")]),
        ("nordkoreanischer Truppen", [("nordkoreanischer Truppen", "nordkoreanische Truppen")]),
        ("den höchsten Führer", [("höchsten Führer", "höchster Führer")]),
        ("Russlands Truppen", [("Russlands", "Russland"), ("Truppen", "Truppen")]),
        # capitalised at the start of a sentence
        (
            "Nordkoreanische Truppen ziehen ab",
            [("Nordkoreanische Truppen", "nordkoreanische Truppen")],
        ),
        # hyphenated and hybrid compounds
        (
            "in Russlands Kursk-Region",
            [("Russlands", "Russland"), ("Kursk-Region", "Kursk-Region")],
        ),
        ("von DPRK-Truppen", [("DPRK-Truppen", "DPRK-Truppen")]),
        ("DPRK-Soldaten", [("DPRK", "DPRK")]),
        (
            "um Massengroundangriffe durchzuführen",
            [("Massengroundangriffe", "Massengroundangriffe")],
        ),
        ("in der Region Kursk", [("Region Kursk", "Kursk-Region")]),
        # English fragments inside German
        ("Ukrainian officials und westliche", [("Ukrainian officials", "Ukrainian officials")]),
        (
            "Pledges of Allegiance an Kim Jong Un, den",
            [
                ("Pledges of Allegiance an", "Pledges of Allegiance an"),
                ("Kim Jong Un", "Kim Jong Un"),
            ],
        ),
        ("die Pledges of Allegiance.", [("Pledges of Allegiance", "Pledges of Allegiance")]),
        (
            "Update der Institute for the Study of War (ISW) hat",
            [("Institute for the Study of War (ISW)", "Institute for the Study of War (ISW)")],
        ),
        (
            "der Institute for the Study of\nWar (ISW)",  # a line break inside the fragment
            [("Institute for the Study of\nWar (ISW)", "Institute for the Study of War (ISW)")],
        ),
        ("laut ISW.", [("ISW", "ISW")]),
        # word boundaries
        ("in der südlichen Grenzregion", []),
        ("die Regionen", [("Regionen", "Region")]),
        ("Truppenbewegungen", []),
        ("KURSKER", []),
        ("Artikel 50", []),
        ("nach Artikel 5.", [("Artikel 5", "Artikel 5")]),
        # regex metacharacters and quotes are literal
        ("mit C++ (Version 2.0)? heute", [("C++ (Version 2.0)?", "C++ (Version 2.0)?")]),
        ("mit C++ Version 2.0 heute", []),
        ("die „Operation Z“ begann", [("„Operation Z“", "„Operation Z“")]),
        ("Kiew’s Vororte", [("Kiew’s", "Kiew's")]),
        # no inflection for fragments / inflect: false
        ("Ukrainian officialsen", []),
    ],
)
def test_matches(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "winner"),
    [
        ("DPRK-Truppen", "DPRK-Truppen"),  # beats DPRK and Truppen
        ("Kursk-Region", "Kursk-Region"),  # beats Kursk and Region
        ("Institute for the Study of War (ISW)", "Institute for the Study of War (ISW)"),
        ("nordkoreanische Truppen", "nordkoreanische Truppen"),  # beats Truppen
    ],
)
def test_longest_match_wins(text: str, winner: str) -> None:
    candidates = {m.entry.source for m in GLOSSARY._matcher.candidates(text)}
    assert len(candidates) > 1, "the case must have overlapping candidates"
    assert [m.entry.source for m in GLOSSARY.find(text)] == [winner]


def test_spans_point_into_the_text() -> None:
    text = "Laut ISW haben DPRK-Truppen in der Region Kursk gekämpft."
    found = GLOSSARY.find(text)
    assert [m.text for m in found] == ["ISW", "DPRK-Truppen", "Region Kursk"]
    for m in found:
        assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("the Special Operations Forces said", ["Special Operations Forces"]),
        ("the special operations forces said", ["special operations forces"]),
        ("DPRK troops in the Kursk region", ["DPRK troops", "Kursk region"]),
        ("nothing here", []),
    ],
)
def test_find_renderings(english: str, expected: list[str]) -> None:
    assert [m.text for m in GLOSSARY.find_renderings(english)] == expected


@pytest.mark.parametrize(
    ("term", "sources"),
    [
        ("Spezialoperationskräften", ["Spezialoperationskräfte"]),
        ("Regiments", ["Regiment"]),
        ("Kim", ["Kim Jong Un"]),
        ("allegiance", ["Pledges of Allegiance an", "Pledges of Allegiance"]),
    ],
)
def test_lookup(term: str, sources: list[str]) -> None:
    assert [e.source for e, _ in GLOSSARY.lookup(term)] == sources
