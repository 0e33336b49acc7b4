"""German sentence splitting: the hard cases of news text, and that no character is lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator.text import segment
from translator.text.segment import collapse, join_sentences, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ordinals
        (
            "Ein Befehlshaber des 6. Regiments der Spezialoperationskräfte erklärte das.",
            ["Ein Befehlshaber des 6. Regiments der Spezialoperationskräfte erklärte das."],
        ),
        (
            "Das geschah am 31. Januar 2025 in Kursk. Dann kam der Winter.",
            ["Das geschah am 31. Januar 2025 in Kursk.", "Dann kam der Winter."],
        ),
        ("Das war am 20. März. Am 7. Mai kam er.", ["Das war am 20. März.", "Am 7. Mai kam er."]),
        ("Die Soldaten der 11. Armee kamen. Gut.", ["Die Soldaten der 11. Armee kamen.", "Gut."]),
        (
            "Es geschah am Mo. 31. Jan. 2025 in Kiew. Gut.",
            ["Es geschah am Mo. 31. Jan. 2025 in Kiew.", "Gut."],
        ),
        ("Artikel 3. Die Truppen sind hier.", ["Artikel 3.", "Die Truppen sind hier."]),
        ("Die Zahl lag bei 6. Danach stieg sie.", ["Die Zahl lag bei 6.", "Danach stieg sie."]),
        ("Am 6. Mai kamen sie.", ["Am 6. Mai kamen sie."]),
        # abbreviations
        ("Es gibt z. B. Drohnen. Sie fliegen.", ["Es gibt z. B. Drohnen.", "Sie fliegen."]),
        ("Das Haus Nr. 5 brannte. Niemand starb.", ["Das Haus Nr. 5 brannte.", "Niemand starb."]),
        (
            "Oberst a. D. Klaus Müller sagte das. Er lachte.",
            ["Oberst a. D. Klaus Müller sagte das.", "Er lachte."],
        ),
        (
            "Soldaten u. a. aus Nordkorea kamen. Sie kämpften.",
            ["Soldaten u. a. aus Nordkorea kamen.", "Sie kämpften."],
        ),
        (
            "Dr. Müller kam ca. 5 Minuten später bzw. gar nicht. Gut.",
            ["Dr. Müller kam ca. 5 Minuten später bzw. gar nicht.", "Gut."],
        ),
        ("Es kamen 3 Mio. Soldaten. Gut.", ["Es kamen 3 Mio. Soldaten.", "Gut."]),
        ("Laut Art. 5 des Vertrags gilt das. Gut.", ["Laut Art. 5 des Vertrags gilt das.", "Gut."]),
        # numbers with dots
        (
            "Rund 12.000 Soldaten wurden entsandt. Etwa 4.000 fielen.",
            ["Rund 12.000 Soldaten wurden entsandt.", "Etwa 4.000 fielen."],
        ),
        ("Am 31.01.2025 um 14.30 Uhr. Gut.", ["Am 31.01.2025 um 14.30 Uhr.", "Gut."]),
        # German quotes
        (
            "„Sie sind im besten Fall auf 1980 vorbereitet“, sagte er. Ein Soldat berichtete.",
            ["„Sie sind im besten Fall auf 1980 vorbereitet“, sagte er.", "Ein Soldat berichtete."],
        ),
        (
            "„Sind Sie bereit?“, fragte er. Niemand antwortete.",
            ["„Sind Sie bereit?“, fragte er.", "Niemand antwortete."],
        ),
        ("„Kommt!“, rief er. Sie kamen.", ["„Kommt!“, rief er.", "Sie kamen."]),
        ("Er sagte: „Wir gehen.“ Dann gingen sie.", ["Er sagte: „Wir gehen.“", "Dann gingen sie."]),
        (
            "Sie seien „alle jung, gut ausgebildet und zähe Kämpfer“, hieß es. Gut.",
            ["Sie seien „alle jung, gut ausgebildet und zähe Kämpfer“, hieß es.", "Gut."],
        ),
        # ellipsis
        (
            "„Wir sind immer noch in der Region Kursk… die russischen Streitkräfte waren nicht"
            " ausreichend“, sagte der Präsident.",
            [
                "„Wir sind immer noch in der Region Kursk… die russischen Streitkräfte waren nicht"
                " ausreichend“, sagte der Präsident."
            ],
        ),
        ("Wir sind in Kursk ... die Russen nicht.", ["Wir sind in Kursk ... die Russen nicht."]),
        (
            "Was nun? Keiner weiß es... Vielleicht morgen.",
            ["Was nun?", "Keiner weiß es...", "Vielleicht morgen."],
        ),
        # plain cases, whitespace
        ("Eins.  Zwei!\n\tDrei?", ["Eins.", "Zwei!", "Drei?"]),
        ("ohne Satzzeichen am Ende", ["ohne Satzzeichen am Ende"]),
        ("", []),
        (" \n\t ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_seed_paragraph_quotes_and_ordinal() -> None:
    paragraph = (
        "Ein Befehlshaber des 6. Regiments der Spezialoperationskräfte, der aus "
        "Sicherheitsgründen anonym bleiben wollte, erklärte, dass die nordkoreanischen Soldaten "
        "„alle jung, gut ausgebildet und zähe Kämpfer“ seien, jedoch zuvor nicht mit Drohnen in "
        "Konflikten konfrontiert wurden. „Sie sind im besten Fall auf die Kriegsrealität von 1980 "
        "vorbereitet“, sagte er. Ein anderer Soldat eines Bataillons berichtete, dass die "
        "Nordkoreaner gut schossen."
    )
    sentences = split_sentences(paragraph)
    assert [s[:20] for s in sentences] == [
        "Ein Befehlshaber des",
        "„Sie sind im besten ",
        "Ein anderer Soldat e",
    ]


def test_join_sentences() -> None:
    assert join_sentences([" Eins. ", "", "Zwei."]) == "Eins. Zwei."


_ALPHABET = st.sampled_from(
    list("aäbcDEÖßxyz019 .!?…,;:-–„“\"'()\n\t") + ["z. B.", "Nr.", " 6. ", "Dr.", "...", "\u00a0"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_no_character_is_lost(text: str) -> None:
    sentences = split_sentences(text)
    assert " ".join(sentences) == collapse(text)
    assert all(s and s == s.strip() for s in sentences)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_no_character_is_lost_arbitrary_unicode(text: str) -> None:
    assert " ".join(split_sentences(text)) == collapse(text)


def test_long_text_goes_through_in_windows() -> None:
    sentences = [
        "Die Truppen zogen sich am 6. Mai nach Verlusten zurück, berichten die Medien.",
        "„Wir sind immer noch in der Region Kursk… die Russen nicht“, sagte er.",
        "Oberst a. D. Müller sprach z. B. von rund 12.000 Soldaten.",
    ] * 40
    text = " ".join(sentences)
    assert len(text) > 4 * segment.WINDOW
    assert split_sentences(text) == sentences


@settings(max_examples=100, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_no_character_is_lost_with_tiny_windows(text: str) -> None:
    original = segment.WINDOW
    segment.WINDOW = 12  # many windows, sentences longer than a window
    try:
        sentences = split_sentences(text)
    finally:
        segment.WINDOW = original
    assert " ".join(sentences) == collapse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A numbered list item is one sentence, not "3." plus the rest.
        ("3. Die Truppen ziehen sich zurück.", ["3. Die Truppen ziehen sich zurück."]),
        ("1. Erster Punkt der Liste. 2. Zweiter Punkt.",
         ["1. Erster Punkt der Liste.", "2. Zweiter Punkt."]),
        ("(2) Die Truppen bleiben.", ["(2) Die Truppen bleiben."]),
        # A number, a period and a capitalised adverb or pronoun end a sentence.
        ("Das sagte er in Saal 3. Dort wurde gestern verhandelt.",
         ["Das sagte er in Saal 3.", "Dort wurde gestern verhandelt."]),
        ("Es geschah in Block 7. Ihre Einheit zog ab.",
         ["Es geschah in Block 7.", "Ihre Einheit zog ab."]),
        ("Er wohnt in Haus 12. Jetzt zieht er um.", ["Er wohnt in Haus 12.", "Jetzt zieht er um."]),
        # ... but not an ordinal before a noun or a month.
        ("Am 3. Februar kam das 6. Regiment.", ["Am 3. Februar kam das 6. Regiment."]),
    ],
)  # fmt: skip
def test_numbers_lists_and_sentence_ends(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_threads_splitting_at_once_get_their_own_sentences() -> None:
    """The server splits the texts of concurrent requests in their own threads: each must
    get its own text's sentences (pysbd's Segmenter keeps the text being split on itself, so
    one shared by threads handed sentences of one text to another: 268 of 2,560 wrong)."""
    import sys
    import threading

    from tests.conftest import SEED

    paragraphs = [p for p in SEED.read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
    texts = [
        " ".join(f"Meldung {n}-{i}: {s}" for i, s in enumerate(split_sentences(p)[:4]))
        for n, p in enumerate(paragraphs * (320 // len(paragraphs) + 1))
    ][:320]
    expected = [split_sentences(t) for t in texts]
    wrong: list[int] = []

    def split(k: int) -> None:
        for n in range(k, len(texts), 8):
            if split_sentences(texts[n]) != expected[n]:
                wrong.append(n)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often: many chances to interleave
    try:
        threads = [threading.Thread(target=split, args=(k,)) for k in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []
