"""Rebuilding paragraphs from PDF-extracted text: the seed, constructed PDF-like cases,
clean text left alone, and that no word is ever lost."""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import pdf_like
from translator.text.block import Block
from translator.text.layout import rebuild
from translator.text.normalise import join_soft_breaks, normalise

SEED_BLOCKS = [
    ("date", "31. Januar 2025"),
    ("title", "Nordkoreanische Truppen ziehen sich nach Verlusten zurück, berichten"),
    ("label", "Ukraine"),
    (
        "paragraph",
        "Nach Berichten über schwere Verluste haben nordkoreanische Truppen sich von den "
        "Frontlinien in Russlands Kursk-Region zurückgezogen. Erfahren Sie mehr über die "
        "aktuellen Entwicklungen und das Schicksal der Soldaten."
    ),
    (
        "paragraph",
        "In der ukrainischen Stadt Kiew berichten Militärbeamte, dass die nordkoreanischen "
        "Truppen seit mehreren Wochen nicht mehr an den Frontlinien in der russischen Region "
        "Kursk gesichtet wurden. Laut einer offiziellen Mitteilung der ukrainischen "
        "Streitkräfte könnte dies auf erhebliche Verluste dieser Truppen hinweisen."
    ),
    ("heading", "Rückzug der nordkoreanischen Truppen"),
    (
        "paragraph",
        "„Die Präsenz von DPRK-Truppen wurde seit etwa drei Wochen nicht mehr beobachtet, und"
        " sie wurden wahrscheinlich gezwungen, sich zurückzuziehen, nachdem sie schwere "
        "Verluste erlitten hatten“, erklärte Oberst Oleksandr Kindratenko, Sprecher der "
        "ukrainischen Spezialoperationskräfte, gegenüber CNN. Dies folgt Berichten, wonach "
        "einige nordkoreanische Einheiten von den Frontlinien zurückgezogen wurden, nachdem "
        "signifikante Verluste gemeldet wurden."
    ),
    ("heading", "Zahlen und Verluste"),
    (
        "paragraph",
        "Schätzungen zufolge wurden rund 12.000 nordkoreanische Soldaten nach Russland "
        "entsandt. Ukrainian officials und westliche Geheimdienste berichten, dass etwa 4.000"
        " dieser Soldaten getötet oder verwundet wurden. Nordkoreanische Truppen sind "
        "mindestens seit November in Kursk stationiert, um die ukrainischen Angriffe in der "
        "südlichen Grenzregion Russlands abzuwehren."
    ),
    ("heading", "Aktuelle Situation in Kursk"),
    (
        "paragraph",
        "„Wir sind immer noch in der Region Kursk… die russischen Streitkräfte waren nicht "
        "ausreichend, um uns zu vertreiben“, sagte der ukrainische Präsident Wolodymyr "
        "Selenskyj letzte Woche in einer Rede in Davos, Schweiz. Selenskyj wies darauf hin, "
        "dass sich 60.000 russische Soldaten und 12.000 Nordkoreaner in Kursk befanden. Zudem"
        " erwähnte er, dass ein Drittel der nordkoreanischen Truppen gefallen sei."
    ),
    ("heading", "Taktiken der nordkoreanischen Soldaten"),
    (
        "paragraph",
        "Frühere Berichte über die brutalen und teils selbstmörderischen Taktiken "
        "nordkoreanischer Soldaten schildern, dass diese in einigen Fällen Granaten detoniert"
        " haben, um nicht von ukrainischen Streitkräften gefangen genommen zu werden. Auch "
        "hatten sie auf dem Schlachtfeld Pledges of Allegiance an Kim Jong Un, den höchsten "
        "Führer Nordkoreas, verfasst."
    ),
    ("heading", "Training und Einsatz der nordkoreanischen Soldaten"),
    (
        "paragraph",
        "Ein Befehlshaber des 6. Regiments der Spezialoperationskräfte, der aus "
        "Sicherheitsgründen anonym bleiben wollte, erklärte, dass die nordkoreanischen "
        "Soldaten „alle jung, gut ausgebildet und zähe Kämpfer“ seien, jedoch zuvor nicht mit"
        " Drohnen in Konflikten konfrontiert wurden. „Sie sind im besten Fall auf die "
        "Kriegsrealität von 1980 vorbereitet“, sagte er. Ein anderer Soldat eines Bataillons "
        "berichtete, dass die Nordkoreaner beim Abschießen von Drohnen aus etwa 100 Metern "
        "Entfernung ein gutes Schießvermögen gezeigt hätten, was auf eine hohe "
        "Trainingsqualität in Nordkorea hindeutet."
    ),
    ("heading", "Aktuelle Entwicklungen in der Region"),
    (
        "paragraph",
        "Trotz der beträchtlichen Verluste in Kursk scheint Russland diese Truppen als "
        "Fußsoldaten einzusetzen, um Massengroundangriffe durchzuführen. Laut einem Update "
        "der Institute for the Study of War (ISW) hat die Ukraine kürzlich Fortschritte in "
        "der Region gemacht. Das russische Verteidigungsministerium gab jedoch bekannt, dass "
        "die russischen Streitkräfte in der vergangenen Woche das Dorf Nikolayevo-Daryino in "
        "der Region Kursk, an der Grenze zur Ukraine, zurückerobert hätten."
    ),
    ("heading", "Offizielle Bestätigung aus Moskau und Pjöngjang fehlt"),
    (
        "paragraph",
        "Weder Moskau noch Pjöngjang haben bislang offiziell die Anwesenheit nordkoreanischer"
        " Truppen in Russland bestätigt. Letztes Jahr, Monate vor der Entsendung der "
        "nordkoreanischen Soldaten, unterzeichneten Kim Jong Un und der russische Präsident "
        "Wladimir Putin ein umfassendes Verteidigungsabkommen und verpflichteten sich, alle "
        "verfügbaren Mittel zu nutzen, um im Falle eines Angriffs umgehend militärische "
        "Unterstützung zu leisten."
    ),
    ("heading", "Eine neue Ära der militärischen Zusammenarbeit"),
    (
        "paragraph",
        "Dieses Abkommen stellt die bedeutendste Vereinbarung dar, die Russland und Nordkorea"
        " seit Jahrzehnten unterzeichnet haben, und wird als Wiederbelebung des gegenseitigen"
        " Verteidigungsversprechens aus der Kalten Kriegszeit von 1961 angesehen."
    ),
    (
        "paragraph",
        "Dieser Bericht basiert auf Quellen von CNN, darunter Nick Paton Walsh, Rebecca "
        "Wright, Daria Tarasova-Markina, Brice Laine und Helen Regan."
    ),
]


def kinds_texts(text: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in rebuild(text)]


def test_seed_rebuilds_exactly(seed_text: str) -> None:
    assert kinds_texts(seed_text) == SEED_BLOCKS


def test_seed_as_cp1252_crlf_rebuilds_the_same(seed_text: str) -> None:
    # What a Windows tool would have saved: the same blocks after normalisation.
    from translator.text.decode import decode_bytes

    data = seed_text.replace("\n", "\r\n").encode("cp1252")
    assert kinds_texts(decode_bytes(data)) == SEED_BLOCKS


def _rewrap(width: int, separator: str) -> str:
    """The seed's blocks hard-wrapped again: body text at ``width``, headings (a larger
    font in a PDF) at two thirds of it."""
    parts = []
    for kind, text in SEED_BLOCKS:
        at = width if kind == "paragraph" else width * 2 // 3
        parts.append("\n".join(textwrap.wrap(text, at, break_on_hyphens=False)))
    return separator.join(parts)


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda s: re.sub(r"\n\s*\n+", "\n", s), id="no-blank-lines"),
        pytest.param(
            lambda s: "\n\n".join(line for line in s.split("\n") if line.strip()),
            id="double-spaced",
        ),
        pytest.param(lambda s: s.replace("\n\n\n\n", "\n\f"), id="form-feed-page-breaks"),
        pytest.param(lambda s: _rewrap(45, "\n\n"), id="rewrapped-45"),
        pytest.param(lambda s: _rewrap(45, "\n"), id="rewrapped-45-no-blank-lines"),
        pytest.param(lambda s: _rewrap(80, "\n\n"), id="rewrapped-80"),
        pytest.param(lambda s: _rewrap(72, "\n"), id="rewrapped-72-no-blank-lines"),
        pytest.param(lambda s: "\n\n".join(t for _, t in SEED_BLOCKS), id="clean-blank-lines"),
        pytest.param(lambda s: "\n".join(t for _, t in SEED_BLOCKS), id="clean-one-per-line"),
    ],
)
def test_seed_variants_rebuild_the_same(seed_text: str, variant: Callable[[str], str]) -> None:
    assert kinds_texts(variant(seed_text)) == SEED_BLOCKS


def test_block_is_frozen() -> None:
    block = Block("paragraph", "Text.")
    with pytest.raises(AttributeError):
        block.text = "other"  # type: ignore[misc]


PAGE_BREAK_UPPERCASE = """Schätzungen zufolge wurden rund 12.000 nordkoreanische Soldaten
nach Russland entsandt. Ukrainische Beamte und westliche Dienste
berichten, dass etwa 4.000 dieser Soldaten getötet oder verwundet
wurden. Die Präsenz der Truppen wurde seit etwa drei



Wochen nicht mehr beobachtet, sagte ein Sprecher am Freitag.
"""

HEADINGS_WITHOUT_BLANK_LINES = """Taktiken der nordkoreanischen Soldaten
Frühere Berichte über die brutalen und teils selbstmörderischen
Taktiken nordkoreanischer Soldaten schildern, dass diese in
einigen Fällen Granaten detoniert haben.
Training und Einsatz der nordkoreanischen
Soldaten
Ein Befehlshaber des 6. Regiments der Spezialoperationskräfte,
der anonym bleiben wollte, erklärte, dass die Soldaten jung seien.
Zahlen und Verluste
Schätzungen zufolge wurden rund 12.000 nordkoreanische Soldaten
nach Russland entsandt.
"""

LABEL_AND_WRAPPED_TITLE = """Ukraine-Krieg

Nordkoreanische Truppen ziehen sich
nach Verlusten zurück

Die Truppen sind nach schweren Verlusten von der Front in Kursk
abgezogen worden, sagen ukrainische Militärs. Das berichtet der
Sender am Freitag.

Eine neue Ära der militärischen
Zusammenarbeit

Das Abkommen stellt die bedeutendste Vereinbarung seit Jahren dar.
"""

QUOTE_CUT_BY_PAGE_BREAK = """„Die Präsenz von DPRK-Truppen wurde seit etwa drei Wochen



Nicht-Sichtungen bestätigen das“, sagte der Sprecher.
"""

CLEAN_BLANK_LINES = """Nordkoreanische Truppen ziehen sich zurück

Die Truppen sind nach schweren Verlusten von der Front in Kursk abgezogen worden, sagen \
ukrainische Militärs. Es gebe keine Sichtungen mehr.

Zahlen und Verluste

Rund 12.000 Soldaten wurden entsandt. Etwa 4.000 von ihnen wurden getötet oder verwundet.

Kurz.
"""

CLEAN_ONE_PER_LINE = """Nordkoreanische Truppen ziehen sich zurück
Die Truppen sind nach schweren Verlusten von der Front in Kursk abgezogen worden, sagen \
ukrainische Militärs. Es gebe keine Sichtungen mehr.
Zahlen und Verluste
Rund 12.000 Soldaten wurden entsandt. Etwa 4.000 von ihnen wurden getötet oder verwundet.
Kurz.
Noch ein Absatz.
"""

LEAD = (
    "Die Truppen sind nach schweren Verlusten von der Front in Kursk abgezogen worden, "
    "sagen ukrainische Militärs. Es gebe keine Sichtungen mehr."
)
FACTS = "Rund 12.000 Soldaten wurden entsandt. Etwa 4.000 von ihnen wurden getötet oder verwundet."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            PAGE_BREAK_UPPERCASE,
            [
                (
                    "paragraph",
                    "Schätzungen zufolge wurden rund 12.000 nordkoreanische Soldaten nach Russland "
                    "entsandt. Ukrainische Beamte und westliche Dienste berichten, dass etwa 4.000 "
                    "dieser Soldaten getötet oder verwundet wurden. Die Präsenz der Truppen wurde "
                    "seit etwa drei Wochen nicht mehr beobachtet, sagte ein Sprecher am Freitag.",
                )
            ],
            id="page-break-mid-sentence-next-uppercase",
        ),
        pytest.param(
            HEADINGS_WITHOUT_BLANK_LINES,
            [
                ("title", "Taktiken der nordkoreanischen Soldaten"),
                (
                    "paragraph",
                    "Frühere Berichte über die brutalen und teils selbstmörderischen Taktiken "
                    "nordkoreanischer Soldaten schildern, dass diese in einigen Fällen Granaten "
                    "detoniert haben.",
                ),
                ("heading", "Training und Einsatz der nordkoreanischen Soldaten"),
                (
                    "paragraph",
                    "Ein Befehlshaber des 6. Regiments der Spezialoperationskräfte, der anonym "
                    "bleiben wollte, erklärte, dass die Soldaten jung seien.",
                ),
                ("heading", "Zahlen und Verluste"),
                (
                    "paragraph",
                    "Schätzungen zufolge wurden rund 12.000 nordkoreanische Soldaten nach Russland "
                    "entsandt.",
                ),
            ],
            id="headings-directly-followed-by-their-paragraph",
        ),
        pytest.param(
            LABEL_AND_WRAPPED_TITLE,
            [
                ("label", "Ukraine-Krieg"),
                ("title", "Nordkoreanische Truppen ziehen sich nach Verlusten zurück"),
                (
                    "paragraph",
                    "Die Truppen sind nach schweren Verlusten von der Front in Kursk abgezogen "
                    "worden, sagen ukrainische Militärs. Das berichtet der Sender am Freitag.",
                ),
                ("heading", "Eine neue Ära der militärischen Zusammenarbeit"),
                ("paragraph", "Das Abkommen stellt die bedeutendste Vereinbarung seit Jahren dar."),
            ],
            id="label-wrapped-title-wrapped-heading",
        ),
        pytest.param(
            QUOTE_CUT_BY_PAGE_BREAK,
            [
                (
                    "paragraph",
                    "„Die Präsenz von DPRK-Truppen wurde seit etwa drei Wochen "
                    "Nicht-Sichtungen bestätigen das“, sagte der Sprecher.",
                )
            ],
            id="open-quote-continues-after-page-break",
        ),
        pytest.param(
            CLEAN_BLANK_LINES,
            [
                ("title", "Nordkoreanische Truppen ziehen sich zurück"),
                ("paragraph", LEAD),
                ("heading", "Zahlen und Verluste"),
                ("paragraph", FACTS),
                ("paragraph", "Kurz."),
            ],
            id="clean-blank-line-separated",
        ),
        pytest.param(
            CLEAN_ONE_PER_LINE,
            [
                ("title", "Nordkoreanische Truppen ziehen sich zurück"),
                ("paragraph", LEAD),
                ("heading", "Zahlen und Verluste"),
                ("paragraph", FACTS),
                ("paragraph", "Kurz."),
                ("paragraph", "Noch ein Absatz."),
            ],
            id="clean-one-paragraph-per-line",
        ),
        pytest.param(
            "Titel der Meldung\r\n\r\nErster Satz des Absatzes\r\nwird hier fortgesetzt.\r\n",
            [
                ("title", "Titel der Meldung"),
                ("paragraph", "Erster Satz des Absatzes wird hier fortgesetzt."),
            ],
            id="crlf",
        ),
        pytest.param(
            "Titel\r\rErster Satz.\rZweiter Satz.",
            [("title", "Titel"), ("paragraph", "Erster Satz."), ("paragraph", "Zweiter Satz.")],
            id="old-mac-cr",
        ),
        pytest.param(
            "Nordkoreanische Truppen ziehen sich zurück",
            [("title", "Nordkoreanische Truppen ziehen sich zurück")],
            id="single-line-without-final-punctuation",
        ),
        pytest.param(
            "die Truppen ziehen sich nach schweren Verlusten aus der Region zurück",
            [("paragraph", "die Truppen ziehen sich nach schweren Verlusten aus der Region zurück")],  # noqa: E501
            id="single-lowercase-line",
        ),
        pytest.param(
            "Russland greift an\n\nDie Truppen rücken vor.\n\nKiew verteidigt sich\n\n"
            "Die Armee hält stand.",
            [
                ("title", "Russland greift an"),
                ("paragraph", "Die Truppen rücken vor."),
                ("heading", "Kiew verteidigt sich"),
                ("paragraph", "Die Armee hält stand."),
            ],
            id="headings-ending-in-verb-particles",
        ),
        pytest.param("Ein Satz.", [("paragraph", "Ein Satz.")], id="single-sentence"),
        pytest.param("", [], id="empty"),
        pytest.param(" \n\n\t\n\u00a0\u200b", [], id="only-blank"),
        pytest.param(
            "Frühere Berichte über die brutalen Taktiken der Soldaten, die z. B.\n"
            "in einigen Fällen Granaten detoniert haben, schildern es. Die Leute des 6.\n"
            "Regiments schildern das ebenfalls, sagte der Sprecher am Freitag in\n"
            "einer Mitteilung.\n",
            [
                (
                    "paragraph",
                    "Frühere Berichte über die brutalen Taktiken der Soldaten, die z. B. in "
                    "einigen Fällen Granaten detoniert haben, schildern es. Die Leute des 6. "
                    "Regiments schildern das ebenfalls, sagte der Sprecher am Freitag in einer "
                    "Mitteilung.",
                )
            ],
            id="abbreviation-and-ordinal-at-line-end",
        ),
    ],
)
def test_rebuild_pdf_like_and_clean_text(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds_texts(text) == expected


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (("Das russische Verteidigungs-", "ministerium gab bekannt."), "Verteidigungsministerium"),
        (("Die Präsenz von DPRK-", "Truppen wurde beobachtet."), "DPRK-Truppen"),
        (("Das Dorf Nikolayevo-", "Daryino wurde erobert."), "Nikolayevo-Daryino"),
        (("Sie sind in der Kursk-", "Region stationiert."), "Kursk-Region"),
        (("Es waren NATO-", "geführte Einheiten."), "NATO-geführte"),
        (("Es sind 3-", "jährige Verträge."), "3-jährige"),
        (("Truppen aus Ost-", "und Westeuropa kamen."), "Ost- und Westeuropa"),
        (("Es kamen „Spezial-", "kräfte“ an."), "„Spezialkräfte“"),
        (("Sie sagten – wie immer -", "nichts dazu."), "immer - nichts"),
    ],
)
def test_line_end_hyphens(lines: tuple[str, str], joined: str) -> None:
    (block,) = rebuild("\n".join(lines))
    assert joined in block.text


def test_hyphenated_word_across_a_page_break() -> None:
    text = "Das russische Verteidigungs-\n\n\n\nministerium gab bekannt."
    expected = [("paragraph", "Das russische Verteidigungsministerium gab bekannt.")]
    assert kinds_texts(text) == expected


@pytest.mark.parametrize(
    "line",
    [
        "31. Januar 2025",
        "31.01.2025",
        "31.1.25",
        "Freitag, 31. Januar 2025",
        "Fr., 31. Jan. 2025",
        "2025-01-31",
        "Januar 2025",
        "31. Januar 2025, 14:30 Uhr",
        "Stand: 31.01.2025 14:30 Uhr",
        "Aktualisiert am 31.01.2025 um 14.30 Uhr MEZ",
        "Kiew, 31. Januar 2025",
        "Berlin/Kiew, 31.01.2025",
    ],
)
def test_date_lines(line: str) -> None:
    text = f"{line}\n\nTitel der Meldung\n\nDie Truppen sind abgezogen."
    assert kinds_texts(text) == [
        ("date", line),
        ("title", "Titel der Meldung"),
        ("paragraph", "Die Truppen sind abgezogen."),
    ]


@pytest.mark.parametrize(
    "line",
    ["Am 31. Januar 2025 zogen die Truppen ab.", "31 Soldaten", "2025 Soldaten kamen an."],
)
def test_not_date_lines(line: str) -> None:
    assert all(b.kind != "date" for b in rebuild(line))


# -- properties ------------------------------------------------------------------------------

def _chars(text: str) -> str:
    return re.sub(r"[\s-]", "", text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(pdf_like(), st.text(max_size=200)))
def test_no_character_is_lost(text: str) -> None:
    """Every non-space character of the input is in a block, in order (modulo line-end
    hyphens of rejoined words)."""
    blocks = rebuild(text)
    assert _chars("".join(b.text for b in blocks)) == _chars(join_soft_breaks(normalise(text)))
    assert all(b.text and b.text == " ".join(b.text.split()) for b in blocks)
    kinds = {"date", "label", "title", "heading", "paragraph", "list-item"}
    assert all(b.kind in kinds for b in blocks)


@settings(max_examples=200, deadline=None)
@given(pdf_like(hyphens=False))
def test_same_words_without_line_end_hyphens(text: str) -> None:
    words = Counter(" ".join(b.text for b in rebuild(text)).split())
    assert words == Counter(join_soft_breaks(normalise(text)).split())


@settings(max_examples=150, deadline=None)
@given(st.one_of(pdf_like(), st.text(max_size=200)))
def test_rebuilt_text_is_stable(text: str) -> None:
    """Rebuilt blocks written out as clean text (blank-line separated, or one per line)
    rebuild to the same blocks: clean text keeps its structure."""
    blocks = rebuild(text)
    texts = [b.text for b in blocks]
    assert rebuild("\n\n".join(texts)) == blocks
    assert rebuild("\n".join(texts)) == blocks


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in rebuild(text)]


def test_quoted_sentence_after_a_colon_is_its_own_paragraph() -> None:
    text = (
        "Oberst Kindratenko sagte gegenüber dem Sender am Freitagabend in einem\n"
        "längeren Gespräch über die aktuelle Lage an der Front und die Verluste Folgendes:\n"
        "\n"
        "„Die Präsenz von DPRK-Truppen wurde seit drei Wochen nicht mehr beobachtet.“\n"
        "\n"
        "Danach sprach er über die Zahlen der vergangenen Wochen.\n"
    )
    assert _kinds(text) == [
        ("paragraph", "Oberst Kindratenko sagte gegenüber dem Sender am Freitagabend in einem "
         "längeren Gespräch über die aktuelle Lage an der Front und die Verluste Folgendes:"),
        ("paragraph", "„Die Präsenz von DPRK-Truppen wurde seit drei Wochen nicht mehr "
         "beobachtet.“"),
        ("paragraph", "Danach sprach er über die Zahlen der vergangenen Wochen."),
    ]  # fmt: skip


def test_short_standalone_sentence_in_the_body_is_its_own_paragraph() -> None:
    text = (
        "In der ukrainischen Stadt Kiew berichten Militärbeamte, dass die\n"
        "nordkoreanischen Truppen seit mehreren Wochen nicht mehr an\n"
        "den Frontlinien in der russischen Region Kursk gesichtet wurden.\n"
        "\n"
        "Das ist neu.\n"
        "\n"
        "Laut einer offiziellen Mitteilung der ukrainischen Streitkräfte\n"
        "könnte dies auf erhebliche Verluste dieser Truppen hinweisen.\n"
    )
    for variant in (text, text.replace("\n", "\n\n")):  # as extracted, and double-spaced
        blocks = _kinds(variant)
        assert [k for k, _ in blocks] == ["paragraph", "paragraph", "paragraph"]
        assert blocks[1] == ("paragraph", "Das ist neu.")


def test_numbered_list_items_stay_items() -> None:
    text = "Die Armee nannte drei Gründe:\n\n1. Die Verluste.\n2. Der Winter.\n3. Die Drohnen.\n"
    assert _kinds(text) == [
        ("paragraph", "Die Armee nannte drei Gründe:"),
        ("list-item", "1. Die Verluste."),
        ("list-item", "2. Der Winter."),
        ("list-item", "3. Die Drohnen."),
    ]


def test_short_first_line_that_continues_is_not_a_heading() -> None:
    text = (
        "Nordkoreanische Soldaten haben\n"
        "Verluste erlitten, sagte ein Sprecher am Freitag in Kiew.\n"
        "\n"
        "Die Lage bleibt angespannt.\n"
    )
    assert _kinds(text) == [
        ("paragraph", "Nordkoreanische Soldaten haben Verluste erlitten, sagte ein Sprecher am "
         "Freitag in Kiew."),
        ("paragraph", "Die Lage bleibt angespannt."),
    ]  # fmt: skip


# -- lists, exercises, lists of pairs: a line each -------------------------------------------

SHOPPING = "Einkaufsliste für das Wochenende\n\n- Brot vom Bäcker\n- zwei Liter Milch\n- Kaffee\n"
EXERCISE = """Übung 3: Setzen Sie die richtige Form ein.
a) Der Hund ___ im Garten. (spielen)
b) Die Kinder ___ nach Hause. (gehen)
c) Wir ___ morgen nach Berlin. (fahren)
"""
REASONS = """Die Regierung nannte drei Gründe für den Schritt:
1. die hohen Energiepreise
2. die schwache Nachfrage aus China
Die Opposition kritisierte die Entscheidung scharf.
"""
VOCABULARY = "Vokabeln\nder Hund – the dog\ndie Katze – the cat\ndas Haus – the house\n"
WRAPPED_NUMBER = """Die Partei gewann nach Angaben der Wahlleitung erst im
2. Wahlgang die Mehrheit der Stimmen, wie am Montag bekannt wurde. Das
Ergebnis war knapp.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SHOPPING, [("title", "Einkaufsliste für das Wochenende"),
                    ("list-item", "- Brot vom Bäcker"), ("list-item", "- zwei Liter Milch"),
                    ("list-item", "- Kaffee")]),
        (EXERCISE, [("paragraph", "Übung 3: Setzen Sie die richtige Form ein."),
                    ("list-item", "a) Der Hund ___ im Garten. (spielen)"),
                    ("list-item", "b) Die Kinder ___ nach Hause. (gehen)"),
                    ("list-item", "c) Wir ___ morgen nach Berlin. (fahren)")]),
        (REASONS, [("paragraph", "Die Regierung nannte drei Gründe für den Schritt:"),
                   ("list-item", "1. die hohen Energiepreise"),
                   ("list-item", "2. die schwache Nachfrage aus China"),
                   ("paragraph", "Die Opposition kritisierte die Entscheidung scharf.")]),
        (VOCABULARY, [("title", "Vokabeln"), ("paragraph", "der Hund – the dog"),
                      ("paragraph", "die Katze – the cat"), ("paragraph", "das Haus – the house")]),
        (WRAPPED_NUMBER, [("paragraph", " ".join(WRAPPED_NUMBER.split()))]),
    ],
)  # fmt: skip
def test_list_items_exercises_and_pairs_keep_a_line_each(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds_texts(text) == expected


def test_an_exercise_line_is_one_sentence_with_its_bracketed_note() -> None:
    from translator.text.segment import split_sentences

    assert split_sentences("a) Der Hund ___ im Garten. (spielen)") == [
        "a) Der Hund ___ im Garten. (spielen)"
    ]
    assert split_sentences("Er kam. (dpa)") == ["Er kam. (dpa)"]
    assert split_sentences("Er kam. (Dann ging er.)") == ["Er kam.", "(Dann ging er.)"]


def test_prose_with_dashes_on_every_line_is_one_paragraph() -> None:
    text = (
        "Nach Angaben aus Berlin will die Regierung – so hieß es – Hilfen\n"
        "verlängern. Die Opposition lehnt das bisher ab – allen voran\n"
        "die Union – und fordert einen Neuanfang in der Wirtschaftspolitik\n"
        "– so ihr Sprecher am Montag in Berlin vor Journalisten.\n"
    )
    assert kinds_texts(text) == [("paragraph", " ".join(text.split()))]


def test_a_dash_at_a_wrapped_line_start_is_not_a_bullet() -> None:
    text = (
        "Die Regierung in Berlin will die Hilfen für die Industrie verlängern\n"
        "- so hieß es am Montag aus Kreisen der Koalition - und zugleich die\n"
        "Netzentgelte für große Verbraucher senken, sagte ein Sprecher.\n"
    )
    assert kinds_texts(text) == [("paragraph", " ".join(text.split()))]
